"""The class capture and edit page in a real browser: the admin fills the schedule, an event, a learner and the
agents and clicks the page's own button; the class row holds exactly what was entered (no phantom rows from the
hidden templates the page posts)."""
import datetime
import uuid

import pytest

from .conftest import CLASS_CODE_PREFIX, make_learner

START, END = "2027-02-03", "2027-05-05"
WEDNESDAY = {"start_time": "09:00", "end_time": "12:00", "duration": "3.00"}


def save_class_posts(page):
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and "admin-ajax.php" in r.url else None)
    return sent


def field(page, name):
    return page.locator(f'#classes-form [name="{name}"]:not(.row-template [name="{name}"])')


def click_and_answer(page, button):
    page.click(button)
    page.wait_for_selector("#form-messages[data-success]", timeout=30000)
    return page.get_attribute("#form-messages", "data-success"), page.inner_text("#form-messages")


def fill_new_class(page, code, learner_id):
    field(page, "client_id").select_option("1")
    field(page, "site_id").select_option("1")
    field(page, "site_address").fill("1 Nowhere Street")
    field(page, "class_type").select_option("AET")
    field(page, "class_subject").select_option("COMM")
    field(page, "class_duration").fill("120")
    field(page, "class_code").fill(code)
    page.fill("#class_start_date", START)
    page.dispatch_event("#class_start_date", "change")     # what the browser fires when the date picker closes
    page.check('[name="schedule_days[]"][value="Wednesday"]')
    field(page, "day_start_time[Wednesday]").fill("09:00")
    field(page, "day_end_time[Wednesday]").fill("12:00")
    field(page, "schedule_end_date").fill(END)
    page.click('button.add-row[data-group="event"]')
    event = page.locator(".event-row:not(.row-template)").first
    event.locator('[name="event_types[]"]').select_option("Deliveries")
    event.locator('[name="event_descriptions[]"]').fill("Deliver initial material")
    event.locator('[name="event_dates_input[]"]').fill("2027-02-01")
    page.select_option("#learner_pick", str(learner_id))
    page.click("#add_learner_btn")
    field(page, "initial_class_agent").select_option("3")
    field(page, "initial_agent_start_date").fill(START)
    field(page, "project_supervisor").select_option("2")


def class_by_code(db, code):
    return db.one("SELECT * FROM classes WHERE class_code = %s", (code,))


def learner_entries(row):
    return [entry["id"] for entry in row["learner_ids"]]


@pytest.fixture(scope="module")
def learner_ids(db):
    return [make_learner(db, surname=f"Class-Browser {n}") for n in range(2)]


def new_code():
    return f"{CLASS_CODE_PREFIX}{uuid.uuid4().hex[:6].upper()}"


@pytest.fixture(scope="module")
def created(browser, wordpress_site, admin_session, pages, db, learner_ids):
    """One class created through the page; its code."""
    from devstack.browser import logged_in_context
    context = logged_in_context(browser, wordpress_site, admin_session)
    try:
        page = context.new_page()
        sent = save_class_posts(page)
        page.goto(pages["class"])
        code = new_code()
        fill_new_class(page, code, learner_ids[0])
        answer = click_and_answer(page, "#submit_class")
        return {"code": code, "answer": answer, "sent": sent}
    finally:
        context.close()


def test_create_posts_the_hidden_template_rows_as_the_legacy_page(created):
    sent = created["sent"]
    assert len(sent) == 1
    body = sent[0].post_data_buffer.decode()    # Chromium exposes bodies without files; the capture page has none
    assert body.count('name="backup_agent_ids[]"\r\n\r\n\r\n') == 1
    assert body.count(f'name="exception_dates[]"\r\n\r\n{START}\r\n') == 1        # the template, filled
    assert body.count(f'name="backup_agent_dates[]"\r\n\r\n{START}\r\n') == 1
    assert body.count('name="event_statuses[]"\r\n\r\nPending\r\n') == 2           # the real row and the template


def test_create_stores_exactly_what_was_entered(created, db, learner_ids):
    assert created["answer"][0] == "1", created["answer"][1]   # a refusal here: the sidecar reads template rows
    row = class_by_code(db, created["code"])
    assert (row["client_id"], row["site_id"], row["class_type"], row["class_subject"]) == (1, 1, "AET", "COMM")
    assert row["original_start_date"] == datetime.date(2027, 2, 3)
    schedule = row["schedule_data"]
    assert (schedule["pattern"], schedule["startDate"], schedule["endDate"]) == ("weekly", START, END)
    assert schedule["selectedDays"] == ["Wednesday"]
    assert schedule["timeData"]["perDayTimes"] == {"Wednesday": WEDNESDAY}
    assert schedule.get("exceptionDates", []) == []
    assert row["backup_agent_ids"] == []
    assert learner_entries(row) == [str(learner_ids[0])]
    assert (row["initial_class_agent"], row["project_supervisor_id"]) == (3, 2)
    assert row["initial_agent_start_date"] == datetime.date(2027, 2, 3)
    assert [(e["type"], e["description"], e["date"]) for e in row["event_dates"]] == [
        ("Deliveries", "Deliver initial material", "2027-02-01")]


def test_create_with_a_backup_agent_and_an_exception_date(admin_page, pages, db, learner_ids):
    page = admin_page
    page.goto(pages["class"])
    code = new_code()
    fill_new_class(page, code, learner_ids[0])
    page.click('button.add-row[data-group="backup"]')
    backup = page.locator(".backup-row:not(.row-template)").first
    backup.locator('[name="backup_agent_ids[]"]').select_option("5")
    backup.locator('[name="backup_agent_dates[]"]').fill("2027-02-17")
    page.click('button.add-row[data-group="exception"]')
    exception = page.locator(".exception-row:not(.row-template)").first
    exception.locator('[name="exception_dates[]"]').fill("2027-02-10")
    exception.locator('[name="exception_reasons[]"]').select_option("Client Cancelled")
    success, message = click_and_answer(page, "#submit_class")
    assert success == "1", message
    row = class_by_code(db, code)
    assert row["backup_agent_ids"] == [{"agent_id": 5, "date": "2027-02-17"}]
    assert row["schedule_data"]["exceptionDates"] == [{"date": "2027-02-10", "reason": "Client Cancelled"}]


def test_edit_changes_the_end_time_and_adds_a_learner(created, admin_page, pages, db, learner_ids):
    assert created["answer"][0] == "1", created["answer"][1]
    class_id = class_by_code(db, created["code"])["class_id"]
    page = admin_page
    page.goto(f"{pages['class']}{'&' if '?' in pages['class'] else '?'}class_id={class_id}")
    field(page, "day_end_time[Wednesday]").fill("13:00")
    page.select_option("#learner_pick", str(learner_ids[1]))
    page.click("#add_learner_btn")
    success, message = click_and_answer(page, "#submit_class")
    assert success == "1", message
    row = db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,))
    assert row["schedule_data"]["timeData"]["perDayTimes"] == {
        "Wednesday": {"start_time": "09:00", "end_time": "13:00", "duration": "4.00"}}
    assert learner_entries(row) == [str(learner_ids[0]), str(learner_ids[1])]
    assert row["schedule_data"].get("exceptionDates", []) == []
    assert row["backup_agent_ids"] == []
    assert [e["type"] for e in row["event_dates"]] == ["Deliveries"]
