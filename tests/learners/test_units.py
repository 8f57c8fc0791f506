"""Unit tests of the learner domain: validation (SA ID, Luhn, email, typing), the HTML rows, shapes, the
scanned_portfolio fitting, progression arithmetic, the event catalogue."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from devstack.postgres import SCHEMA_DIR
from sidecar.learners import portfolios, progressions, rows_html, shapes, validation
from sidecar.learners.validation import learner_values, luhn_valid, sa_id_problem


# --- SA ID numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["9001015009086", "8506150123089", "0002290000088"])
def test_valid_sa_ids(number):
    assert sa_id_problem(number) is None


@pytest.mark.parametrize("number,problem", [
    ("9001015009087", "Invalid ID number checksum"),
    ("900101500908", "ID number must be 13 digits in format: YYMMDD + 7 digits"),
    ("90010150090860", "ID number must be 13 digits in format: YYMMDD + 7 digits"),
    ("9013015009086", "ID number must be 13 digits in format: YYMMDD + 7 digits"),   # month 13
    ("9001325009086", "ID number must be 13 digits in format: YYMMDD + 7 digits"),   # day 32
    ("9002305009086", "Invalid date in ID number"),                                   # 30 February
    ("0102290000000", "Invalid date in ID number"),                                   # 2001 is not a leap year
    ("90O1015009086", "ID number must be 13 digits in format: YYMMDD + 7 digits"),
    ("９００１０１５００９０８６", "ID number must be 13 digits in format: YYMMDD + 7 digits"),  # full-width digits
])
def test_invalid_sa_ids(number, problem):
    assert sa_id_problem(number) == problem


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    for digit in range(10):
        assert luhn_valid(f"900101500908{digit}") == (digit == 6)


def test_yy_below_50_is_this_century():
    assert sa_id_problem("4902290000000") == "Invalid date in ID number"      # 29 Feb 2049 does not exist
    assert sa_id_problem("4802290000004") is None                              # 2048 is a leap year
    assert sa_id_problem("5002290000000") == "Invalid date in ID number"      # 1950 is not
    assert sa_id_problem("5202290000006") is None                              # 1952 is


# --- typing and validation ---------------------------------------------------------------------------

def test_only_sent_fields_typed():
    values, errors = learner_values({
        "first_name": "  Ann \t\n Marie  ", "city_town_id": "2", "employer_id": "", "numeracy_level": "0",
        "employment_status": "Employed", "disability_status": "off", "placement_assessment_date": "2026-03-01",
        "suburb": "x", "scanned_portfolio": "y", "id_type": "sa_id", "action": "update_learner"})
    assert errors == {}
    assert values == {"first_name": "Ann Marie", "city_town_id": 2, "employer_id": None, "numeracy_level": None,
                      "employment_status": True, "disability_status": False,
                      "placement_assessment_date": datetime.date(2026, 3, 1)}


@pytest.mark.parametrize("address,ok", [
    ("a@example.test", True), ("first.last+tag@sub.example.co.za", True), ("O'Brien@example.test", True),
    ("a@b", False), ("a@@b.test", False), ("a b@c.test", False), (".a@b.test", False), ("a..b@c.test", False),
    ("a@-b.test", False), ("a@b..test", False), ("x" * 95 + "@b.test", False),
])
def test_email(address, ok):
    assert validation.email_valid(address) is ok


def test_lengths_follow_the_schema():
    lengths = {f.name: f.max_len for f in validation.FIELDS if f.max_len}
    repo = Path(__file__).resolve().parents[2]
    dump = repo.parent / "shared" / "reference" / "wecoza_db_schema_bu_jan_29.sql"
    if not dump.exists():                               # CI without ../shared: the project's subset of the dump
        dump = SCHEMA_DIR / "production_subset.sql"
    table = re.search(r"CREATE TABLE public\.learners \((.*?)\n\);", dump.read_text(), re.S).group(1)
    columns = dict(re.findall(r"\n    (\w+) character varying\((\d+)\)", table))
    for name, max_len in lengths.items():
        assert int(columns[name]) == max_len, name
    assert set(validation.COLUMNS) <= set(re.findall(r"\n    (\w+) ", table))      # no column that does not exist
    assert "suburb" not in validation.COLUMNS


def test_required_on_create():
    errors = {}
    validation.check_required_for_create({"first_name": "A"}, errors)
    assert errors == {"surname": "Surname is required", "sa_id_no": validation.ID_REQUIRED}
    errors = {}
    validation.check_required_for_create({"first_name": "A", "surname": "B", "passport_number": "AB1234"}, errors)
    assert errors == {}


# --- HTML rows ---------------------------------------------------------------------------------------

def test_row_template_byte_for_byte():
    row = rows_html.row("https://site.example", {
        "id": 12, "title": "Mr", "first_name": "John", "surname": "Smith", "gender": "Male", "race": "White",
        "tel_number": "0110000000", "email_address": "j@example.test", "city_town_name": "Testville",
        "employment_status": True})
    i16, i12 = " " * 16, " " * 12
    assert row == (
        "<tr>\n"
        f"{i16}<td>Mr. John Smith</td>\n{i16}<td>Smith</td>\n{i16}<td>Male</td>\n{i16}<td>White</td>\n"
        f"{i16}<td>0110000000</td>\n{i16}<td>j@example.test</td>\n{i16}<td>Testville</td>\n{i16}<td>Employed</td>\n"
        f'{i16}<td class="text-nowrap text-center"><div class="btn-group btn-group-sm" role="group">\n'
        f'{i16}<a href="https://site.example/app/view-learner/?learner_id=12" '
        'class="btn bg-discovery-subtle">View</a>\n'
        f'{i16}<a href="https://site.example/app/update-learners/?learner_id=12" '
        'class="btn bg-warning-subtle">Edit</a>\n'
        f'{i16}<button class="btn btn-sm bg-danger-subtle delete-learner-btn" data-id="12">Delete</button>\n'
        f"{i12}</div></td>\n{i12}</tr>")


@pytest.mark.parametrize("title,first,surname,expected", [
    ("Dr", "A", "B", "Dr. A B"), (None, "A", "B", "A B"), ("", "A", "B", "A B"), ("0", "A", "B", "A B"),
    (None, None, None, ""), ("Ms", None, None, "Ms."), (None, "", "Only", "Only"),
])
def test_full_name(title, first, surname, expected):
    assert rows_html.full_name(title, first, surname) == expected


def test_cells_encode_every_ampersand_and_angle_brackets_twice():
    assert rows_html.escape_cell("&lt;b&gt; & <i> \"q\" 'a'") == \
        "&amp;lt;b&amp;gt; &amp; &amp;lt;i&amp;gt; &quot;q&quot; &#039;a&#039;"
    assert rows_html.escape_cell(None) == ""


def test_no_rows():
    assert rows_html.rows("https://x", []) == ""


# --- shapes ------------------------------------------------------------------------------------------

def mapped_row(**overrides):
    row = {
        "id": 5, "title": "", "first_name": None, "second_name": "", "initials": None, "surname": None,
        "gender": None, "race": None, "sa_id_no": None, "passport_number": None, "tel_number": None,
        "alternative_tel_number": None, "email_address": None, "address_line_1": None, "address_line_2": None,
        "suburb": None, "city_town_id": None, "city_town_name": None, "province_region_id": None,
        "province_region_name": None, "postal_code": None, "highest_qualification": None,
        "assessment_status": None, "placement_assessment_date": None, "numeracy_level": None,
        "communication_level": None, "employment_status": None, "employer_id": None, "employer_name": None,
        "disability_status": None, "scanned_portfolio": "", "created_at": None, "updated_at": None}
    row.update(overrides)
    return row


def test_shape_of_an_empty_learner_does_not_crash():
    shaped = shapes.to_array(mapped_row())
    assert (shaped["firstName"], shaped["surname"], shaped["fullName"]) == ("", "", "")
    assert shaped["title"] is None and shaped["secondName"] is None and shaped["scannedPortfolio"] is None
    assert (shaped["employmentStatus"], shaped["disabilityStatus"]) == ("Unemployed", "No")
    assert list(shaped)[:7] == ["id", "title", "firstName", "secondName", "initials", "surname", "fullName"]


def test_raw_shape_coerces_like_php():
    shaped = shapes.raw_to_array(mapped_row(numeracy_level=3, highest_qualification=2, employment_status=True,
                                            disability_status=False, city_town_id=7, postal_code="0001"))
    assert (shaped["numeracyLevel"], shaped["highestQualification"], shaped["employmentStatus"],
            shaped["disabilityStatus"], shaped["cityTownId"], shaped["postalCode"], shaped["suburb"]) == \
        ("3", "2", "1", "", 7, "0001", None)


# --- portfolios --------------------------------------------------------------------------------------

def test_fit_paths():
    paths = [f"portfolios/portfolio_{i:024x}.pdf" for i in range(10)]          # 49 characters each
    fitted = portfolios.fit_paths(paths)
    assert len(fitted) <= 255 and fitted.split(", ") == paths[:5]
    assert portfolios.fit_paths([]) is None
    assert portfolios.fit_paths(["x" * 300, "short"]) is None                  # never a partial path
    assert portfolios.fit_paths(["a" * 255]) == "a" * 255


# --- progressions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("present,duration,expected", [
    (30.25, 120, 25.2), (0, 120, 0.0), (200, 120, 100.0), (10, None, 0.0), (10, 0, 0.0), (0.15, 1, 15.0),
    (1, 8, 12.5), (0.0125, 1, 1.3),
])
def test_progress_percentage(present, duration, expected):
    value = progressions.progress_percentage(present, duration)
    assert value == expected and isinstance(value, float)


def test_php_round_is_half_away_from_zero():
    assert progressions.php_round(0.125, 2) == 0.13
    assert progressions.php_round(2.5) == 3.0 and progressions.php_round(-2.5) == -3.0


def test_display_file_name():
    assert progressions.display_file_name("C:\\Users\\me\\My CV (final).pdf", "pdf") == "My CV (final).pdf"
    assert progressions.display_file_name("../../etc/passwd", "pdf") == "passwd"
    assert progressions.display_file_name("<script>.pdf", "pdf") == "script_.pdf"
    assert progressions.display_file_name("", "docx") == "portfolio.docx"
