"""The class pages' recorded posts (``../shared/recordings``: class-capture, class-edit) read as the admin meant
them: the hidden template row each repeatable group posts last is not data, a real row's mistake is refused
with a message naming the row and the field, and the log's version of that message holds no submitted value."""
import datetime

import pytest

from sidecar.classes import form, qa
from sidecar.classes.form import FormInvalid
from sidecar.phpform import parse_body
from sidecar.refusals import VALIDATION
from devstack import recording

NOW = datetime.datetime(2027, 1, 10, 8, 0, 0)
RECORDED = {r["flow"]: r for r in recording.load() if r["action"] == "save_class"}


def recorded_fields(flow):
    assert flow in RECORDED, f"{flow} is not in ../shared/recordings/page-requests.json"
    return recording.fields_to_send(RECORDED[flow], nonce="nonce")


def posted(fields):
    """($_POST, $_FILES) of the fields sent as the page sends them (multipart, every part in order)."""
    return parse_body(*recording.encode("multipart/form-data", fields))


def before_template(fields, rows):
    """``fields`` with ``rows`` ([(name, value), …] per row) inserted before the group's template row,
    the group's last row (the group is named by the first field of the rows)."""
    first = rows[0][0][0]
    at = max(i for i, (name, _) in enumerate(fields) if name == first)
    return fields[:at] + [pair for row in rows for pair in row] + fields[at:]


def replaced(fields, name, value):
    """The last ``name`` field set to ``value`` (the template row's field of a group)."""
    at = max(i for i, (n, _) in enumerate(fields) if n == name)
    return fields[:at] + [(name, value)] + fields[at + 1:]


def test_class_capture_as_recorded():
    post, files = posted(recorded_fields("class-capture"))
    # the template rows as the page posts them: the backup agent and exception rows carry the start date
    assert post["backup_agent_ids"] == {0: ""} and post["backup_agent_dates"] == {0: "2027-02-03"}
    assert post["exception_dates"] == {0: "2027-02-03"} and post["exception_reasons"] == {0: ""}
    assert post["event_statuses"] == {0: "Pending", 1: "Pending"} and post["event_types"][1] == ""

    parsed = form.parse_class_form(post, now=NOW)
    values = parsed.values
    assert parsed.class_id is None
    schedule = values["schedule_data"]
    assert schedule["pattern"] == "weekly" and schedule["selectedDays"] == ["Wednesday"]
    assert schedule["timeData"] == {"mode": "per-day", "perDayTimes": {
        "Wednesday": {"start_time": "09:00", "end_time": "12:00", "duration": "3.00"}}}
    assert (schedule["startDate"], schedule["endDate"]) == ("2027-02-03", "2027-05-05")
    assert schedule["exceptionDates"] == []          # the template row would cancel the first session
    assert values["backup_agent_ids"] == []          # the template row with the start date in it
    assert values["event_dates"] == [{"type": "Deliveries", "description": "Deliver initial material (FAKE)",
                                      "date": "2027-02-01", "status": "Pending", "notes": ""}]
    assert values["stop_restart_dates"] == []
    assert values["learner_ids"] == [{"id": "9001", "name": "Testy T McTestface (FAKE)", "level": "",
                                      "status": "CIC - Currently in Class"}]
    assert values["exam_learners"] == []
    assert (values["initial_class_agent"], values["project_supervisor_id"]) == (1, 1)
    assert values["initial_agent_start_date"] == datetime.date(2027, 2, 3)
    assert values["original_start_date"] == datetime.date(2027, 2, 3)
    assert (values["client_id"], values["site_id"], values["class_code"]) == (9001, 9001, "FIC120421")
    assert qa.parse_visits(post, files) is None       # the capture page has no QA section


def test_class_edit_as_recorded():
    post, files = posted(recorded_fields("class-edit"))
    assert post["qa_visit_types"] == {0: "Initial QA Visit"} and post["qa_visit_dates"] == {0: ""}
    assert files == {}                               # the template's empty qa_reports[] part is no upload

    parsed = form.parse_class_form(post, now=NOW)
    values = parsed.values
    assert parsed.class_id == 9003
    schedule = values["schedule_data"]
    assert schedule["timeData"]["perDayTimes"] == {
        "Wednesday": {"start_time": "09:00", "end_time": "13:00", "duration": "4.00"}}
    assert schedule["endDate"] == "2027-04-07"       # the recomputed end date, not schedule_data[end_date]
    assert schedule["exceptionDates"] == []
    assert values["backup_agent_ids"] == [] and values["stop_restart_dates"] == []
    assert parsed.replacements == []
    assert [e["type"] for e in values["event_dates"]] == ["Deliveries"]
    assert [entry["id"] for entry in values["learner_ids"]] == ["9001", "9002"]
    assert "class_code" not in values and "exam_learners" not in values

    visits = qa.parse_visits(post, files)
    assert visits is not None and visits.explicit is False and visits.visits == []
    assert qa.uploaded_list(files, "qa_reports") == []


def test_the_template_rows_start_date_may_be_an_earlier_one():
    """The start date changed after the start-date handler ran: the template keeps the earlier date."""
    fields = replaced(replaced(recorded_fields("class-capture"), "backup_agent_dates[]", "2027-01-06"),
                      "exception_dates[]", "2027-01-06")
    values = form.parse_class_form(posted(fields)[0], now=NOW).values
    assert values["backup_agent_ids"] == [] and values["schedule_data"]["exceptionDates"] == []


