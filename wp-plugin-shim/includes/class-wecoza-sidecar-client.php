<?php
/**
 * HTTP calls to the sidecar: forwarded requests, acknowledgements, event status and retries, health probes.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Talks to the sidecar through WordPress's HTTP API (so the site's proxy and blocking policy apply),
 * with explicit connect and total timeouts and no redirect following.
 */
class WeCoza_Sidecar_Client {

	/**
	 * Sent with every request to the sidecar. A PHP request never reuses its connection to the sidecar, and a
	 * connection left open costs the sidecar a second wake-up and dispatch when PHP closes it later: for an early
	 * read, that comes while WordPress is still running on the same cores.
	 */
	const CONNECTION_HEADER = array( 'Connection' => 'close' );

	/** Request argument that marks the shim's own calls (read by the http_api_curl hook). */
	const CONNECT_TIMEOUT_ARG = 'wecoza_sidecar_connect_timeout';

	/** Timeouts of the acknowledgement, of health probes and of the event status and retry calls, in seconds. */
	const ACK_TIMEOUT    = 2;
	const HEALTH_TIMEOUT = 3;
	const STATUS_TIMEOUT = 5;

	/**
	 * Settings.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

	/**
	 * Health probe results of this PHP request.
	 *
	 * @var array|null
	 */
	private $health = null;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings $settings Settings.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * The channel signer for the configured secret.
	 *
	 * @return WeCoza_Sidecar_Channel
	 */
	public function channel() {
		return new WeCoza_Sidecar_Channel( $this->settings->secret() );
	}

	/**
	 * Forwards the request being served; any failure, even an exception, comes back as a WP_Error.
	 *
	 * @param string $kind            'ajax' or 'form'.
	 * @param string $name            Action or form name.
	 * @param bool   $without_cookies Forward no cookies: WordPress has the caller logged out.
	 * @return WeCoza_Sidecar_Response|WP_Error
	 */
	public function forward_current_request( $kind, $name, $without_cookies = false ) {
		try {
			$request = WeCoza_Sidecar_Incoming_Request::from_globals();
			if ( $without_cookies ) {
				$request->cookie = '';
			}
			return $this->forward( $kind, $name, $request );
		} catch ( Throwable $e ) {
			return new WP_Error( 'wecoza_sidecar_exception', get_class( $e ) . ' while forwarding' );
		}
	}

	/**
	 * Forwards the browser's request to POST {url}/{kind}/{name}.
	 *
	 * @param string                          $kind    'ajax' or 'form'.
	 * @param string                          $name    Action or form name.
	 * @param WeCoza_Sidecar_Incoming_Request $request The browser's request.
	 * @return WeCoza_Sidecar_Response|WP_Error
	 */
	public function forward( $kind, $name, WeCoza_Sidecar_Incoming_Request $request ) {
		$prepared = $this->prepare_forward( $kind, $name, $request );
		if ( is_wp_error( $prepared ) ) {
			return $prepared;
		}
		$http = $this->send( WeCoza_Sidecar_Channel::FORWARD_METHOD, $prepared['url'], $prepared['headers'], $prepared['body'], $prepared['timeout'], $prepared['connect_timeout'] );
		if ( is_wp_error( $http ) ) {
			return $http;
		}
		return WeCoza_Sidecar_Response::from_http( $http, $prepared['request_id'], WeCoza_Sidecar_Channel::FORWARD_METHOD, $prepared['path'] );
	}

