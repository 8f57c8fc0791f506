"""Reading wp-config.php: literals, comments, the Debian layout, DB_HOST forms, computed defines."""
from pathlib import Path

import pytest

from wp_bridge.errors import WPConfigError
from wp_bridge.wpconfig import DBHost, debian_config_path, parse_db_host, read_wp_config

SAMPLE = r"""<?php
/**
 * The base configuration for WordPress
 */
// ** Database settings - You can get this info from your web host ** //
define( 'DB_NAME', 'wordpress_db' );
define( 'DB_USER', "wp_user" );
define( 'DB_PASSWORD', 'p@ss\'word\\ #1 /* not a comment */' );
define( 'DB_HOST', '127.0.0.1:3307' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

define( 'AUTH_KEY',         'a{b}c#d//e/*f*/' );
define( 'SECURE_AUTH_KEY',  "tab\there \x41 \u{e9} \$notvar" );
define( 'LOGGED_IN_KEY',    'k3' );  # trailing hash comment
define( 'NONCE_KEY',        'k4' );
/* define( 'AUTH_SALT', 'commented out' ); */
define( 'AUTH_SALT',        's1' );
DEFINE( 'SECURE_AUTH_SALT', 's2' );
define( 'LOGGED_IN_SALT',   's3' );
\define( 'NONCE_SALT',      's4' );
define( 'NONCE_SALT',       'ignored: the first define wins' );

$table_prefix = 'wpx_';

define( 'WP_DEBUG', FALSE );
define( 'WP_SITEURL', 'https://example.com/wp/' );
define( 'FORCE_SSL_ADMIN', true );
define( 'BLOG_ID_CURRENT_SITE', 1 );
define( 'WP_MEMORY_LIMIT', null );
@define( 'COOKIE_DOMAIN', '' );
define( 'WP_CACHE_KEY_SALT', __FILE__ . 'x' );
define( 'EMPTY_TRASH_DAYS', -0x1E );

/* Add any custom values between this line and the "stop editing" line. */

/** Absolute path to the WordPress directory. */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

/** Sets up WordPress vars and included files. */
require_once ABSPATH . 'wp-settings.php';
"""


def write(tmp_path: Path, text: str, name: str = "wp-config.php") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_sample(tmp_path):
    config = read_wp_config(write(tmp_path, SAMPLE))
    assert (config.db_name, config.db_user, config.db_host, config.db_charset) == (
        "wordpress_db", "wp_user", "127.0.0.1:3307", "utf8mb4")
    assert config.db_password == "p@ss'word\\ #1 /* not a comment */"
    assert config.table_prefix == "wpx_"
    assert config.keys == {
        "AUTH_KEY": "a{b}c#d//e/*f*/", "SECURE_AUTH_KEY": "tab\there A é $notvar", "LOGGED_IN_KEY": "k3",
        "NONCE_KEY": "k4", "AUTH_SALT": "s1", "SECURE_AUTH_SALT": "s2", "LOGGED_IN_SALT": "s3", "NONCE_SALT": "s4"}
    constants = config.constants
    assert constants["WP_DEBUG"] is False and constants["FORCE_SSL_ADMIN"] is True
    assert constants["WP_SITEURL"] == "https://example.com/wp/"
    assert constants["BLOG_ID_CURRENT_SITE"] == 1 and constants["EMPTY_TRASH_DAYS"] == -30
    assert constants["WP_MEMORY_LIMIT"] is None and constants["COOKIE_DOMAIN"] == ""
    assert "ABSPATH" not in constants and "WP_CACHE_KEY_SALT" not in constants
    assert config.computed == ("ABSPATH", "WP_CACHE_KEY_SALT")


@pytest.mark.parametrize("line,name", [
    ("define( 'DB_HOST', getenv('WORDPRESS_DB_HOST') );", "DB_HOST"),
    ("define( 'AUTH_KEY', getenv_docker('WORDPRESS_AUTH_KEY', 'x') );", "AUTH_KEY"),
    ("define( 'DB_PASSWORD', \"pw-$suffix\" );", "DB_PASSWORD"),
    ("define( 'WP_SITEURL', 'http://' . $_SERVER['HTTP_HOST'] );", "WP_SITEURL"),
    ("if ( PHP_SAPI !== 'cli' ) define( 'DB_NAME', 'a' );", "DB_NAME"),
    ("if ( $x ): define( 'DB_USER', 'a' ); endif;", "DB_USER"),
    ("defined( 'COOKIEHASH' ) || define( 'COOKIEHASH', 'abc' );", "COOKIEHASH"),
    ("$table_prefix = 'wp_' . $blog;", "$table_prefix"),
    ("$table_prefix .= 'x';", "$table_prefix"),
])
def test_computed_needed_values_are_errors(tmp_path, line, name):
    with pytest.raises(WPConfigError) as error:
        read_wp_config(write(tmp_path, f"<?php\n{line}\n"))
    message = str(error.value)
    assert name in message and "explicitly" in message
    if name == "DB_HOST":
        assert "WECOZA_WP_DB_HOST" in message


