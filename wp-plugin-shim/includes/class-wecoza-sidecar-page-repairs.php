<?php
/**
 * Repairs of the legacy learner form pages, which cannot be used unchanged.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * On the learner capture and update pages: a small script that lets the page's own submit button work and post the
 * assessment date typed, and the update form pre-filled with the learner's own postal code (the legacy render put
 * the city's there).
 *
 * Both repairs can be switched off with the `wecoza_sidecar_page_repairs` filter (return false).
 */
class WeCoza_Sidecar_Page_Repairs {

	/** The legacy shortcodes whose pages get the script. */
	const CAPTURE_SHORTCODE = 'wecoza_learners_form';
	const UPDATE_SHORTCODE  = 'wecoza_learners_update_form';

	/** Script handle, and the legacy page script it is printed after when present. */
	const SCRIPT_HANDLE = 'wecoza-sidecar-page-repairs';
	const LEGACY_SCRIPT = 'wecoza-learners-app';

	/** The sidecar's read of a learner's own stored values, and its nonce action. */
	const FORM_VALUES_ACTION = 'wecoza_get_learner_form_values';
	const FORM_VALUES_NONCE  = 'learners_nonce_action';

	/**
	 * Client.
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	private $client;

	/**
	 * Whether this request already logged a failed postal code repair.
	 *
	 * @var bool
	 */
	private $logged = false;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Client $client Client.
	 */
	public function __construct( WeCoza_Sidecar_Client $client ) {
		$this->client = $client;
	}

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		// Late, so that the legacy plugin's scripts are enqueued (and printed) first.
		add_action( 'wp_enqueue_scripts', array( $this, 'enqueue_script' ), 100 );
		add_filter( 'do_shortcode_tag', array( $this, 'fill_own_postal_code' ), 10, 2 );
	}

	/**
	 * Whether the repairs are on.
	 *
	 * @return bool
	 */
	public static function enabled() {
		/**
		 * Filters whether the shim repairs the legacy learner form pages.
		 *
		 * @param bool $enabled True by default.
		 */
		return (bool) apply_filters( 'wecoza_sidecar_page_repairs', true );
	}

	/**
	 * Enqueues the repair script (footer) on singular pages holding a learner form shortcode.
	 *
	 * @return void
	 */
	public function enqueue_script() {
		if ( ! is_singular() || ! self::enabled() ) {
			return;
		}
		$post = get_post();
		if ( ! $post || ! ( has_shortcode( $post->post_content, self::CAPTURE_SHORTCODE ) || has_shortcode( $post->post_content, self::UPDATE_SHORTCODE ) ) ) {
			return;
		}
		$deps = wp_script_is( self::LEGACY_SCRIPT, 'registered' ) ? array( self::LEGACY_SCRIPT ) : array();
		wp_enqueue_script(
			self::SCRIPT_HANDLE,
			plugins_url( 'assets/js/page-repairs.js', WECOZA_SIDECAR_SHIM_FILE ),
			$deps,
			WECOZA_SIDECAR_SHIM_VERSION,
			true
		);
	}

	/**
	 * The update form's output with the postal code input holding the learner's own stored postal code.
	 *
	 * Any failure leaves the output unchanged (logged once).
	 *
	 * @param string $output Shortcode output.
	 * @param string $tag    Shortcode name.
	 * @return string
	 */
	public function fill_own_postal_code( $output, $tag ) {
		if ( self::UPDATE_SHORTCODE !== $tag || ! is_string( $output ) || ! self::enabled() ) {
			return $output;
		}
		// No nonce: a read, and the sidecar checks access.
		$learner_id = isset( $_GET['learner_id'] ) ? absint( wp_unslash( $_GET['learner_id'] ) ) : 0;
		if ( ! $learner_id || ! preg_match( self::postal_code_input_pattern(), $output ) ) {
			return $output;
		}
		$values = $this->learner_form_values( $learner_id );
		if ( is_string( $values ) ) {
			$this->log_once( 'update form of learner ' . $learner_id . ' keeps the rendered postal code: ' . $values );
			return $output;
		}
		$postal_code = isset( $values['postalCode'] ) && is_scalar( $values['postalCode'] ) ? (string) $values['postalCode'] : '';
		return (string) preg_replace_callback(
			self::postal_code_input_pattern(),
			function ( $input ) use ( $postal_code ) {
				return self::with_value( $input[0], $postal_code );
			},
			$output
		);
	}

	/**
	 * The learner's own stored values from the sidecar, asked as the current user; or why not.
	 *
	 * @param int $learner_id Learner id.
	 * @return array|string
	 */
	private function learner_form_values( $learner_id ) {
		if ( ! is_user_logged_in() ) {
			return 'not logged in';
		}
		try {
			// The browser's cookie, address and agent, so the sidecar authenticates the current user as usual.
			$request               = WeCoza_Sidecar_Incoming_Request::from_globals();
			$request->method       = 'POST';
			$request->query        = '';
			$request->content_type = 'application/x-www-form-urlencoded';
			$request->body         = http_build_query(
				array(
					'action' => self::FORM_VALUES_ACTION,
					'id'     => (string) $learner_id,
					'nonce'  => wp_create_nonce( self::FORM_VALUES_NONCE ),
				),
				'',
				'&'
			);
			$response = $this->client->forward( 'ajax', self::FORM_VALUES_ACTION, $request );
		} catch ( Throwable $e ) {
			return get_class( $e ) . ' while asking the sidecar';
		}
		if ( is_wp_error( $response ) ) {
			return WeCoza_Sidecar_Client::describe_error( $response );
		}
		$refusal = $response->refusal();
		if ( '' !== $refusal ) {
			return $refusal;
		}
		$decoded = json_decode( $response->body, true );
		if ( 200 !== $response->status || ! is_array( $decoded ) || true !== ( $decoded['success'] ?? null ) || ! is_array( $decoded['data'] ?? null ) ) {
			return 'HTTP ' . $response->status . ' without the learner\'s values';
		}
		return $decoded['data'];
	}

	/**
	 * The `<input ... name="postal_code" ...>` tag.
	 *
	 * @return string
	 */
	private static function postal_code_input_pattern() {
		return '/<input\b[^>]*\bname\s*=\s*(["\'])postal_code\1[^>]*>/i';
	}

	/**
	 * An input tag with its value attribute set (attribute values in rendered markup hold no raw `>`).
	 *
	 * @param string $tag   The input tag.
	 * @param string $value Unescaped value.
	 * @return string
	 */
	private static function with_value( $tag, $value ) {
		$attribute = 'value="' . esc_attr( $value ) . '"';
		$pattern   = '/\svalue\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]*)/i';
		if ( preg_match( $pattern, $tag ) ) {
			return (string) preg_replace_callback(
				$pattern,
				function () use ( $attribute ) {
					return ' ' . $attribute;
				},
				$tag,
				1
			);
		}
		return (string) preg_replace_callback(
			'/\s*\/?>$/',
			function ( $end ) use ( $attribute ) {
				return ' ' . $attribute . $end[0];
			},
			$tag,
			1
		);
	}

	/**
	 * Logs the first failure of this request only.
	 *
	 * @param string $message Message.
	 * @return void
	 */
	private function log_once( $message ) {
		if ( ! $this->logged ) {
			$this->logged = true;
			WeCoza_Sidecar_Events::log( $message );
		}
	}
}
