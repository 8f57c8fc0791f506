"""The legacy class capture page, unchanged, as an admin uses it (the recordings' class-capture flow): client and
site, type and subject, start date, weekly Wednesday 09:00-12:00, the computed end date, one delivery event, one
learner, agent and supervisor, then "Create Draft Class". The stored row holds exactly that: the page's hidden
template rows (a backup agent and an exception date filled with the start date) leave no trace."""
import datetime

from .conftest import requires_legacy_plugin

pytestmark = requires_legacy_plugin

START = "2027-02-03"   # a Wednesday


def fill_class_page(page, lookups):
    page.select_option("#client_id", str(lookups["client"]))
    page.select_option("#site_id", str(lookups["site"]))
    page.select_option("#class_type", lookups["class_type"])
    # the subjects come from get_class_subjects (the sidecar caches them, re-checking the tables every 30 s)
    page.wait_for_selector(f"#class_subject option[value='{lookups['subject']}']", state="attached", timeout=45_000)
    page.select_option("#class_subject", lookups["subject"])
    page.fill("#class_start_date", START)
    page.dispatch_event("#class_start_date", "change")
    page.select_option("#schedule_pattern", "weekly")
    page.check("#schedule_day_wednesday")
    wednesday = page.locator('.per-day-time-section[data-day="Wednesday"]')
    wednesday.locator(".day-start-time").select_option("09:00")
    wednesday.locator(".day-end-time").select_option("12:00")
    page.click("#calculate_schedule_end_date-btn")
    page.locator('select[name="event_types[]"]').first.select_option("Deliveries")
    page.locator('input[name="event_descriptions[]"]').first.fill("Deliver initial material (FAKE)")
    page.locator('input[name="event_dates_input[]"]').first.fill("2027-02-01")
    page.select_option("#seta_funded", "No")
    page.select_option("#exam_class", "No")
    page.check(f".learner-checkbox[value='{lookups['learner']}']")
    page.click("#add-selected-learners-btn")
    page.select_option("#initial_class_agent", "1")
    page.fill("#initial_agent_start_date", START)
    page.select_option("#project_supervisor", "1")


def test_capture_page_creates_exactly_the_class_entered(admin_page, db, lookups, legacy_plugin):
    page = admin_page
    page.goto(legacy_plugin.pages["new-class"], wait_until="networkidle")
    fill_class_page(page, lookups)
    end_date = page.input_value("#schedule_end_date")
    duration = page.input_value("#class_duration")
    assert (duration, end_date) == ("40", "2027-05-05"), "40 hours of 3-hour Wednesdays from 3 February"

    with page.expect_response(lambda r: r.url.endswith("/admin-ajax.php") and r.request.method == "POST"
                              and b'name="action"\r\n\r\nsave_class' in (r.request.post_data_buffer or b"")) as saved:
        page.click("#classes-form button[type=submit]")
    answer = saved.value.json()
    assert answer.get("success") is True, f"save_class refused: {answer}\n{page.diagnostics}"
    class_id = int(answer["data"]["class_id"])
    lookups["made"].forget("classes", "class_id", class_id)
    lookups["made"].forget("learner_lp_tracking", "class_id", class_id)
    # the page then follows the answer's redirect to the single-class page
    page.wait_for_url(lambda url: f"class_id={class_id}" in url, timeout=15_000)

    row = db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,))
    assert (row["client_id"], row["site_id"]) == (lookups["client"], lookups["site"])
    assert (row["class_type"], row["class_subject"], row["class_duration"]) == (
        lookups["class_type"], lookups["subject"], 40)
    assert row["original_start_date"] == datetime.date(2027, 2, 3)
    assert (row["initial_class_agent"], row["initial_agent_start_date"], row["project_supervisor_id"]) == (
        1, datetime.date(2027, 2, 3), 1)
    assert [int(entry["id"]) for entry in row["learner_ids"]] == [lookups["learner"]]
    assert row["event_dates"] == [{"type": "Deliveries", "description": "Deliver initial material (FAKE)",
                                   "date": "2027-02-01", "status": "Pending", "notes": ""}]
    assert not row["backup_agent_ids"], "the hidden backup-agent template row is no backup agent"
    schedule = row["schedule_data"]
    assert schedule["pattern"] == "weekly" and schedule["selectedDays"] == ["Wednesday"]
    assert (schedule["startDate"], schedule["endDate"]) == (START, "2027-05-05")
    assert schedule["timeData"]["perDayTimes"] == {
        "Wednesday": {"start_time": "09:00", "end_time": "12:00", "duration": "3.00"}}
    assert not schedule.get("exceptionDates"), "the hidden exception template row must not cancel the first session"
