"""Lifecycle (activation, legacy hooks, uninstall), admin notices and the settings screen."""
import json
import re
import uuid

import pytest
import requests

from devstack.sidecar_server import SHIM_MAIN, SHIM_SLUG

pytestmark = pytest.mark.every_wordpress

SHIM_BASENAME = f"{SHIM_SLUG}/{SHIM_MAIN}"

SETTINGS = "/wp-admin/options-general.php?page=wecoza-sidecar"


def php_json(site, code, *args):
    return json.loads(site.php(code, *args))


def test_activation_grants_manage_learners_to_administrators_idempotently(sidecar, shim_site, heard):
    shim_site.php("get_role('administrator')->remove_cap('manage_learners');")
    code = """
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        wp_set_current_user(get_user_by('login', 'admin')->ID);
        deactivate_plugins($args[0]);
        $r1 = activate_plugin($args[0]);
        deactivate_plugins($args[0]);
        $r2 = activate_plugin($args[0]);
        echo json_encode([is_wp_error($r1) || is_wp_error($r2), get_role('administrator')->has_cap('manage_learners'),
                          get_role('editor')->has_cap('manage_learners'),
                          count(array_keys(get_role('administrator')->capabilities, true, true))]);
    """
    errors, admin_has, editor_has, _ = php_json(shim_site, code, SHIM_BASENAME)
    assert (errors, admin_has, editor_has) == (False, True, False)
    caps = php_json(shim_site, "echo json_encode(get_role('administrator')->capabilities);")
    assert caps["manage_learners"] is True
    assert [h["hook"] for h in heard()] == ["wecoza_core_deactivated", "wecoza_core_activated",
                                            "wecoza_core_deactivated", "wecoza_core_activated"]
    assert php_json(shim_site, "require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo json_encode(is_plugin_active($args[0]));", SHIM_BASENAME) is True


def test_deactivation_leaves_options_tables_and_capability(sidecar, shim_site):
    code = """
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        global $wpdb;
        deactivate_plugins($args[0]);
        $out = [get_option('wecoza_sidecar_url'), (bool) $wpdb->get_var("SHOW TABLES LIKE '{$wpdb->prefix}wecoza_sidecar_events'"),
                get_role('administrator')->has_cap('manage_learners')];
        wp_set_current_user(get_user_by('login', 'admin')->ID);
        activate_plugin($args[0]);
        echo json_encode($out);
    """
    assert php_json(shim_site, code, SHIM_BASENAME) == [sidecar.url, True, True]


def test_wecoza_core_loaded_fires_when_the_legacy_plugin_is_absent(sidecar, shim_site):
    assert shim_site.php("echo did_action('wecoza_core_loaded');") == "1"


def test_the_legacy_hooks_stay_silent_while_the_legacy_plugin_is_active(sidecar, shim_site):
    code = """
        $active = get_option('active_plugins');
        update_option('active_plugins', array_merge($active, ['wecoza-core/wecoza-core.php']));
        $fired = 0;
        add_action('wecoza_core_activated', function () use (&$fired) { $fired++; });
        WeCoza_Sidecar_Lifecycle::activate();
        update_option('active_plugins', $active);
        echo json_encode([$fired, WeCoza_Sidecar_Lifecycle::legacy_active()]);
    """
    assert php_json(shim_site, code) == [0, False]


def test_admin_notice_when_url_or_secret_is_missing(sidecar, shim_site):
    admin = shim_site.login("admin")
    shim_site.set_options({"wecoza_postgres_password": "set"})
    assert "WeCoza Sidecar:" not in admin.get(f"{shim_site.url}/wp-admin/plugins.php", timeout=30).text
    for missing in ("wecoza_sidecar_url", "wecoza_sidecar_secret"):
        shim_site.set_option(missing, "")
        page = admin.get(f"{shim_site.url}/wp-admin/plugins.php", timeout=30).text
        assert "<strong>WeCoza Sidecar:</strong> the sidecar URL or shared secret is not configured" in page
        assert "options-general.php?page=wecoza-sidecar" in page
        shim_site.set_option(missing, getattr(sidecar, "url" if missing.endswith("url") else "secret"))
    # not for users without manage_options
    shim_site.set_option("wecoza_sidecar_url", "")
    editor = shim_site.login("editor1")
    assert "WeCoza Sidecar:" not in editor.get(f"{shim_site.url}/wp-admin/index.php", timeout=30).text


