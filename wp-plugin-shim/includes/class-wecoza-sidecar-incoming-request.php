<?php
/**
 * What the shim tells the sidecar about the browser's request.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * The browser's request as it will be forwarded: exact body bytes, content type, method, query, cookies...
 */
class WeCoza_Sidecar_Incoming_Request {

	/**
	 * Request method (upper case).
	 *
	 * @var string
	 */
	public $method = 'GET';

	/**
	 * Raw query string.
	 *
	 * @var string
	 */
	public $query = '';

	/**
	 * Content type sent to the sidecar (the browser's, or the rebuilt multipart type with its boundary).
	 *
	 * @var string
	 */
	public $content_type = '';

	/**
	 * Body bytes sent to the sidecar.
	 *
	 * @var string
	 */
	public $body = '';

	/**
	 * Raw Cookie header.
	 *
	 * @var string
	 */
	public $cookie = '';

	/**
	 * "1" when the browser used HTTPS, else "0".
	 *
	 * @var string
	 */
	public $https = '0';

	/**
	 * Client address as the web server saw it.
	 *
	 * @var string
	 */
	public $client_ip = '';

	/**
	 * User agent.
	 *
	 * @var string
	 */
	public $user_agent = '';

	/**
	 * The current request, read from the server globals.
	 *
	 * Non-multipart bodies are forwarded as the raw php://input bytes (never $_POST, which WordPress
	 * slashed). For multipart bodies PHP has consumed the input, so the body is rebuilt from the
	 * unslashed $_POST and the uploaded files of $_FILES.
	 *
	 * @return self
	 */
	public static function from_globals() {
		// Forwarded unchanged, nonce included: the sidecar validates.
		$request             = new self();
		$request->method     = strtoupper( WeCoza_Sidecar_Channel::header_safe( $_SERVER['REQUEST_METHOD'] ?? 'GET' ) );
		$request->query      = WeCoza_Sidecar_Channel::header_safe( $_SERVER['QUERY_STRING'] ?? '' );
		$request->cookie     = WeCoza_Sidecar_Channel::header_safe( $_SERVER['HTTP_COOKIE'] ?? '' );
		$request->https      = is_ssl() ? '1' : '0';
		$request->client_ip  = WeCoza_Sidecar_Channel::header_safe( $_SERVER['REMOTE_ADDR'] ?? '' );
		$request->user_agent = WeCoza_Sidecar_Channel::header_safe( $_SERVER['HTTP_USER_AGENT'] ?? '' );

		$content_type = WeCoza_Sidecar_Channel::header_safe( $_SERVER['CONTENT_TYPE'] ?? ( $_SERVER['HTTP_CONTENT_TYPE'] ?? '' ) );
		if ( self::is_multipart( $content_type ) ) {
			$builder = new WeCoza_Sidecar_Multipart();
			$builder->add_fields( wp_unslash( $_POST ) );
			$builder->add_uploads( $_FILES );
			$request->body         = $builder->body();
			$request->content_type = $builder->content_type();
		} else {
			// phpcs:ignore Generic.PHP.ForbiddenFunctions.FoundWithAlternative -- the raw request body.
			$request->body         = (string) file_get_contents( 'php://input' );
			$request->content_type = $content_type;
		}
		return $request;
	}

	/**
	 * Whether a content type is multipart/form-data.
	 *
	 * @param string $content_type Content type header.
	 * @return bool
	 */
	public static function is_multipart( $content_type ) {
		return 0 === stripos( ltrim( $content_type ), 'multipart/form-data' );
	}

	/**
	 * The fields the signature covers, for the sidecar path the request is forwarded to.
	 *
	 * @param string $timestamp  Timestamp.
	 * @param string $request_id Request id.
	 * @param string $path       WeCoza_Sidecar_Channel::forward_path() of the action or form.
	 * @return array
	 */
	public function signed_fields( $timestamp, $request_id, $path ) {
		return array(
			'timestamp'    => $timestamp,
			'request_id'   => $request_id,
			'method'       => $this->method,
			'path'         => $path,
			'query'        => $this->query,
			'content_type' => $this->content_type,
			'https'        => $this->https,
			'client_ip'    => $this->client_ip,
			'user_agent'   => $this->user_agent,
			'body'         => $this->body,
			'cookie'       => $this->cookie,
		);
	}
}
