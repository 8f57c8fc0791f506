"""Reading wp-config.php without running PHP: literal ``define()``s, ``const`` and ``$table_prefix``.

A value the reader cannot take literally (an expression, a function call, a variable, a
conditional define) is an error when the sidecar needs that setting, and is ignored otherwise.
Debian's dispatcher (``/usr/share/wordpress/wp-config.php``) is recognised and refused with the
path of the file it would load.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import WPConfigError

KEY_NAMES = ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
             "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
TABLE_PREFIX = "$table_prefix"
NEEDED = frozenset(KEY_NAMES) | {
    "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_CHARSET", TABLE_PREFIX,
    "SECRET_KEY", "SECRET_SALT", "COOKIEHASH", "AUTH_COOKIE", "SECURE_AUTH_COOKIE", "LOGGED_IN_COOKIE",
    "WP_SITEURL", "MULTISITE", "SUBDOMAIN_INSTALL", "VHOST", "SUNRISE", "SITE_ID_CURRENT_SITE",
    "BLOG_ID_CURRENT_SITE", "CUSTOM_USER_TABLE", "CUSTOM_USER_META_TABLE",
}
ENV_HINTS = {
    "DB_NAME": "WECOZA_WP_DB_NAME", "DB_USER": "WECOZA_WP_DB_USER", "DB_PASSWORD": "WECOZA_WP_DB_PASSWORD",
    "DB_HOST": "WECOZA_WP_DB_HOST (or WECOZA_WP_DB_SOCKET)", TABLE_PREFIX: "WECOZA_WP_TABLE_PREFIX",
}
UNSUPPORTED_GLOBALS = ("$wp_user_roles", "$super_admins")
DEBIAN_ETC = Path("/etc/wordpress")
DEBIAN_SOCKET = "/run/mysqld/mysqld.sock"
DEBIAN_DEFAULTS = {"DB_NAME": "wordpress", "DB_USER": "wordpress", "DB_HOST": "localhost"}
_CONTROL = frozenset({"if", "elseif", "else", "while", "for", "foreach", "switch", "do", "declare", "function",
                      "class", "interface", "trait", "enum", "try", "catch", "finally"})
_ALT_START = frozenset({"if", "while", "for", "foreach", "switch", "declare"})
_ALT_END = frozenset({"endif", "endwhile", "endfor", "endforeach", "endswitch"})


@dataclass(frozen=True)
class WPConfig:
    """What wp-config.php defines literally. ``computed`` names the defines that were skipped."""

    path: str
    db_name: str | None = None
    db_user: str | None = None
    db_password: str | None = None
    db_host: str | None = None
    db_charset: str | None = None
    table_prefix: str | None = None
    keys: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    computed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DBHost:
    host: str
    port: int | None
    socket: str | None


def read_wp_config(path, *, explicit=(), debian: bool | None = None) -> WPConfig:
    """Parse ``path``. ``explicit``: names the caller gives itself, so a computed value is no error.
    ``debian``: apply Debian's defaults (DB_NAME, DB_USER, DB_HOST, ``$table_prefix``); by default
    when the file lives in /etc/wordpress."""
    path = Path(path)
    source = path.read_bytes().decode("utf-8", "surrogateescape")
    if "/etc/wordpress/config-" in source and "$debian_file" in source:
        candidates = sorted(str(p) for p in DEBIAN_ETC.glob("config-*.php")) if DEBIAN_ETC.is_dir() else []
        found = f" (present here: {', '.join(candidates)})" if candidates else ""
        raise WPConfigError(
            f"{path} is Debian's dispatcher: it only loads /etc/wordpress/config-<host>.php for the request's "
            f"host, then config-<domain>.php or config-default.php. Point the sidecar at that file{found}, "
            "for example /etc/wordpress/config-example.com.php.")
    values, unknown = _scan(source, path)
    if path.parent == DEBIAN_ETC if debian is None else debian:
        for name, default in {**DEBIAN_DEFAULTS, TABLE_PREFIX: "wp_"}.items():
            if name not in values and name not in unknown:
                values[name] = default
    blocked = [name for name in unknown if name in NEEDED and name not in explicit]
    if blocked:
        raise WPConfigError("; ".join(_explain(name, unknown[name], path) for name in blocked))
    for name in UNSUPPORTED_GLOBALS:
        if name in unknown:
            raise WPConfigError(f"{path} sets the global {name}, which the sidecar cannot evaluate: "
                                "WordPress would take roles or super admins from it instead of the database")
    return WPConfig(
        path=str(path),
        db_name=_text(values.get("DB_NAME")),
        db_user=_text(values.get("DB_USER")),
        db_password=_text(values.get("DB_PASSWORD")),
        db_host=_text(values.get("DB_HOST")),
        db_charset=_text(values.get("DB_CHARSET")),
        table_prefix=_text(values.get(TABLE_PREFIX)),
        keys={name: values[name] for name in KEY_NAMES if name in values},
        constants={name: value for name, value in values.items()
                   if name not in KEY_NAMES and name != TABLE_PREFIX},
        computed=tuple(sorted(unknown)),
    )


def _explain(name: str, why: str, path: Path) -> str:
    hint = ENV_HINTS.get(name, "in the sidecar configuration")
    return (f"{name} in {path} is {why}; the sidecar does not run PHP, so give its value explicitly "
            f"({hint}) or make it a literal define")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def debian_config_path(host: str, etc_dir=DEBIAN_ETC) -> Path:
    """The file Debian's wp-config.php loads for a request to ``host``: config-<host>.php, then
    config-<domain>.php, then config-default.php; the first when none exists."""
    server = re.sub(r"[^a-zA-Z0-9.\-]", "", re.sub(r":.*", "", host)).lower()
    main = re.sub(r"^[^.]*\.", "", server)
    etc_dir = Path(etc_dir)
    candidates = [etc_dir / f"config-{server}.php", etc_dir / f"config-{main}.php", etc_dir / "config-default.php"]
    return next((c for c in candidates if c.is_file()), candidates[0])


def parse_db_host(value: str, default_socket: str = DEBIAN_SOCKET) -> DBHost:
    """DB_HOST as ``wpdb::parse_db_host()`` and mysqli read it: ``host``, ``host:port``,
    ``host:/socket``, ``[::1]:3306``; ``localhost`` (or no host) means the Unix socket."""
    host = value[2:] if value[:2].lower() == "p:" else value
    socket = None
    cut = host.find(":/")
    if cut >= 0:
        host, socket = host[:cut], host[cut + 1:]
    if host.count(":") > 1:
        found = re.match(r"\[?(?P<host>[0-9a-fA-F:]+)(?:\]:(?P<port>[0-9]+))?", host)
    else:
        found = re.match(r"(?P<host>[^:/]*)(?::(?P<port>[0-9]+))?", host)
    host = (found.group("host") if found else host) or "localhost"
    digits = (found.group("port") or "").lstrip("0") if found else ""
    port = int(digits) if 0 < len(digits) <= 5 else None
    if host.lower() == "localhost":
        return DBHost("localhost", None, socket or default_socket)
    return DBHost(host, port or 3306, None)


# --- scanner -----------------------------------------------------------------------------------

_TOKENS = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>(?://|\#(?!\[))(?:[^\n?]|\?(?!>))*|/\*.*?(?:\*/|\Z))
  | (?P<close>\?>)
  | (?P<heredoc><<<[ \t]*(?P<q>["']?)(?P<tag>[A-Za-z_][A-Za-z0-9_]*)(?P=q)\r?\n.*?\n[ \t]*(?P=tag)\b)
  | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<dq>"(?:[^"\\]|\\.)*")
  | (?P<var>\$[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)
  | (?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
            |(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)
  | (?P<name>\\?[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff\\]*)
  | (?P<op>[^\s])
""", re.S | re.X)
_OPEN_TAG = re.compile(r"<\?(?:php(?=\s)|=)", re.I)
_DQ_ESCAPE = re.compile(r"\\(?:([nrtvef\\$\"])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u\{([0-9A-Fa-f]+)\})")
_DQ_SIMPLE = {"n": b"\n", "r": b"\r", "t": b"\t", "v": b"\v", "e": b"\x1b", "f": b"\f",
              "\\": b"\\", "$": b"$", '"': b'"'}