def test_real_rows_before_the_templates_are_kept():
    fields = recorded_fields("class-capture")
    fields = before_template(fields, [[("backup_agent_ids[]", "7"), ("backup_agent_dates[]", "2027-02-03")],
                                      [("backup_agent_ids[]", "8"), ("backup_agent_dates[]", "")]])
    fields = before_template(fields, [[("exception_dates[]", "2027-02-10"), ("exception_reasons[]", "")],
                                      [("exception_dates[]", "2027-02-17"),
                                       ("exception_reasons[]", "Client Cancelled")]])
    fields = before_template(fields, [[("stop_dates[]", "2027-03-01"), ("restart_dates[]", "2027-03-15")]])
    values = form.parse_class_form(posted(fields)[0], now=NOW).values
    assert values["backup_agent_ids"] == [{"agent_id": 7, "date": "2027-02-03"}, {"agent_id": 8, "date": ""}]
    # an exception the admin added without a reason is still an exception
    assert values["schedule_data"]["exceptionDates"] == [{"date": "2027-02-10", "reason": "No reason specified"},
                                                         {"date": "2027-02-17", "reason": "Client Cancelled"}]
    assert values["stop_restart_dates"] == [{"stop_date": "2027-03-01", "restart_date": "2027-03-15"}]


def test_a_chosen_agent_in_the_last_row_is_kept():
    """A last row with its agent chosen is the admin's (a page without the template row, e.g. another client)."""
    fields = replaced(recorded_fields("class-capture"), "backup_agent_ids[]", "7")
    assert form.parse_class_form(posted(fields)[0], now=NOW).values["backup_agent_ids"] == [
        {"agent_id": 7, "date": "2027-02-03"}]


def test_qa_rows_before_the_template_are_visits():
    fields = before_template(recorded_fields("class-edit"), [[
        ("qa_visit_dates[]", "2027-03-03"), ("qa_visit_types[]", "Follow-up QA"), ("qa_officers[]", "Officer One")]])
    post, files = posted(fields)
    visits = qa.parse_visits(post, files).visits
    assert [(v.date, v.type, v.officer) for v in visits] == [(datetime.date(2027, 3, 3), "Follow-up QA", "Officer One")]


def refusal(fields):
    with pytest.raises(FormInvalid) as caught:
        form.parse_class_form(posted(fields)[0], now=NOW)
    return caught.value


@pytest.mark.parametrize("flow, rows, message, field", [
    ("class-capture", [[("backup_agent_ids[]", "7"), ("backup_agent_dates[]", "2027-02-03")],
                       [("backup_agent_ids[]", ""), ("backup_agent_dates[]", "2027-02-24")]],
     "Backup agent 2: a date was given without choosing the agent.", "backup_agent_ids"),
    ("class-capture", [[("event_types[]", ""), ("event_descriptions[]", "Collect packs"),
                        ("event_dates_input[]", "2027-03-01"), ("event_statuses[]", "Pending"), ("event_notes[]", "")]],
     "Event 2: choose the event type.", "event_types"),
    ("class-capture", [[("stop_dates[]", "2027-03-01"), ("restart_dates[]", "")]],
     "Class stop 1: give both the stop date and the restart date.", "restart_dates"),
    ("class-edit", [[("stop_dates[]", ""), ("restart_dates[]", "2027-03-15")]],
     "Class stop 1: give both the stop date and the restart date.", "stop_dates"),
    ("class-edit", [[("replacement_agent_ids[]", "4"), ("replacement_agent_dates[]", "")]],
     "Replacement agent 1: choose both the agent and the takeover date.", "replacement_agent_dates"),
    # agent 0 is no agent (PHP's empty("0")): stored, it was a row with a NULL agent
    ("class-edit", [[("replacement_agent_ids[]", "0"), ("replacement_agent_dates[]", "2027-03-01")]],
     "Replacement agent 1: choose both the agent and the takeover date.", "replacement_agent_ids"),
    ("class-capture", [[("backup_agent_ids[]", "0"), ("backup_agent_dates[]", "2027-02-03")]],
     "Backup agent 1: a date was given without choosing the agent.", "backup_agent_ids"),
    ("class-edit", [[("qa_visit_dates[]", ""), ("qa_visit_types[]", "Follow-up QA"),
                     ("qa_officers[]", "Officer One")]],
     "A QA visit date is not a valid date (YYYY-MM-DD).", "qa_visit_dates"),
])
def test_real_mistakes_are_refused_naming_the_field(flow, rows, message, field):
    fields = before_template(recorded_fields(flow), rows)
    with pytest.raises(FormInvalid) as caught:
        post, files = posted(fields)
        form.parse_class_form(post, now=NOW)
        qa.parse_visits(post, files)
    assert caught.value.message == message
    assert caught.value.refusal.kind == VALIDATION and caught.value.refusal.fields == (field,)


def test_the_logged_message_holds_no_submitted_value():
    fields = before_template(recorded_fields("class-capture"), [[
        ("event_types[]", "Zebra-Quokka-Event"), ("event_descriptions[]", ""), ("event_dates_input[]", ""),
        ("event_statuses[]", "Pending"), ("event_notes[]", "")]])
    problem = refusal(fields)
    assert "Zebra-Quokka-Event" in problem.message                  # the admin sees which event
    assert problem.refusal.message == "Event 2: the date is missing."
    assert problem.refusal.fields == ("event_dates_input",)

    problem = refusal(replaced(recorded_fields("class-capture"), "schedule_data[selected_days][0]", "Blursday"))
    assert "Blursday" in problem.message and "Blursday" not in problem.refusal.message
    assert problem.refusal.fields == ("schedule_days",)
