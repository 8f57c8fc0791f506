<?php
/**
 * The route list the sidecar generates from its action registry (routes.json).
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads routes.json once per request and answers which actions and forms go to the sidecar.
 */
class WeCoza_Sidecar_Routes {

	/**
	 * Settings (for the unrouted list).
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

	/**
	 * Parsed file: null until loaded.
	 *
	 * @var array|null
	 */
	private $data = null;

	/**
	 * Why the file could not be used ('' when it could).
	 *
	 * @var string
	 */
	private $error = '';

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings $settings Settings.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Whether a string is a usable action, form or hook name.
	 *
	 * @param mixed $name Name.
	 * @return bool
	 */
	public static function valid_name( $name ) {
		return is_string( $name ) && (bool) preg_match( '/^[A-Za-z0-9_-]{1,100}$/', $name );
	}

	/**
	 * The path of routes.json: the constant WECOZA_SIDECAR_ROUTES_FILE, else the file beside the plugin.
	 *
	 * @return string
	 */
	public function file() {
		$file = defined( 'WECOZA_SIDECAR_ROUTES_FILE' ) ? (string) WECOZA_SIDECAR_ROUTES_FILE : WECOZA_SIDECAR_SHIM_DIR . 'routes.json';
		/**
		 * Filters the path of the route list the sidecar generated.
		 *
		 * @param string $file Absolute path.
		 */
		return (string) apply_filters( 'wecoza_sidecar_routes_file', $file );
	}

	/**
	 * Forgets the parsed file (after a filter or constant change, in tests).
	 *
	 * @return void
	 */
	public function reset() {
		$this->data  = null;
		$this->error = '';
	}

	/**
	 * Why the route list could not be read ('' when it could).
	 *
	 * @return string
	 */
	public function error() {
		$this->load();
		return $this->error;
	}

	/**
	 * The sidecar version that generated the file ('' when unknown).
	 *
	 * @return string
	 */
	public function sidecar_version() {
		$this->load();
		return $this->data['sidecar_version'];
	}

	/**
	 * Every action of the file, keyed by name.
	 *
	 * @return array<string, array>
	 */
	public function actions() {
		$this->load();
		return $this->data['actions'];
	}

	/**
	 * Names of the actions that go to the sidecar (all except the unrouted ones).
	 *
	 * @return string[]
	 */
	public function routed_actions() {
		return array_values( array_diff( array_keys( $this->actions() ), $this->settings->unrouted() ) );
	}

	/**
	 * Whether an action is forwarded.
	 *
	 * @param string $action Action name.
	 * @return bool
	 */
	public function is_routed( $action ) {
		return in_array( $action, $this->routed_actions(), true );
	}

	/**
	 * Whether the sidecar declares $action a read (it accepts GET): it changes nothing.
	 *
	 * @param string $action Action name.
	 * @return bool
	 */
	public function is_read( $action ) {
		$actions = $this->actions();
		return isset( $actions[ $action ] ) && in_array( 'GET', $actions[ $action ]['methods'], true );
	}

	/**
	 * Every form of the file, keyed by form name: ['form' => ..., 'nonce_field' => ...].
	 *
	 * @return array<string, array>
	 */
	public function forms() {
		$this->load();
		return $this->data['forms'];
	}

	/**
	 * The routed form a POST belongs to, found by its nonce field (null when none).
	 *
	 * @param array $post The request's fields.
	 * @return array|null
	 */
	public function form_for_post( array $post ) {
		$unrouted = $this->settings->unrouted_forms();
		foreach ( $this->forms() as $name => $form ) {
			if ( ! in_array( $name, $unrouted, true ) && array_key_exists( $form['nonce_field'], $post ) ) {
				return $form;
			}
		}
		return null;
	}

	/**
	 * Reads and validates the file once.
	 *
	 * @return void
	 */
	private function load() {
		if ( null !== $this->data ) {
			return;
		}
		$this->data = array(
			'sidecar_version' => '',
			'actions'         => array(),
			'forms'           => array(),
		);

		$file = $this->file();
		if ( ! is_readable( $file ) ) {
			$this->error = 'the route list is missing';
			return;
		}
		// phpcs:ignore Generic.PHP.ForbiddenFunctions.FoundWithAlternative -- a local file.
		$decoded = json_decode( (string) file_get_contents( $file ), true );
		if ( ! is_array( $decoded ) || ! isset( $decoded['actions'] ) || ! is_array( $decoded['actions'] ) ) {
			$this->error = 'the route list is not valid JSON with an "actions" list';
			return;
		}

		$this->data['sidecar_version'] = isset( $decoded['sidecar_version'] ) && is_scalar( $decoded['sidecar_version'] )
			? (string) $decoded['sidecar_version'] : '';

		foreach ( $decoded['actions'] as $entry ) {
			if ( ! is_array( $entry ) || ! self::valid_name( $entry['action'] ?? null ) ) {
				continue;
			}
			$public     = ! empty( $entry['public'] );
			$capability = is_string( $entry['capability'] ?? null ) ? $entry['capability'] : '';
			$this->data['actions'][ $entry['action'] ] = array(
				'action'        => $entry['action'],
				'methods'       => array_values( array_filter( (array) ( $entry['methods'] ?? array() ), 'is_string' ) ),
				'public'        => $public,
				'capability'    => $capability,
				// What the sidecar checks: nothing for public lookups, whatever capability the entry declares.
				'who'           => $public ? 'anyone' : ( '' !== $capability ? $capability : 'logged in' ),
				'nonce_actions' => array_values( array_filter( (array) ( $entry['nonce_actions'] ?? array() ), 'is_string' ) ),
				'response'      => is_string( $entry['response'] ?? null ) ? $entry['response'] : '',
			);
		}

		foreach ( (array) ( $decoded['forms'] ?? array() ) as $entry ) {
			if ( ! is_array( $entry ) || ! self::valid_name( $entry['form'] ?? null ) || ! self::valid_name( $entry['nonce_field'] ?? null ) ) {
				continue;
			}
			$this->data['forms'][ $entry['form'] ] = array(
				'form'        => $entry['form'],
				'nonce_field' => $entry['nonce_field'],
			);
		}
	}
}
