"""What a handler gets: the parsed request, the caller, and a transaction that
records events and defers file moves until the commit has succeeded."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import outbox
from .db import DatabaseUnavailable
from .event_catalogue import require as require_event
from .phpform import scalar

log = logging.getLogger("wecoza.sidecar")


@dataclass
class ActionContext:
    services: object
    action: str
    request_id: str
    method: str
    get: dict
    post: dict
    files: dict
    user: object | None
    options: Mapping[str, str | None] = field(default_factory=dict)  # the action's, read with the caller
    inline_events: bool = True
    body_only: bool = False  # a write (POST only): its parameters come from the body, never from the URL
    reads_only: bool = False  # a declared read: its statements need no transaction of their own
    claim: object | None = None  # the request id's replay claim (replays.Claim), sent with the first statement
    events: list = field(default_factory=list)

    @property
    def params(self) -> dict:
        """``$_REQUEST``: POST over GET, as PHP's default request_order; the body alone for a write."""
        if self.body_only:
            return self.post
        merged = dict(self.get)
        merged.update(self.post)
        return merged

    def param(self, name: str, default=None):
        return scalar(self.params, name, default)

    def option(self, name: str, otherwise=None) -> str | None:
        """A WordPress option's raw value for this request: the value read with the caller when the action declares
        it (``Action.options``), else ``otherwise()``, by default read now (``get_option``)."""
        if name in self.options:
            return self.options[name]
        return otherwise() if otherwise is not None else self.services.wordpress.get_option(name)

    @property
    def user_id(self) -> int:
        return self.user.id if self.user else 0

    @property
    def pg(self):
        return self.services.postgres

    @property
    def config(self):
        return self.services.config

    @contextlib.contextmanager
    def transaction(self, reads_only: bool | None = None):
        """Yield a Unit: its cursor, ``emit`` for events, ``after_commit``/``on_failure`` for files.

        The request's replay claim goes with the first statement, in this transaction (see ``sidecar.replays``);
        a read sends each statement on its own (``Postgres.transaction``), so a read of one statement, claim
        included, is one round trip, and as a read writes nothing but its claim, its commit does not wait for the
        WAL flush. ``reads_only``: this block only reads, whatever the action declares (a POST-only download)."""
        unit = Unit(self)
        by_statement = self.reads_only if reads_only is None else reads_only
        held = self.claim.held_statements(alone=by_statement) if self.claim is not None else []
        try:
            with self.pg.transaction(held=held, statement_by_statement=by_statement) as cur:
                unit.cursor = cur
                yield unit
        except BaseException as exc:
            if held and (unit.cursor is None or not unit.cursor.sent):
                self.claim.unsent()  # failed before its first statement: the claim goes with the next one, if any
            if isinstance(exc, DatabaseUnavailable) and unit.cursor is not None and unit.cursor.committing:
                # the connection was lost after the COMMIT went out: the write may have committed, so its files
                # go into place (at worst a file no row names), never away from a row that may name them
                log.error("[WeCoza Core] request %s: commit outcome unknown (connection lost): files kept",
                          self.request_id)
                self._run_after_commit(unit)
                raise
            for undo in reversed(unit.failure_actions):
                try:
                    undo()
                except OSError:
                    log.exception("cleanup after a failed transaction failed")
            raise
        self.events.extend(unit.events)
        self._run_after_commit(unit)

    def _run_after_commit(self, unit) -> None:
        for action in unit.commit_actions:
            try:
                action()
            except OSError:
                log.exception("a step after commit failed (request %s)", self.request_id)


@dataclass
class Unit:
    ctx: ActionContext
    cursor: object = None
    events: list = field(default_factory=list)
    commit_actions: list = field(default_factory=list)
    failure_actions: list = field(default_factory=list)

    def emit(self, name: str, payload: dict):
        require_event(name)
        ctx = self.ctx
        wait = ctx.config.int("dispatch.delay") if ctx.inline_events else 0
        # nothing waits for the insert's answer: it travels with the next statement or the COMMIT
        event = outbox.record(Held(self.cursor), name, payload, ctx.user_id, wait)
        self.events.append(event)
        return event

    def after_commit(self, fn) -> None:
        self.commit_actions.append(fn)

    def on_failure(self, fn) -> None:
        self.failure_actions.append(fn)


class Held:
    """A cursor whose ``execute`` holds the statement for the next message (``FoldingCursor.hold``)."""

    def __init__(self, cursor):
        self.execute = cursor.hold
