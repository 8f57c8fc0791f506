<?php
/**
 * The shim's options: where the sidecar is, the shared secret, the timeout, the unrouted actions.
 *
 * The URL and the secret decide where every visitor's Cookie header is sent. The constants WECOZA_SIDECAR_URL and
 * WECOZA_SIDECAR_SECRET (wp-config.php), when defined, win over the options; on a network only a super admin
 * (manage_network_options) may change the options.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes the options; holds no state of its own.
 */
class WeCoza_Sidecar_Settings {

	const OPTION_URL            = 'wecoza_sidecar_url';
	const OPTION_SECRET         = 'wecoza_sidecar_secret';
	const OPTION_TIMEOUT        = 'wecoza_sidecar_timeout';
	const OPTION_UNROUTED       = 'wecoza_sidecar_unrouted';
	const OPTION_UNROUTED_FORMS = 'wecoza_sidecar_unrouted_forms';
	const OPTION_DB_VERSION     = 'wecoza_sidecar_db_version';

	const URL_CONSTANT    = 'WECOZA_SIDECAR_URL';
	const SECRET_CONSTANT = 'WECOZA_SIDECAR_SECRET';

	const DEFAULT_TIMEOUT = 10;
	const MIN_TIMEOUT     = 1;
	const MAX_TIMEOUT     = 120;

	/**
	 * Every option this plugin owns (uninstall removes exactly these).
	 *
	 * @return string[]
	 */
	public static function option_names() {
		return array(
			self::OPTION_URL,
			self::OPTION_SECRET,
			self::OPTION_TIMEOUT,
			self::OPTION_UNROUTED,
			self::OPTION_UNROUTED_FORMS,
			self::OPTION_DB_VERSION,
		);
	}

	/**
	 * Stores the options every admin-ajax request reads, at their defaults, where they are missing. WordPress reads
	 * the stored ones with every autoloaded option in one query; a missing one costs a query of its own on every
	 * request (without a persistent object cache), and they stay missing until the settings form is saved.
	 *
	 * @return void
	 */
	public static function add_defaults() {
		$defaults = array(
			self::OPTION_TIMEOUT        => self::DEFAULT_TIMEOUT,
			self::OPTION_UNROUTED       => array(),
			self::OPTION_UNROUTED_FORMS => array(),
		);
		foreach ( $defaults as $name => $value ) {
			add_option( $name, $value, '', true );
		}
	}

	/**
	 * The sidecar's base URL without a trailing slash ('' when not configured).
	 *
	 * @return string
	 */
	public function url() {
		if ( self::url_is_fixed() ) {
			return self::sanitize_url( constant( self::URL_CONSTANT ) );
		}
		$url = get_option( self::OPTION_URL, '' );
		return is_string( $url ) ? untrailingslashit( trim( $url ) ) : '';
	}

	/**
	 * The shared secret ('' when not configured).
	 *
	 * @return string
	 */
	public function secret() {
		if ( self::secret_is_fixed() ) {
			$secret = constant( self::SECRET_CONSTANT );
			return is_string( $secret ) ? self::sanitize_secret( $secret ) : '';
		}
		$secret = get_option( self::OPTION_SECRET, '' );
		return is_string( $secret ) ? $secret : '';
	}

	/**
	 * Whether wp-config.php fixes the URL (WECOZA_SIDECAR_URL), so the option is not used.
	 *
	 * @return bool
	 */
	public static function url_is_fixed() {
		return defined( self::URL_CONSTANT );
	}

	/**
	 * Whether wp-config.php fixes the secret (WECOZA_SIDECAR_SECRET), so the option is not used.
	 *
	 * @return bool
	 */
	public static function secret_is_fixed() {
		return defined( self::SECRET_CONSTANT );
	}

	/**
	 * The capability that may change the URL and the secret: on a network, only super admins have it.
	 *
	 * @return string
	 */
	public static function connection_capability() {
		return is_multisite() ? 'manage_network_options' : 'manage_options';
	}

	/**
	 * Total timeout of a forwarded request, in seconds.
	 *
	 * @return int
	 */
	public function timeout() {
		return self::clamp_timeout( get_option( self::OPTION_TIMEOUT, self::DEFAULT_TIMEOUT ) );
	}

