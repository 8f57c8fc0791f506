"""``WordPress.authenticate`` end to end against MariaDB: cookie order, one round trip, changes seen
at once, nonces, failures that only ever mean "not logged in", multisite."""
import hashlib
import logging
import secrets
from urllib.parse import quote

import pymysql
import pytest

from wp_bridge import MySQL, MySQLParams, WordPress
from wp_bridge.cookies import UserRecord, generate_auth_cookie
from wp_bridge.nonces import create_nonce
from wp_bridge.phpserialize import serialize
from wp_bridge.salts import PLACEHOLDER, wp_salt
from wp_bridge.schema import create_table_statements

from .conftest import Clock, connect

NOW = 1767258000
KEYS = {name: f"test-{name.lower()}-{i}" for i, name in enumerate(
    ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT",
     "LOGGED_IN_SALT", "NONCE_SALT"))}
ROLES = {
    "administrator": {"name": "Administrator", "capabilities": {"read": True, "manage_options": True,
                                                                 "delete_users": True, "level_10": True}},
    "learner_admin": {"name": "Learner admin", "capabilities": {"read": True, "manage_learners": True}},
    "subscriber": {"name": "Subscriber", "capabilities": {"read": True, "level_0": True}},
}
BCRYPT = "$wp$2y$10$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"


class Site:
    """A small WordPress site in the session database."""

    def __init__(self, sql, params: MySQLParams, prefix: str, siteurl="http://127.0.0.1:8099", constants=None,
                 blog_prefix=None):
        self.sql, self.params, self.prefix = sql, params, prefix
        self.constants = constants or {}
        self.blog_prefix = blog_prefix or prefix
        self.siteurl = siteurl
        self.users: dict[str, UserRecord] = {}
        with sql.cursor() as cursor:
            for statement in create_table_statements(prefix):
                cursor.execute(statement)
            if self.blog_prefix != prefix:
                for statement in create_table_statements(self.blog_prefix, ("options",)):
                    cursor.execute(statement)
        self.option("siteurl", siteurl)
        self.set_roles(ROLES)

    def option(self, name, value, table=None):
        with self.sql.cursor() as cursor:
            cursor.execute(f"REPLACE INTO `{table or self.prefix + 'options'}` (option_name, option_value) "
                           "VALUES (%s, %s)", (name, value))

    def set_roles(self, roles):
        self.option(f"{self.blog_prefix}user_roles", serialize(roles), f"{self.blog_prefix}options")

    def add_user(self, login, caps, user_pass=BCRYPT, tokens=None):
        tokens = tokens if tokens is not None else {"main": NOW + 172800}
        with self.sql.cursor() as cursor:
            cursor.execute(f"INSERT INTO `{self.prefix}users` (user_login, user_pass) VALUES (%s, %s)",
                           (login, user_pass))
            uid = cursor.lastrowid
        self.users[login] = UserRecord(uid, login, user_pass.encode(), {})
        self.set_caps(login, caps)
        self.set_sessions(login, tokens)
        return uid

    def meta(self, login, key, value):
        uid = self.users[login].id
        with self.sql.cursor() as cursor:
            cursor.execute(f"DELETE FROM `{self.prefix}usermeta` WHERE user_id = %s AND meta_key = %s", (uid, key))
            cursor.execute(f"INSERT INTO `{self.prefix}usermeta` (user_id, meta_key, meta_value) VALUES (%s, %s, %s)",
                           (uid, key, value))

    def set_caps(self, login, caps):
        self.meta(login, f"{self.blog_prefix}capabilities", serialize(caps))

    def set_sessions(self, login, tokens):
        self.meta(login, "session_tokens", serialize({
            hashlib.sha256(self.token(label).encode()).hexdigest(): {"expiration": exp, "ip": "127.0.0.1",
                                                                     "ua": "pytest", "login": NOW}
            for label, exp in tokens.items()}))

    @staticmethod
    def token(label):
        return (label * 43)[:43]

    def cookie(self, login, scheme, label="main", expiration=NOW + 172800, salt_keys=None):
        salt = wp_salt(scheme, salt_keys or KEYS, {})
        value = generate_auth_cookie(self.users[login], expiration, self.token(label), salt)
        return quote(value.decode(), safe="")

    def header(self, login, schemes=("auth", "logged_in"), **kwargs):
        names = self.wordpress().site().names
        return "; ".join(f"{names.for_scheme(s)}={self.cookie(login, s, **kwargs)}" for s in schemes)

    def wordpress(self, **kwargs):
        if not hasattr(self, "_wp"):
            self._wp = WordPress(db=self.params, table_prefix=self.prefix, keys=KEYS, constants=self.constants,
                                 clock=Clock(NOW), **kwargs)
        return self._wp


