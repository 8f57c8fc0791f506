<?php
/**
 * A routed read sent to the sidecar while WordPress is still loading.
 *
 * Once the plugins are loaded, admin-ajax.php still runs WordPress's init, the admin's includes and every plugin's
 * admin_init before it calls the action: most of a request's time. A read changes nothing and the sidecar checks the
 * cookie, nonce and capability itself, so the shim sends a routed read as soon as it knows the request is one, and
 * picks the answer up when the action runs. If the action never runs (a plugin ends the request first), the answer
 * is dropped unread. Writes are never sent early: a plugin that stops a request at admin_init must stop its write.
 *
 * The request is the one the HTTP API would send (Client::prepare_forward), sent with cURL's multi interface, which
 * can run beside PHP. Whenever the HTTP API's own handling could differ, the read waits for the action and goes
 * through the HTTP API as every other request does: a proxy, a blocked host, an https sidecar URL (certificate
 * checks stay the HTTP API's), a multipart body (PHP's $_POST is not final before wp_magic_quotes), or another
 * plugin hooking the HTTP API by the time the action runs. The filter wecoza_sidecar_early_reads (added by a plugin
 * or mu-plugin; themes load too late) turns it off.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * One early read per request, at most.
 */
class WeCoza_Sidecar_Early_Read {

	/**
	 * HTTP API hooks another plugin may use to see or change the shim's requests (the shim's own http_api_curl
	 * callback aside).
	 */
	const HTTP_API_HOOKS = array( 'pre_http_request', 'http_request_args', 'http_api_curl', 'http_response', 'http_api_debug', 'requests-requests.before_request', 'requests-curl.before_send' );

	/**
	 * Routes.
	 *
	 * @var WeCoza_Sidecar_Routes
	 */
	private $routes;

	/**
	 * Client.
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	private $client;

	/**
	 * The action sent early, or ''.
	 *
	 * @var string
	 */
	private $action = '';

	/**
	 * The signed request (Client::prepare_forward).
	 *
	 * @var array
	 */
	private $prepared = array();

	/**
	 * The cURL multi handle.
	 *
	 * @var resource|CurlMultiHandle|null
	 */
	private $multi = null;

	/**
	 * The cURL handle.
	 *
	 * @var resource|CurlHandle|null
	 */
	private $handle = null;

	/**
	 * The answer's header lines.
	 *
	 * @var string[]
	 */
	private $header_lines = array();

	/**
	 * When the request was sent (microtime).
	 *
	 * @var float
	 */
	private $started = 0.0;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Routes $routes Routes.
	 * @param WeCoza_Sidecar_Client $client Client.
	 */
	public function __construct( WeCoza_Sidecar_Routes $routes, WeCoza_Sidecar_Client $client ) {
		$this->routes = $routes;
		$this->client = $client;
	}

	/**
	 * Sends the request's action now if it is a routed read that can go early (admin-ajax.php, plugins_loaded).
	 */
	public function start() {
		// admin-ajax.php reads $_REQUEST['action']: POST over GET. take() only hands the answer to that same action.
		$action = $_POST['action'] ?? ( $_GET['action'] ?? '' );
		if ( ! is_string( $action ) || ! $this->routes->is_routed( $action ) || ! $this->routes->is_read( $action ) ) {
			return;
		}
		$content_type = (string) ( $_SERVER['CONTENT_TYPE'] ?? ( $_SERVER['HTTP_CONTENT_TYPE'] ?? '' ) );
		if ( WeCoza_Sidecar_Incoming_Request::is_multipart( $content_type ) || ! function_exists( 'curl_multi_init' )
			|| ! apply_filters( 'wecoza_sidecar_early_reads', true, $action ) ) {
			return;
		}
		$prepared = $this->client->prepare_forward( 'ajax', $action, WeCoza_Sidecar_Incoming_Request::from_globals() );
		if ( is_wp_error( $prepared ) || ! self::sent_as_the_http_api_would( $prepared['url'] ) ) {
			return;
		}
		$this->prepared = $prepared;
		$this->action   = $action;
		$this->send();
		foreach ( array( 'setup_theme', 'init', 'wp_loaded', 'admin_init' ) as $hook ) {
			add_action( $hook, array( $this, 'pump' ), 0 );
		}
	}

