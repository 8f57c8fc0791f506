<?php
/**
 * Plugin Name:       WeCoza Sidecar Shim
 * Description:       Forwards the WeCoza learner and class admin-ajax actions and form posts to the WeCoza sidecar service, relays its answers unchanged and fires the WordPress hooks it reports.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Tested up to:      7.1
 * Requires PHP:      8.0
 * Author:            WeCoza
 * License:           Proprietary
 * Text Domain:       wecoza-sidecar-shim
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

define( 'WECOZA_SIDECAR_SHIM_VERSION', '0.1.0' );
define( 'WECOZA_SIDECAR_SHIM_FILE', __FILE__ );
define( 'WECOZA_SIDECAR_SHIM_DIR', __DIR__ . '/' );

require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-settings.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-channel.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-routes.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-multipart.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-incoming-request.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-response.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-client.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-event-store.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-events.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-early-read.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-forwarder.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-form-posts.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-page-repairs.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-lifecycle.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-admin-page.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-site-health.php';
require_once WECOZA_SIDECAR_SHIM_DIR . 'includes/class-wecoza-sidecar-shim.php';

register_activation_hook( __FILE__, array( 'WeCoza_Sidecar_Lifecycle', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'WeCoza_Sidecar_Lifecycle', 'deactivate' ) );

/**
 * The plugin's single instance (for code that wants to unhook one of its callbacks).
 *
 * @return WeCoza_Sidecar_Shim
 */
function wecoza_sidecar_shim() {
	return WeCoza_Sidecar_Shim::instance();
}

wecoza_sidecar_shim()->register();