@pytest.fixture(scope="module")
def site(mariadb, sql):
    s = Site(sql, mariadb, "au_")
    s.add_user("boss", {"administrator": True})
    s.add_user("clerk", {"learner_admin": True, "subscriber": True, "edit_posts": True})
    s.add_user("denied", {"learner_admin": True, "manage_learners": False})
    s.add_user("ghostrole", {"retired_role": True, "subscriber": True})
    yield s
    s.wordpress().close()


def test_one_round_trip_for_user_caps_and_nonce(site):
    wp = site.wordpress()
    wp.site()
    nonce = create_nonce("learners_nonce_action", site.users["clerk"].id, site.token("main"), NOW,
                         salt=wp.site().salt("nonce"))
    before = wp.db.round_trips
    result = wp.authenticate(cookie_header=site.header("clerk"), params={"nonce": nonce},
                             nonce_actions=("learners_nonce", "learners_nonce_action"))
    assert wp.db.round_trips - before == 1
    assert result.reason is None and result.logged_in
    assert (result.nonce_ok, result.nonce_age, result.nonce_action) == (True, 1, "learners_nonce_action")
    user = result.user
    assert (user.login, user.roles) == ("clerk", ("learner_admin", "subscriber"))
    assert user.has_cap("manage_learners") and user.has_cap("edit_posts") and user.has_cap("learner_admin")
    assert user.has_cap("level_0") and user.has_cap("0") and user.has_cap("exist")
    assert not user.has_cap("manage_options") and not user.has_cap("do_not_allow")
    assert user.session_token == site.token("main") and site.token("main") not in repr(user)


def test_no_cookie_costs_no_query(site):
    wp = site.wordpress()
    wp.site()
    before = wp.db.round_trips
    result = wp.authenticate(cookie_header="wordpress_test_cookie=WP%20Cookie%20check", params={})
    assert wp.db.round_trips == before
    assert (result.user, result.reason, result.nonce_ok) == (None, "no_cookie", None)


@pytest.mark.parametrize("header, asks", [
    ("boss", True),
    ("logged_in only", True),
    ("", False),
    ("wordpress_test_cookie=WP%20Cookie%20check", False),
    ("expired", False),
    ("malformed", False),
    ("wrong hmac", True),   # a cheap test, not a verdict: only the query can tell
])
def test_asks_the_database_only_when_identify_would_look_a_user_up(site, header, asks):
    wp = site.wordpress()
    names = wp.site().names
    headers = {
        "boss": site.header("boss"),
        "logged_in only": site.header("boss", schemes=("logged_in",)),
        "expired": site.header("boss", expiration=NOW - 2 * 3600),  # past the hour of grace ajax gets
        "malformed": f"{names.for_scheme('auth')}=boss%7C{NOW + 100}",
        "wrong hmac": f"{names.for_scheme('logged_in')}=boss%7C{NOW + 100}%7Ctoken%7C{'0' * 64}",
    }
    cookie_header = headers.get(header, header)
    before = wp.db.round_trips
    assert wp.asks_the_database(cookie_header) is asks
    assert wp.db.round_trips == before
    identified_before = wp.db.round_trips
    wp.identify(cookie_header)
    assert (wp.db.round_trips - identified_before == 1) is asks


