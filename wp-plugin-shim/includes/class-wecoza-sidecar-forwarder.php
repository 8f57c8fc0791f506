<?php
/**
 * admin-ajax.php callbacks of the routed actions: forward, relay, fire hooks, exit.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers wp_ajax_{action} and wp_ajax_nopriv_{action} at priority 1 for every routed action.
 */
class WeCoza_Sidecar_Forwarder {

	/** Priority of the admin-ajax callbacks: before any legacy handler. */
	const PRIORITY = 1;

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
	 * Events.
	 *
	 * @var WeCoza_Sidecar_Events
	 */
	private $events;

	/**
	 * The read sent while WordPress loaded, if any.
	 *
	 * @var WeCoza_Sidecar_Early_Read
	 */
	private $early_read;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Routes $routes Routes.
	 * @param WeCoza_Sidecar_Client $client Client.
	 * @param WeCoza_Sidecar_Events $events Events.
	 * @param WeCoza_Sidecar_Early_Read $early_read The read sent while WordPress loaded.
	 */
	public function __construct( WeCoza_Sidecar_Routes $routes, WeCoza_Sidecar_Client $client, WeCoza_Sidecar_Events $events, WeCoza_Sidecar_Early_Read $early_read ) {
		$this->routes     = $routes;
		$this->client     = $client;
		$this->events     = $events;
		$this->early_read = $early_read;
	}

	/**
	 * Hooks every routed action. An unrouted one is left to whatever else handles it for logged-in callers; a
	 * logged-out caller of one that is not public is refused as WordPress refuses an action nobody handles, so
	 * unticking an action never brings back another handler's anonymous access (the legacy plugin served every
	 * learner's personal data to logged-out visitors through fetch_learners_data).
	 *
	 * @return void
	 */
	public function register() {
		$routed = array_flip( $this->routes->routed_actions() );
		foreach ( $this->routes->actions() as $action => $route ) {
			if ( isset( $routed[ $action ] ) ) {
				add_action( 'wp_ajax_' . $action, array( $this, 'handle' ), self::PRIORITY );
				add_action( 'wp_ajax_nopriv_' . $action, array( $this, 'handle' ), self::PRIORITY );
			} elseif ( ! $route['public'] ) {
				add_action( 'wp_ajax_nopriv_' . $action, array( __CLASS__, 'refuse_logged_out' ), self::PRIORITY );
			}
		}
	}

	/**
	 * The answer of admin-ajax.php to an action nobody handles for logged-out callers.
	 *
	 * @return never
	 */
	public static function refuse_logged_out() {
		wp_die( '0', 400 );
	}

	/**
	 * The admin-ajax callback: the action is the hook's name.
	 *
	 * @return void
	 */
	public function handle() {
		$action = (string) preg_replace( '/^wp_ajax_(nopriv_)?/', '', (string) current_action() );
		if ( ! $this->routes->is_routed( $action ) ) {
			return;
		}

		if ( self::logged_out_by_wordpress() ) {
			// The caller sent login cookies, but WordPress has them logged out (the cookie failed, or a plugin
			// ended the session while WordPress loaded): the sidecar answers as it would a logged-out caller, and
			// an early read, sent with the cookies, is dropped.
			$this->early_read->drop();
			$response = $this->client->forward_current_request( 'ajax', $action, true );
		} else {
			$response = $this->early_read->take( $action );
			if ( null === $response ) {
				$response = $this->client->forward_current_request( 'ajax', $action );
			}
		}
		if ( is_wp_error( $response ) ) {
			$this->unavailable( $action, WeCoza_Sidecar_Client::describe_error( $response ) );
		}
		$refusal = $response->refusal();
		if ( '' !== $refusal ) {
			$this->unavailable( $action, $refusal );
		}

		$body = $this->apply_forwarded_filter( $action, $response );
		self::send( $response->status, $response->relayed_headers(), $body );
		self::finish_response();
		$this->events->handle_inline( $response, $action );
		exit;
	}

