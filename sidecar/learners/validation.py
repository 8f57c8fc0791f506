"""Learner input: which form fields map to which ``learners`` columns, how each is typed and
checked, and the field-level messages a caller gets back.

Only fields that are present in the request are returned (a partial update writes only
those). Text is stored as the user typed it, trimmed, with runs of whitespace collapsed as
``sanitize_text_field`` does; no WordPress magic-quote backslashes are added. Values are
never logged.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from psycopg2 import sql

from ..inputs import INT4_MAX, bool_or_none, collapse_blanks, parse_date, strict_int
from ..refusals import VALIDATION, Refusal

TEXT, EMAIL, SA_ID, PASSPORT, PHONE, DATE, REFERENCE, BOOLEAN, CHOICE = (
    "text", "email", "sa_id", "passport", "phone", "date", "reference", "boolean", "choice")


@dataclass(frozen=True)
class Field:
    name: str                 # form field name == learners column
    kind: str
    label: str
    max_len: int | None = None
    lookup: str | None = None  # for references: key into REFERENCE_LOOKUPS
    choices: tuple = ()


FIELDS = (
    Field("title", TEXT, "Title", 16),
    Field("first_name", TEXT, "First name", 50),
    Field("second_name", TEXT, "Second name", 255),
    Field("initials", TEXT, "Initials", 10),
    Field("surname", TEXT, "Surname", 50),
    Field("gender", TEXT, "Gender", 10),
    Field("race", TEXT, "Race", 20),
    Field("sa_id_no", SA_ID, "SA ID number", 20),
    Field("passport_number", PASSPORT, "Passport number", 20),
    Field("tel_number", PHONE, "Telephone number", 20),
    Field("alternative_tel_number", PHONE, "Alternative telephone number", 20),
    Field("email_address", EMAIL, "Email address", 100),
    Field("address_line_1", TEXT, "Address line 1", 100),
    Field("address_line_2", TEXT, "Address line 2", 100),
    Field("city_town_id", REFERENCE, "City/town", lookup="location"),
    Field("province_region_id", REFERENCE, "Province/region", lookup="location"),
    Field("postal_code", TEXT, "Postal code", 10),
    Field("highest_qualification", REFERENCE, "Highest qualification", lookup="qualification"),
    Field("assessment_status", CHOICE, "Assessment status", 20, choices=("Assessed", "Not Assessed")),
    Field("placement_assessment_date", DATE, "Placement assessment date"),
    Field("numeracy_level", REFERENCE, "Numeracy level", lookup="placement_level"),
    Field("communication_level", REFERENCE, "Communication level", lookup="placement_level"),
    Field("employment_status", BOOLEAN, "Employment status"),
    Field("employer_id", REFERENCE, "Employer", lookup="employer"),
    Field("disability_status", BOOLEAN, "Disability status"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
COLUMNS = tuple(f.name for f in FIELDS)

# (table, key column) that a reference field's id must exist in; SQL identifiers are fixed here.
REFERENCE_LOOKUPS = {
    "location": ("locations", "location_id"),
    "qualification": ("learner_qualifications", "id"),
    "placement_level": ("learner_placement_level", "placement_level_id"),
    "employer": ("employers", "employer_id"),
}

ID_REQUIRED = "You must provide either SA ID Number or Passport Number."

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SA_ID = re.compile(r"([0-9]{2})(0[1-9]|1[0-2])([0-2][0-9]|3[01])[0-9]{7}")
_PASSPORT = re.compile(r"[A-Za-z0-9]{6,12}")
_PHONE = re.compile(r"[0-9+() .\-]+")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
# the employment select's own words, besides PHP's boolean ones
_EMPLOYMENT_WORDS = {"employed": True, "unemployed": False}


class ValidationFailed(Exception):
    """Field-level problems: ``errors`` maps field name -> message (no values in it)."""

    def __init__(self, errors: dict):
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors

    @property
    def message(self) -> str:
        return summary(self.errors)

    @property
    def refusal(self) -> Refusal:
        return Refusal(VALIDATION, tuple(sorted(self.errors)), self.message)


def summary(errors: dict) -> str:
    return "Please correct the following: " + "; ".join(errors.values())


# --- single values -------------------------------------------------------------------------

def sa_id_problem(number: str) -> str | None:
    """The client-side rules of the capture form, enforced on the server: YYMMDD + 7 digits,
    a real birth date (YY < 50 is 20YY), and the Luhn checksum over all 13 digits."""
    match = _SA_ID.fullmatch(number)
    if not match:
        return "ID number must be 13 digits in format: YYMMDD + 7 digits"
    yy, month, day = (int(g) for g in match.groups())
    try:
        datetime.date(yy + (2000 if yy < 50 else 1900), month, day)
    except ValueError:
        return "Invalid date in ID number"
    if not luhn_valid(number):
        return "Invalid ID number checksum"
    return None


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def email_valid(address: str) -> bool:
    if address.count("@") != 1 or len(address) > 100:
        return False
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        return False
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253:
        return False
    return all(len(label) <= 63 and _EMAIL_LABEL.fullmatch(label) for label in labels)


def _parse_field(field: Field, raw):
    """Return (value, problem) for one submitted field."""
    if not isinstance(raw, str):
        return None, f"{field.label} must be a single value"
    text = collapse_blanks(raw)
    if _CONTROL.search(text):
        return None, f"{field.label} contains characters that are not allowed"
    if text == "":
        return None, None
    if field.kind in (TEXT, CHOICE, EMAIL, SA_ID, PASSPORT, PHONE) and ("<" in text or ">" in text):
        return None, f"{field.label} must not contain < or >"
    if field.max_len is not None and len(text) > field.max_len:
        return None, f"{field.label} must be at most {field.max_len} characters"
    kind = field.kind
    if kind == TEXT:
        return text, None
    if kind == CHOICE:
        if text not in field.choices:
            return None, f"{field.label} must be one of: {', '.join(field.choices)}"
        return text, None
    if kind == EMAIL:
        return (text, None) if email_valid(text) else (None, "Email address is not valid")
    if kind == SA_ID:
        problem = sa_id_problem(text)
        return (None, problem) if problem else (text, None)
    if kind == PASSPORT:
        if not _PASSPORT.fullmatch(text):
            return None, "Passport number must be 6-12 characters (letters and numbers only)"
        return text, None
    if kind == PHONE:
        if not _PHONE.fullmatch(text) or not any(c.isdigit() for c in text):
            return None, f"{field.label} may contain only digits, spaces and + ( ) - ."
        return text, None
    if kind == DATE:
        parsed = parse_date(text)
        return (parsed, None) if parsed else (None, f"{field.label} must be a valid date (YYYY-MM-DD)")
    if kind == REFERENCE:
        number = strict_int(text)
        if number == 0:
            return None, None  # the select's "choose one" option
        if number is None or number > INT4_MAX:
            return None, f"Please choose a valid {field.label.lower()}"
        return number, None
    if kind == BOOLEAN:
        reading = _EMPLOYMENT_WORDS.get(text.lower(), bool_or_none(text))
        return (None, f"{field.label} must be yes or no") if reading is None else (reading, None)
    raise AssertionError(kind)


# --- whole submissions ---------------------------------------------------------------------

def learner_values(params: dict) -> tuple[dict, dict]:
    """(column -> typed value, field -> problem) for the learner fields present in ``params``.

    Unknown fields (``id_type``, ``sponsors``, ``suburb``, ``scanned_portfolio`` …) are ignored:
    ``suburb`` is not a column, and ``scanned_portfolio`` is kept by the server."""
    values, errors = {}, {}
    for field in FIELDS:
        if field.name not in params:
            continue
        value, problem = _parse_field(field, params[field.name])
        if problem:
            errors[field.name] = problem
        else:
            values[field.name] = value
    return values, errors


def check_required_for_create(values: dict, errors: dict) -> None:
    for name, label in (("first_name", "First name"), ("surname", "Surname")):
        if name not in errors and not values.get(name):
            errors[name] = f"{label} is required"
    if "sa_id_no" not in errors and "passport_number" not in errors \
            and not values.get("sa_id_no") and not values.get("passport_number"):
        errors["sa_id_no"] = ID_REQUIRED


def check_required_for_update(values: dict, current: dict, errors: dict) -> None:
    """A sent name may not be emptied; the learner keeps an SA ID or a passport number."""
    for name, label in (("first_name", "First name"), ("surname", "Surname")):
        if name in values and not values[name] and name not in errors:
            errors[name] = f"{label} is required"
    if ("sa_id_no" in values or "passport_number" in values) \
            and "sa_id_no" not in errors and "passport_number" not in errors:
        merged = {**current, **values}
        if not merged.get("sa_id_no") and not merged.get("passport_number"):
            errors["sa_id_no"] = ID_REQUIRED


@dataclass(frozen=True)
class ReferenceChecks:
    """The references a learner's values name, checked in one statement: ``columns`` is one select-list
    column per reference (true when its id exists, the id bound from ``values``)."""

    names: tuple[str, ...]

    @property
    def columns(self) -> sql.Composable:
        return sql.SQL(", ").join(
            sql.SQL("EXISTS (SELECT 1 FROM {} WHERE {} = {}) AS {}").format(
                *map(sql.Identifier, REFERENCE_LOOKUPS[FIELDS_BY_NAME[name].lookup]),
                sql.Placeholder(name), sql.Identifier(_EXISTS + name))
            for name in self.names)

    def record(self, row: dict, errors: dict) -> None:
        """Every id that does not exist: a clear message instead of an FK error."""
        for name in self.names:
            if not row[_EXISTS + name]:
                errors[name] = f"Please choose a valid {FIELDS_BY_NAME[name].label.lower()}"


_EXISTS = "exists_"


def reference_checks(values: dict, errors: dict) -> ReferenceChecks:
    return ReferenceChecks(tuple(name for name, value in values.items()
                                 if FIELDS_BY_NAME[name].kind == REFERENCE and value is not None
                                 and name not in errors))


def check_references(cur, values: dict, errors: dict) -> None:
    """Every id a learner refers to must exist, all looked up in one statement."""
    checks = reference_checks(values, errors)
    if checks.names:
        cur.execute(sql.SQL("SELECT {}").format(checks.columns), values)
        checks.record(cur.fetchone(), errors)