def test_the_cookie_header_is_parsed_once_for_asking_then_identifying(site, monkeypatch):
    from wp_bridge import auth
    parsed = []
    monkeypatch.setattr(auth, "parse_cookie_header", lambda header: parsed.append(header) or
                        auth.cookies.parse_cookie_header(header))
    wp = site.wordpress()
    boss, clerk = site.header("boss"), site.header("clerk")
    assert wp.asks_the_database(boss) and wp.identify(boss).user.login == "boss"
    assert parsed == [boss]
    assert wp.identify(clerk).user.login == "clerk"  # other cookies are read anew...
    wp.asks_the_database(boss, https=True)  # ...and so are the same ones for another scheme
    wp.clock.now += 1
    assert wp.identify(clerk).user.login == "clerk"  # ...or in another second
    assert parsed == [boss, clerk, boss, clerk]


def test_denials_and_unknown_roles(site):
    wp = site.wordpress()
    denied = wp.authenticate(cookie_header=site.header("denied")).user
    assert denied.roles == ("learner_admin",) and not denied.has_cap("manage_learners") and denied.has_cap("read")
    ghost = wp.authenticate(cookie_header=site.header("ghostrole")).user
    assert ghost.roles == ("subscriber",) and ghost.has_cap("retired_role") and not ghost.has_cap("manage_learners")
    boss = wp.authenticate(cookie_header=site.header("boss")).user
    assert boss.has_cap("manage_options") and boss.has_cap("10") and not boss.super_admin
    assert not boss.has_cap("edit_post") and not boss.has_cap("delete_users")


def test_changes_show_at_once(site):
    wp = site.wordpress()
    header = site.header("clerk")
    assert wp.authenticate(cookie_header=header).user.has_cap("manage_learners")
    site.set_caps("clerk", {"subscriber": True})
    assert not wp.authenticate(cookie_header=header).user.has_cap("manage_learners")
    site.set_caps("clerk", {"learner_admin": True, "subscriber": True, "edit_posts": True})
    site.set_roles({**ROLES, "learner_admin": {"name": "Learner admin", "capabilities": {"read": True}}})
    assert not wp.authenticate(cookie_header=header).user.has_cap("manage_learners")
    site.set_roles(ROLES)
    assert wp.authenticate(cookie_header=header).user.has_cap("manage_learners")
    site.set_sessions("clerk", {"other": NOW + 100})
    assert wp.authenticate(cookie_header=header).reason == "auth_cookie_bad_session_token"
    site.set_sessions("clerk", {"main": NOW + 172800})
    assert wp.authenticate(cookie_header=header).logged_in


def test_password_change_ends_cookies(site, sql):
    wp = site.wordpress()
    site.add_user("changer", {"subscriber": True})
    header = site.header("changer")
    assert wp.authenticate(cookie_header=header).logged_in
    with sql.cursor() as cursor:
        cursor.execute("UPDATE au_users SET user_pass = %s WHERE user_login = 'changer'", (BCRYPT[:-4] + "WXYZ",))
    assert wp.authenticate(cookie_header=header).reason == "auth_cookie_bad_hash"


def test_cookie_order_by_scheme(site):
    wp = site.wordpress()
    names = wp.site().names
    auth_only = f"{names.auth}={site.cookie('boss', 'auth')}"
    assert wp.authenticate(cookie_header=auth_only).user.login == "boss"
    https = wp.authenticate(cookie_header=auth_only, https=True)
    assert (https.user, https.reason) == (None, "no_cookie")
    secure = f"{names.secure_auth}={site.cookie('boss', 'secure_auth')}"
    assert wp.authenticate(cookie_header=secure, https=True).user.login == "boss"
    assert wp.authenticate(cookie_header=secure).reason == "no_cookie"
    mixed = f"{names.auth}={site.cookie('boss', 'logged_in')}; {names.logged_in}={site.cookie('clerk', 'logged_in')}"
    before = wp.db.round_trips
    result = wp.authenticate(cookie_header=mixed)
    assert wp.db.round_trips - before == 1
    assert result.user.login == "clerk"
    assert ("auth", "auth_cookie_bad_hash") in result.steps and ("logged_in", "auth_cookie_valid") in result.steps