	/**
	 * The signed forward of a request, ready to send: url, headers, body, request_id, path, timeout, connect_timeout.
	 *
	 * @param string                          $kind    'ajax' or 'form'.
	 * @param string                          $name    Action or form name.
	 * @param WeCoza_Sidecar_Incoming_Request $request The request.
	 * @return array|WP_Error
	 */
	public function prepare_forward( $kind, $name, WeCoza_Sidecar_Incoming_Request $request ) {
		if ( ! $this->settings->is_configured() ) {
			return new WP_Error( 'wecoza_sidecar_not_configured', 'the sidecar URL or shared secret is not configured' );
		}
		$timestamp  = (string) time();
		$request_id = WeCoza_Sidecar_Channel::new_request_id();
		$path       = WeCoza_Sidecar_Channel::forward_path( $kind, $name );
		$canonical  = WeCoza_Sidecar_Channel::request_canonical( $request->signed_fields( $timestamp, $request_id, $path ) );
		if ( null === $canonical ) {
			return new WP_Error( 'wecoza_sidecar_unsignable', 'a signed field holds a newline' );
		}

		$headers = array(
			'Content-Type'          => $request->content_type,
			'X-WeCoza-Method'       => $request->method,
			'X-WeCoza-Query'        => $request->query,
			'X-WeCoza-Cookie'       => $request->cookie,
			'X-WeCoza-Https'        => $request->https,
			'X-WeCoza-Client-Ip'    => $request->client_ip,
			'X-WeCoza-User-Agent'   => $request->user_agent,
			'X-WeCoza-Timestamp'    => $timestamp,
			'X-WeCoza-Request-Id'   => $request_id,
			'X-WeCoza-Shim-Version' => WECOZA_SIDECAR_SHIM_VERSION,
			'X-WeCoza-Signature'    => $this->channel()->sign( $canonical ),
		);
		return array(
			'url'             => $this->settings->url() . WeCoza_Sidecar_Channel::forward_path( $kind, rawurlencode( $name ) ),
			'headers'         => $headers,
			'body'            => $request->body,
			'request_id'      => $request_id,
			'path'            => $path,
			'timeout'         => (float) $this->settings->timeout(),
			'connect_timeout' => (float) $this->settings->connect_timeout(),
		);
	}

	/**
	 * Tells the sidecar which events were fired (or had been fired before).
	 *
	 * @param string[] $ids Event ids.
	 * @return true|WP_Error
	 */
	public function acknowledge( array $ids ) {
		if ( ! $this->settings->is_configured() || ! $ids ) {
			return true;
		}
		$response = $this->post_signed_json( '/events/ack', array( 'ids' => array_values( $ids ) ), self::ACK_TIMEOUT );
		return is_wp_error( $response ) ? $response : true;
	}

	/**
	 * The sidecar's outbox: counts, and the latest parked and failing events (never their payloads).
	 *
	 * @return array{pending: int, parked: int, oldest_pending: string|null, parked_events: array[], failing_events: array[]}|WP_Error
	 *         Each event: id, name, attempts (int), last_error, created_at, next_attempt_at, parked_at (strings, '' when absent).
	 */
	public function event_status() {
		$response = $this->post_signed_json( '/events/status', new stdClass(), self::STATUS_TIMEOUT );
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$decoded = json_decode( $response->body, true );
		if ( ! is_array( $decoded ) || ! isset( $decoded['pending'], $decoded['parked'] ) || ! is_numeric( $decoded['pending'] ) || ! is_numeric( $decoded['parked'] ) ) {
			return new WP_Error( 'wecoza_sidecar_bad_answer', 'the sidecar\'s event status is not the expected JSON' );
		}
		return array(
			'pending'        => (int) $decoded['pending'],
			'parked'         => (int) $decoded['parked'],
			'oldest_pending' => isset( $decoded['oldest_pending'] ) && is_string( $decoded['oldest_pending'] ) ? $decoded['oldest_pending'] : null,
			'parked_events'  => self::event_rows( $decoded['parked_events'] ?? array() ),
			'failing_events' => self::event_rows( $decoded['failing_events'] ?? array() ),
		);
	}

	/**
	 * Gives parked events a fresh set of delivery attempts.
	 *
	 * @param string[] $ids Event ids; none for every parked event.
	 * @return int|WP_Error How many events were queued again.
	 */
	public function retry_parked( array $ids = array() ) {
		$ids      = array_values( array_map( 'strval', $ids ) );
		$message  = $ids ? array( 'ids' => $ids ) : new stdClass();
		$response = $this->post_signed_json( '/events/retry', $message, self::STATUS_TIMEOUT );
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$decoded = json_decode( $response->body, true );
		if ( ! is_array( $decoded ) || ! isset( $decoded['retried'] ) || ! is_numeric( $decoded['retried'] ) ) {
			return new WP_Error( 'wecoza_sidecar_bad_answer', 'the sidecar\'s retry answer is not the expected JSON' );
		}
		return (int) $decoded['retried'];
	}

