<?php
/**
 * Plugin Name: WeCoza test recorder
 * Description: Test helper: records every firing of the test hooks, one row per call, so a test can count them.
 */

function wecoza_test_recorder_table() {
	global $wpdb;
	$table = $wpdb->prefix . 'wecoza_test_recorded';
	$wpdb->query( "CREATE TABLE IF NOT EXISTS {$table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, hook VARCHAR(100), event_id VARCHAR(64), payload LONGTEXT)" );
	return $table;
}

function wecoza_test_recorder_record( $hook, $payload ) {
	global $wpdb;
	$wpdb->insert(
		wecoza_test_recorder_table(),
		array(
			'hook'     => $hook,
			'event_id' => is_array( $payload ) && isset( $payload['event_id'] ) ? (string) $payload['event_id'] : '',
			'payload'  => wp_json_encode( $payload ),
		)
	);
}

foreach ( array( 'wecoza_test_delivery', 'wecoza_learner_updated', 'wecoza_learner_deleted', 'wecoza_class_created', 'wecoza_class_updated', 'wecoza_class_note_saved' ) as $wecoza_test_hook ) {
	add_action(
		$wecoza_test_hook,
		function ( $payload ) use ( $wecoza_test_hook ) {
			wecoza_test_recorder_record( $wecoza_test_hook, $payload );
		}
	);
}
