"""The ``<tr>`` rows ``fetch_learners_data`` answers (docs/contracts/learners.md#the-list-rows), byte for byte the
reference template: 8 text cells and a 9th with the View/Edit/Delete buttons.

Escaping, and why it is stricter than ``esc_html``: the list page parses these rows, reads
each cell with jQuery ``.text()`` (which decodes entities once) and pastes the result,
unescaped, into a template passed to ``.html()`` (docs/contracts/learners.md#why-list-cells-are-encoded-twice).
So a cell must be
such that its *decoded* text is still harmless markup-wise:

* ``&`` is always encoded (also when it already starts an entity, unlike ``esc_html``), so
  ``.text()`` gives back the literal stored text: ``&lt;img …&gt;`` typed by a user stays text;
* ``<`` and ``>`` are encoded twice (``&amp;lt;``), so ``.text()`` yields ``&lt;``, which the
  page's ``.html()`` shows as a literal ``<``; no decoded cell can ever contain a tag;
* quotes are encoded once, as ``esc_html`` does.
"""
from __future__ import annotations

_ATTR_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}
_ATTR_TABLE = str.maketrans(_ATTR_ESCAPES)

_I16 = " " * 16
_I12 = " " * 12


def escape_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    # chained replace is several times faster than str.translate for mostly-plain text; '&' goes first
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&amp;lt;")
    if ">" in text:
        text = text.replace(">", "&amp;gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "'" in text:
        text = text.replace("'", "&#039;")
    return text


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


def buttons(home_attr: str, learner_id: int) -> str:
    """The 9th cell's buttons; ``home_attr`` is the home URL already escaped for an attribute."""
    learner_id = int(learner_id)
    view = f"{home_attr}/app/view-learner/?learner_id={learner_id}"
    edit = f"{home_attr}/app/update-learners/?learner_id={learner_id}"
    return (
        '<div class="btn-group btn-group-sm" role="group">\n'
        f'{_I16}<a href="{view}" class="btn bg-discovery-subtle">View</a>\n'
        f'{_I16}<a href="{edit}" class="btn bg-warning-subtle">Edit</a>\n'
        f'{_I16}<button class="btn btn-sm bg-danger-subtle delete-learner-btn" data-id="{learner_id}">'
        'Delete</button>\n'
        f'{_I12}</div>'
    )


LIST_COLUMNS = ("id", "title", "first_name", "surname", "gender", "race", "tel_number", "email_address",
                "city_town_name", "employment_status")
_CELL_OPEN = f"{_I16}<td>"
_CELL_CLOSE = "</td>\n"
_BUTTONS_OPEN = f'{_I16}<td class="text-nowrap text-center">'


def row_from(home_attr: str, learner_id, title, first_name, surname, gender, race, tel_number, email_address,
             city_town_name, employment_status) -> str:
    """One ``<tr>``; the arguments after ``home_attr`` are ``LIST_COLUMNS`` in order."""
    esc = escape_cell
    return (
        "<tr>\n"
        f"{_CELL_OPEN}{esc(full_name(title, first_name, surname))}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(surname)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(gender)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(race)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(tel_number)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(email_address)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{esc(city_town_name)}{_CELL_CLOSE}"
        f"{_CELL_OPEN}{'Employed' if employment_status else 'Unemployed'}{_CELL_CLOSE}"
        f"{_BUTTONS_OPEN}{buttons(home_attr, learner_id)}{_CELL_CLOSE}"
        f"{_I12}</tr>"
    )


def row(home: str, learner: dict) -> str:
    return row_from(escape_attr(home), *(learner.get(c) for c in LIST_COLUMNS))


def rows(home: str, learners) -> str:
    """Rows for dicts (``LIST_COLUMNS`` keys) or tuples (``LIST_COLUMNS`` order)."""
    home_attr = escape_attr(home)
    out = []
    for learner in learners:
        if isinstance(learner, dict):
            learner = tuple(learner.get(c) for c in LIST_COLUMNS)
        out.append(row_from(home_attr, *learner))
    return "".join(out)
