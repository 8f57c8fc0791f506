"""The legacy plugin's own pages (yourdesigncoza/wecoza-core, unchanged) in headless Chromium, with the shim
forwarding to the sidecar. Runs only when WECOZA_LEGACY_PLUGIN names a copy of the plugin (it is not ours).

    legacy_plugin   LegacyPlugin: installed and active in wordpress_site for this package, pages by slug
    db              Db on the session's PostgreSQL
    lookups         rows the class page needs (client, site, class type and subject, a learner), removed at the end
    admin_page      a playwright Page of a context holding the admin's cookies; only loopback requests leave it;
                    .diagnostics lists console errors, page errors and admin-ajax / form exchanges; a screenshot
                    is saved into tmp_path when the test fails
"""
import secrets

import pytest

from devstack.browser import logged_in_context
from devstack.legacy_plugin import (ENV_VAR, check_plugin_dir, install_legacy_plugin, plugin_dir_from_env,
                                    remove_legacy_plugin)
from devstack.rows import Db

requires_legacy_plugin = pytest.mark.skipif(
    plugin_dir_from_env() is None,
    reason=f"set {ENV_VAR} to a folder holding a copy of the legacy plugin yourdesigncoza/wecoza-core (commit "
           "8b347be) to run its unchanged pages in a browser; the plugin is not part of this project")

# The browser tests' stand-in pages register the same shortcodes; they are switched off while the real ones run.
STAND_IN_PAGES = "wecoza-test-pages/wecoza-test-pages.php"
SWITCH_OFF = """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if (is_plugin_active($args[0])) { deactivate_plugins($args[0]); echo 'was-active'; }
"""
SWITCH_ON = "require_once ABSPATH . 'wp-admin/includes/plugin.php'; activate_plugin($args[0]);"
# The legacy pages keep lookups and the class page's learner list in WordPress transients; rows inserted with SQL
# show once those are gone.
FORGET_LEGACY_CACHES = ("delete_transient('wecoza_class_learners_with_progression');"
                        "delete_transient('learner_db_locations');")


@pytest.fixture(scope="package")
def legacy_plugin(wordpress_site, routed):
    folder = check_plugin_dir(plugin_dir_from_env(), named_by=f"{ENV_VAR}=")
    stand_in_was_active = wordpress_site.php(SWITCH_OFF, STAND_IN_PAGES) == "was-active"
    plugin = install_legacy_plugin(wordpress_site, folder)  # connect_shim already stored its PostgreSQL options
    try:
        yield plugin
    finally:
        remove_legacy_plugin(wordpress_site, plugin)
        if stand_in_was_active:
            wordpress_site.php(SWITCH_ON, STAND_IN_PAGES)


@pytest.fixture(scope="package")
def db(pg_database):
    return Db(pg_database)


class Lookups:
    """Rows inserted with SQL (ids from the sequences), deleted in reverse order at the end."""

    def __init__(self, db):
        self.db = db
        self.tag = secrets.token_hex(3)
        self.made = []

    def insert(self, table, key, **columns):
        names = list(columns)
        row_id = self.db.scalar(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('%(' + n + ')s' for n in names)}) "
            f"RETURNING {key}", columns)
        self.made.append((table, key, row_id))
        return row_id

    def forget(self, table, key, row_id):
        self.made.append((table, key, row_id))

    def remove_all(self):
        for table, key, row_id in reversed(self.made):
            self.db.run(f"DELETE FROM {table} WHERE {key} = %s", (row_id,))


@pytest.fixture(scope="package")
def lookups(db, wordpress_site, legacy_plugin):
    made = Lookups(db)
    tag = made.tag
    # Its own town and province: the update page offers, per town and per province, the lowest location_id only.
    place = made.insert("locations", "location_id", street_address=f"1 Nowhere Street {tag}", suburb="Nowhere",
                        town=f"Legacyville {tag}", province=f"Legacyland {tag}", postal_code="0001",
                        longitude=28.0, latitude=-26.0)
    client = made.insert("clients", "client_id", client_name=f"Legacy Page Client {tag} (FAKE)",
                         client_status="Active Client", seta="ETDP")
    site = made.insert("sites", "site_id", client_id=client, site_name=f"Legacy Page Site {tag}", place_id=place)
    code = f"LG{tag[:4].upper()}"
    class_type = made.insert("class_types", "class_type_id", class_type_code=code,
                             class_type_name=f"Legacy page type {tag} (FAKE)", subject_selection_mode="own",
                             display_order=90)
    made.insert("class_type_subjects", "class_type_subject_id", class_type_id=class_type, subject_code=f"{code}-S1",
                subject_name="Legacy page subject (FAKE)", subject_duration=40, display_order=1)
    learner = made.insert("learners", "id", title="Ms", first_name="Testy", initials="T",
                          surname=f"Classpage {tag} (FAKE)", gender="Female", race="Black",
                          sa_id_no="9001015009087", city_town_id=place, province_region_id=place, postal_code="0001")
    wordpress_site.php(FORGET_LEGACY_CACHES)
    try:
        yield {"tag": tag, "location": place, "client": client, "site": site, "class_type": code,
               "subject": f"{code}-S1", "learner": learner, "made": made}
    finally:
        made.remove_all()


class Diagnostics:
    """What a page did, for assertion messages: console errors, uncaught errors, POSTs and their answers."""

    def __init__(self, page):
        self.lines = []
        page.on("console", lambda m: self.lines.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.lines.append(f"page error: {e}"))
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _request(self, request):
        if request.method == "POST":
            body = request.post_data_buffer or b""
            self.lines.append(f"POST {request.url} ({len(body)} bytes): {body[:1500]!r}")

    def _response(self, response):
        if response.request.method == "POST":
            try:
                text = response.text()[:800]
            except Exception as exc:  # noqa: BLE001 - a redirect or aborted body has no text
                text = f"<no body: {exc}>"
            self.lines.append(f"answer {response.status} {response.url}: {text}")

    def _dialog(self, dialog):
        self.lines.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()  # an unexpected confirm() is a failure to see, not to click through

    def __str__(self):
        return "\n".join(self.lines[-40:]) or "(nothing logged)"


def only_loopback(site):
    host = site.url.split("//", 1)[1].split(":", 1)[0]

    def route(route):
        if route.request.url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] == host:
            route.continue_()
        else:
            route.abort()   # no network here: CDN scripts and avatars fail at once instead of hanging
    return route


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.legacy_call_failed = report.failed


@pytest.fixture
def admin_page(request, browser, wordpress_site, legacy_plugin, tmp_path):
    context = logged_in_context(browser, wordpress_site, wordpress_site.login("admin"))
    context.route("**/*", only_loopback(wordpress_site))
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.diagnostics = Diagnostics(page)
    try:
        yield page
    finally:
        if getattr(request.node, "legacy_call_failed", False):
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            (tmp_path / "diagnostics.txt").write_text(str(page.diagnostics))
        context.close()
