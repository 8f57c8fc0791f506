"""The operators' view of the registry: ``wecoza-sidecar actions`` and the tables of docs/admins.md (actions) and
docs/hooks.md (hooks)."""
from __future__ import annotations


def _rows(registry):
    for a in sorted(registry.actions.values(), key=lambda a: a.name):
        nonce = ", ".join(a.nonce_actions) if a.nonce_actions is not None else f"none ({a.nonce_note})"
        who = "anyone" if a.public else (a.capability or "logged in")
        yield a.name, "/".join(a.methods), who, nonce, a.response, a.summary
    for f in sorted(registry.forms.values(), key=lambda f: f.form):
        nonce = f"{f.nonce_action} (field {f.nonce_field})"
        yield f"form post: {f.form}", "POST", f.capability, nonce, "303 redirect", f.summary


HEADERS = ("action", "methods", "who", "nonce", "response", "what it does")


def action_table_text(registry) -> str:
    rows = [HEADERS] + list(_rows(registry))
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS) - 1)]
    lines = []
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    return "\n".join(lines)


def action_table_markdown(registry) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in _rows(registry):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


def event_catalogue() -> dict[str, str]:
    """Every domain event the sidecar emits (``sidecar.event_catalogue``)."""
    from .event_catalogue import CATALOGUE
    return dict(CATALOGUE)


def declared_emitters(registry) -> dict[str, list[str]]:
    """Each hook with the actions and form posts that declare it (``events=`` in sidecar/actions/)."""
    emitters: dict[str, list[str]] = {}
    for a in sorted(registry.actions.values(), key=lambda a: a.name):
        for name in a.events:
            emitters.setdefault(name, []).append(f"`{a.name}`")
    for f in sorted(registry.forms.values(), key=lambda f: f.form):
        for name in f.events:
            emitters.setdefault(name, []).append(f"form post `{f.form}`")
    return emitters


def hook_table_markdown(registry) -> str:
    emitters = declared_emitters(registry)
    lines = ["| hook | fired after | payload (one array argument) |", "|---|---|---|"]
    for name, description in sorted(event_catalogue().items()):
        escaped = description.replace("|", "\\|")
        lines.append(f"| `{name}` | {', '.join(emitters.get(name, ['-']))} | {escaped} |")
    return "\n".join(lines)
