"""The request value readers both domains use (sidecar/inputs.py); the PHP readings checked against PHP."""
import datetime
import json

import pytest

from sidecar import inputs

from .php_oracle import php

SAMPLES = ["12", " 12abc", "\t\n 7", "+5", "-5", "0", "00", "", "abc", "1e3", "1.5", "9223372036854775808",
           "-9223372036854775809", "١٢", "９", "\u00a012", "0x1A", " +0012 ", "1 OR 1=1", "2147483648", "1.9e2x",
           " 1.5e3", ".5", "5.", "1e400", "-1e3", "1e-3", "12e", "1_000", "1e18", "1e19", "-1e19", "+.5e1",
           "1.99999999999999999999", "-0", "12 ", "\x0012"]
BOOLEANS = ["1", "0", "true", "TRUE", " Yes ", "yes", "on", "On", "off", "no", "false", "", "Y", "2", "employed",
            "\ttrue\n", "truee", "١"]


def php_readings(code: str, values: list[str]) -> list:
    out = php("$in = json_decode(stream_get_contents(STDIN), true);"
              f"foreach ($in as $v) {{ echo json_encode({code}), \"\\n\"; }}", json.dumps(values).encode())
    return [json.loads(line) for line in out.decode().splitlines()]


def test_php_intval_is_php_intval():
    assert [inputs.php_intval(v) for v in SAMPLES] == php_readings("intval($v)", SAMPLES)


def test_php_bool_and_bool_or_none_are_filter_validate_boolean():
    assert [inputs.php_bool(v) for v in BOOLEANS] == php_readings("filter_var($v, FILTER_VALIDATE_BOOLEAN)", BOOLEANS)
    assert [inputs.bool_or_none(v) for v in BOOLEANS] == php_readings(
        "filter_var($v, FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE)", BOOLEANS)


def test_arrays_and_missing_values_read_as_nothing():
    for reader, nothing in ((inputs.php_intval, 0), (inputs.intval_id, 0), (inputs.strict_id, None),
                            (inputs.strict_int, None), (inputs.php_bool, False), (inputs.bool_or_none, None),
                            (inputs.parse_date, None), (inputs.clean_line, ""), (inputs.clean_text, "")):
        for value in (None, {"0": "1"}, ["1"]):
            assert reader(value) == nothing, (reader.__name__, value)


def test_strict_ids_are_plain_digits_in_int4():
    assert inputs.strict_id("12") == 12 and inputs.strict_id(" 12 ") == 12 and inputs.strict_id(12) == 12
    assert inputs.strict_id("+12", signed=True) == 12 and inputs.strict_id("+12") is None
    for bad in ("", "0", "-1", "1.5", "1e3", "2147483648", "12abc", "1 OR 1=1", "١٢", "９", True, 0, 2**31):
        assert inputs.strict_id(bad) is None, bad
        assert inputs.strict_id(bad, signed=True) is None, bad
    assert inputs.strict_id("2147483647") == 2**31 - 1


def test_intval_ids_read_as_php_then_bounded_to_int4():
    assert inputs.intval_id(" 12abc") == 12 and inputs.intval_id("1 OR 1=1") == 1
    for bad in ("", "0", "-1", "abc", "2147483648", "١٢"):
        assert inputs.intval_id(bad) == 0, bad


def test_one_date_range_for_both_domains():
    assert inputs.parse_date(" 2026-02-28 ") == datetime.date(2026, 2, 28)
    assert inputs.parse_date("1900-01-01") and inputs.parse_date("2200-12-31")
    for bad in ("1899-12-31", "2201-01-01", "2026-02-30", "2026-2-3", "２０２６-01-01", "2026-01-01T00:00"):
        assert inputs.parse_date(bad) is None, bad
    assert inputs.parse_date(datetime.date(9999, 12, 31)) is None


def test_text_cleaning_keeps_what_was_typed():
    assert inputs.clean_line("  Deliver learner's  packs\n ") == "Deliver learner's packs"
    assert inputs.clean_line('He said "no" \\ <b>really</b><script>x</script>') == 'He said "no" \\ really'
    assert inputs.clean_line("a < b") == "a &lt; b"
    assert inputs.clean_line("abcdef", 3) == "abc"
    assert inputs.clean_text("line 1\r\n  line 2  \n\n<i>x</i>") == "line 1\nline 2\n\nx"
    assert inputs.collapse_blanks(" a \r\n\t b ") == "a b"


@pytest.mark.parametrize("module", ["sidecar.classes.form", "sidecar.classes.schedule", "sidecar.learners.validation",
                                    "sidecar.actions.learners", "sidecar.actions.qa", "sidecar.actions.classes"])
def test_no_domain_keeps_its_own_reader(module):
    """The readers this module replaced are gone from the domains (one place for each rule)."""
    loaded = __import__(module, fromlist=["_"])
    for name in ("parse_id", "parse_int", "_yes_no", "int_param", "YEARS"):
        assert not hasattr(loaded, name), (module, name)
    assert getattr(loaded, "parse_date", inputs.parse_date) is inputs.parse_date
    assert getattr(loaded, "php_bool", inputs.php_bool) is inputs.php_bool
