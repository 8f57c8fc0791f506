"""``POST /ajax/<action>`` and ``POST /form/<form>``: requests the shim forwards, signed."""
from __future__ import annotations

from flask import Blueprint, g

from ..db import DatabaseUnavailable
from ..forms import run_form
from ..guard import run_action
from ..replays import ReplayedRequest
from . import services
from .signed import incoming_from, refused_forward, replay_check_unavailable, to_response, verify_forwarded

forwarded = Blueprint("forwarded", __name__)


@forwarded.post("/ajax/<action>")
def forwarded_action(action):
    return answer_forwarded(lambda s, incoming: run_action(s, s.registry.actions.get(action), incoming))


@forwarded.post("/form/<form>")
def forwarded_form(form):
    return answer_forwarded(lambda s, incoming: run_form(s, s.registry.forms.get(form), incoming))


def answer_forwarded(run):
    current = services()
    request_of, claim, refusal = verify_forwarded(current)
    if refusal is not None:
        return refusal
    g.request_id = request_of.request_id
    incoming = incoming_from(request_of)
    incoming.claim = claim
    try:
        outcome = run(current, incoming)
        if claim is not None:
            claim.settle()
    except ReplayedRequest as exc:
        return refused_forward(current, exc)
    except DatabaseUnavailable as exc:
        return replay_check_unavailable(request_of.request_id, exc)
    if claim is not None and claim.replayed:  # a handler that caught the refusal does not get to answer
        return refused_forward(current, ReplayedRequest())
    g.outcome = outcome
    return to_response(current, outcome, request_of.request_id)
