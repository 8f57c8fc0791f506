"""Session fixtures: real PostgreSQL, MariaDB, WordPress and sidecar, created fresh per test session and removed at
its end (helpers in devstack/). Nothing is mocked; a service that cannot start fails the tests that need it,
with the reason. A test module is marked `e2e` when one of its tests uses one of SERVICE_FIXTURES (through any
fixture), else `unit`.

    system_services  the Debian packages are present (checked; scripts/install-system-deps.sh installs them)
    pg_server        the session's own PostgreSQL (PrivatePostgres: host, port, psql(), stop(), restart()), in a temp
                     folder on a free loopback port, removed at the end; the machine's servers are never touched
    mysql_server     the session's own MariaDB (PrivateMariadb: host, port, admin(), stop(), start()), the same way
    pg_database      PgDatabase: host, port, dbname, user, password, dsn, connect(), schema_source
    wp_version       the WordPress version of the sites: "6.1" (Debian's package), or also "7.1" (../shared/wordpress)
                     in a module marked every_wordpress; a session parameter, so each version's site, sidecar
                     and shim site are built once, and pytest runs all of one version's tests before the other's
    wp_mysql         MysqlDatabase: host, port, dbname, user, password, connect(); one per WordPress version
    wordpress_site   WordPressSite: url, path, wp_config_path, db, users {login: password}, user_ids, php(),
                     get_option(), set_option(), set_options(), install_plugin(), debug_log(), login(), logout()
    login / logout   wordpress_site.login(user, password=None) -> requests.Session; logout(session) -> old cookies
    sidecar_process  SidecarServer (migrated, serving): url, secret, env, cli(), start(), stop(), restart(),
                     stopped(), log()
    sidecar_server   the same, with the shim plugin active in wordpress_site and pointed at it
    routed           sidecar_server, after checking the shim's routes.json lists every registered action
    browser          a playwright Browser on Debian's chromium, one per session (Playwright's sync API allows one
                     driver per thread, so every browser test shares it)
"""
import logging

import pytest

from devstack import leftovers
from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.postgres import create_pg_database, drop_pg_database
from devstack.servers import PrivateMariadb, PrivatePostgres
from devstack.sidecar_server import SidecarServer, connect_shim
from devstack.system import check_system
from devstack.wordpress import DEBIAN_VERSION, RELEASE_TARBALLS, WordPressSite, versions

EVERY_WORDPRESS = "every_wordpress"
SWEPT = pytest.StashKey[list]()
# A test that uses one of these (directly or through another fixture) needs a service started. A test module with
# such a test is e2e as a whole; every other module is unit and runs with no PostgreSQL, MariaDB, WordPress, sidecar
# or chromium (`pytest -m unit`).
SERVICE_FIXTURES = frozenset({"system_services", "pg_server", "mysql_server", "wordpress_site", "browser"})


def pytest_configure(config):
    config.addinivalue_line("markers", f"{EVERY_WORDPRESS}: run the module's WordPress tests on every version of "
                                       "devstack/wordpress.py versions(), not only Debian's")
    config.stash[SWEPT] = leftovers.sweep()  # what a killed run left running (devstack/leftovers.py)
    leftovers.start_ledger()


def pytest_collection_modifyitems(config, items):
    e2e_modules = {item.path for item in items if not SERVICE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))}
    for item in items:
        item.add_marker(pytest.mark.e2e if item.path in e2e_modules else pytest.mark.unit)


def pytest_report_header(config):
    absent = [v for v in RELEASE_TARBALLS if v not in versions()]
    note = f" ({', '.join(absent)} not run: ../shared/wordpress is absent)" if absent else ""
    header = [f"WordPress for {EVERY_WORDPRESS} modules: {', '.join(versions())}{note}"]
    swept = config.stash.get(SWEPT, [])
    if swept:
        header.append(f"left by a killed run, swept: {len(swept)} (" + "; ".join(swept[:5])
                      + ("; ..." if len(swept) > 5 else "") + ")")
    return header


