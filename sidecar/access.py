"""Who may do what: the one decision for actions, form posts, file uploads and private files.

Each caller answers a denial in its own shape (an action's declared ``Denials``, a form's message, a
bare status for the web server); what is checked, in which order, and what is counted is decided here.
"""
from __future__ import annotations

from dataclasses import dataclass

# What a denial is about; the caller picks its reply by it.
LOGGED_OUT = "logged_out"
UNAVAILABLE = "unavailable"  # WordPress's database did not answer: nobody is known, but nobody is logged out
CAPABILITY = "capability"
NONCE = "nonce"


@dataclass(frozen=True)
class Gate:
    """What a caller must have. ``key`` names it in ``[capabilities]`` (None: the capability is fixed);
    ``label`` names it in the metrics."""

    label: str
    capability: str | None
    key: str | None = None
    public: bool = False
    nonce: bool = False
    order: tuple[str, ...] = (CAPABILITY, NONCE)


@dataclass(frozen=True)
class Denial:
    check: str   # LOGGED_OUT, UNAVAILABLE, CAPABILITY or NONCE
    reason: str  # for the request's log line and the metrics


def decide(services, gate: Gate, auth, body_read: bool = True) -> Denial | None:
    """None when ``auth`` (wp_bridge's AuthResult) passes ``gate``. Before the body is read
    (``body_read=False``) only the login is judged: an anonymous request never costs a parse."""
    user = auth.user
    if user is None and not gate.public:
        if auth.reason == "db_error":
            return Denial(UNAVAILABLE, "db_error")
        return rejected(services, gate, LOGGED_OUT, auth.reason or "logged_out")
    if not body_read:
        return None
    capability = services.config.capability_for(gate.key, gate.capability) if gate.key else gate.capability
    for check in gate.order:
        if check == CAPABILITY and capability and not gate.public and not user.has_cap(capability):
            return rejected(services, gate, CAPABILITY, "capability")
        if check == NONCE and gate.nonce and not auth.nonce_ok:
            reason = auth.reason if auth.reason and "nonce" in auth.reason else "nonce_invalid"
            return rejected(services, gate, NONCE, reason)
    return None


def rejected(services, gate: Gate, check: str, reason: str) -> Denial:
    services.metrics.auth_rejected(gate.label, reason)
    return Denial(check, reason)


def action_gate(action) -> Gate:
    return Gate(label=action.name, capability=action.capability, key=action.name, public=action.public,
                nonce=action.nonce_actions is not None, order=action.denials.order)


def form_gate(form) -> Gate:
    return Gate(label=f"form:{form.form}", capability=form.capability, key=form.form, nonce=True)
