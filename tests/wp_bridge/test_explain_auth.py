"""``wecoza-sidecar explain-auth`` through the real CLI and configuration loader."""
import json
import os
import time

import pytest

from sidecar import cli

from .test_auth import KEYS, Site


@pytest.fixture(scope="module")
def explained_site(mariadb, sql, tmp_path_factory):
    site = Site(sql, mariadb, "ex_")
    expires = int(time.time()) + 7200
    site.add_user("clerk", {"learner_admin": True}, tokens={"main": expires})
    site.add_user("reader", {"subscriber": True}, tokens={"main": expires})
    defines = {"DB_NAME": mariadb.database, "DB_USER": mariadb.user, "DB_PASSWORD": mariadb.password,
               "DB_HOST": f"{mariadb.host}:{mariadb.port}", "DB_CHARSET": "utf8mb4", **KEYS}
    config = tmp_path_factory.mktemp("wp") / "wp-config.php"
    config.write_text("<?php\n" + "".join(f"define('{k}', '{v}');\n" for k, v in defines.items())
                      + "$table_prefix = 'ex_';\n")
    site.expires = expires
    site.config_path = config
    yield site
    site.wordpress().close()


@pytest.fixture
def run(explained_site, monkeypatch, capsys):
    for name in list(os.environ):
        if name.startswith("WECOZA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WECOZA_WP_CONFIG", str(explained_site.config_path))

    def invoke(*argv):
        code = cli.main(["explain-auth", *argv])
        return code, capsys.readouterr()
    return invoke


def header(site, login):
    names = site.wordpress().site().names
    return "; ".join(f"{names.for_scheme(s)}={site.cookie(login, s, expiration=site.expires)}"
                     for s in ("auth", "logged_in"))


def test_accepted_with_capability_as_json(explained_site, run):
    code, out = run("--cookie-header", header(explained_site, "clerk"), "--capability", "manage_learners", "--json")
    report = json.loads(out.out)
    assert code == 0
    assert report["verdict"] == "accepted" and report["login"] == "clerk" and report["roles"] == ["learner_admin"]
    assert report["capabilities"]["manage_learners"] is True and report["reasons"] == []


def test_rejected_for_capability(explained_site, run):
    code, out = run("--cookie-header", header(explained_site, "reader"), "--capability", "manage_learners")
    assert code == 1
    assert "REJECTED: user" in out.out and "capability manage_learners not granted" in out.out


def test_steps_and_nonce(explained_site, run):
    code, out = run("--cookie-header", header(explained_site, "clerk"), "--nonce", "0123456789",
                    "--action", "learners_nonce")
    assert code == 1
    assert "auth_cookie_valid" in out.out and "nonce_invalid" in out.out
    assert explained_site.token("main")[:5] not in out.out


def test_tampered_cookie(explained_site, run):
    tampered = header(explained_site, "clerk").replace("clerk", "reader")
    code, out = run("--cookie-header", tampered, "--json")
    assert code == 1 and json.loads(out.out)["reasons"] == ["auth_cookie_bad_hash"]


def test_usage_errors(run, monkeypatch):
    assert run("--cookie-header", "", "--nonce", "x")[0] == 2
    with pytest.raises(SystemExit) as stopped:
        run("--nonce", "x")
    assert stopped.value.code == 2
    monkeypatch.setenv("WECOZA_WP_CONFIG", "/nonexistent/wp-config.php")
    assert run("--cookie-header", "")[0] == 2
