"""get_calendar_events' array built from a class row (pure; the end-to-end test is in test_classes_e2e)."""
from sidecar.classes import calendar
from sidecar.phpjson import php_json_encode


def row(schedule, stops=None):
    return {"class_id": 7, "class_code": "ALP-0302", "class_subject": "COMM", "class_duration": 120,
            "schedule_data": schedule, "stop_restart_dates": stops or []}


def test_session_exception_and_stop_events_have_the_reference_shape():
    schedule = {"version": "2.0", "pattern": "weekly", "startDate": "2026-03-02", "endDate": "2026-03-16",
                "timeData": {"mode": "per-day", "perDayTimes": {
                    "Monday": {"start_time": "09:00", "end_time": "11:00", "duration": "2.00"},
                    "Wednesday": {"start_time": "13:00", "end_time": "15:30", "duration": "2.50"}}},
                "selectedDays": ["Monday", "Wednesday"], "dayOfMonth": None,
                "exceptionDates": [{"date": "2026-03-04", "reason": "Client Cancelled"}], "holidayOverrides": []}
    stops = [{"stop_date": "2026-03-10", "restart_date": "2026-03-13"}]
    events = calendar.class_events(row(schedule, stops))
    encoded = [php_json_encode(e) for e in events]
    assert encoded[0] == (
        '{"id":"class_7_2026-03-02","title":"Monday: 09:00 - 11:00 (2.0h)","start":"2026-03-02T09:00",'
        '"end":"2026-03-02T11:00","classNames":["wecoza-class-event","text-primary"],"extendedProps":'
        '{"type":"class_session","classCode":"ALP-0302","classSubject":"COMM","notes":"","scheduleFormat":"v2.0",'
        '"dayOfWeek":"Monday","pattern":"weekly","timeMode":"per-day","duration":2}}')
    sessions = [e for e in events if e["extendedProps"]["type"] == "class_session"]
    # 4 March is an exception, 10-12 March stopped: Mon 2, Mon 9, Fri-less... Mon 16 only remain with Wed 4 out
    assert [e["start"] for e in sessions] == ["2026-03-02T09:00", "2026-03-09T09:00", "2026-03-16T09:00"]
    kinds = [e["extendedProps"]["type"] for e in events[len(sessions):]]
    assert kinds == ["exception", "stop_date", "restart_date", "stop_period", "stop_period"]
    exception = events[len(sessions)]
    assert php_json_encode(exception) == (
        '{"id":"exception_7_2026-03-04","title":"Exception - Client Cancelled","start":"2026-03-04","allDay":true,'
        '"display":"background","classNames":["wecoza-exception-event"],"extendedProps":{"type":"exception",'
        '"reason":"Client Cancelled","scheduleFormat":"v2.0"}}')
    stop = events[len(sessions) + 1]
    assert php_json_encode(stop) == (
        '{"id":"class_stop_7_0","title":"Class Stopped","start":"2026-03-10","allDay":true,"display":"block",'
        '"classNames":["text-danger","wecoza-stop"],"extendedProps":{"type":"stop_date","class_id":7,'
        '"description":"Class Stopped: 2026-03-10\\\\nClass: COMM","interactive":false}}')
    period = events[-1]
    assert period["id"] == "stop_period_7_0_2026-03-12"
    assert period["extendedProps"]["description"] == (
        "Class Stopped Period: 2026-03-12\\nClass: COMM\\nStopped from 2026-03-10 to 2026-03-13")


def test_half_hour_durations_and_single_time_titles():
    schedule = {"pattern": "weekly", "startDate": "2026-03-03", "endDate": "2026-03-03", "selectedDays": ["Tuesday"],
                "timeData": {"mode": "single", "single": {"startTime": "08:00", "endTime": "09:30", "duration": 1.5}}}
    (event,) = calendar.class_events(row(schedule))
    assert event["title"] == "08:00 - 09:30 (1.5h)"
    assert event["extendedProps"]["timeMode"] == "single" and event["extendedProps"]["duration"] == 1.5


def test_no_schedule_gives_no_invented_sessions():
    assert calendar.class_events(row([])) == []
    assert calendar.class_events(row({})) == []
