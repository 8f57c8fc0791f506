"""Work run at most once, whose outcome is kept for whoever asks: run early where there is time for it (beside a
database's answer, sidecar.guard), or when its result is first asked for."""
from __future__ import annotations


class Deferred:
    """``work()`` run once, by ``run()`` or ``result()``: its result, or the exception it raised (any BaseException:
    whoever ran it early carries on whatever the work did). An interruption (KeyboardInterrupt, SystemExit) is
    raised again by ``raise_interruption()``."""

    def __init__(self, work):
        self._work = work
        self.ran = False
        self._result = self._error = None

    def run(self) -> None:
        if self.ran:
            return
        self.ran = True
        try:
            self._result = self._work()
        except BaseException as exc:  # noqa: BLE001 - kept for the caller, who asked for the work
            self._error = exc

    def raise_interruption(self) -> None:
        if isinstance(self._error, (KeyboardInterrupt, SystemExit)):
            raise self._error

    def result(self):
        """The work's result, run now if nothing ran it; its exception is raised again here."""
        self.run()
        if self._error is not None:
            raise self._error
        return self._result