	/**
	 * Connect timeout of a forwarded request, in seconds (never longer than the total timeout).
	 *
	 * @return float
	 */
	public function connect_timeout() {
		/**
		 * Filters how long the shim waits for a TCP connection to the sidecar.
		 *
		 * @param float $seconds Default 3 seconds (or the total timeout when shorter).
		 */
		$connect = (float) apply_filters( 'wecoza_sidecar_connect_timeout', 3.0 );
		return max( 0.1, min( $connect, (float) $this->timeout() ) );
	}

	/**
	 * Actions the administrator has switched off (they fall through to other handlers).
	 *
	 * @return string[]
	 */
	public function unrouted() {
		return self::name_list( get_option( self::OPTION_UNROUTED, array() ) );
	}

	/**
	 * Forms the administrator has switched off (their posts reach the page's own PHP again).
	 *
	 * @return string[]
	 */
	public function unrouted_forms() {
		return self::name_list( get_option( self::OPTION_UNROUTED_FORMS, array() ) );
	}

	/**
	 * The valid action or form names of a stored list.
	 *
	 * @param mixed $value Stored value.
	 * @return string[]
	 */
	private static function name_list( $value ) {
		if ( ! is_array( $value ) ) {
			return array();
		}
		return array_values( array_filter( array_map( 'strval', $value ), array( 'WeCoza_Sidecar_Routes', 'valid_name' ) ) );
	}

	/**
	 * Whether both the URL and the secret are set.
	 *
	 * @return bool
	 */
	public function is_configured() {
		return '' !== $this->url() && '' !== $this->secret();
	}

	/**
	 * Saves the settings form's values (already unslashed). The URL and the secret are saved only when given
	 * (the caller leaves them out for a user who may not change them, or when wp-config.php fixes them).
	 *
	 * @param array    $input       Field values: url, secret, timeout, routed and routed_forms (ticked names).
	 * @param string[] $all_actions Every action the routes file lists.
	 * @param string[] $all_forms   Every form the routes file lists.
	 * @return void
	 */
	public function save( array $input, array $all_actions, array $all_forms = array() ) {
		if ( array_key_exists( 'url', $input ) ) {
			update_option( self::OPTION_URL, self::sanitize_url( $input['url'] ) );
		}

		$secret = isset( $input['secret'] ) && is_string( $input['secret'] ) ? self::sanitize_secret( $input['secret'] ) : '';
		if ( '' !== $secret ) {
			// An empty field keeps the stored secret: the form never shows it.
			update_option( self::OPTION_SECRET, $secret );
		}

		update_option( self::OPTION_TIMEOUT, self::clamp_timeout( $input['timeout'] ?? self::DEFAULT_TIMEOUT ) );

		// The unticked names are stored, so an action or form added to routes.json later is routed by default.
		update_option( self::OPTION_UNROUTED, self::unticked( $all_actions, $input['routed'] ?? array() ) );
		update_option( self::OPTION_UNROUTED_FORMS, self::unticked( $all_forms, $input['routed_forms'] ?? array() ) );
	}

	/**
	 * The names of a list that were not ticked.
	 *
	 * @param string[] $all    Every name.
	 * @param mixed    $ticked Ticked names as submitted.
	 * @return string[]
	 */
	private static function unticked( array $all, $ticked ) {
		$ticked = is_array( $ticked ) ? array_map( 'strval', $ticked ) : array();
		return array_values( array_diff( $all, $ticked ) );
	}

	/**
	 * An http(s) URL without a trailing slash, or ''.
	 *
	 * @param mixed $url Submitted value.
	 * @return string
	 */
	public static function sanitize_url( $url ) {
		if ( ! is_string( $url ) ) {
			return '';
		}
		$url = esc_url_raw( trim( $url ), array( 'http', 'https' ) );
		return untrailingslashit( $url );
	}

	/**
	 * The secret as typed, without surrounding blanks and control characters.
	 *
	 * @param string $secret Submitted value.
	 * @return string
	 */
	public static function sanitize_secret( $secret ) {
		return trim( (string) preg_replace( '/[\x00-\x1f\x7f]/', '', $secret ) );
	}

	/**
	 * A timeout in whole seconds within the allowed range.
	 *
	 * @param mixed $value Stored or submitted value.
	 * @return int
	 */
	public static function clamp_timeout( $value ) {
		$seconds = is_numeric( $value ) ? (int) $value : self::DEFAULT_TIMEOUT;
		if ( $seconds < self::MIN_TIMEOUT ) {
			return self::DEFAULT_TIMEOUT;
		}
		return min( $seconds, self::MAX_TIMEOUT );
	}
}
