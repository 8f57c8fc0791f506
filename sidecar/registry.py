"""Every action the sidecar serves, declared once.

The shim's route list (``wp-plugin-shim/routes.json``), ``wecoza-sidecar actions`` and the
action table of docs/admins.md are all generated from these declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

from . import responses
from .responses import Reply

DEFAULT_CAPABILITY = "manage_learners"
# What an action may be called with; the guard refuses any other method. A write is POST only.
READS = ("GET", "POST")
WRITES = ("POST",)


@dataclass(frozen=True)
class Denials:
    """How an action answers each refusal (the shape its page reads, docs/contracts/).

    ``order`` is the order the reference checks in; ``logged_out`` is what a caller
    without a WordPress login gets (admin-ajax's ``0``/400, docs/contracts/admin-ajax.md#unknown-action, unless
    the page expects otherwise).
    """

    capability: Reply
    nonce: Reply
    logged_out: Reply = responses.UNKNOWN_ACTION
    order: tuple[str, ...] = ("capability", "nonce")
    generic: Callable[[str], Reply] = lambda msg: responses.message_error(msg, 500)


# The MVC controllers' BaseController::sendError shapes.
MVC_DENIALS = Denials(
    capability=responses.message_error("Insufficient permissions.", 403),
    nonce=responses.message_error("Invalid security token.", 403),
)

@dataclass(frozen=True)
class Action:
    name: str
    handler: Callable
    summary: str
    nonce_actions: tuple[str, ...] | None
    nonce_note: str = ""
    nonce_field: str = "nonce"
    capability: str | None = DEFAULT_CAPABILITY
    public: bool = False
    methods: tuple[str, ...] = ()  # READS or WRITES, always declared
    response: str = "envelope"
    denials: Denials = MVC_DENIALS
    filter: tuple[str, str] | None = None
    events: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # WordPress options the handler reads (ctx.option): read with the caller

    def __post_init__(self):
        if self.nonce_actions is None and not self.nonce_note:
            raise ValueError(f"{self.name}: an action without a nonce must say why")
        if self.methods not in (READS, WRITES):
            raise ValueError(f"{self.name}: declare methods=READS or methods=WRITES")
        if self.events and self.methods != WRITES:
            raise ValueError(f"{self.name}: an action that emits events writes: methods=WRITES")
        if self.response not in ("envelope", "array", "csv", "html"):
            raise ValueError(f"{self.name}: unknown response style {self.response}")


@dataclass(frozen=True)
class FormPost:
    """A page that POSTs to itself; the shim recognises it by its nonce field."""

    form: str
    nonce_field: str
    nonce_action: str
    handler: Callable
    summary: str
    capability: str = DEFAULT_CAPABILITY
    events: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # as Action.options


@dataclass
class Registry:
    actions: dict[str, Action] = field(default_factory=dict)
    forms: dict[str, FormPost] = field(default_factory=dict)

    def action(self, name: str, **declaration):
        def decorate(handler):
            if name in self.actions:
                raise ValueError(f"action {name} declared twice")
            self.actions[name] = Action(name=name, handler=handler, **declaration)
            return handler
        return decorate

    def form(self, form: str, **declaration):
        def decorate(handler):
            if form in self.forms:
                raise ValueError(f"form {form} declared twice")
            self.forms[form] = FormPost(form=form, handler=handler, **declaration)
            return handler
        return decorate

    def routes(self, version: str) -> dict:
        """The shim's route list."""
        return {
            "sidecar_version": version,
            "actions": [
                {
                    "action": a.name,
                    "methods": list(a.methods),
                    "public": a.public,
                    "capability": a.capability,
                    "nonce_actions": list(a.nonce_actions or ()),
                    "response": a.response,
                }
                for a in sorted(self.actions.values(), key=lambda a: a.name)
            ],
            "forms": [
                {"form": f.form, "nonce_field": f.nonce_field}
                for f in sorted(self.forms.values(), key=lambda f: f.form)
            ],
        }


registry = Registry()
