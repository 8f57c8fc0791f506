"""``POST /ajax/<action>`` and ``POST /form/<form>``: requests the shim forwards, signed. Plain routes
(``sidecar.web.plain``): the shim's hop is paid on every page request."""
from __future__ import annotations

from ..db import DatabaseUnavailable
from ..forms import run_form
from ..guard import run_action
from ..handling import Outcome
from ..replays import ReplayedRequest
from ..responses import Reply
from .plain import PlainRequest, PlainRoute
from .signed import incoming_from, refused_forward, replay_check_unavailable, signed_reply, verify_forwarded

POST = frozenset({"POST"})


def forwarded_action(services, request: PlainRequest, action: str) -> tuple[Outcome | None, Reply]:
    return answer_forwarded(services, request,
                            lambda incoming: run_action(services, services.registry.actions.get(action), incoming))


def forwarded_form(services, request: PlainRequest, form: str) -> tuple[Outcome | None, Reply]:
    return answer_forwarded(services, request,
                            lambda incoming: run_form(services, services.registry.forms.get(form), incoming))


def answer_forwarded(services, request: PlainRequest, run) -> tuple[Outcome | None, Reply]:
    request_of, claim, refusal = verify_forwarded(services, request, request.body())
    if refusal is not None:
        return None, refusal
    request.request_id = request_of.request_id  # verified: the shim's id, which its log shows too
    incoming = incoming_from(request_of)
    incoming.claim = claim
    try:
        outcome = run(incoming)
        if claim is not None:
            claim.settle()
    except ReplayedRequest as exc:
        return None, refused_forward(services, exc)
    except DatabaseUnavailable as exc:
        return None, replay_check_unavailable(request_of.request_id, exc)
    if claim is not None and claim.replayed:  # a handler that caught the refusal does not get to answer
        return None, refused_forward(services, ReplayedRequest())
    return outcome, signed_reply(services, outcome, request, request_of.request_id)


action_route = PlainRoute(forwarded_action, label="/ajax/<action>", methods=POST)
form_route = PlainRoute(forwarded_form, label="/form/<form>", methods=POST)