@dataclass
class _Token:
    kind: str
    text: str
    line: int


def _tokenize(source: str, path: Path) -> list[_Token]:
    tokens: list[_Token] = []
    pos, line = 0, 1
    while True:
        opened = _OPEN_TAG.search(source, pos)
        if opened is None:
            return tokens
        line += source.count("\n", pos, opened.end())
        pos = opened.end()
        tokens.append(_Token("open", opened.group(), line))
        while pos < len(source):
            found = _TOKENS.match(source, pos)
            assert found is not None and found.lastgroup is not None  # ws and op match any character
            kind = found.lastgroup
            if kind == "op" and found.group() in "'\"":
                raise WPConfigError(f"{path}: unterminated string on line {line}")
            if kind not in ("ws", "comment"):
                tokens.append(_Token(kind, found.group(), line))
            line += found.group().count("\n")
            pos = found.end()
            if kind == "close":
                break


def _literal(tokens: list[_Token]):
    """(True, value) for a single literal, else (False, None)."""
    sign = 1
    if len(tokens) == 2 and tokens[0].kind == "op" and tokens[0].text in "+-" and tokens[1].kind == "num":
        sign = -1 if tokens[0].text == "-" else 1
        tokens = tokens[1:]
    if len(tokens) != 1:
        return False, None
    token = tokens[0]
    if token.kind == "sq":
        body = token.text[1:-1]
        return True, re.sub(r"\\([\\'])", r"\1", body)
    if token.kind == "dq":
        return _double_quoted(token.text[1:-1])
    if token.kind == "num":
        try:
            return True, sign * _number(token.text)
        except ValueError:
            return False, None
    if token.kind == "name":
        word = token.text.lstrip("\\").lower()
        if word in ("true", "false", "null"):
            return True, {"true": True, "false": False, "null": None}[word]
    return False, None


