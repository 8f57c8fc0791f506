"""Speaking WordPress from Python: wp-config.php, PHP serialization, options, users, roles and
capabilities, login cookies, session tokens and nonces (no Flask, nothing from ``sidecar``)."""
from .auth import AuthResult
from .errors import CookieHeaderError, PHPSerializeError, SaltMissing, WPBridgeError, WPConfigError
from .mysql import MySQL, MySQLParams
from .site import WordPress
from .users import WPUser

__all__ = ["AuthResult", "CookieHeaderError", "MySQL", "MySQLParams", "PHPSerializeError", "SaltMissing",
           "WPBridgeError", "WPConfigError", "WPUser", "WordPress"]
