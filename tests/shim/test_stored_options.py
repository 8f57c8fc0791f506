"""The options the shim reads on every admin-ajax request are stored at their defaults, autoloaded.

WordPress reads every autoloaded option in one query at the start of a request; an option that is missing costs a query
of its own each time it is read, on every request (there is no persistent object cache by default). An operator who
sets the URL and the secret in wp-config.php, or with update_option, and never saves the settings form would otherwise
pay one query per admin-ajax request for the unrouted list, and one more per forwarded action for the timeout.
"""
import pytest
import requests

from tests.shim.conftest import SHIM_BASENAME

pytestmark = pytest.mark.every_wordpress

# Written into the test site while this module runs: the queries of a request that asks for it, one per line.
MU_PLUGIN = """<?php
// Stored-options tests: which queries name an option of the shim.
if ( isset( $_GET['wecoza_test_queries'] ) ) {
    add_filter( 'query', function ( $query ) {
        if ( false !== strpos( $query, 'wecoza_sidecar_' ) ) {
            file_put_contents( WP_CONTENT_DIR . '/wecoza-test-queries.log', $query . "\\n", FILE_APPEND );
        }
        return $query;
    } );
}
"""
PER_REQUEST = ("wecoza_sidecar_timeout", "wecoza_sidecar_unrouted", "wecoza_sidecar_unrouted_forms")
ANSWER = b'{"success":true,"data":{"first_name":"Stored"}}'


@pytest.fixture(scope="module")
def query_log(shim_site):
    plugin = shim_site.path / "wp-content" / "mu-plugins" / "wecoza-stored-options-tests.php"
    log = shim_site.path / "wp-content" / "wecoza-test-queries.log"
    plugin.write_text(MU_PLUGIN)
    try:
        yield log
    finally:
        plugin.unlink()
        log.unlink(missing_ok=True)


def shim_option_queries(log, ajax_url, action="wecoza_get_learner") -> list[str]:
    log.unlink(missing_ok=True)
    response = requests.post(ajax_url, params={"wecoza_test_queries": "1"}, timeout=60,
                             data={"action": action, "id": "7", "nonce": "n"})
    assert response.status_code in (200, 400)
    return log.read_text().splitlines() if log.exists() else []


def forget_the_defaults(shim_site, install_version):
    """The options of a site whose settings form was never saved: only the URL and the secret are stored."""
    names = ", ".join(f"'{name}'" for name in PER_REQUEST)
    shim_site.php(f"foreach ([{names}] as $name) {{ delete_option($name); }}"
                  "update_option('wecoza_sidecar_db_version', $args[0]);", install_version)


def test_an_upgraded_site_stores_the_defaults_once_and_then_reads_no_option_of_the_shim(
        sidecar, shim_site, ajax_url, query_log):
    sidecar.script("wecoza_get_learner", body=ANSWER)
    forget_the_defaults(shim_site, "1")  # as the shim before this change left it
    shim_option_queries(query_log, ajax_url)  # the upgrade runs at plugins_loaded
    assert {name: shim_site.get_option(name) for name in PER_REQUEST} == {
        "wecoza_sidecar_timeout": "10", "wecoza_sidecar_unrouted": [], "wecoza_sidecar_unrouted_forms": []}
    assert shim_option_queries(query_log, ajax_url) == []
    assert shim_option_queries(query_log, ajax_url, action="heartbeat") == []  # any admin-ajax request
    assert sidecar.last("/ajax/").refused == ""


def test_activation_stores_the_defaults_and_keeps_what_the_admin_chose(sidecar, shim_site, ajax_url, query_log):
    forget_the_defaults(shim_site, "")
    shim_site.set_option("wecoza_sidecar_timeout", 25)
    shim_site.php("do_action('activate_' . $args[0]);", SHIM_BASENAME)
    assert shim_site.get_option("wecoza_sidecar_timeout") == "25"
    assert shim_site.get_option("wecoza_sidecar_unrouted") == []
    sidecar.script("wecoza_get_learner", body=ANSWER)
    assert shim_option_queries(query_log, ajax_url) == []


def test_a_missing_option_would_cost_a_query_on_every_request(sidecar, shim_site, ajax_url, query_log):
    """The log sees what it is meant to see: a missing option, read on every request, shows up in it."""
    sidecar.script("wecoza_get_learner", body=ANSWER)
    shim_site.php("delete_option('wecoza_sidecar_timeout');")
    try:
        assert any("wecoza_sidecar_timeout" in query for query in shim_option_queries(query_log, ajax_url))
    finally:
        shim_site.set_option("wecoza_sidecar_timeout", 10)