def test_steps_mask_secrets(site):
    result = site.wordpress().authenticate(cookie_header=site.header("clerk"))
    text = repr(result.steps)
    assert site.token("main")[:4] + "..." in text and site.token("main")[:5] not in text
    hmac_value = site.cookie("clerk", "auth").rsplit("%7C", 1)[1]
    assert hmac_value[:4] in text and hmac_value[:5] not in text


def test_nonce_for_logged_out_caller_uses_stale_token(site):
    wp = site.wordpress()
    names = wp.site().names
    stale = site.cookie("clerk", "logged_in", expiration=NOW - 7200)
    nonce = create_nonce("wecoza_class_nonce", 0, site.token("main"), NOW, salt=wp.site().salt("nonce"))
    result = wp.authenticate(cookie_header=f"{names.logged_in}={stale}", params={"_wpnonce": nonce},
                             nonce_actions=("wecoza_class_nonce",), nonce_field=None)
    assert (result.user, result.reason, result.nonce_ok, result.nonce_age) == (None, "auth_cookie_expired", True, 1)
    anonymous = wp.authenticate(cookie_header="", params={"_wpnonce": nonce}, nonce_actions=("wecoza_class_nonce",))
    assert anonymous.nonce_ok is False and anonymous.reason == "no_cookie"


def test_nonce_failures(site):
    wp = site.wordpress()
    header = site.header("clerk")
    missing = wp.authenticate(cookie_header=header, params={}, nonce_actions=("a",))
    assert (missing.logged_in, missing.reason, missing.nonce_ok) == (True, "nonce_missing", False)
    other = create_nonce("b", site.users["clerk"].id, site.token("main"), NOW, salt=wp.site().salt("nonce"))
    wrong = wp.authenticate(cookie_header=header, params={"nonce": other}, nonce_actions=("a",))
    assert (wrong.reason, wrong.nonce_ok, wrong.nonce_age, wrong.nonce_action) == ("nonce_invalid", False, None, None)
    old = create_nonce(-1, site.users["clerk"].id, site.token("main"), NOW - 43200, salt=wp.site().salt("nonce"))
    aged = wp.authenticate(cookie_header=header, params={"_ajax_nonce": old}, nonce_actions=(-1,))
    assert (aged.reason, aged.nonce_age, aged.nonce_action) == (None, 2, -1)


def test_slashed_logins_never_validate(site):
    """wp_magic_quotes() slashes cookies, so WordPress itself rejects a login with a quote."""
    site.add_user("o'neil", {"administrator": True})
    result = site.wordpress().authenticate(cookie_header=site.header("o'neil"))
    assert result.user is None and result.reason == "auth_cookie_bad_username"


def test_php_array_cookie(site):
    names = site.wordpress().site().names
    result = site.wordpress().authenticate(cookie_header=f"{names.logged_in}[x]={site.cookie('boss', 'logged_in')}")
    assert (result.user, result.reason) == (None, "auth_cookie_malformed")


def test_database_error_means_anonymous(caplog):
    closed = MySQLParams(host="127.0.0.1", port=1, user="root", database="none", connect_timeout=1)
    wp = WordPress(db=closed, keys=KEYS, clock=Clock(NOW))
    secret = "admin%7C1767430800%7Csecret-token-value%7Cdeadbeef"
    with caplog.at_level(logging.DEBUG):
        result = wp.authenticate(cookie_header=f"wordpress_logged_in_x={secret}", params={"nonce": "abc"},
                                 nonce_actions=("a",))
    assert (result.user, result.reason, result.nonce_ok) == (None, "db_error", False)
    assert "secret-token" not in caplog.text and "admin" not in caplog.text


