"""A real WordPress in a folder, on its own MariaDB database, served by `php -S`: `WordPressSite` for the tests and
the bench; the module functions (copy, wp-config.php, install, PHP inside a site, the `php -S` command) also build
the demo's site.

Two versions: 6.1 is Debian's package (/usr/share/wordpress), 7.1 the release tarball in ../shared/wordpress (its
README), checked against that folder's SHA256SUMS and extracted into the site's folder. Without ../shared only
Debian's version exists (`versions()`), as the schema falls back to devstack/schema.
"""
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import requests

from .mariadb import MysqlDatabase
from .ports import LOOPBACK, free_port, wait_for_http
from .processes import spawn, stop_group
from .system import WORDPRESS_TREE, shared_dir

PHP_DIR = Path(__file__).resolve().parent / "php"
DEBIAN_VERSION = "6.1"
RELEASE_TARBALLS = {"7.1": "wordpress-7.1.0.tar.gz"}  # version -> file in ../shared/wordpress
SALT_NAMES = ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
              "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
# login -> (role, password); the first one is the administrator wp_install() creates
USERS = {
    "admin": ("administrator", "wecoza-admin-pass"),
    "editor1": ("editor", "wecoza-editor1-pass"),
    "subscriber1": ("subscriber", "wecoza-subscriber1-pass"),
}
ACTIVATE_PLUGIN = """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_set_current_user(get_user_by('login', $args[1])->ID);
$result = activate_plugin($args[0]);
if (is_wp_error($result)) { fwrite(STDERR, $result->get_error_message() . "\\n"); exit(1); }
"""


class PhpError(RuntimeError):
    pass


def fixed_salt(name):
    """Fixed, distinct per constant (WordPress replaces duplicated values with random salts)."""
    return f"wecoza-test-{name.lower()}-{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def versions():
    """The WordPress versions a site can be built from, oldest first: Debian's, then those of ../shared/wordpress."""
    return [DEBIAN_VERSION, *(RELEASE_TARBALLS if shared_dir() else ())]


def copy_wordpress(version, dest: Path):
    """Fill the empty folder dest with WordPress `version`, without wp-config.php; raise when it is another version."""
    if version == DEBIAN_VERSION:
        _copy_debian_tree(dest)
    else:
        _extract_release(version, dest)
    found = installed_version(dest)
    if found != version and not found.startswith(version + "."):
        raise RuntimeError(f"WordPress {version} was asked for, {dest} holds {found}")