	/**
	 * Lets cURL send and receive what it can without waiting (called at the hooks WordPress fires while it loads).
	 */
	public function pump() {
		if ( null === $this->multi ) {
			return;
		}
		do {
			$status = curl_multi_exec( $this->multi, $running );
		} while ( CURLM_CALL_MULTI_PERFORM === $status );
	}

	/**
	 * The early answer for $action (a Response or a WP_Error), or null when the action must be forwarded now.
	 *
	 * @param string $action Action name.
	 * @return WeCoza_Sidecar_Response|WP_Error|null
	 */
	public function take( $action ) {
		if ( $action !== $this->action || null === $this->multi ) {
			return null;
		}
		if ( self::http_api_hooked() ) {
			// Another plugin's hook would have seen (or changed) this request: send it through the HTTP API.
			$this->close();
			return null;
		}
		$answer = $this->wait();
		$this->close();
		return $answer;
	}

	/**
	 * Drops the early answer unread, if there is one.
	 */
	public function drop() {
		$this->close();
	}

	/**
	 * Whether a request to $url goes out as the HTTP API would send it: plain http, no proxy, not blocked.
	 *
	 * @param string $url The sidecar URL.
	 * @return bool
	 */
	private static function sent_as_the_http_api_would( $url ) {
		if ( 0 !== stripos( $url, 'http://' ) || self::http_api_hooked() ) {
			return false;
		}
		$proxy = new WP_HTTP_Proxy();
		if ( $proxy->is_enabled() && $proxy->send_through_proxy( $url ) ) {
			return false;
		}
		return ! _wp_http_get_object()->block_request( $url );
	}