def test_explicit_names_are_no_error(tmp_path):
    path = write(tmp_path, "<?php define('DB_HOST', getenv('H')); define('DB_NAME', 'n');")
    config = read_wp_config(path, explicit={"DB_HOST"})
    assert config.db_host is None and config.db_name == "n" and config.computed == ("DB_HOST",)


def test_literal_after_a_conditional_block(tmp_path):
    text = ("<?php\nif (!function_exists('getenv_docker')) {\n function getenv_docker($a, $b) { return $b; }\n}\n"
            "define('DB_NAME', 'n');\nif ($a) { $table_prefix = 'x_'; } else { $y = 1; }\n$table_prefix = 'wp_';\n")
    config = read_wp_config(write(tmp_path, text))
    assert config.db_name == "n" and config.table_prefix == "wp_"


def test_const_and_close_tag(tmp_path):
    text = "<html><?php const DB_NAME = 'a', DB_USER = 'b'; ?>text<?php define('DB_HOST', 'h') ?>"
    config = read_wp_config(write(tmp_path, text))
    assert (config.db_name, config.db_user, config.db_host) == ("a", "b", "h")


def test_unsupported_globals(tmp_path):
    with pytest.raises(WPConfigError, match=r"\$wp_user_roles"):
        read_wp_config(write(tmp_path, "<?php $wp_user_roles = array('x' => array());"))


def test_unterminated_string(tmp_path):
    with pytest.raises(WPConfigError, match="unterminated"):
        read_wp_config(write(tmp_path, "<?php define('DB_NAME', 'abc);"))




def test_debian_dispatcher_is_refused(tmp_path):
    stub = ("<?php\n$debian_server = preg_replace('/:.*/', \"\", $_SERVER['HTTP_HOST']);\n"
            "$debian_file = '/etc/wordpress/config-'.strtolower($debian_server).'.php';\n"
            "if (file_exists($debian_file)) { require_once($debian_file); define('DEBIAN_FILE', $debian_file); }\n"
            "if (!defined('DB_NAME')) define('DB_NAME', 'wordpress');\n")
    with pytest.raises(WPConfigError, match=r"/etc/wordpress/config-<host>\.php"):
        read_wp_config(write(tmp_path, stub))


def test_debian_host_file_gets_debian_defaults(tmp_path):
    path = write(tmp_path, "<?php\ndefine('DB_PASSWORD', 'secret');\ndefine('SECRET_KEY', 'k');\n",
                 "config-example.com.php")
    config = read_wp_config(path, debian=True)
    assert (config.db_name, config.db_user, config.db_host, config.table_prefix) == (
        "wordpress", "wordpress", "localhost", "wp_")
    assert config.constants["SECRET_KEY"] == "k"
    plain = read_wp_config(path)
    assert plain.db_name is None and plain.table_prefix is None


def test_debian_config_path(tmp_path):
    assert debian_config_path("Blog.Example.com:8080", tmp_path) == tmp_path / "config-blog.example.com.php"
    (tmp_path / "config-default.php").write_text("<?php")
    assert debian_config_path("blog.example.com", tmp_path) == tmp_path / "config-default.php"
    (tmp_path / "config-example.com.php").write_text("<?php")
    assert debian_config_path("blog.example.com", tmp_path) == tmp_path / "config-example.com.php"
    (tmp_path / "config-blog.example.com.php").write_text("<?php")
    assert debian_config_path("blog.example.com", tmp_path) == tmp_path / "config-blog.example.com.php"


@pytest.mark.parametrize("value,expected", [
    ("localhost", DBHost("localhost", None, "/run/mysqld/mysqld.sock")),
    ("LOCALHOST:3306", DBHost("localhost", None, "/run/mysqld/mysqld.sock")),
    ("", DBHost("localhost", None, "/run/mysqld/mysqld.sock")),
    ("127.0.0.1", DBHost("127.0.0.1", 3306, None)),
    ("db.example.com:3310", DBHost("db.example.com", 3310, None)),
    ("db:0", DBHost("db", 3306, None)),
    ("localhost:/var/run/mysqld/other.sock", DBHost("localhost", None, "/var/run/mysqld/other.sock")),
    (":/tmp/mysql.sock", DBHost("localhost", None, "/tmp/mysql.sock")),
    ("127.0.0.1:/tmp/ignored.sock", DBHost("127.0.0.1", 3306, None)),
    ("[::1]:3307", DBHost("::1", 3307, None)),
    ("[::1]", DBHost("::1", 3306, None)),
    ("::1", DBHost("::1", 3306, None)),
    ("2001:db8::5", DBHost("2001:db8::5", 3306, None)),
    ("p:db.example.com:3311", DBHost("db.example.com", 3311, None)),
    ("p:localhost", DBHost("localhost", None, "/run/mysqld/mysqld.sock")),
])
def test_parse_db_host(value, expected):
    assert parse_db_host(value) == expected


def test_parse_db_host_other_default_socket():
    assert parse_db_host("localhost", default_socket="/tmp/s") == DBHost("localhost", None, "/tmp/s")
