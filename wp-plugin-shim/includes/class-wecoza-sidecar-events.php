<?php
/**
 * Domain events the sidecar reports: inline (response header) and delivered (REST route).
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Verifies signed event lists and fires each event id once as do_action( name, payload ).
 */
class WeCoza_Sidecar_Events {

	const REST_NAMESPACE = 'wecoza-sidecar/v1';
	const REST_ROUTE     = '/events';

	/** Most events accepted in one message. */
	const MAX_EVENTS = 500;

	/**
	 * Settings.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

	/**
	 * HTTP client (signer and acknowledgements).
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	private $client;

	/**
	 * Dedupe store.
	 *
	 * @var WeCoza_Sidecar_Event_Store
	 */
	private $store;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings    $settings Settings.
	 * @param WeCoza_Sidecar_Client      $client   Client.
	 * @param WeCoza_Sidecar_Event_Store $store    Store.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings, WeCoza_Sidecar_Client $client, WeCoza_Sidecar_Event_Store $store ) {
		$this->settings = $settings;
		$this->client = $client;
		$this->store  = $store;
	}

	/**
	 * Whether a hook name may be fired or applied for the sidecar (its own namespace only).
	 *
	 * @param mixed $name Hook name.
	 * @return bool
	 */
	public static function allowed_hook( $name ) {
		return is_string( $name ) && (bool) preg_match( '/^wecoza_[a-z0-9_]{1,150}$/', $name );
	}

	/**
	 * Fires the events of a forwarded request's answer (after the body was sent) and acknowledges them.
	 *
	 * @param WeCoza_Sidecar_Response $response The sidecar's answer.
	 * @param string                  $context  Action or form name, for the log.
	 * @return string[] Acknowledged event ids.
	 */
	public function handle_inline( WeCoza_Sidecar_Response $response, $context ) {
		$encoded = $response->header( 'X-WeCoza-Events' );
		if ( '' === $encoded ) {
			return array();
		}
		$timestamp = $response->header( 'X-WeCoza-Events-Timestamp' );
		$canonical = WeCoza_Sidecar_Channel::events_canonical( $response->method, $response->path, $timestamp, $response->request_id, $encoded );
		if ( null === $canonical || ! $this->client->channel()->valid( $canonical, $response->header( 'X-WeCoza-Events-Signature' ) ) ) {
			self::log( 'sidecar events rejected for ' . $context . ': bad_signature' );
			return array();
		}
		if ( ! WeCoza_Sidecar_Channel::fresh( $timestamp ) ) {
			self::log( 'sidecar events rejected for ' . $context . ': stale_timestamp' );
			return array();
		}
		$events = json_decode( (string) base64_decode( $encoded, true ), true );
		if ( ! is_array( $events ) || array_values( $events ) !== $events ) {
			self::log( 'sidecar events rejected for ' . $context . ': not a JSON list' );
			return array();
		}

		$acknowledged = $this->fire_all( $events, 'inline' );
		if ( $acknowledged ) {
			$ack = $this->client->acknowledge( $acknowledged );
			if ( is_wp_error( $ack ) ) {
				self::log( 'sidecar event acknowledgement failed (the dispatcher will redeliver): ' . WeCoza_Sidecar_Client::describe_error( $ack ) );
			}
		}
		return $acknowledged;
	}

	/**
	 * Registers POST /wp-json/wecoza-sidecar/v1/events.
	 *
	 * @return void
	 */
	public function register_rest_route() {
		register_rest_route(
			self::REST_NAMESPACE,
			self::REST_ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( $this, 'rest_deliver' ),
				'permission_callback' => array( $this, 'rest_authorize' ),
			)
		);
	}

	/**
	 * Permission callback: the signature (for this method and route), the time window and a request id never seen before.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function rest_authorize( WP_REST_Request $request ) {
		if ( '' === $this->settings->secret() ) {
			return new WP_Error( 'wecoza_sidecar_not_configured', 'The shared secret is not configured.', array( 'status' => 503 ) );
		}
		$timestamp  = (string) $request->get_header( 'X-WeCoza-Timestamp' );
		$request_id = (string) $request->get_header( 'X-WeCoza-Request-Id' );
		$signature  = (string) $request->get_header( 'X-WeCoza-Signature' );
		if ( '' === $signature ) {
			return self::refuse( 'missing_signature', 401 );
		}
		$canonical = WeCoza_Sidecar_Channel::events_canonical( $request->get_method(), $request->get_route(), $timestamp, $request_id, $request->get_body() );
		if ( null === $canonical || ! $this->client->channel()->valid( $canonical, $signature ) ) {
			return self::refuse( 'bad_signature', 401 );
		}
		if ( ! WeCoza_Sidecar_Channel::fresh( $timestamp ) ) {
			return self::refuse( 'stale_timestamp', 403 );
		}
		if ( ! WeCoza_Sidecar_Channel::valid_request_id( $request_id ) ) {
			return self::refuse( 'bad_request_id', 403 );
		}
		$first = $this->store->remember_request_id( $request_id );
		if ( null === $first ) {
			return new WP_Error( 'wecoza_sidecar_storage', 'The delivery could not be recorded.', array( 'status' => 503 ) );
		}
		if ( ! $first ) {
			return self::refuse( 'replayed_request_id', 403 );
		}
		return true;
	}

	/**
	 * Callback: fires the delivered events and answers the ids that are now fired.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function rest_deliver( WP_REST_Request $request ) {
		$decoded = json_decode( $request->get_body(), true );
		if ( ! is_array( $decoded ) || ! isset( $decoded['events'] ) || ! is_array( $decoded['events'] ) || array_values( $decoded['events'] ) !== $decoded['events'] ) {
			return new WP_Error( 'wecoza_sidecar_bad_body', 'Expected {"events": [...]}.', array( 'status' => 400 ) );
		}
		$acknowledged = $this->fire_all( $decoded['events'], 'dispatch' );
		return new WP_REST_Response( array( 'acknowledged' => $acknowledged ), 200 );
	}

	/**
	 * Fires every valid event whose id was not fired before; returns the ids fired now or before. Then forgets
	 * the ids fired before the retention period, on either path (inline alone never reaches the REST route).
	 *
	 * An event with a name outside the wecoza_ namespace is acknowledged without being fired (it can
	 * never become valid); an event the database could not record is neither fired nor acknowledged.
	 *
	 * @param array  $events Decoded events.
	 * @param string $source 'inline' or 'dispatch'.
	 * @return string[]
	 */
	public function fire_all( array $events, $source ) {
		$acknowledged = array();
		foreach ( array_slice( $events, 0, self::MAX_EVENTS ) as $event ) {
			if ( ! is_array( $event ) || ! WeCoza_Sidecar_Channel::valid_request_id( $event['id'] ?? null ) ) {
				self::log( 'sidecar event without a usable id skipped' );
				continue;
			}
			$id   = $event['id'];
			$name = $event['name'] ?? null;
			if ( ! self::allowed_hook( $name ) ) {
				self::log( 'sidecar event ' . $id . ' not fired: its name is not a wecoza_ hook' );
				$acknowledged[] = $id;
				continue;
			}
			$payload = isset( $event['payload'] ) && is_array( $event['payload'] ) ? $event['payload'] : array();

			$claimed = $this->store->claim_event( $id, $name, $source );
			if ( null === $claimed ) {
				self::log( 'sidecar event ' . $id . ' not fired: it could not be recorded' );
				continue;
			}
			if ( $claimed ) {
				try {
					do_action( $name, $payload );
				} catch ( Throwable $e ) {
					self::log( 'a listener of ' . $name . ' failed for event ' . $id . ': ' . get_class( $e ) );
				}
			}
			$acknowledged[] = $id;
		}
		$this->store->prune();
		return $acknowledged;
	}

	/**
	 * A signature refusal as a REST error.
	 *
	 * @param string $reason Machine-readable reason.
	 * @param int    $status HTTP status.
	 * @return WP_Error
	 */
	private static function refuse( $reason, $status ) {
		return new WP_Error( 'wecoza_sidecar_' . $reason, 'The delivery is not signed correctly: ' . $reason . '.', array( 'status' => $status ) );
	}

	/**
	 * Logs one line with the legacy prefix.
	 *
	 * @param string $message Message (no personal data).
	 * @return void
	 */
	public static function log( $message ) {
		// phpcs:ignore Generic.PHP.ForbiddenFunctions.Found -- operational log line.
		error_log( '[WeCoza Core] ' . $message );
	}
}
