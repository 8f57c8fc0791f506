"""The ``<tr>`` rows ``fetch_learners_data`` answers (learners-contract 2.2), byte for byte the
reference template: 8 text cells and a 9th with the View/Edit/Delete buttons.

Escaping, and why it is stricter than ``esc_html``: the list page parses these rows, reads
each cell with jQuery ``.text()`` (which decodes entities once) and pastes the result,
unescaped, into a template passed to ``.html()`` (contract section 7 #4). So a cell must be
such that its *decoded* text is still harmless markup-wise:

* ``&`` is always encoded (also when it already starts an entity, unlike ``esc_html``), so
  ``.text()`` gives back the literal stored text: ``&lt;img …&gt;`` typed by a user stays text;
* ``<`` and ``>`` are encoded twice (``&amp;lt;``), so ``.text()`` yields ``&lt;``, which the
  page's ``.html()`` shows as a literal ``<``; no decoded cell can ever contain a tag;
* quotes are encoded once, as ``esc_html`` does.
"""
from __future__ import annotations

_CELL_ESCAPES = {
    "&": "&amp;",
    "<": "&amp;lt;",
    ">": "&amp;gt;",
    '"': "&quot;",
    "'": "&#039;",
}
_ATTR_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}
_CELL_TABLE = str.maketrans(_CELL_ESCAPES)
_ATTR_TABLE = str.maketrans(_ATTR_ESCAPES)

_I16 = " " * 16
_I12 = " " * 12


def escape_cell(value) -> str:
    if value is None:
        return ""
    return str(value).translate(_CELL_TABLE)


def escape_attr(value) -> str:
    if value is None:
        return ""
    return str(value).translate(_ATTR_TABLE)


def php_truthy_text(value) -> bool:
    """PHP ``!empty($string)``: '' and '0' are empty."""
    return value not in (None, "", "0")


def full_name(title, first_name, surname) -> str:
    """``trim((title ? title.'. ' : '') . first . ' ' . surname)`` of the reference."""
    prefix = f"{title}. " if php_truthy_text(title) else ""
    return f"{prefix}{first_name or ''} {surname or ''}".strip(" \t\n\r\0\x0b")


def buttons(home: str, learner_id: int) -> str:
    view = escape_attr(f"{home}/app/view-learner/?learner_id={learner_id}")
    edit = escape_attr(f"{home}/app/update-learners/?learner_id={learner_id}")
    return (
        '<div class="btn-group btn-group-sm" role="group">\n'
        f'{_I16}<a href="{view}" class="btn bg-discovery-subtle">View</a>\n'
        f'{_I16}<a href="{edit}" class="btn bg-warning-subtle">Edit</a>\n'
        f'{_I16}<button class="btn btn-sm bg-danger-subtle delete-learner-btn" data-id="{int(learner_id)}">'
        'Delete</button>\n'
        f'{_I12}</div>'
    )


def row(home: str, learner: dict) -> str:
    cells = (
        full_name(learner.get("title"), learner.get("first_name"), learner.get("surname")),
        learner.get("surname"),
        learner.get("gender"),
        learner.get("race"),
        learner.get("tel_number"),
        learner.get("email_address"),
        learner.get("city_town_name"),
        "Employed" if learner.get("employment_status") else "Unemployed",
    )
    parts = ["<tr>\n"]
    for cell in cells:
        parts.append(f"{_I16}<td>{escape_cell(cell)}</td>\n")
    parts.append(f'{_I16}<td class="text-nowrap text-center">{buttons(home, learner["id"])}</td>\n')
    parts.append(f"{_I12}</tr>")
    return "".join(parts)


def rows(home: str, learners) -> str:
    return "".join(row(home, learner) for learner in learners)
