<?php
/**
 * Uninstall: removes the shim's own options, transients and tables, nothing else
 * (the capability it granted and the legacy plugin's options stay).
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/class-wecoza-sidecar-settings.php';
require_once __DIR__ . '/includes/class-wecoza-sidecar-event-store.php';

foreach ( WeCoza_Sidecar_Settings::option_names() as $wecoza_sidecar_option ) {
	delete_option( $wecoza_sidecar_option );
}

global $wpdb;
// The shim's transients: flash messages and retry results (all named wecoza_sidecar_*).
// No WordPress function deletes transients by prefix: a prepared query.
$wpdb->query(
	$wpdb->prepare(
		"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
		$wpdb->esc_like( '_transient_wecoza_sidecar_' ) . '%',
		$wpdb->esc_like( '_transient_timeout_wecoza_sidecar_' ) . '%'
	)
);

WeCoza_Sidecar_Event_Store::drop();
