<?php
/**
 * Activation, deactivation, schema upgrades, the legacy lifecycle hooks and the admin notices.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Keeps what the legacy plugin promised other code (its hooks, the manage_learners capability).
 */
class WeCoza_Sidecar_Lifecycle {

	/** The legacy plugin, as WordPress names it. */
	const LEGACY_PLUGIN = 'wecoza-core/wecoza-core.php';

	/** Capability every learner and class action requires by default. */
	const CAPABILITY = 'manage_learners';

	/** What install() sets up (tables, stored option defaults); a change runs it again on the next load. */
	const INSTALL_VERSION = '2';

	/**
	 * Settings.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

	/**
	 * Routes.
	 *
	 * @var WeCoza_Sidecar_Routes
	 */
	private $routes;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings $settings Settings.
	 * @param WeCoza_Sidecar_Routes   $routes   Routes.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings, WeCoza_Sidecar_Routes $routes ) {
		$this->settings = $settings;
		$this->routes   = $routes;
	}

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'plugins_loaded', array( __CLASS__, 'loaded' ), 5 );
		add_action( 'admin_notices', array( $this, 'admin_notices' ) );
	}

	/**
	 * Whether the legacy plugin is active (then it fires its own lifecycle hooks).
	 *
	 * @return bool
	 */
	public static function legacy_active() {
		if ( in_array( self::LEGACY_PLUGIN, (array) get_option( 'active_plugins', array() ), true ) ) {
			return true;
		}
		if ( is_multisite() ) {
			$network = (array) get_site_option( 'active_sitewide_plugins', array() );
			return isset( $network[ self::LEGACY_PLUGIN ] );
		}
		return false;
	}

	/**
	 * Activation: tables, the capability, then wecoza_core_activated.
	 *
	 * @return void
	 */
	public static function activate() {
		self::install();
		$role = get_role( 'administrator' );
		if ( $role && ! $role->has_cap( self::CAPABILITY ) ) {
			$role->add_cap( self::CAPABILITY );
		}
		if ( ! self::legacy_active() ) {
			/** Fires when WeCoza Core (here: its sidecar shim) is activated. */
			do_action( 'wecoza_core_activated' );
		}
	}

	/**
	 * The shim's tables and the defaults of the options every request reads.
	 *
	 * @return void
	 */
	public static function install() {
		WeCoza_Sidecar_Event_Store::install();
		WeCoza_Sidecar_Settings::add_defaults();
		update_option( WeCoza_Sidecar_Settings::OPTION_DB_VERSION, self::INSTALL_VERSION );
	}

	/**
	 * Deactivation: data, options and capabilities stay; wecoza_core_deactivated fires.
	 *
	 * @return void
	 */
	public static function deactivate() {
		if ( ! self::legacy_active() ) {
			/** Fires when WeCoza Core (here: its sidecar shim) is deactivated. */
			do_action( 'wecoza_core_deactivated' );
		}
	}

	/**
	 * plugins_loaded, priority 5 as the legacy plugin: install() again after an upgrade, then wecoza_core_loaded.
	 *
	 * @return void
	 */
	public static function loaded() {
		if ( get_option( WeCoza_Sidecar_Settings::OPTION_DB_VERSION ) !== self::INSTALL_VERSION ) {
			self::install();
		}
		if ( ! self::legacy_active() ) {
			/** Fires once WeCoza Core (here: its sidecar shim) is loaded. */
			do_action( 'wecoza_core_loaded' );
		}
	}

	/**
	 * Notices for administrators: missing URL or secret, unreadable route list, empty PostgreSQL password.
	 *
	 * @return void
	 */
	public function admin_notices() {
		if ( ! current_user_can( 'manage_options' ) || ! $this->on_relevant_screen() ) {
			return;
		}
		$settings_url = admin_url( 'options-general.php?page=' . WeCoza_Sidecar_Admin_Page::SLUG );

		if ( ! $this->settings->is_configured() ) {
			printf(
				'<div class="notice notice-error"><p><strong>%1$s</strong> %2$s <a href="%3$s">%4$s</a></p></div>',
				esc_html__( 'WeCoza Sidecar:', 'wecoza-sidecar-shim' ),
				esc_html__( 'the sidecar URL or shared secret is not configured, so routed WeCoza actions answer "temporarily unavailable".', 'wecoza-sidecar-shim' ),
				esc_url( $settings_url ),
				esc_html__( 'Configure the sidecar', 'wecoza-sidecar-shim' )
			);
		}
		$routes_error = $this->routes->error();
		if ( '' !== $routes_error ) {
			printf(
				'<div class="notice notice-error"><p><strong>%1$s</strong> %2$s</p></div>',
				esc_html__( 'WeCoza Sidecar:', 'wecoza-sidecar-shim' ),
				esc_html(
					sprintf(
						/* translators: %s: why the file cannot be used */
						__( 'no action is forwarded: %s.', 'wecoza-sidecar-shim' ),
						$routes_error
					)
				)
			);
		}
		if ( '' === (string) get_option( 'wecoza_postgres_password', '' ) && ! self::legacy_active() ) {
			// The legacy plugin's warning, word for word (it prints it itself while it is active).
			echo '<div class="notice notice-warning is-dismissible"><p><strong>' . esc_html__( 'WeCoza Core:', 'wecoza-sidecar-shim' ) . '</strong> '
				. esc_html__( 'PostgreSQL password not configured. Please set the wecoza_postgres_password option.', 'wecoza-sidecar-shim' )
				. '</p></div>';
		}
	}

	/**
	 * The legacy rule: the Plugins screen or a WeCoza screen (plus the dashboard).
	 *
	 * @return bool
	 */
	private function on_relevant_screen() {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( ! $screen ) {
			return false;
		}
		return in_array( $screen->id, array( 'plugins', 'plugins-network', 'dashboard' ), true ) || false !== strpos( $screen->id, 'wecoza' );
	}
}