def _double_quoted(body: str):
    if re.search(r"(?<!\\)(?:\\\\)*\$[A-Za-z_{\x80-\U0010ffff]|\{\$", body):
        return False, None
    out = bytearray()
    pos = 0
    for escape in _DQ_ESCAPE.finditer(body):
        out += body[pos:escape.start()].encode("utf-8", "surrogateescape")
        simple, octal, hexa, code = escape.groups()
        if simple:
            out += _DQ_SIMPLE[simple]
        elif octal:
            out.append(int(octal, 8) & 0xFF)
        elif hexa:
            out.append(int(hexa, 16))
        elif int(code, 16) > 0x10FFFF:
            return False, None
        else:
            out += chr(int(code, 16)).encode("utf-8", "surrogatepass")
        pos = escape.end()
    out += body[pos:].encode("utf-8", "surrogateescape")
    return True, bytes(out).decode("utf-8", "surrogateescape")


def _number(text: str):
    text = text.replace("_", "")
    lower = text.lower()
    if lower.startswith(("0x", "0b", "0o")):
        return int(text[2:] or "0", {"x": 16, "b": 2, "o": 8}[lower[1]])
    if re.fullmatch(r"0[0-7]+", text):
        return int(text, 8)
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return float(text)


def _scan(source: str, path: Path) -> tuple[dict, dict]:
    """(literal values, {name: why it is not literal}); the first definition of a constant wins,
    the last assignment of a variable."""
    tokens = _tokenize(source, path)
    values: dict = {}
    unknown: dict = {}
    braces = alt_blocks = 0
    conditional = False
    statement_start = True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        text = token.text
        word = text.lstrip("\\").lower() if token.kind == "name" else ""
        guarded = braces > 0 or alt_blocks > 0 or conditional or not statement_start
        why = "defined conditionally" if guarded else f"not a literal (line {token.line})"
        if token.kind in ("open", "close") or text == ";":
            statement_start, conditional = True, conditional if token.kind == "open" else False
        elif text == "{":
            braces += 1
            statement_start, conditional = True, False
        elif text == "}":
            braces = max(braces - 1, 0)
            statement_start = True
        elif text == "@" and statement_start:
            pass
        elif word in _CONTROL:
            i = _skip_parens(tokens, i + 1)
            if i < len(tokens) and tokens[i].text == ":" and word in _ALT_START:
                alt_blocks += 1
                i += 1
            statement_start, conditional = True, True
            continue
        elif word in _ALT_END:
            alt_blocks = max(alt_blocks - 1, 0)
        elif word == "define" and i + 1 < len(tokens) and tokens[i + 1].text == "(":
            i, args = _call_args(tokens, i + 1)
            named, name = _literal(args[0]) if args else (False, None)
            if named and isinstance(name, str) and len(args) >= 2 and name not in values and name not in unknown:
                literal, value = _literal(args[1])
                if literal and not guarded:
                    values[name] = value
                else:
                    unknown[name] = why
            statement_start = False
            continue
        elif word == "const" and not guarded:
            i = _const(tokens, i + 1, values, unknown)
            statement_start = False
            continue
        elif token.kind == "var" and statement_start and text in (TABLE_PREFIX, *UNSUPPORTED_GLOBALS):
            end = _statement_end(tokens, i + 1)
            rest = tokens[i + 1:end]
            if any(t.text == "=" for t in rest):
                plain = rest[0].text == "=" and (len(rest) < 2 or rest[1].text not in ("=", ">"))
                literal, value = _literal(rest[1:]) if plain else (False, None)
                values.pop(text, None)
                unknown.pop(text, None)
                if literal and not guarded and text == TABLE_PREFIX:
                    values[text] = value
                else:
                    unknown[text] = why
            i, statement_start = end, False
            continue
        else:
            statement_start = False
        i += 1
    return values, unknown


