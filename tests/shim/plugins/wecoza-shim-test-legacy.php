<?php
/**
 * Plugin Name: WeCoza shim test legacy handlers
 * Description: Test helper. Stands in for the legacy plugin: answers two routed actions itself (logged-in and logged-out).
 */

defined( 'ABSPATH' ) || exit;

/**
 * A legacy-style handler: says who answered.
 */
function wecoza_shim_test_legacy_handler() {
	wp_send_json_success( array( 'answered_by' => 'legacy php' ) );
}

foreach ( array( 'wecoza_get_learner', 'fetch_learners_dropdown_data' ) as $wecoza_test_action ) {
	add_action( 'wp_ajax_' . $wecoza_test_action, 'wecoza_shim_test_legacy_handler' );
	add_action( 'wp_ajax_nopriv_' . $wecoza_test_action, 'wecoza_shim_test_legacy_handler' );
}
