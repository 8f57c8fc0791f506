"""wp_bridge.wpconfig.read_wp_config on hostile files: random text and bytes, mutations of a realistic
wp-config.php, and generated files whose literal defines are known (so the result is checked too).

The reader answers a WPConfig or WPConfigError; never another exception (the file is an operator's, but
a half-edited or truncated one must still give a message, not a traceback)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wp_bridge.errors import WPConfigError
from wp_bridge.wpconfig import KEY_NAMES, NEEDED, TABLE_PREFIX, WPConfig, read_wp_config

from .conftest import FUZZ, case, counted
from .strategies import mutated

read = counted("wp_bridge.wpconfig.read_wp_config", read_wp_config)

SEED = rb"""<?php
/** The base configuration for WordPress */
define( 'DB_NAME', 'wordpress_db' );
define( 'DB_USER', "wp_user" );
define( 'DB_PASSWORD', 'p@ss\'word\\ #1 /* not a comment */' );
define( 'DB_HOST', '127.0.0.1:3307' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'AUTH_KEY',         'a{b}c#d//e/*f*/' );
define( 'SECURE_AUTH_KEY',  "tab\there \x41 \u{e9} \$notvar" );
define( 'LOGGED_IN_KEY',    'k3' );  # trailing hash comment
/* define( 'AUTH_SALT', 'commented out' ); */
\define( 'NONCE_SALT',      's4' );
const WP_ENV = 'prod', WP_N = 0x1F;
$table_prefix = 'wpx_';
define( 'WP_DEBUG', FALSE );
define( 'EMPTY_TRASH_DAYS', -0x1E );
@define( 'COOKIE_DOMAIN', '' );
define( 'WP_CACHE_KEY_SALT', __FILE__ . 'x' );
$note = <<<EOT
define( 'DB_NAME', 'inside a heredoc' );
EOT;
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
if ( getenv( 'X' ) ): define( 'WP_HOME', 'x' ); endif;
?>
<p>html between tags</p>
<?php
require_once ABSPATH . 'wp-settings.php';
"""


@pytest.fixture(scope="module")
def config_file():
    with tempfile.TemporaryDirectory(prefix="wecoza-fuzz-") as folder:
        yield Path(folder) / "wp-config.php"


def read_file(path: Path, data: bytes):
    path.write_bytes(data)
    try:
        config = read(path)
    except WPConfigError as exc:
        assert str(exc)
        return None
    assert isinstance(config, WPConfig)
    return config


@FUZZ
@given(st.binary(max_size=600) | st.text(max_size=400).map(lambda t: ("<?php\n" + t).encode("utf-8")))
@case
def test_random_files(config_file, data):
    read_file(config_file, data)


@FUZZ
@given(mutated(st.just(SEED), max_steps=8))
@case
def test_mutated_config(config_file, data):
    read_file(config_file, data)


# --- generated files with known literal defines --------------------------------------------------------

names = st.sampled_from(sorted(NEEDED - {TABLE_PREFIX}) + ["WP_DEBUG", "WP_HOME", "X1"]) \
    | st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def sq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def dq(text: str) -> str:
    """A double-quoted PHP literal of ``text`` using only escapes (no interpolation)."""
    out = []
    for char in text:
        if char in '\\"$':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif ord(char) < 0x20 or char == "\x7f":
            out.append("\\x%02x" % ord(char))
        elif ord(char) > 0x7f and len(out) % 2:
            out.append("\\u{%x}" % ord(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@st.composite
def literal(draw):
    """(PHP source of a literal, the value the reader must give)."""
    kind = draw(st.sampled_from(["sq", "dq", "int", "hex", "oct", "bin", "neg", "float", "bool", "null"]))
    if kind in ("sq", "dq"):
        text = draw(texts)
        return (sq(text) if kind == "sq" else dq(text)), text
    if kind in ("int", "hex", "oct", "bin", "neg"):
        number = draw(st.integers(0, 2**62))
        source = {"int": str(number), "hex": hex(number), "oct": "0" + oct(number)[2:] if number else "0",
                  "bin": bin(number), "neg": f"-{number}"}[kind]
        return source, -number if kind == "neg" else number
    if kind == "float":
        number = draw(st.floats(allow_nan=False, allow_infinity=False, min_value=0))
        return repr(number), number
    if kind == "bool":
        value = draw(st.booleans())
        return draw(st.sampled_from([str(value).upper(), str(value).lower(), str(value)])), value
    return draw(st.sampled_from(["null", "NULL", "Null"])), None


NOISE = ["// a comment with define('DB_NAME', 'x');\n", "# hash comment\n", "/* block\n comment */\n",
         "$other = array( 'a' => 1 );\n", "require_once __DIR__ . '/wp-settings.php';\n",
         "if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n",
         "?>\n<html> define('DB_NAME', 'outside php') </html>\n<?php\n", "\n\n",
         "$x = <<<'EOT'\ndefine('A','b');\nEOT;\n"]


@st.composite
def known_files(draw):
    """A file of literal defines (maybe repeated names: the first wins), const and $table_prefix, mixed
    with noise that must not change them; returns (source, expected {name: value})."""
    lines, expected = ["<?php\n"], {}
    prefix = None
    for _ in range(draw(st.integers(0, 14))):
        what = draw(st.sampled_from(["define", "define", "define", "const", "prefix", "noise"]))
        if what == "noise":
            lines.append(draw(st.sampled_from(NOISE)))
            continue
        source, value = draw(literal())
        if what == "prefix":
            lines.append(f"$table_prefix = {source};\n")
            prefix = value
            continue
        name = draw(names.filter(lambda n: n != "ABSPATH"))
        space = draw(st.sampled_from(["", " ", "  ", "\t"]))
        if what == "define":
            call = draw(st.sampled_from(["define", "DEFINE", "\\define", "@define"]))
            lines.append(f"{call}({space}{sq(name)},{space}{source}{space});\n")
        else:
            lines.append(f"const {name} = {source};\n")
        expected.setdefault(name, value)
    if prefix is not None or "$table_prefix" in "".join(lines):
        expected[TABLE_PREFIX] = prefix
    return "".join(lines), expected


def as_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


@FUZZ
@given(known_files())
@case
def test_known_literals_read_back(config_file, generated):
    source, expected = generated
    config = read_file(config_file, source.encode("utf-8"))
    assert config is not None, source
    got = {**config.keys, **config.constants}
    if config.table_prefix is not None:
        got[TABLE_PREFIX] = config.table_prefix
    for name, value in expected.items():
        if name == TABLE_PREFIX:
            assert config.table_prefix == as_text(value), source
        elif name in KEY_NAMES:
            assert config.keys[name] == value, (name, source)
        else:
            assert name in config.constants and config.constants[name] == value, (name, source)
            assert type(config.constants[name]) is type(value), (name, source)
    assert set(config.computed) <= {"ABSPATH"}, source     # the only non-literal define in NOISE