def _skip_parens(tokens: list[_Token], i: int) -> int:
    if i < len(tokens) and tokens[i].kind == "name" and tokens[i].text.lower() == "if":
        i += 1
    if i >= len(tokens) or tokens[i].text != "(":
        return i
    depth = 0
    while i < len(tokens):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _call_args(tokens: list[_Token], i: int) -> tuple[int, list[list[_Token]]]:
    """Arguments of the call whose ``(`` is at ``i``; returns the index after ``)``."""
    args: list[list[_Token]] = [[]]
    depth = 0
    while i < len(tokens):
        text = tokens[i].text
        if text in ("(", "[", "{"):
            depth += 1
            if depth > 1:
                args[-1].append(tokens[i])
        elif text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return i + 1, args if args != [[]] else []
            args[-1].append(tokens[i])
        elif text == "," and depth == 1:
            args.append([])
        else:
            args[-1].append(tokens[i])
        i += 1
    return i, []


def _statement_end(tokens: list[_Token], i: int) -> int:
    depth = 0
    while i < len(tokens):
        text = tokens[i].text
        if tokens[i].kind == "close" or (text == ";" and depth == 0):
            return i
        if text in ("(", "[", "{"):
            depth += 1
        elif text in (")", "]", "}"):
            depth -= 1
        i += 1
    return i


def _const(tokens: list[_Token], i: int, values: dict, unknown: dict) -> int:
    end = _statement_end(tokens, i)
    pieces: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens[i:end]:
        if token.text in ("(", "[", "{"):
            depth += 1
        elif token.text in (")", "]", "}"):
            depth -= 1
        if token.text == "," and depth == 0:
            pieces.append([])
        else:
            pieces[-1].append(token)
    for piece in pieces:
        if len(piece) >= 3 and piece[0].kind == "name" and piece[1].text == "=":
            name = piece[0].text
            if name not in values and name not in unknown:
                literal, value = _literal(piece[2:])
                if literal:
                    values[name] = value
                else:
                    unknown[name] = f"not a literal (line {piece[0].line})"
    return end