	/**
	 * POST {url}{path} with a JSON body, signed for that method and path (the sidecar's signed JSON endpoints).
	 *
	 * @param string       $path    Path, e.g. '/events/ack'.
	 * @param array|object $message The body, JSON-encoded (pass an object for `{}`).
	 * @param float        $timeout Total timeout, seconds.
	 * @return WeCoza_Sidecar_Response|WP_Error The answer when its status is 2xx.
	 */
	private function post_signed_json( $path, $message, $timeout ) {
		if ( ! $this->settings->is_configured() ) {
			return new WP_Error( 'wecoza_sidecar_not_configured', 'the sidecar URL or shared secret is not configured' );
		}
		$body       = (string) wp_json_encode( $message );
		$timestamp  = (string) time();
		$request_id = WeCoza_Sidecar_Channel::new_request_id();
		$headers    = array(
			'Content-Type'          => 'application/json',
			'X-WeCoza-Timestamp'    => $timestamp,
			'X-WeCoza-Request-Id'   => $request_id,
			'X-WeCoza-Shim-Version' => WECOZA_SIDECAR_SHIM_VERSION,
			'X-WeCoza-Signature'    => $this->channel()->sign( WeCoza_Sidecar_Channel::message_canonical( 'POST', $path, $timestamp, $request_id, $body ) ),
		);
		$http       = $this->send( 'POST', $this->settings->url() . $path, $headers, $body, $timeout, 1.0 );
		if ( is_wp_error( $http ) ) {
			return $http;
		}
		$response = WeCoza_Sidecar_Response::from_http( $http, $request_id );
		if ( $response->status < 200 || $response->status > 299 ) {
			$reason = $response->refusal();
			return new WP_Error( 'wecoza_sidecar_refused', '' !== $reason ? $reason : 'HTTP ' . $response->status );
		}
		return $response;
	}

	/**
	 * Event rows of an event status answer, with known keys only and string values.
	 *
	 * @param mixed $rows Rows as decoded.
	 * @return array[]
	 */
	private static function event_rows( $rows ) {
		$out = array();
		if ( ! is_array( $rows ) ) {
			return $out;
		}
		foreach ( $rows as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$event = array();
			foreach ( array( 'id', 'name', 'last_error', 'created_at', 'next_attempt_at', 'parked_at' ) as $key ) {
				$event[ $key ] = isset( $row[ $key ] ) && is_scalar( $row[ $key ] ) ? (string) $row[ $key ] : '';
			}
			$event['attempts'] = isset( $row['attempts'] ) && is_numeric( $row['attempts'] ) ? (int) $row['attempts'] : 0;
			$out[]             = $event;
		}
		return $out;
	}

	/**
	 * Probes GET {url}/healthz, then /readyz for the outbox backlog (when /healthz has none), the parked events and
	 * the warnings.
	 *
	 * @param bool $fresh Probe again even if this PHP request already did.
	 * @return array{reachable: bool, status: string, version: string, outbox_backlog: int|null, outbox_parked: int|null, warnings: string[], error: string, elapsed_ms: int}
	 */
	public function health( $fresh = false ) {
		if ( null !== $this->health && ! $fresh ) {
			return $this->health;
		}
		$result = array(
			'reachable'      => false,
			'status'         => '',
			'version'        => '',
			'outbox_backlog' => null,
			'outbox_parked'  => null,
			'warnings'       => array(),
			'error'          => '',
			'elapsed_ms'     => 0,
		);
		$url = $this->settings->url();
		if ( '' === $url ) {
			$result['error'] = 'the sidecar URL is not configured';
			return $this->health = $result;
		}

		$started              = microtime( true );
		$http                 = $this->send( 'GET', $url . '/healthz', array( 'Accept' => 'application/json' ), '', self::HEALTH_TIMEOUT, 1.0 );
		$result['elapsed_ms'] = (int) round( ( microtime( true ) - $started ) * 1000 );
		if ( is_wp_error( $http ) ) {
			$result['error'] = self::describe_error( $http );
			return $this->health = $result;
		}
		$code    = (int) wp_remote_retrieve_response_code( $http );
		$decoded = json_decode( (string) wp_remote_retrieve_body( $http ), true );
		if ( 200 !== $code || ! is_array( $decoded ) ) {
			$result['error'] = 200 !== $code ? 'HTTP ' . $code : 'the answer is not JSON';
			return $this->health = $result;
		}
		$result['reachable'] = true;
		$result['status']    = is_scalar( $decoded['status'] ?? null ) ? (string) $decoded['status'] : '';
		$result['version']   = is_scalar( $decoded['version'] ?? null ) ? (string) $decoded['version'] : '';
		if ( isset( $decoded['outbox_backlog'] ) && is_numeric( $decoded['outbox_backlog'] ) ) {
			$result['outbox_backlog'] = (int) $decoded['outbox_backlog'];
		}
		// /readyz adds the backlog when /healthz lacks it, and the sidecar's warnings (codes such as class_change_notify_limit).
		$ready = $this->send( 'GET', $url . '/readyz', array( 'Accept' => 'application/json' ), '', self::HEALTH_TIMEOUT, 1.0 );
		if ( ! is_wp_error( $ready ) ) {
			$ready_body = json_decode( (string) wp_remote_retrieve_body( $ready ), true );
			if ( null === $result['outbox_backlog'] && is_array( $ready_body ) && isset( $ready_body['outbox_backlog'] ) && is_numeric( $ready_body['outbox_backlog'] ) ) {
				$result['outbox_backlog'] = (int) $ready_body['outbox_backlog'];
			}
			if ( is_array( $ready_body ) && isset( $ready_body['outbox_parked'] ) && is_numeric( $ready_body['outbox_parked'] ) ) {
				$result['outbox_parked'] = (int) $ready_body['outbox_parked'];
			}
			if ( is_array( $ready_body ) && isset( $ready_body['warnings'] ) && is_array( $ready_body['warnings'] ) ) {
				$result['warnings'] = array_values( array_filter( $ready_body['warnings'], array( __CLASS__, 'is_warning_code' ) ) );
			}
		}
		return $this->health = $result;
	}