	/**
	 * Whether a plugin other than the shim hooks the HTTP API.
	 *
	 * @return bool
	 */
	private static function http_api_hooked() {
		foreach ( self::HTTP_API_HOOKS as $hook ) {
			$own = false !== has_action( $hook, array( 'WeCoza_Sidecar_Client', 'set_connect_timeout' ) ) ? 1 : 0;
			if ( self::callbacks( $hook ) > $own ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How many callbacks a hook has.
	 *
	 * @param string $hook Hook name.
	 * @return int
	 */
	private static function callbacks( $hook ) {
		global $wp_filter;
		$count = 0;
		if ( isset( $wp_filter[ $hook ] ) && $wp_filter[ $hook ] instanceof WP_Hook ) {
			foreach ( $wp_filter[ $hook ]->callbacks as $callbacks ) {
				$count += count( $callbacks );
			}
		}
		return $count;
	}

	/**
	 * Starts the transfer.
	 */
	private function send() {
		$headers = array( 'Expect:', WeCoza_Sidecar_Channel::SENT_EARLY_HEADER . ': 1' );
		foreach ( array_merge( $this->prepared['headers'], WeCoza_Sidecar_Client::CONNECTION_HEADER ) as $name => $value ) {
			$headers[] = $name . ': ' . $value;
		}
		// phpcs:ignore Generic.PHP.ForbiddenFunctions.FoundWithAlternative -- the HTTP API cannot send while PHP runs on.
		$this->handle = curl_init( $this->prepared['url'] );
		curl_setopt_array(
			$this->handle,
			array(
				CURLOPT_CUSTOMREQUEST     => WeCoza_Sidecar_Channel::FORWARD_METHOD,
				CURLOPT_POSTFIELDS        => $this->prepared['body'],
				CURLOPT_HTTPHEADER        => $headers,
				CURLOPT_USERAGENT         => WeCoza_Sidecar_Client::user_agent(),
				CURLOPT_HTTP_VERSION      => CURL_HTTP_VERSION_1_1,
				CURLOPT_FOLLOWLOCATION    => false,
				CURLOPT_RETURNTRANSFER    => true,
				CURLOPT_PROTOCOLS         => CURLPROTO_HTTP,
				CURLOPT_TIMEOUT_MS        => (int) round( 1000 * $this->prepared['timeout'] ),
				CURLOPT_CONNECTTIMEOUT_MS => (int) round( 1000 * $this->prepared['connect_timeout'] ),
				CURLOPT_HEADERFUNCTION    => array( $this, 'header_line' ),
			)
		);
		$this->multi   = curl_multi_init();
		$this->started = microtime( true );
		curl_multi_add_handle( $this->multi, $this->handle );
		$this->pump();
	}

	/**
	 * Collects one header line of the answer (cURL's CURLOPT_HEADERFUNCTION).
	 *
	 * @param mixed  $handle The cURL handle.
	 * @param string $line   One line, with its line break.
	 * @return int
	 */
	public function header_line( $handle, $line ) {
		$this->header_lines[] = $line;
		return strlen( $line );
	}

	/**
	 * Waits for the whole answer, within the forward timeout.
	 *
	 * @return WeCoza_Sidecar_Response|WP_Error
	 */
	private function wait() {
		$deadline = $this->started + (float) $this->prepared['timeout'];
		do {
			$status = curl_multi_exec( $this->multi, $running );
			if ( CURLM_CALL_MULTI_PERFORM === $status ) {
				continue;
			}
			if ( ! $running || CURLM_OK !== $status ) {
				break;
			}
			$left = $deadline - microtime( true );
			if ( $left <= 0 ) {
				break;
			}
			if ( -1 === curl_multi_select( $this->multi, min( $left, 1.0 ) ) ) {
				usleep( 100 );
			}
		} while ( true );

		$done  = curl_multi_info_read( $this->multi );
		$errno = is_array( $done ) ? (int) $done['result'] : ( $running ? CURLE_OPERATION_TIMEDOUT : 0 );
		if ( 0 !== $errno ) {
			$message = $running ? 'Operation timed out' : curl_error( $this->handle );
			return new WP_Error( 'http_request_failed', sprintf( 'cURL error %d: %s', $errno, '' !== $message ? $message : curl_strerror( $errno ) ) );
		}
		return new WeCoza_Sidecar_Response(
			(int) curl_getinfo( $this->handle, CURLINFO_RESPONSE_CODE ),
			self::headers_of( $this->header_lines ),
			(string) curl_multi_getcontent( $this->handle ),
			$this->prepared['request_id'],
			WeCoza_Sidecar_Channel::FORWARD_METHOD,
			$this->prepared['path']
		);
	}

	/**
	 * The last answer's headers (a 1xx answer's lines come first and are dropped), by name.
	 *
	 * @param string[] $lines Header lines as cURL gave them.
	 * @return array
	 */
	private static function headers_of( array $lines ) {
		$headers = array();
		foreach ( $lines as $line ) {
			if ( 0 === strncasecmp( $line, 'HTTP/', 5 ) ) {
				$headers = array();
				continue;
			}
			$colon = strpos( $line, ':' );
			if ( false === $colon ) {
				continue;
			}
			$name  = strtolower( trim( substr( $line, 0, $colon ) ) );
			$value = trim( substr( $line, $colon + 1 ) );
			$headers[ $name ] = isset( $headers[ $name ] ) ? $headers[ $name ] . ', ' . $value : $value;
		}
		return $headers;
	}

	/**
	 * Ends the transfer and frees the handles.
	 */
	private function close() {
		if ( null !== $this->multi ) {
			curl_multi_remove_handle( $this->multi, $this->handle );
			curl_multi_close( $this->multi );
		}
		$this->multi  = null;
		$this->handle = null;
	}
}