def test_admin_notice_for_an_empty_postgres_password_uses_the_legacy_wording(sidecar, shim_site):
    admin = shim_site.login("admin")
    shim_site.set_options({"wecoza_postgres_password": ""})
    page = admin.get(f"{shim_site.url}/wp-admin/plugins.php", timeout=30).text
    assert ('<div class="notice notice-warning is-dismissible"><p><strong>WeCoza Core:</strong> PostgreSQL password '
            'not configured. Please set the wecoza_postgres_password option.</p></div>') in page
    shim_site.set_options({"wecoza_postgres_password": "set"})
    page = admin.get(f"{shim_site.url}/wp-admin/plugins.php", timeout=30).text
    assert "PostgreSQL password not configured" not in page


def test_settings_screen_shows_status_version_masked_secret_and_actions(sidecar, shim_site):
    sidecar.version = "0.1.7"
    try:
        admin = shim_site.login("admin")
        page = admin.get(shim_site.url + SETTINGS, timeout=30).text
    finally:
        sidecar.version = "0.1.0"
    assert 'class="wecoza-sidecar-reachable"' in page and "Answers: ok" in page
    assert "0.1.7" in page
    assert sidecar.secret not in page
    assert "A secret is saved (not shown)" in page
    assert 'name="wecoza_sidecar_secret" value=""' in page
    for action in ("wecoza_get_learner", "wecoza_update_learner", "fetch_learners_dropdown_data"):
        assert re.search(r'name="wecoza_sidecar_routed\[\]" value="%s"\s*checked' % action, page), action
    assert "5 actions, 2 forms (generated by sidecar 0.1.0)" in page
    # routes.json declares manage_learners for a public lookup too, as the sidecar's registry does; the sidecar
    # checks nothing for it, so the screen says what `wecoza-sidecar actions` says
    who = dict(re.findall(r'<code>(\w+)</code></label></td><td>[^<]*</td><td>([^<]*)</td>', page))
    assert who["get_class_subjects"] == "anyone"
    assert who["wecoza_get_learner"] == "manage_learners"
    assert re.search(r'name="wecoza_sidecar_routed_forms\[\]" value="learners_create"\s*checked', page)


def test_settings_screen_when_the_sidecar_is_down(sidecar, shim_site):
    admin = shim_site.login("admin")
    with sidecar.stopped():
        page = admin.get(shim_site.url + SETTINGS, timeout=30).text
    assert 'class="wecoza-sidecar-unreachable"' in page and "Not reachable:" in page


def test_settings_screen_requires_manage_options(sidecar, shim_site):
    editor = shim_site.login("editor1")
    response = editor.get(shim_site.url + SETTINGS, timeout=30)
    assert response.status_code == 403 or "not allowed" in response.text
    assert "Shared secret" not in response.text


def settings_form(session, site):
    page = session.get(site.url + SETTINGS, timeout=30).text
    nonce = re.search(r'name="_wpnonce" value="([0-9a-f]+)"', page).group(1)
    return {"action": "wecoza_sidecar_save", "_wpnonce": nonce, "_wp_http_referer": SETTINGS}


def test_saving_settings_keeps_the_secret_when_empty_and_stores_unticked_actions(sidecar, shim_site):
    admin = shim_site.login("admin")
    form = settings_form(admin, shim_site)
    form.update({"wecoza_sidecar_url": sidecar.url + "/", "wecoza_sidecar_secret": "", "wecoza_sidecar_timeout": "7",
                 "wecoza_sidecar_routed[]": ["wecoza_get_learner", "fetch_learners_dropdown_data",
                                             "get_class_subjects"],
                 "wecoza_sidecar_routed_forms[]": ["learners_update"]})
    response = admin.post(f"{shim_site.url}/wp-admin/admin-post.php", data=form, timeout=30, allow_redirects=False)
    assert response.status_code == 302 and "settings-updated=true" in response.headers["Location"]
    assert shim_site.get_option("wecoza_sidecar_secret") == sidecar.secret
    assert shim_site.get_option("wecoza_sidecar_url") == sidecar.url
    assert int(shim_site.get_option("wecoza_sidecar_timeout")) == 7
    assert sorted(shim_site.get_option("wecoza_sidecar_unrouted")) == ["export_learners_csv", "wecoza_update_learner"]
    assert shim_site.get_option("wecoza_sidecar_unrouted_forms") == ["learners_create"]

    form = settings_form(admin, shim_site)
    form.update({"wecoza_sidecar_url": sidecar.url, "wecoza_sidecar_secret": " new-secret ",
                 "wecoza_sidecar_timeout": "0"})
    admin.post(f"{shim_site.url}/wp-admin/admin-post.php", data=form, timeout=30, allow_redirects=False)
    assert shim_site.get_option("wecoza_sidecar_secret") == "new-secret"
    assert int(shim_site.get_option("wecoza_sidecar_timeout")) == 10
    assert len(shim_site.get_option("wecoza_sidecar_unrouted")) == 5  # nothing ticked
    assert sorted(shim_site.get_option("wecoza_sidecar_unrouted_forms")) == ["learners_create", "learners_update"]


