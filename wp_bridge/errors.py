"""The exceptions wp_bridge raises on purpose."""


class WPBridgeError(Exception):
    """Base class: a clean refusal, never a crash."""


class PHPSerializeError(WPBridgeError, ValueError):
    """Data that is not, or may not be read as, PHP-serialized scalars and arrays."""


class WPConfigError(WPBridgeError):
    """A wp-config.php the sidecar cannot take its settings from; the message says what to do."""


class SaltMissing(WPBridgeError):
    """WordPress would generate and store this salt now; no cookie or nonce can have used it yet."""

    def __init__(self, option: str):
        super().__init__(f"salt option {option!r} is not in the database and no usable constant replaces it; "
                         "WordPress would generate it on first use")
        self.option = option


class CookieHeaderError(WPBridgeError):
    """A Cookie header too large to be a browser's."""
