"""The legacy plugin (yourdesigncoza/wecoza-core, not part of this project) installed into a WordPress site, for the
optional legacy-page tests and for `demo.sh up --legacy-plugin DIR`.

Its unchanged pages need: the plugin folder in wp-content/plugins, activated as an administrator (the activation hook
gives administrators `manage_learners`), its PostgreSQL settings (the `wecoza_postgres_*` options), pretty
permalinks, and pages holding its shortcodes at the paths the pages and the sidecar link to (`/app/new-learner/`,
`/app/update-learners/`, `/app/new-class/`, `/app/display-single-class/`). The class pages also call three view
helpers that the production theme defines (`section_divider()`, `section_header()`, `button()`), and every page hides
its template rows with Bootstrap's `d-none` class: a must-use plugin stands in for that much of the theme.

`site` is any object with `path` (the WordPress folder), `php(code, *args)` (run PHP inside the loaded site, `$args`
holding the arguments), `get_option(name, default)`, `set_options(dict)` and
`install_plugin(folder, slug=, main_file=)` (put the folder into wp-content/plugins, activate it, return the basename).
"""
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "WECOZA_LEGACY_PLUGIN"  # names a copy of the plugin for the optional legacy-page tests
SLUG = "wecoza-core"
MAIN_FILE = "wecoza-core.php"
PERMALINKS = "/%postname%/"
PARENT_PAGE = "app"
# page slug under /app/ -> (title, content)
PAGES = {
    "new-learner": ("New Learner", "[wecoza_learners_form]"),
    "update-learners": ("Update Learners", "[wecoza_learners_update_form]"),
    "new-class": ("New Class", "[wecoza_capture_class]"),
    "display-single-class": ("Display Single Class", "[wecoza_display_single_class]"),
}

# Creates /app/ and its children once (by path); prints {slug: permalink}.
ENSURE_PAGES = """
$spec = json_decode($args[0], true);
$page = function ($path, $slug, $title, $content, $parent) {
    $found = get_page_by_path($path);
    if ($found) {
        return $found->ID;
    }
    $id = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => $title,
                          'post_name' => $slug, 'post_content' => $content, 'post_parent' => $parent,
                          'comment_status' => 'closed', 'ping_status' => 'closed'], true);
    if (is_wp_error($id)) {
        throw new RuntimeException("cannot create page $path: " . $id->get_error_message());
    }
    return $id;
};
$parent = $page($spec['parent'], $spec['parent'], 'App', '', 0);
$urls = [];
foreach ($spec['pages'] as $slug => [$title, $content]) {
    $urls[$slug] = get_permalink($page($spec['parent'] . '/' . $slug, $slug, $title, $content, $parent));
}
echo json_encode($urls);
"""
THEME_STAND_IN = "wecoza-legacy-theme-stand-in.php"
THEME_STAND_IN_CODE = """<?php
// Written by devstack/legacy_plugin.py (tests and demo): what the legacy plugin's pages take from their Bootstrap theme.
if ( ! function_exists( 'section_divider' ) ) {
	function section_divider() {
		return '<hr class="my-4">';
	}
}
if ( ! function_exists( 'section_header' ) ) {
	function section_header( $title, $description = '' ) {
		$html = '<h5 class="mt-4 mb-2">' . esc_html( $title ) . '</h5>';
		return '' === $description ? $html : $html . '<p class="text-muted small">' . esc_html( $description ) . '</p>';
	}
}
if ( ! function_exists( 'button' ) ) {
	function button( $label_html, $type = 'button', $variant = 'primary', $attributes = array() ) {
		$class = trim( 'btn btn-' . $variant . ' ' . ( $attributes['class'] ?? '' ) );
		return '<button type="' . esc_attr( $type ) . '" class="' . esc_attr( $class ) . '">' . $label_html . '</button>';
	}
}
add_action( 'wp_head', function () {
	echo "<style>.d-none{display:none!important}</style>\\n";
} );
"""
SET_PERMALINKS = "update_option('permalink_structure', $args[0]); flush_rewrite_rules(false);"
DEACTIVATE = """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_set_current_user(get_user_by('login', $args[1])->ID);
deactivate_plugins($args[0]);
"""


@dataclass
class LegacyPlugin:
    basename: str                                    # as WordPress knows it: wecoza-core/wecoza-core.php
    pages: dict = field(default_factory=dict)        # page slug -> absolute URL
    previous_permalinks: str = ""


def plugin_dir_from_env():
    """The folder named by WECOZA_LEGACY_PLUGIN, or None when unset."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def check_plugin_dir(plugin_dir, named_by="the folder "):
    """The folder as a resolved Path, or ValueError saying why it is not a copy of the plugin."""
    folder = Path(plugin_dir).expanduser().resolve()
    if not (folder / MAIN_FILE).is_file():
        raise ValueError(f"{named_by}{plugin_dir} must be a folder holding a copy of yourdesigncoza/wecoza-core "
                         f"({MAIN_FILE} at its top)")
    return folder


def postgres_options(pg):
    """The options the legacy plugin reads to reach PostgreSQL (core/Database/PostgresConnection.php)."""
    return {"wecoza_postgres_host": pg.host, "wecoza_postgres_port": str(pg.port),
            "wecoza_postgres_dbname": pg.dbname, "wecoza_postgres_user": pg.user,
            "wecoza_postgres_password": pg.password}


def install_legacy_plugin(site, plugin_dir, pg=None):
    """Link, configure and activate the plugin in `site`; create its pages. Returns a LegacyPlugin.

    pg (a PgDatabase) sets the plugin's PostgreSQL options; leave it out when they are already set (connect_shim).
    """
    folder = check_plugin_dir(plugin_dir)
    previous = site.get_option("permalink_structure", "") or ""
    if pg is not None:
        site.set_options(postgres_options(pg))
    site.php(SET_PERMALINKS, PERMALINKS)
    stand_in = _mu_plugins(site) / THEME_STAND_IN
    stand_in.parent.mkdir(exist_ok=True)
    stand_in.write_text(THEME_STAND_IN_CODE)
    basename = site.install_plugin(folder, slug=SLUG, main_file=MAIN_FILE)  # activated as the administrator
    pages = json.loads(site.php(ENSURE_PAGES, json.dumps({"parent": PARENT_PAGE, "pages": PAGES})))
    return LegacyPlugin(basename, pages, previous)


def remove_legacy_plugin(site, plugin, admin="admin"):
    """Deactivate the plugin (its hook removes its capabilities), put the permalinks back, remove the theme
    stand-in; the pages stay."""
    site.php(DEACTIVATE, plugin.basename, admin)
    site.php(SET_PERMALINKS, plugin.previous_permalinks)
    (_mu_plugins(site) / THEME_STAND_IN).unlink(missing_ok=True)


def _mu_plugins(site):
    return Path(site.path) / "wp-content" / "mu-plugins"