	/**
	 * Whether admin-ajax.php runs the logged-out hook for a caller who sent one of WordPress's login cookies.
	 *
	 * @return bool
	 */
	private static function logged_out_by_wordpress() {
		if ( 0 !== strpos( (string) current_action(), 'wp_ajax_nopriv_' ) ) {
			return false;
		}
		foreach ( array( AUTH_COOKIE, SECURE_AUTH_COOKIE, LOGGED_IN_COOKIE ) as $name ) {
			if ( isset( $_COOKIE[ $name ] ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Answers the well-formed 503 envelope and logs why.
	 *
	 * @param string $action Action.
	 * @param string $reason Reason (no personal data).
	 * @return never
	 */
	private function unavailable( $action, $reason ) {
		WeCoza_Sidecar_Events::log( 'sidecar unreachable for action ' . $action . ': ' . $reason );
		$body = wp_json_encode(
			array(
				'success' => false,
				'data'    => array( 'message' => self::unavailable_message() ),
			)
		);
		self::send( 503, array( 'Content-Type' => 'application/json; charset=' . get_option( 'blog_charset' ) ), (string) $body );
		exit;
	}

	/**
	 * The message shown when the sidecar cannot answer.
	 *
	 * @return string
	 */
	public static function unavailable_message() {
		return __( 'The WeCoza service is temporarily unavailable. Please try again.', 'wecoza-sidecar-shim' );
	}

	/**
	 * Applies the filter the sidecar names (X-WeCoza-Filter) to the value at X-WeCoza-Filter-Path of the JSON body,
	 * with the arguments of X-WeCoza-Filter-Args (a JSON list) after the value. When nothing hooks the filter the
	 * body goes out as the sidecar sent it, byte for byte.
	 *
	 * @param string                  $action   Action.
	 * @param WeCoza_Sidecar_Response $response Answer.
	 * @return string The body to send.
	 */
	private function apply_forwarded_filter( $action, WeCoza_Sidecar_Response $response ) {
		$filter = $response->header( 'X-WeCoza-Filter' );
		if ( '' === $filter ) {
			return $response->body;
		}
		if ( ! WeCoza_Sidecar_Events::allowed_hook( $filter ) ) {
			WeCoza_Sidecar_Events::log( 'sidecar filter for action ' . $action . ' not applied: not a wecoza_ hook' );
			return $response->body;
		}
		if ( ! has_filter( $filter ) ) {
			return $response->body;
		}
		$args = json_decode( $response->header( 'X-WeCoza-Filter-Args' ), true );
		$args = is_array( $args ) && array_values( $args ) === $args ? $args : array();
		$decoded = json_decode( $response->body, true );
		if ( null === $decoded && 'null' !== trim( $response->body ) ) {
			WeCoza_Sidecar_Events::log( 'sidecar filter ' . $filter . ' for action ' . $action . ' not applied: the body is not JSON' );
			return $response->body;
		}
		$path = $response->header( 'X-WeCoza-Filter-Path' );
		$keys = '' === $path ? array() : explode( '.', $path );

		$found = true;
		$value = self::get_path( $decoded, $keys, $found );
		if ( ! $found ) {
			WeCoza_Sidecar_Events::log( 'sidecar filter ' . $filter . ' for action ' . $action . ' not applied: no value at its path' );
			return $response->body;
		}
		try {
			$filtered = apply_filters( $filter, $value, ...$args );
		} catch ( Throwable $e ) {
			WeCoza_Sidecar_Events::log( 'a callback of ' . $filter . ' failed for action ' . $action . ': ' . get_class( $e ) );
			return $response->body;
		}
		$encoded  = wp_json_encode( self::set_path( $decoded, $keys, $filtered ), 0 );
		return false === $encoded ? $response->body : $encoded;
	}

	/**
	 * The value at a key path.
	 *
	 * @param mixed    $data  Decoded JSON.
	 * @param string[] $keys  Keys.
	 * @param bool     $found Set to false when the path does not exist.
	 * @return mixed
	 */
	private static function get_path( $data, array $keys, &$found ) {
		foreach ( $keys as $key ) {
			if ( ! is_array( $data ) || ! array_key_exists( $key, $data ) ) {
				$found = false;
				return null;
			}
			$data = $data[ $key ];
		}
		return $data;
	}

	/**
	 * A copy of the data with the value at a key path replaced.
	 *
	 * @param mixed    $data  Decoded JSON.
	 * @param string[] $keys  Keys (existing).
	 * @param mixed    $value New value.
	 * @return mixed
	 */
	private static function set_path( $data, array $keys, $value ) {
		if ( ! $keys ) {
			return $value;
		}
		$key          = array_shift( $keys );
		$data[ $key ] = self::set_path( $data[ $key ], $keys, $value );
		return $data;
	}

	/**
	 * Sends status, headers and body, discarding whatever output was buffered before.
	 *
	 * @param int    $status  HTTP status.
	 * @param array  $headers Headers to set (replacing admin-ajax's own of the same name).
	 * @param string $body    Body bytes.
	 * @return void
	 */
	public static function send( $status, array $headers, $body ) {
		while ( ob_get_level() > 0 ) {
			if ( ! @ob_end_clean() ) { // phpcs:ignore Generic.PHP.NoSilencedErrors.Forbidden -- a non-removable buffer just stays.
				break;
			}
		}
		if ( ! headers_sent() ) {
			http_response_code( (int) $status );
			foreach ( $headers as $name => $value ) {
				header( $name . ': ' . str_replace( array( "\r", "\n" ), '', (string) $value ), true );
			}
		}
		echo $body; // Not escaped: the sidecar's response, relayed byte for byte.
	}

	/**
	 * Hands the response to the client now, so hooks fired afterwards do not delay it.
	 *
	 * @return void
	 */
	public static function finish_response() {
		ignore_user_abort( true );
		if ( function_exists( 'fastcgi_finish_request' ) ) {
			fastcgi_finish_request();
		} elseif ( function_exists( 'litespeed_finish_request' ) ) {
			litespeed_finish_request();
		} else {
			flush();
		}
	}
}
