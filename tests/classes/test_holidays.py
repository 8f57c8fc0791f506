"""South African public holidays, computed (no services needed)."""
import datetime

import pytest

from sidecar.classes import holidays
from sidecar.phpjson import php_json_encode

D = datetime.date


def dates(year):
    return {h.date: h.name for h in holidays.holidays(year)}


def test_2024_includes_easter_holidays_and_the_sunday_rule():
    assert dates(2024) == {
        D(2024, 1, 1): "New Year's Day", D(2024, 3, 21): "Human Rights Day", D(2024, 3, 29): "Good Friday",
        D(2024, 4, 1): "Family Day", D(2024, 4, 27): "Freedom Day", D(2024, 5, 1): "Workers' Day",
        D(2024, 6, 16): "Youth Day", D(2024, 6, 17): "Youth Day (observed)",
        D(2024, 8, 9): "National Women's Day", D(2024, 9, 24): "Heritage Day",
        D(2024, 12, 16): "Day of Reconciliation", D(2024, 12, 25): "Christmas Day",
        D(2024, 12, 26): "Day of Goodwill",
    }


def test_2026():
    found = dates(2026)
    assert found[D(2026, 4, 3)] == "Good Friday"
    assert found[D(2026, 4, 6)] == "Family Day"
    assert found[D(2026, 8, 10)] == "National Women's Day (observed)"  # 9 August 2026 is a Sunday
    assert D(2026, 3, 23) not in found  # 21 March 2026 is a Saturday: no substitute
    assert len(found) == 13


def test_christmas_on_a_sunday_moves_the_substitute_past_the_day_of_goodwill():
    found = dates(2022)
    assert found[D(2022, 12, 26)] == "Day of Goodwill"
    assert found[D(2022, 12, 27)] == "Christmas Day (observed)"
    assert found[D(2022, 5, 2)] == "Workers' Day (observed)"
    assert dates(2016)[D(2016, 12, 27)] == "Christmas Day (observed)"


@pytest.mark.parametrize("year, easter", [(2019, D(2019, 4, 21)), (2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)),
                                          (2026, D(2026, 4, 5)), (2038, D(2038, 4, 25)), (1985, D(1985, 4, 7))])
def test_easter(year, easter):
    assert holidays.easter_sunday(year) == easter


def test_every_year_has_the_twelve_holidays_on_distinct_dates():
    for year in range(holidays.FIRST_YEAR, holidays.LAST_YEAR + 1):
        found = holidays.holidays(year)
        assert len({h.date for h in found}) == len(found)
        assert sum(h.name.count(" / ") + 1 for h in found if not h.observed) == 12
        for h in found:
            assert h.date.weekday() != 6 or not h.observed
            assert h.date.year == year or (h.observed and h.date == D(year + 1, 1, 1))


def test_fullcalendar_shape_is_the_reference_one():
    events = holidays.fullcalendar_events(2026)
    assert php_json_encode(events[0]) == (
        '{"id":"holiday_2026-01-01","title":"New Year\'s Day","start":"2026-01-01","allDay":true,'
        '"display":"background","classNames":["wecoza-public-holiday"],'
        '"extendedProps":{"type":"public_holiday","interactive":false}}')
    assert [e["start"] for e in events] == sorted(e["start"] for e in events)


def test_two_holidays_on_one_day_are_one_event():
    assert dates(2008)[D(2008, 3, 21)] == "Human Rights Day / Good Friday"
    assert len({e["id"] for e in holidays.fullcalendar_events(2008)}) == len(holidays.fullcalendar_events(2008))


def test_range_lookup_spans_years():
    found = holidays.holiday_dates(D(2025, 12, 20), D(2026, 1, 5))
    assert found == {D(2025, 12, 25): "Christmas Day", D(2025, 12, 26): "Day of Goodwill",
                     D(2026, 1, 1): "New Year's Day"}
