"""Every domain event the sidecar may emit (name -> what its payload holds), from the learners' and the
classes' ``EVENTS``. ``Unit.emit`` refuses a name that is not here, so every event a listener can receive is
documented (docs/hooks.md is generated from this catalogue)."""
from __future__ import annotations

from .classes.events import EVENTS as CLASS_EVENTS
from .learners.events import EVENTS as LEARNER_EVENTS

CATALOGUE: dict[str, str] = {**LEARNER_EVENTS, **CLASS_EVENTS}


class UnknownEvent(ValueError):
    """An event name outside the catalogue: a programming error, refused before anything is written."""


def require(name: str) -> str:
    if name not in CATALOGUE:
        raise UnknownEvent(f"event {name!r} is not in the catalogue (sidecar/learners/events.py, "
                           f"sidecar/classes/events.py)")
    return name