def pytest_generate_tests(metafunc):
    if "wp_version" in metafunc.fixturenames:
        every = metafunc.definition.get_closest_marker(EVERY_WORDPRESS) is not None
        chosen = versions() if every else [DEBIAN_VERSION]
        metafunc.parametrize("wp_version", chosen, indirect=True, scope="session", ids=[f"wp{v}" for v in chosen])


class _KeptRecords(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_lines():
    """The request log's records (``wecoza.sidecar.requests``, one per request) emitted in this process during the
    test, as they are emitted."""
    kept = _KeptRecords()
    logger = logging.getLogger("wecoza.sidecar.requests")
    logger.addHandler(kept)
    try:
        yield kept.records
    finally:
        logger.removeHandler(kept)


@pytest.fixture(scope="session")
def wp_version(request):
    return request.param


@pytest.fixture(scope="session")
def system_services():
    check_system()


@pytest.fixture(scope="session")
def pg_server(system_services):
    server = PrivatePostgres()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture(scope="session")
def mysql_server(system_services):
    server = PrivateMariadb()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture(scope="session")
def pg_database(pg_server):
    db = create_pg_database(pg_server)
    try:
        yield db
    finally:
        drop_pg_database(db)


@pytest.fixture(scope="session")
def wp_mysql(mysql_server, wp_version):
    db = create_mysql_database(mysql_server)
    try:
        yield db
    finally:
        drop_mysql_database(db)


@pytest.fixture(scope="session")
def wordpress_site(wp_mysql, wp_version, tmp_path_factory):
    site = WordPressSite(tmp_path_factory.mktemp(f"wordpress-{wp_version}"), wp_mysql, wp_version)
    try:
        yield site.build().start()
    finally:
        site.stop()
        site.remove_files()


@pytest.fixture(scope="session")
def login(wordpress_site):
    return wordpress_site.login


@pytest.fixture(scope="session")
def logout(wordpress_site):
    return wordpress_site.logout


@pytest.fixture(scope="session")
def sidecar_process(wordpress_site, pg_database, tmp_path_factory):
    server = SidecarServer(tmp_path_factory.mktemp("sidecar"), wordpress_site, pg_database)
    try:
        server.migrate()
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sidecar_server(sidecar_process, wordpress_site, pg_database):
    connect_shim(wordpress_site, sidecar_process, pg_database)
    return sidecar_process


@pytest.fixture(scope="session")
def routed(sidecar_server):
    """The shim forwards every action and form of the registry (its routes.json is generated from it)."""
    import json

    from sidecar import __version__
    from sidecar.actions import registry
    from devstack.sidecar_server import SHIM_DIR
    shipped = json.loads((SHIM_DIR / "routes.json").read_text())
    assert shipped == registry.routes(__version__), "run .venv/bin/python scripts/regenerate.py"
    return sidecar_server


@pytest.fixture(scope="module")
def sessions(wordpress_site, routed):
    """{"admin", "editor", "subscriber"} -> a logged-in requests.Session, fresh per test module."""
    return {"admin": wordpress_site.login("admin"), "editor": wordpress_site.login("editor1"),
            "subscriber": wordpress_site.login("subscriber1")}


@pytest.fixture(scope="session")
def uploads_root(wordpress_site):
    """The site's wp-content/uploads: the sidecar's uploads root."""
    from pathlib import Path
    return Path(wordpress_site.path) / "wp-content" / "uploads"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from devstack.browser import launch_chromium
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def stand_in_wordpress():
    """The WordPress the `app` fixture asks; a test module overrides it to script the callers."""
    from devstack.inprocess import StandInWordPress
    return StandInWordPress()


@pytest.fixture
def app(tmp_path, stand_in_wordpress):
    """The sidecar app in this process (devstack.inprocess.InProcessSidecar: `.call()` signs as the shim does),
    against `stand_in_wordpress`; no service runs, so a handler that needs PostgreSQL fails."""
    from devstack.inprocess import stand_in_sidecar
    sidecar = stand_in_sidecar(tmp_path, stand_in_wordpress)
    yield sidecar
    sidecar.close()


@pytest.fixture
def client(app):
    """The Flask test client of `app` (unsigned requests)."""
    return app.client