def test_missing_salt_means_anonymous(mariadb, sql, caplog):
    site = Site(sql, mariadb, "ns_")
    site.add_user("boss", {"administrator": True})
    placeholders = {name: PLACEHOLDER for name in KEYS}
    wp = WordPress(db=mariadb, table_prefix="ns_", keys=placeholders, clock=Clock(NOW))
    names = wp.site().names
    header = f"{names.logged_in}={site.cookie('boss', 'logged_in')}"
    result = wp.authenticate(cookie_header=header, params={}, nonce_actions=("a",))
    assert (result.user, result.reason) == (None, "salt_missing")
    site.option("logged_in_key", "db-key")
    site.option("logged_in_salt", "db-salt")
    wp = WordPress(db=mariadb, table_prefix="ns_", keys=placeholders, clock=Clock(NOW))
    cookie = site.cookie("boss", "logged_in", salt_keys={"LOGGED_IN_KEY": "db-key", "LOGGED_IN_SALT": "db-salt"})
    result = wp.authenticate(cookie_header=f"{names.logged_in}={cookie}", params={}, nonce_actions=("a",))
    assert (result.user.login, result.reason, result.nonce_ok) == ("boss", "salt_missing", False)
    wp.close()


def test_multisite_blog_prefix_and_super_admins(mariadb, sql):
    constants = {"MULTISITE": True, "BLOG_ID_CURRENT_SITE": 2, "SITE_ID_CURRENT_SITE": 1}
    site = Site(sql, mariadb, "ms_", siteurl="https://network.example/", constants=constants, blog_prefix="ms_2_")
    with sql.cursor() as cursor:
        cursor.execute("INSERT INTO ms_sitemeta (site_id, meta_key, meta_value) VALUES "
                       "(1, 'siteurl', 'https://network.example/'), (1, 'site_admins', %s)", (serialize(["chief"]),))
    site.add_user("chief", {})
    site.add_user("admin", {"subscriber": True})
    site.add_user("member", {"learner_admin": True})
    wp = site.wordpress()
    assert wp.site().cookiehash == hashlib.md5(b"https://network.example/").hexdigest()
    chief = wp.authenticate(cookie_header=site.header("chief")).user
    assert chief.super_admin and chief.roles == () and chief.has_cap("manage_learners")
    assert not chief.has_cap("do_not_allow")
    member = wp.authenticate(cookie_header=site.header("member")).user
    assert not member.super_admin and member.has_cap("manage_learners")
    assert not wp.authenticate(cookie_header=site.header("admin")).user.super_admin
    with sql.cursor() as cursor:
        cursor.execute("DELETE FROM ms_sitemeta WHERE meta_key = 'site_admins'")
    assert wp.authenticate(cookie_header=site.header("admin")).user.super_admin
    wp.close()


def test_options_and_ping(site):
    wp = site.wordpress()
    site.option("wecoza_postgres_host", "db.example")
    site.option("wecoza_unicode", "Zoë")
    wp.ping()
    assert wp.get_option("wecoza_postgres_host") == "db.example"
    assert wp.get_option("WECOZA_POSTGRES_HOST") == "db.example"
    assert wp.get_options(["wecoza_unicode", "nope", "siteurl"]) == {
        "wecoza_unicode": "Zoë", "nope": None, "siteurl": site.siteurl}
    assert wp.get_options([]) == {}


def test_reconnects_once_after_a_dropped_connection(mariadb):
    db = MySQL(mariadb)
    (thread_id,), = db.query("SELECT CONNECTION_ID()")
    admin = connect(mariadb)
    with admin.cursor() as cursor:
        cursor.execute(f"KILL {int(thread_id)}")
    admin.close()
    assert db.query("SELECT 1") == [(1,)]
    assert db.connects == 2
    db.close()


def test_other_errors_are_raised(mariadb):
    db = MySQL(mariadb)
    with pytest.raises(pymysql.ProgrammingError):
        db.query("SELECT * FROM no_such_table_" + secrets.token_hex(3))
    db.close()


