<?php
/**
 * Plugin Name: WeCoza shim test listener
 * Description: Test helper. Records the WeCoza hooks it hears in the option wecoza_test_heard and changes forwarded filter values.
 */

defined( 'ABSPATH' ) || exit;

/**
 * Appends [hook, first argument] to the option wecoza_test_heard.
 *
 * @param string $hook Hook name.
 * @param mixed  $arg  First argument.
 */
function wecoza_shim_test_record( $hook, $arg = null ) {
	$heard   = get_option( 'wecoza_test_heard', array() );
	$heard[] = array( 'hook' => $hook, 'arg' => $arg );
	update_option( 'wecoza_test_heard', $heard, false );
}

foreach ( array( 'wecoza_learner_updated', 'wecoza_learner_deleted', 'wecoza_class_created', 'wecoza_test_event' ) as $wecoza_test_hook ) {
	add_action(
		$wecoza_test_hook,
		static function ( $payload = null ) use ( $wecoza_test_hook ) {
			wecoza_shim_test_record( $wecoza_test_hook, $payload );
		}
	);
}

add_action(
	'wecoza_test_listener_fails',
	static function () {
		throw new RuntimeException( 'a listener that fails' );
	}
);

foreach ( array( 'wecoza_core_activated', 'wecoza_core_deactivated' ) as $wecoza_test_hook ) {
	add_action(
		$wecoza_test_hook,
		static function () use ( $wecoza_test_hook ) {
			wecoza_shim_test_record( $wecoza_test_hook );
		}
	);
}

// A filter the legacy Classes module applied, with its signature ($subjects, $classTypeId): callbacks must keep
// working on the sidecar's data.
add_filter(
	'wecoza_classes_get_subjects',
	static function ( $subjects, $class_type ) {
		$subjects[] = array( 'id' => 'EXTRA', 'name' => 'Added by a filter/callback for ' . $class_type );
		return $subjects;
	},
	10,
	2
);
add_filter(
	'wecoza_classes_get_class_types',
	static function ( $body ) {
		$body['filtered'] = true;
		return $body;
	}
);
