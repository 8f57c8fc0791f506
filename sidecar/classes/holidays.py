"""South African public holidays, computed (Public Holidays Act 36 of 1994).

Fixed dates, Good Friday and Family Day from the date of Easter, and the Act's rule that a
holiday falling on a Sunday makes the following Monday a public holiday. When that Monday is
itself a holiday (Christmas on a Sunday), the next free day is the substitute, as the
government proclaimed in 2016 and 2022. One-off holidays (election days, special
proclamations) are not predictable and are not included.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

FIRST_YEAR = 1995  # the Act's first full calendar year
LAST_YEAR = 2200

FIXED = (
    (1, 1, "New Year's Day"),
    (3, 21, "Human Rights Day"),
    (4, 27, "Freedom Day"),
    (5, 1, "Workers' Day"),
    (6, 16, "Youth Day"),
    (8, 9, "National Women's Day"),
    (9, 24, "Heritage Day"),
    (12, 16, "Day of Reconciliation"),
    (12, 25, "Christmas Day"),
    (12, 26, "Day of Goodwill"),
)


@dataclass(frozen=True)
class Holiday:
    date: datetime.date
    name: str
    observed: bool = False  # a Monday (or later) standing in for a Sunday holiday


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous algorithm, as in Meeus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@lru_cache(maxsize=512)
def holidays(year: int) -> tuple[Holiday, ...]:
    """Every public holiday of ``year``, substitutes included, in date order."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"no public holiday rules for {year}")
    easter = easter_sunday(year)
    found = [Holiday(datetime.date(year, m, d), name) for m, d, name in FIXED]
    found.append(Holiday(easter - datetime.timedelta(days=2), "Good Friday"))
    found.append(Holiday(easter + datetime.timedelta(days=1), "Family Day"))
    taken = {h.date for h in found}
    for holiday in sorted(found, key=lambda h: h.date):
        if holiday.date.weekday() != 6:
            continue
        substitute = holiday.date + datetime.timedelta(days=1)
        while substitute in taken:
            substitute += datetime.timedelta(days=1)
        taken.add(substitute)
        found.append(Holiday(substitute, f"{holiday.name} (observed)", observed=True))
    merged: dict[datetime.date, Holiday] = {}
    for holiday in sorted(found, key=lambda h: (h.date, h.observed)):
        if holiday.date in merged:  # e.g. Good Friday on Human Rights Day (2008): one day, both names
            first = merged[holiday.date]
            merged[holiday.date] = Holiday(first.date, f"{first.name} / {holiday.name}", first.observed)
        else:
            merged[holiday.date] = holiday
    return tuple(merged.values())


def holiday_dates(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """{date: name} for every holiday between two dates (inclusive); years without rules are skipped."""
    found: dict[datetime.date, str] = {}
    for year in range(max(first.year, FIRST_YEAR), min(last.year, LAST_YEAR) + 1):
        for holiday in holidays(year):
            if first <= holiday.date <= last:
                found.setdefault(holiday.date, holiday.name)
    return found


def fullcalendar_events(year: int) -> list[dict]:
    """The ``get_public_holidays`` array: FullCalendar background events."""
    return [
        {
            "id": f"holiday_{h.date.isoformat()}",
            "title": h.name,
            "start": h.date.isoformat(),
            "allDay": True,
            "display": "background",
            "classNames": ["wecoza-public-holiday"],
            "extendedProps": {"type": "public_holiday", "interactive": False},
        }
        for h in holidays(year)
    ]
