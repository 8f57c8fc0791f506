<?php
/**
 * The signed shim <-> sidecar channel (the Python side is wp_bridge/channel.py).
 *
 * A message is signed over a canonical text: its lines joined with "\n", beginning with its kind, the HTTP
 * method and the path it is for (so a signature made for one path is refused on any other). The signature is
 *
 *     key = HMAC-SHA256(key = secret, msg = "wecoza-sidecar-v1")          (raw bytes)
 *     sig = base64url, no padding (HMAC-SHA256(key = key, msg = canonical))
 *
 * which is what itsdangerous' Signer(secret, salt, key_derivation="hmac", digest_method=sha256) produces.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signs and verifies channel messages with the shared secret.
 */
class WeCoza_Sidecar_Channel {

	const SALT         = 'wecoza-sidecar-v1';
	const REQUEST_KIND = 'wecoza-sidecar-request-v2';
	const EVENTS_KIND  = 'wecoza-sidecar-events-v2';
	const MESSAGE_KIND = 'wecoza-sidecar-message-v2';

	/** The method of every forwarded request (the browser's own method is a signed field). */
	const FORWARD_METHOD = 'POST';

	/** An unsigned marker on a read sent while WordPress loads (for a capture or a proxy's log): the sidecar answers it as any read. */
	const SENT_EARLY_HEADER = 'X-WeCoza-Sent-Early';

	/** Seconds a signed message stays acceptable (either side of now). */
	const WINDOW = 60;

	/**
	 * The shared secret.
	 *
	 * @var string
	 */
	private $secret;

	/**
	 * Constructor.
	 *
	 * @param string $secret The shared secret (must not be empty).
	 */
	public function __construct( $secret ) {
		$this->secret = (string) $secret;
	}

	/**
	 * The signature of a canonical text.
	 *
	 * @param string $canonical Canonical text.
	 * @return string
	 */
	public function sign( $canonical ) {
		$key = hash_hmac( 'sha256', self::SALT, $this->secret, true );
		$mac = hash_hmac( 'sha256', $canonical, $key, true );
		return rtrim( strtr( base64_encode( $mac ), '+/', '-_' ), '=' );
	}

	/**
	 * Whether a signature matches the canonical text (constant time).
	 *
	 * @param string $canonical Canonical text.
	 * @param mixed  $signature Signature as received.
	 * @return bool
	 */
	public function valid( $canonical, $signature ) {
		if ( '' === $this->secret || ! is_string( $signature ) || '' === $signature ) {
			return false;
		}
		return hash_equals( $this->sign( $canonical ), $signature );
	}

	/**
	 * The canonical text: kind, method, path and fields joined with "\n" (null when any holds a newline).
	 *
	 * @param string   $kind   Message kind.
	 * @param string   $method HTTP method the message is sent with.
	 * @param string   $path   Path it is sent to (a sidecar route, or the shim's REST route).
	 * @param string[] $fields Fields in order.
	 * @return string|null
	 */
	public static function canonical( $kind, $method, $path, array $fields ) {
		$lines = array_map( 'strval', array_merge( array( $kind, $method, $path ), $fields ) );
		foreach ( $lines as $line ) {
			if ( false !== strpos( $line, "\n" ) ) {
				return null;
			}
		}
		return implode( "\n", $lines );
	}

	/**
	 * The sidecar path of a forwarded action ('ajax') or form ('form').
	 *
	 * @param string $kind 'ajax' or 'form'.
	 * @param string $name Action or form name.
	 * @return string
	 */
	public static function forward_path( $kind, $name ) {
		return '/' . $kind . '/' . $name;
	}

	/**
	 * Canonical text of a forwarded request.
	 *
	 * @param array $f timestamp, request_id, method (the browser's), path (forward_path()), query, content_type, https,
	 *                 client_ip, user_agent, body, cookie.
	 * @return string|null
	 */
	public static function request_canonical( array $f ) {
		return self::canonical(
			self::REQUEST_KIND,
			self::FORWARD_METHOD,
			$f['path'],
			array(
				$f['timestamp'],
				$f['request_id'],
				$f['method'],
				$f['query'],
				$f['content_type'],
				$f['https'],
				$f['client_ip'],
				$f['user_agent'],
				hash( 'sha256', $f['body'] ),
				hash( 'sha256', $f['cookie'] ),
			)
		);
	}

	/**
	 * Canonical text of an events message: inline (method, path and id of the forwarded request it answers)
	 * or a REST delivery (the REST request's method, route and id).
	 *
	 * @param string $method      HTTP method.
	 * @param string $path        Path.
	 * @param string $timestamp   Timestamp as sent.
	 * @param string $request_id  Request id.
	 * @param string $events_text The exact bytes that were signed (base64 header value or raw REST body).
	 * @return string|null
	 */
	public static function events_canonical( $method, $path, $timestamp, $request_id, $events_text ) {
		return self::canonical( self::EVENTS_KIND, $method, $path, array( $timestamp, $request_id, hash( 'sha256', $events_text ) ) );
	}

	/**
	 * Canonical text of a signed JSON message to the sidecar (/events/ack, /events/status, /events/retry).
	 *
	 * @param string $method     HTTP method.
	 * @param string $path       Sidecar path.
	 * @param string $timestamp  Timestamp.
	 * @param string $request_id Request id.
	 * @param string $body       Raw JSON body.
	 * @return string|null
	 */
	public static function message_canonical( $method, $path, $timestamp, $request_id, $body ) {
		return self::canonical( self::MESSAGE_KIND, $method, $path, array( $timestamp, $request_id, hash( 'sha256', $body ) ) );
	}

	/**
	 * Whether a timestamp (decimal seconds) is within the window around now.
	 *
	 * @param mixed    $timestamp Timestamp as received.
	 * @param int|null $now       Current time (for tests).
	 * @return bool
	 */
	public static function fresh( $timestamp, $now = null ) {
		if ( ! is_string( $timestamp ) || ! preg_match( '/^[0-9]{1,12}$/', $timestamp ) ) {
			return false;
		}
		$now = null === $now ? time() : (int) $now;
		return abs( $now - (int) $timestamp ) <= self::WINDOW;
	}

	/**
	 * Whether a received request id has an acceptable shape.
	 *
	 * @param mixed $request_id Request id as received.
	 * @return bool
	 */
	public static function valid_request_id( $request_id ) {
		return is_string( $request_id ) && (bool) preg_match( '/^[A-Za-z0-9._:-]{8,64}$/', $request_id );
	}

	/**
	 * A new random request id: 32 hex digits.
	 *
	 * @return string
	 */
	public static function new_request_id() {
		return bin2hex( random_bytes( 16 ) );
	}

	/**
	 * A header value that survives any HTTP stack unchanged: no CR/LF, and bytes outside printable
	 * ASCII percent-encoded (so the sidecar, which reads headers as Latin-1 text, hashes the same bytes).
	 *
	 * @param mixed $value Raw value.
	 * @return string
	 */
	public static function header_safe( $value ) {
		$value = str_replace( array( "\r", "\n" ), '', (string) $value );
		return (string) preg_replace_callback(
			'/[^\x20-\x7e]/',
			static function ( $m ) {
				return sprintf( '%%%02X', ord( $m[0] ) );
			},
			$value
		);
	}
}