def test_saving_settings_needs_the_nonce_and_the_capability(sidecar, shim_site):
    admin = shim_site.login("admin")
    bad = {"action": "wecoza_sidecar_save", "_wpnonce": "0000000000", "wecoza_sidecar_url": "http://evil.test"}
    response = admin.post(f"{shim_site.url}/wp-admin/admin-post.php", data=bad, timeout=30, allow_redirects=False)
    assert response.status_code == 403
    editor = shim_site.login("editor1")
    response = editor.post(f"{shim_site.url}/wp-admin/admin-post.php", data=settings_form(admin, shim_site) | {
        "wecoza_sidecar_url": "http://evil.test"}, timeout=30, allow_redirects=False)
    assert response.status_code == 403
    assert shim_site.get_option("wecoza_sidecar_url") == sidecar.url


def test_settings_screen_lists_the_last_deliveries_without_payloads(sidecar, shim_site, ajax_url):
    fired = {"id": str(uuid.uuid4()), "name": "wecoza_learner_updated",
             "payload": {"learner_id": 77, "surname": "SecretSurname"}}
    sidecar.script("wecoza_update_learner", events=[fired])
    requests.post(ajax_url, data={"action": "wecoza_update_learner"}, timeout=30)
    page = shim_site.login("admin").get(shim_site.url + SETTINGS, timeout=30).text
    table = page[page.index('id="wecoza-sidecar-deliveries"'):]
    assert fired["id"] in table and "wecoza_learner_updated" in table and "inline" in table
    assert "SecretSurname" not in page


def test_routes_file_problem_is_reported(sidecar, shim_site):
    shim_site.set_option("wecoza_test_routes_file", str(shim_site.path / "missing.json"))
    page = shim_site.login("admin").get(f"{shim_site.url}/wp-admin/plugins.php", timeout=30).text
    assert "no action is forwarded: the route list is missing." in page


def test_uninstall_removes_only_the_shims_own_data(sidecar, shim_site):
    code = """
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        global $wpdb;
        update_option('wecoza_postgres_password', 'kept');
        set_transient('wecoza_sidecar_flash_' . str_repeat('a', 32), ['message' => 'x'], 60);
        deactivate_plugins($args[0]);
        uninstall_plugin($args[0]);
        wp_cache_flush();  // what this PHP process cached before the rows went
        $options = [];
        foreach (['wecoza_sidecar_url', 'wecoza_sidecar_secret', 'wecoza_sidecar_timeout', 'wecoza_sidecar_unrouted',
                  'wecoza_sidecar_unrouted_forms', 'wecoza_sidecar_db_version', 'wecoza_postgres_password'] as $name) {
            $options[$name] = get_option($name, null);
        }
        $out = [
            'options' => $options,
            'flash' => get_transient('wecoza_sidecar_flash_' . str_repeat('a', 32)),
            'tables' => $wpdb->get_col("SHOW TABLES LIKE '{$wpdb->prefix}wecoza_sidecar%'"),
            'cap' => get_role('administrator')->has_cap('manage_learners'),
        ];
        wp_set_current_user(get_user_by('login', 'admin')->ID);
        activate_plugin($args[0]);
        $out['tables_after_reactivation'] = count($wpdb->get_col("SHOW TABLES LIKE '{$wpdb->prefix}wecoza_sidecar%'"));
        echo json_encode($out);
    """
    out = php_json(shim_site, code, SHIM_BASENAME)
    assert out["options"] == {"wecoza_sidecar_url": None, "wecoza_sidecar_secret": None,
                              "wecoza_sidecar_timeout": None, "wecoza_sidecar_unrouted": None,
                              "wecoza_sidecar_unrouted_forms": None,
                              "wecoza_sidecar_db_version": None, "wecoza_postgres_password": "kept"}
    assert out["flash"] is False
    assert out["tables"] == []
    assert out["cap"] is True
    assert out["tables_after_reactivation"] == 2
