<?php
/**
 * The sidecar's answer to a forwarded request.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Status, headers and body as received, plus the request id, method and path the shim sent (events are signed over them).
 */
class WeCoza_Sidecar_Response {

	/**
	 * Headers relayed to the browser when the sidecar sends them (never any X-WeCoza-* header).
	 */
	const RELAYED_HEADERS = array( 'Content-Type', 'Content-Disposition', 'Location', 'Cache-Control' );

	/**
	 * HTTP status.
	 *
	 * @var int
	 */
	public $status;

	/**
	 * Headers, lower-case names => string values.
	 *
	 * @var array<string, string>
	 */
	public $headers;

	/**
	 * Body bytes.
	 *
	 * @var string
	 */
	public $body;

	/**
	 * The request id the shim sent with the forwarded request.
	 *
	 * @var string
	 */
	public $request_id;

	/**
	 * The method of the request sent to the sidecar.
	 *
	 * @var string
	 */
	public $method;

	/**
	 * The sidecar path the request was sent to (WeCoza_Sidecar_Channel::forward_path()).
	 *
	 * @var string
	 */
	public $path;

	/**
	 * Constructor.
	 *
	 * @param int    $status     HTTP status.
	 * @param array  $headers    Headers (any case).
	 * @param string $body       Body.
	 * @param string $request_id Request id sent.
	 * @param string $method     Method sent.
	 * @param string $path       Sidecar path sent to.
	 */
	public function __construct( $status, array $headers, $body, $request_id, $method = '', $path = '' ) {
		$this->status     = (int) $status;
		$this->body       = (string) $body;
		$this->request_id = (string) $request_id;
		$this->method     = (string) $method;
		$this->path       = (string) $path;
		$this->headers    = array();
		foreach ( $headers as $name => $value ) {
			$this->headers[ strtolower( (string) $name ) ] = is_array( $value ) ? implode( ', ', $value ) : (string) $value;
		}
	}

	/**
	 * Builds a response from what wp_remote_request() returned.
	 *
	 * @param array  $http       wp_remote_request() result.
	 * @param string $request_id Request id sent.
	 * @param string $method     Method sent.
	 * @param string $path       Sidecar path sent to.
	 * @return self
	 */
	public static function from_http( array $http, $request_id, $method = '', $path = '' ) {
		$headers = array();
		$raw     = wp_remote_retrieve_headers( $http );
		if ( is_object( $raw ) && method_exists( $raw, 'getAll' ) ) {
			$headers = $raw->getAll();
		} elseif ( is_array( $raw ) || $raw instanceof Traversable ) {
			foreach ( $raw as $name => $value ) {
				$headers[ $name ] = $value;
			}
		}
		return new self( (int) wp_remote_retrieve_response_code( $http ), $headers, self::body_of( $http ), $request_id, $method, $path );
	}

	/**
	 * The body of a wp_remote_request() result.
	 *
	 * The Requests library drops a body that PHP's empty() calls empty, which is the one-byte body "0"
	 * (WordPress's own answer for an unknown action); it is recovered from the raw response.
	 *
	 * @param array $http wp_remote_request() result.
	 * @return string
	 */
	private static function body_of( array $http ) {
		$body = (string) wp_remote_retrieve_body( $http );
		if ( '' !== $body || ! isset( $http['http_response'] ) || ! is_object( $http['http_response'] ) || ! method_exists( $http['http_response'], 'get_response_object' ) ) {
			return $body;
		}
		$raw = (string) ( $http['http_response']->get_response_object()->raw ?? '' );
		$pos = strpos( $raw, "\r\n\r\n" );
		return ( false !== $pos && '0' === substr( $raw, $pos + 4 ) ) ? '0' : $body;
	}

	/**
	 * A header value ('' when absent).
	 *
	 * @param string $name Header name (any case).
	 * @return string
	 */
	public function header( $name ) {
		return $this->headers[ strtolower( $name ) ] ?? '';
	}

	/**
	 * The headers to send to the browser, in their canonical spelling.
	 *
	 * @return array<string, string>
	 */
	public function relayed_headers() {
		$out = array();
		foreach ( self::RELAYED_HEADERS as $name ) {
			$value = $this->header( $name );
			if ( '' !== $value ) {
				$out[ $name ] = str_replace( array( "\r", "\n" ), '', $value );
			}
		}
		return $out;
	}

	/**
	 * Why this answer is not the sidecar's answer to relay ('' when it is).
	 *
	 * - The sidecar refused the channel (bad or stale signature, no secret): it says so with
	 *   `X-WeCoza-Channel-Error`, or answers 401/503 with a bare `{"error": "..."}` body.
	 * - A gateway in front of it failed (502/503/504 without a JSON body), or the status is not HTTP.
	 *
	 * @return string
	 */
	public function refusal() {
		$channel_error = $this->header( 'X-WeCoza-Channel-Error' );
		if ( '' !== $channel_error ) {
			return 'the sidecar refused the request: ' . WeCoza_Sidecar_Channel::header_safe( substr( $channel_error, 0, 100 ) );
		}
		if ( $this->status < 100 || $this->status > 599 ) {
			return 'not an HTTP answer';
		}
		$is_json = false !== stripos( $this->header( 'Content-Type' ), 'json' );
		if ( in_array( $this->status, array( 401, 503 ), true ) && $is_json ) {
			$decoded = json_decode( $this->body, true );
			if ( is_array( $decoded ) && array( 'error' ) === array_keys( $decoded ) && is_string( $decoded['error'] ) ) {
				return 'the sidecar refused the request: ' . WeCoza_Sidecar_Channel::header_safe( substr( $decoded['error'], 0, 100 ) );
			}
		}
		if ( in_array( $this->status, array( 502, 503, 504 ), true ) && ! $is_json ) {
			return 'HTTP ' . $this->status . ' from a gateway';
		}
		return '';
	}
}
