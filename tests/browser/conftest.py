"""Fixtures of the browser tests: headless Chromium on pages of the real test WordPress (shim + sidecar +
PostgreSQL), an admin logged in, and our own stand-ins for the legacy pages (plugins/wecoza-test-pages).

    browser       (tests/conftest.py) playwright Browser (system chromium), one per session
    pages         {"capture", "update", "class"}: URLs of WordPress pages holding the legacy shortcodes
    admin_page    a new playwright Page in a context holding the admin's WordPress cookies
    db            Db on the session's PostgreSQL; rows made by these tests are removed at module end
    repairs_off   the shim's page repairs switched off for one test
"""
import uuid
from pathlib import Path

import pytest

from devstack.browser import logged_in_context
from devstack.rows import Db

TEST_PAGES = Path(__file__).resolve().parent / "plugins" / "wecoza-test-pages"
EMAIL_DOMAIN = "browser-tests.example"
CLASS_CODE_PREFIX = "BRW"
SHORTCODES = {"capture": "wecoza_learners_form", "update": "wecoza_learners_update_form",
              "class": "wecoza_capture_class"}


@pytest.fixture(scope="session")
def pages(wordpress_site, routed):
    wordpress_site.install_plugin(TEST_PAGES, slug="wecoza-test-pages", main_file="wecoza-test-pages.php")
    code = """
        foreach (json_decode($args[0], true) as $key => $shortcode) {
            $id = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => $key,
                                  'post_name' => $key . '-' . $args[1], 'post_content' => "[$shortcode]"]);
            $out[$key] = get_permalink($id);
        }
        echo json_encode($out);
    """
    import json
    return json.loads(wordpress_site.php(code, json.dumps(SHORTCODES), uuid.uuid4().hex[:8]))


@pytest.fixture(scope="module")
def admin_session(wordpress_site, routed):
    return wordpress_site.login("admin")


@pytest.fixture
def admin_page(browser, wordpress_site, admin_session):
    context = logged_in_context(browser, wordpress_site, admin_session)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def db(pg_database):
    rows = Db(pg_database)
    yield rows
    classes = [r["class_id"] for r in rows.all("SELECT class_id FROM classes WHERE class_code LIKE %s",
                                                (CLASS_CODE_PREFIX + "%",))]
    if classes:
        for table in ("learner_hours_log", "learner_lp_tracking", "agent_replacements", "qa_visits",
                      "class_change_logs"):
            rows.run(f"DELETE FROM {table} WHERE class_id = ANY(%s)", (classes,))
        rows.run("DELETE FROM classes WHERE class_id = ANY(%s)", (classes,))
    learners = [r["id"] for r in rows.all("SELECT id FROM learners WHERE email_address LIKE %s",
                                          ("%@" + EMAIL_DOMAIN,))]
    if learners:
        for table in ("learner_lp_tracking", "learner_portfolios"):
            rows.run(f"DELETE FROM {table} WHERE learner_id = ANY(%s)", (learners,))
        rows.run("DELETE FROM learners WHERE id = ANY(%s)", (learners,))


@pytest.fixture
def repairs_off(wordpress_site):
    wordpress_site.set_option("wecoza_test_page_repairs", "0")
    try:
        yield
    finally:
        wordpress_site.set_option("wecoza_test_page_repairs", "1")


def unique_email():
    return f"{uuid.uuid4().hex[:10]}@{EMAIL_DOMAIN}"


def make_learner(db, **columns):
    row = {"title": "Ms", "first_name": "Naledi", "initials": "N", "surname": "Dlamini", "gender": "Female",
           "race": "Black", "sa_id_no": "9001015009086", "tel_number": "0821234567",
           "email_address": unique_email(), "address_line_1": "12 Example Street", "city_town_id": 1,
           "province_region_id": 1, "postal_code": "0007", "highest_qualification": 2,
           "assessment_status": "Not Assessed", "employment_status": True, "employer_id": 1,
           "disability_status": False, **columns}
    names = list(row)
    return db.scalar(f"INSERT INTO learners ({', '.join(names)}, created_at, updated_at) VALUES "
                     f"({', '.join('%(' + n + ')s' for n in names)}, now(), now()) RETURNING id", row)