	/**
	 * Whether a value from /readyz's warnings is a plain code (anything else is dropped, never shown).
	 *
	 * @param mixed $code Value.
	 * @return bool
	 */
	public static function is_warning_code( $code ) {
		return is_string( $code ) && 1 === preg_match( '/^[a-z0-9_]{1,64}$/', $code );
	}

	/**
	 * Sets the connect timeout on the cURL handle of the shim's own requests.
	 *
	 * @param resource|CurlHandle $handle cURL handle.
	 * @param array               $args   Request arguments.
	 * @return void
	 */
	public static function set_connect_timeout( $handle, $args ) {
		if ( is_array( $args ) && isset( $args[ self::CONNECT_TIMEOUT_ARG ] ) && function_exists( 'curl_setopt' ) ) {
			// phpcs:ignore Generic.PHP.ForbiddenFunctions.FoundWithAlternative -- the HTTP API offers no connect timeout.
			curl_setopt( $handle, CURLOPT_CONNECTTIMEOUT_MS, (int) round( 1000 * (float) $args[ self::CONNECT_TIMEOUT_ARG ] ) );
		}
	}

	/**
	 * A short, personal-data-free reason for a failed call.
	 *
	 * @param WP_Error $error Error.
	 * @return string
	 */
	public static function describe_error( WP_Error $error ) {
		$message = $error->get_error_message();
		if ( 'http_request_not_executed' === $error->get_error_code() ) {
			$message .= ' (WP_HTTP_BLOCK_EXTERNAL is on: add the sidecar host to WP_ACCESSIBLE_HOSTS)';
		}
		return WeCoza_Sidecar_Channel::header_safe( $message );
	}

	/**
	 * The User-Agent of the shim's requests.
	 *
	 * @return string
	 */
	public static function user_agent() {
		return 'WeCoza-Sidecar-Shim/' . WECOZA_SIDECAR_SHIM_VERSION;
	}

	/**
	 * One HTTP request through WordPress's HTTP API.
	 *
	 * @param string $method          Method.
	 * @param string $url             URL.
	 * @param array  $headers         Headers.
	 * @param string $body            Body bytes.
	 * @param float  $timeout         Total timeout, seconds.
	 * @param float  $connect_timeout Connect timeout, seconds.
	 * @return array|WP_Error
	 */
	private function send( $method, $url, array $headers, $body, $timeout, $connect_timeout ) {
		$args = array(
			'method'                  => $method,
			'timeout'                 => (float) $timeout,
			'redirection'             => 0,
			'httpversion'             => '1.1',
			'user-agent'              => self::user_agent(),
			'blocking'                => true,
			'headers'                 => array_merge( $headers, self::CONNECTION_HEADER ),
			'sslverify'               => true,
			'decompress'              => true,
			self::CONNECT_TIMEOUT_ARG => (float) $connect_timeout,
		);
		if ( 'GET' !== $method ) {
			$args['body'] = $body;
		}
		return wp_remote_request( $url, $args );
	}
}