def installed_version(tree: Path):
    """$wp_version of the WordPress in tree."""
    version_php = (tree / "wp-includes" / "version.php").read_text()
    match = re.search(r"^\$wp_version = '([^']+)';", version_php, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no $wp_version in {tree}/wp-includes/version.php")
    return match.group(1)


def _copy_debian_tree(dest):
    # Debian's tree holds symlinks into /etc and /var/lib: copy what they point to.
    copy = subprocess.run(["rsync", "-rtL", "--exclude=/wp-config.php", "--exclude=/.htaccess",
                           "--exclude=/wp-content/languages/", f"{WORDPRESS_TREE}/", f"{dest}/"],
                          capture_output=True, text=True, timeout=300)
    if copy.returncode != 0:
        raise RuntimeError(f"copying {WORDPRESS_TREE} failed (rsync exit {copy.returncode}): {copy.stderr}")


def _extract_release(version, dest):
    if version not in RELEASE_TARBALLS:
        raise ValueError(f"no WordPress {version}: the suite knows {', '.join(versions())}")
    shared = shared_dir()
    if shared is None:
        raise RuntimeError(f"WordPress {version} comes from ../shared/wordpress, and this checkout has no ../shared")
    tarball = shared / "wordpress" / RELEASE_TARBALLS[version]
    verify_sha256(tarball, tarball.parent / "SHA256SUMS")
    # The tarball holds one wordpress/ folder.
    run = subprocess.run(["tar", "-xzf", str(tarball), "-C", str(dest), "--strip-components=1", "--no-same-owner"],
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"extracting {tarball} failed (tar exit {run.returncode}): {run.stderr}")


def verify_sha256(path: Path, sums_file: Path):
    """Raise unless sums_file (`sha256sum` output) lists path's name with its SHA-256."""
    listed = {}
    for line in sums_file.read_text().splitlines():
        if line.strip():
            digest, name = line.split(None, 1)
            listed[name.strip().lstrip("*")] = digest.lower()
    if path.name not in listed:
        raise RuntimeError(f"{sums_file} does not list {path.name}")
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    if digest != listed[path.name]:
        raise RuntimeError(f"{path} does not match its SHA-256 in {sums_file}: damaged or replaced")


def php_literal(value):
    """A PHP literal for a wp-config.php define: true/false or a single-quoted string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def wp_config_text(defines, written_by, table_prefix="wp_"):
    """wp-config.php defining every name: value of `defines`, with a comment naming who wrote it."""
    lines = ["<?php", f"// {written_by}"]
    lines += [f"define( '{name}', {php_literal(value)} );" for name, value in defines.items()]
    lines += [f"$table_prefix = '{table_prefix}';", "",
              "if ( ! defined( 'ABSPATH' ) ) {", "\tdefine( 'ABSPATH', __DIR__ . '/' );", "}",
              "require_once ABSPATH . 'wp-settings.php';", ""]
    return "\n".join(lines)


def _php_cli(site_path, script, *args, stdin=None, timeout=120):
    run = subprocess.run(["php", str(script), *map(str, args)], input=stdin, capture_output=True,
                         text=True, timeout=timeout, cwd=site_path)
    if run.returncode != 0:
        raise PhpError(f"php {Path(script).name} failed (exit {run.returncode}):\n{run.stderr}{run.stdout}")
    return run.stdout


def install_wordpress(site_path, url, users, timeout=300):
    """wp_install() in a site whose wp-config.php is written, then the users ({login, password, role, email});
    returns {login: user id}. The first user is the administrator wp_install() creates."""
    return json.loads(_php_cli(site_path, PHP_DIR / "install.php", site_path, url, json.dumps(users), timeout=timeout))


def run_php(site_path, url, code_or_script, *args, timeout=120):
    """Run PHP inside the loaded site at site_path and return what it prints.

    code_or_script is PHP code (with or without a leading <?php) or the path of a .php file; the code sees
    its arguments (as strings) in $args. A PHP error or a non-zero exit raises PhpError.
    """
    if isinstance(code_or_script, Path) or (code_or_script.endswith(".php") and Path(code_or_script).is_file()):
        return _php_cli(site_path, PHP_DIR / "run.php", site_path, url, code_or_script, *args, timeout=timeout)
    return _php_cli(site_path, PHP_DIR / "run.php", site_path, url, "-", *args, stdin=code_or_script,
                    timeout=timeout)


def php_server_command(host, port, site_path):
    """`php -S` serving the site at site_path through devstack/php/router.php (run it with cwd=site_path)."""
    return ["php", "-d", "upload_max_filesize=64M", "-d", "post_max_size=80M",
            "-S", f"{host}:{port}", "-t", str(site_path), str(PHP_DIR / "router.php")]


class WordPressSite:
    def __init__(self, root: Path, db: MysqlDatabase, version=DEBIAN_VERSION):
        self.root = root                      # the session's folder: site/ and logs/
        self.version = version                # DEBIAN_VERSION or a key of RELEASE_TARBALLS
        self.path = root / "site"
        self.logs = root / "logs"
        self.db = db
        self.host, self.port = LOOPBACK, free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.wp_config_path = self.path / "wp-config.php"
        self.debug_log_path = self.logs / "wp-debug.log"
        self.server_log_path = self.logs / "php-server.log"
        self.table_prefix = "wp_"
        self.users = {login: password for login, (_, password) in USERS.items()}
        self.user_ids = {}
        self.proc = None

    # ------------------------------------------------------------------ lifecycle
    def build(self):
        """Copy WordPress, write wp-config.php, install, create the users."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.path.mkdir(parents=True)
        copy_wordpress(self.version, self.path)
        (self.path / "wp-content" / "uploads").mkdir(exist_ok=True)
        self.wp_config_path.write_text(self._wp_config())
        users = [{"login": login, "password": password, "role": role, "email": f"{login}@example.test"}
                 for login, (role, password) in USERS.items()]
        self.user_ids = install_wordpress(self.path, self.url, users)
        return self

    def start(self):
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        self.proc = spawn(php_server_command(self.host, self.port, self.path), self.server_log_path, env=env,
                          cwd=self.path)
        wait_for_http(f"{self.url}/wp-login.php", "php -S serving WordPress", proc=self.proc,
                      log_path=self.server_log_path)
        return self

    def stop(self):
        stop_group(self.proc)
        self.proc = None

    def remove_files(self):
        """Delete the copied WordPress tree (logs stay for a post-mortem)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def _wp_config(self):
        defines = {
            "DB_NAME": self.db.dbname, "DB_USER": self.db.user, "DB_PASSWORD": self.db.password,
            "DB_HOST": f"{self.db.host}:{self.db.port}", "DB_CHARSET": "utf8mb4", "DB_COLLATE": "",
            **{name: fixed_salt(name) for name in SALT_NAMES},
            "WP_HOME": self.url, "WP_SITEURL": self.url,
            "DISABLE_WP_CRON": True, "WP_HTTP_BLOCK_EXTERNAL": True, "AUTOMATIC_UPDATER_DISABLED": True,
            "WP_DEBUG": True, "WP_DEBUG_LOG": str(self.debug_log_path), "WP_DEBUG_DISPLAY": False,
        }
        return wp_config_text(defines, "Test site written by devstack/wordpress.py; removed at the end of the "
                                       "session.", self.table_prefix)

    # ------------------------------------------------------------------ PHP inside the site
    def php(self, code_or_script, *args, timeout=120):
        """run_php() inside this site."""
        return run_php(self.path, self.url, code_or_script, *args, timeout=timeout)

    def publish_page(self, slug_prefix: str, content: str) -> str:
        """A published page (slug ``slug_prefix`` + a random tail, so each call makes its own) holding ``content``;
        its permalink."""
        code = """
            $id = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => $args[0],
                                  'post_name' => $args[0], 'post_content' => $args[1]]);
            echo get_permalink($id);
        """
        return self.php(code, f"{slug_prefix}-{secrets.token_hex(4)}", content).strip()

    def get_option(self, name, default=None):
        out = self.php("echo json_encode(get_option($args[0], json_decode($args[1], true)));",
                       name, json.dumps(default))
        return json.loads(out)

    def set_option(self, name, value):
        """update_option(name, value); value goes through JSON, so dicts and lists arrive as PHP arrays."""
        self.set_options({name: value})

    def set_options(self, options):
        """update_option() for every name: value of the mapping, in one PHP run."""
        self.php("foreach (json_decode($args[0], true) as $k => $v) { update_option($k, $v); }", json.dumps(options))

    def install_plugin(self, source, activate=True, slug=None, main_file=None):
        """Symlink a plugin folder (or single file) into wp-content/plugins, activate it as admin.

        Returns the plugin's basename as WordPress knows it (e.g. "wecoza-sidecar-shim/wecoza-sidecar-shim.php").
        """
        source = Path(source).resolve()
        if not source.exists():
            raise FileNotFoundError(f"plugin not found: {source}")
        slug = slug or source.name
        link = self.path / "wp-content" / "plugins" / slug
        if not link.exists():
            link.symlink_to(source, target_is_directory=source.is_dir())
        basename = f"{slug}/{main_file or _plugin_main_file(source)}" if source.is_dir() else slug
        if activate:
            self.php(ACTIVATE_PLUGIN, basename, "admin")
        return basename

    def debug_log(self):
        """WordPress's debug.log so far ('' when nothing was logged)."""
        return self.debug_log_path.read_text(errors="replace") if self.debug_log_path.exists() else ""

    # ------------------------------------------------------------------ browser-like sessions
    def login(self, user, password=None):
        """Log in through wp-login.php like a browser; return the requests.Session holding the cookies."""
        session = requests.Session()
        login_url = f"{self.url}/wp-login.php"
        session.get(login_url, timeout=30).raise_for_status()  # sets wordpress_test_cookie
        response = session.post(login_url, timeout=30, allow_redirects=False, data={
            "log": user, "pwd": self.users[user] if password is None else password,
            "wp-submit": "Log In", "testcookie": "1", "redirect_to": f"{self.url}/wp-admin/"})
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith(f"{self.url}/wp-admin/"):
            raise AssertionError(f"login of {user!r} failed: HTTP {response.status_code}, Location {location!r}")
        if not any(c.name.startswith("wordpress_logged_in_") for c in session.cookies):
            raise AssertionError(f"login of {user!r} set no wordpress_logged_in_* cookie")
        return session

    def logout(self, session):
        """Log out through wp-login.php?action=logout (destroys the session token on the server).

        Returns the cookies the session held before, so a test can replay them and see them refused.
        """
        page = session.get(f"{self.url}/wp-admin/profile.php", timeout=30).text
        match = re.search(r"wp-login\.php\?action=logout(?:&amp;|&#038;|&)_wpnonce=([0-9a-f]+)", page)
        if not match:
            raise AssertionError("no logout link on wp-admin/profile.php: is the session logged in?")
        before = session.cookies.get_dict()
        response = session.get(f"{self.url}/wp-login.php", timeout=30, allow_redirects=False,
                               params={"action": "logout", "_wpnonce": match.group(1)})
        if response.status_code != 302 or "loggedout=true" not in response.headers.get("Location", ""):
            raise AssertionError(f"logout failed: HTTP {response.status_code} {response.headers.get('Location')}")
        return before


def _plugin_main_file(folder):
    """<folder>.php when present, else the first .php file with a 'Plugin Name:' header."""
    if (folder / f"{folder.name}.php").is_file():
        return f"{folder.name}.php"
    for candidate in sorted(folder.glob("*.php")):
        if "Plugin Name:" in candidate.read_text(errors="replace")[:8192]:
            return candidate.name
    raise FileNotFoundError(f"no plugin main file (a 'Plugin Name:' header) in {folder}")
