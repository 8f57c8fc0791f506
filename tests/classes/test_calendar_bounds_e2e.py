"""Bounded calendars through admin-ajax.php (issue 14 point 7): a class whose stop period runs from 1900 to 2200,
stored directly in PostgreSQL, answers a small calendar to the list view (no start/end) and to the month view
(FullCalendar's start/end); save_class refuses such a stop period with a message naming the row."""
import pytest

from sidecar.classes.calendar import MAX_EVENTS
from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CALENDAR_NONCE = "wecoza_calendar_nonce"
CLASS_NONCE = "wecoza_class_nonce"
FOREVER = {"stop_date": "1900-01-01", "restart_date": "2200-12-31"}


def weekly(start, end, days=("Monday", "Wednesday")):
    return {"version": "2.0", "pattern": "weekly", "startDate": start, "endDate": end, "selectedDays": list(days),
            "timeData": {"mode": "per-day",
                         "perDayTimes": {d: {"start_time": "09:00", "end_time": "11:00"} for d in days}}}


def calendar(page, class_id, **window):
    response = page.post("get_calendar_events", {"class_id": str(class_id),
                                                 "nonce": page.nonce("admin", CALENDAR_NONCE), **window})
    assert response.status_code == 200, response.text
    events = response.json()
    assert isinstance(events, list), response.text
    return events, len(response.content)


def days_of(events, kind):
    return [e["start"][:10] for e in events if e["extendedProps"]["type"] == kind]


@pytest.fixture(scope="module")
def stopped_forever(made):
    return made.class_row(class_code="BOUND-FOREVER", schedule_data=weekly("2026-03-02", "2026-06-26"),
                          stop_restart_dates=[FOREVER])


def test_the_list_view_gets_the_stopped_days_of_the_class_only(page, stopped_forever):
    events, size = calendar(page, stopped_forever)
    stopped = days_of(events, "stop_period")
    assert stopped[0] == "2026-03-02" and stopped[-1] == "2026-06-26" and len(stopped) == 117
    assert days_of(events, "stop_date") == ["1900-01-01"] and days_of(events, "restart_date") == ["2200-12-31"]
    assert size < 50_000    # the reference answered 36 MB


def test_the_month_view_gets_the_days_it_shows(page, stopped_forever):
    # as the single-class page's FullCalendar posts them (../shared/recordings, single-class)
    events, _ = calendar(page, stopped_forever, start="2026-03-29T00:00:00+02:00", end="2026-05-10T00:00:00+02:00")
    assert {e["extendedProps"]["type"] for e in events} == {"stop_period"}
    assert days_of(events, "stop_period")[0] == "2026-03-29" and days_of(events, "stop_period")[-1] == "2026-05-10"
    events, _ = calendar(page, stopped_forever, start="2100-01-01T00:00:00+02:00", end="2100-02-12T00:00:00+02:00")
    assert events == []


def test_a_calendar_past_the_cap_answers_max_events(page, made):
    every_day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    class_id = made.class_row(class_code="BOUND-CAP", schedule_data=weekly("2026-01-05", "2035-12-31", every_day),
                              stop_restart_dates=[{"stop_date": "2027-01-01", "restart_date": "2027-02-01"}] * 5)
    events, size = calendar(page, class_id)
    assert len(events) == MAX_EVENTS and size < 1_000_000
    assert max(e["start"][:10] for e in events) < "2032-01-01"      # the earliest days are kept


def test_save_class_refuses_a_stop_period_longer_than_the_class_runs(page, db):
    fields = pages.capture_form(page.nonce("admin", CLASS_NONCE), code="BOUND-SAVE",
                                stops=[("2026-04-10", "2026-04-20"), ("2026-05-01", "2200-01-01")])
    before = db.count("classes")
    response = page.class_form(fields)
    assert response.status_code == 200
    assert response.json() == {"success": False, "data": "Class stop 2: the stop period is longer than the class runs."}
    assert db.count("classes") == before
