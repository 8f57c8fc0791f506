"""One event catalogue for both domains: every event an action declares is in it, and emit refuses others."""
import pytest

from sidecar.actions import registry
from sidecar.classes import events as class_events
from sidecar.context import Unit
from sidecar.event_catalogue import CATALOGUE, UnknownEvent
from sidecar.learners import events as learner_events


def test_the_catalogue_is_both_domains_without_overlap():
    assert not set(class_events.EVENTS) & set(learner_events.EVENTS)
    assert CATALOGUE == {**class_events.EVENTS, **learner_events.EVENTS}
    for module in (class_events, learner_events):  # one style: a constant for every name, nothing else
        constants = {value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}
        assert constants == set(module.EVENTS), module.__name__


def test_the_actions_declare_exactly_the_catalogued_events():
    declared = {name for a in registry.actions.values() for name in a.events}
    declared |= {name for f in registry.forms.values() for name in f.events}
    assert declared == set(CATALOGUE)


def test_emit_refuses_an_event_outside_the_catalogue():
    unit = Unit(ctx=None)  # nothing is reached before the name is checked
    with pytest.raises(UnknownEvent, match="wecoza_learner_renamed"):
        unit.emit("wecoza_learner_renamed", {"learner_id": 1})
    assert unit.events == []
