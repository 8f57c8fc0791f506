<?php
/**
 * Wires the shim's parts together.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin: one instance holding its services.
 */
final class WeCoza_Sidecar_Shim {

	/**
	 * Options.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	public $settings;

	/**
	 * Route list.
	 *
	 * @var WeCoza_Sidecar_Routes
	 */
	public $routes;

	/**
	 * HTTP client.
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	public $client;

	/**
	 * Fired-event store.
	 *
	 * @var WeCoza_Sidecar_Event_Store
	 */
	public $store;

	/**
	 * Events.
	 *
	 * @var WeCoza_Sidecar_Events
	 */
	public $events;

	/**
	 * admin-ajax forwarding.
	 *
	 * @var WeCoza_Sidecar_Forwarder
	 */
	public $forwarder;

	/**
	 * A routed read sent while WordPress loads.
	 *
	 * @var WeCoza_Sidecar_Early_Read
	 */
	public $early_read;

	/**
	 * Form posts.
	 *
	 * @var WeCoza_Sidecar_Form_Posts
	 */
	public $form_posts;

	/**
	 * Lifecycle.
	 *
	 * @var WeCoza_Sidecar_Lifecycle
	 */
	public $lifecycle;

	/**
	 * The instance.
	 *
	 * @var WeCoza_Sidecar_Shim|null
	 */
	private static $instance = null;

	/**
	 * The instance.
	 *
	 * @return WeCoza_Sidecar_Shim
	 */
	public static function instance() {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	/**
	 * Builds the services.
	 */
	private function __construct() {
		$this->settings   = new WeCoza_Sidecar_Settings();
		$this->routes     = new WeCoza_Sidecar_Routes( $this->settings );
		$this->client     = new WeCoza_Sidecar_Client( $this->settings );
		$this->store      = new WeCoza_Sidecar_Event_Store();
		$this->events     = new WeCoza_Sidecar_Events( $this->settings, $this->client, $this->store );
		$this->early_read = new WeCoza_Sidecar_Early_Read( $this->routes, $this->client );
		$this->forwarder  = new WeCoza_Sidecar_Forwarder( $this->routes, $this->client, $this->events, $this->early_read );
		$this->form_posts = new WeCoza_Sidecar_Form_Posts( $this->routes, $this->client, $this->events );
		$this->lifecycle  = new WeCoza_Sidecar_Lifecycle( $this->settings, $this->routes );
	}

	/**
	 * Registers every hook (once).
	 *
	 * @return void
	 */
	public function register() {
		static $done = false;
		if ( $done ) {
			return;
		}
		$done = true;

		add_action( 'http_api_curl', array( 'WeCoza_Sidecar_Client', 'set_connect_timeout' ), 10, 2 );
		$this->lifecycle->register();
		$this->form_posts->register();
		( new WeCoza_Sidecar_Page_Repairs( $this->client ) )->register();
		add_action( 'rest_api_init', array( $this->events, 'register_rest_route' ) );
		// Only admin-ajax.php requests need the route list; by plugins_loaded every filter of it is in place.
		add_action( 'plugins_loaded', array( $this, 'register_ajax' ) );

		if ( is_admin() ) {
			( new WeCoza_Sidecar_Admin_Page( $this->settings, $this->routes, $this->client, $this->store ) )->register();
			( new WeCoza_Sidecar_Site_Health( $this->settings, $this->client ) )->register();
		}
		if ( defined( 'WP_CLI' ) && WP_CLI ) {
			require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-cli.php';
			WP_CLI::add_command( 'wecoza-sidecar', 'WeCoza_Sidecar_Cli' );
		}
	}

	/**
	 * Registers the admin-ajax callbacks, only on admin-ajax requests.
	 *
	 * @return void
	 */
	public function register_ajax() {
		if ( wp_doing_ajax() ) {
			$this->forwarder->register();
			$this->early_read->start();
		}
	}
}