def test_logins_the_collation_matches_resolve_to_the_lowest_id_with_its_own_meta_only(site):
    """get_user_by('login') as MySQL matches it: 'TWIN' finds 'twin' too (a case-insensitive collation); the user
    with the lowest ID is the caller, and nothing of the other's meta comes along: 'twin' has no capabilities row,
    so the administrator role of 'TWIN' must not stand in for it."""
    lower = site.add_user("twin", {})
    with site.sql.cursor() as cursor:
        cursor.execute("DELETE FROM `au_usermeta` WHERE user_id = %s AND meta_key = 'au_capabilities'", (lower,))
    site.add_user("TWIN", {"administrator": True})
    wp = site.wordpress()
    header = site.header("TWIN")  # the site data warm: only the caller's query is counted
    before = wp.db.round_trips
    user = wp.authenticate(cookie_header=header).user
    assert wp.db.round_trips - before == 1
    assert (user.id, user.roles) == (lower, ())
    assert not user.has_cap("manage_options") and not user.has_cap("read")


def test_display_names_of_existing_users_only(site, sql):
    uid = site.add_user("named", {"subscriber": True})
    with sql.cursor() as cursor:
        cursor.execute("UPDATE `au_users` SET display_name = %s WHERE ID = %s", ("Thandi Nkosi \u2713", uid))
    boss = site.users["boss"].id
    names = site.wordpress().display_names([uid, boss, uid, 999999, 0, -1, True, "7"])
    assert names == {uid: "Thandi Nkosi \u2713", boss: ""}
    assert site.wordpress().display_names([]) == {}


def test_the_callers_display_name_comes_with_the_one_query_and_a_change_shows_at_once(site, sql):
    """The name a note or question is signed with needs no query of its own for the request's own user."""
    wp = site.wordpress()
    uid = site.users["clerk"].id
    for name in ("Sipho Dlamini \u2713", "Renamed"):
        with sql.cursor() as cursor:
            cursor.execute("UPDATE `au_users` SET display_name = %s WHERE ID = %s", (name, uid))
        before = wp.db.round_trips
        user = wp.authenticate(cookie_header=site.header("clerk")).user
        assert (user.display_name, wp.db.round_trips - before) == (name, 1)
        assert wp.display_names([uid]) == {uid: user.display_name} and name not in repr(user)


def test_the_options_a_request_needs_come_with_the_one_query_as_get_options_reads_them(site):
    """An action that reads options (a redirect's address) gets them in the caller's query: fresh every request,
    no round trip of their own; a missing option is None, a case the collation matches is found, as get_option
    finds it."""
    wp = site.wordpress()
    header = site.header("clerk")
    wanted = ("wecoza_form_url", "WECOZA_PERMALINKS", "wecoza_missing", "wecoza_form_url")
    for form_url, permalinks in (("https://example.test/learners/", "/%postname%/"), ("Zoë/", "")):
        site.option("wecoza_form_url", form_url)
        site.option("wecoza_permalinks", permalinks)
        before = wp.db.round_trips
        caller = wp.identify(header, options=wanted)
        assert wp.db.round_trips - before == 1 and caller.user.login == "clerk"
        assert dict(caller.options) == {"wecoza_form_url": form_url, "WECOZA_PERMALINKS": permalinks,
                                        "wecoza_missing": None}
        assert dict(caller.options) == wp.get_options(wanted)
        checked = wp.check_nonce(caller, {"nonce": "0123456789"}, ("learners_nonce_action",))
        assert (checked.reason, checked.options) == ("nonce_invalid", caller.options)
    assert wp.identify(header).options == {}
    refused = wp.identify(site.header("boss", expiration=NOW + 100, label="stale"), options=wanted)
    assert refused.user is None and refused.options["wecoza_form_url"] == "Zoë/"  # read, but nobody may use it
    before = wp.db.round_trips
    assert wp.identify("wordpress_test_cookie=x", options=wanted).options == {}
    assert wp.db.round_trips == before
