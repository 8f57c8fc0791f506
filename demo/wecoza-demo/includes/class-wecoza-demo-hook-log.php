<?php
/**
 * The hooks the shim fired, kept for the demo pages to show.
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

/**
 * Listens to every `wecoza_*` action fired with a sidecar event payload (an array holding `event_id`), keeps the
 * latest ones in an option, and serves them to the demo pages (admin-ajax action wecoza_demo_hook_log).
 * Payloads carry ids and field names only, never personal values (docs/hooks.md).
 */
final class WeCoza_Demo_Hook_Log {

	const OPTION       = 'wecoza_demo_hook_log';
	const AJAX_ACTION  = 'wecoza_demo_hook_log';
	const NONCE_ACTION = 'wecoza_demo_hook_log';
	const KEEP         = 40;

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'all', array( $this, 'maybe_record' ), 10, 2 );
		add_action( 'wp_ajax_' . self::AJAX_ACTION, array( $this, 'serve' ) );
	}

	/**
	 * Records a sidecar event hook (called for every hook: a cheap prefix test first).
	 *
	 * @param string $hook    Hook name.
	 * @param mixed  $payload First argument.
	 * @return void
	 */
	public function maybe_record( $hook, $payload = null ) {
		if ( 0 !== strncmp( (string) $hook, 'wecoza_', 7 ) || ! is_array( $payload ) || ! isset( $payload['event_id'] ) ) {
			return;
		}
		if ( ! doing_action( $hook ) ) {
			return; // A filter of that name, not a fired action.
		}
		$log       = self::read();
		$log['seq']++;
		$log['entries'][] = array(
			'seq'     => $log['seq'],
			'hook'    => (string) $hook,
			'payload' => $payload,
			'seen_at' => gmdate( 'Y-m-d\TH:i:s\Z' ),
			'request' => wp_doing_ajax() ? 'admin-ajax' : ( defined( 'REST_REQUEST' ) && REST_REQUEST ? 'rest (dispatcher)' : 'page' ),
		);
		$log['entries'] = array_slice( $log['entries'], -self::KEEP );
		update_option( self::OPTION, $log, false );
	}

	/**
	 * The log: seq (last number given) and entries (oldest first).
	 *
	 * @return array{seq: int, entries: array}
	 */
	public static function read() {
		$log = get_option( self::OPTION, array() );
		return array(
			'seq'     => (int) ( $log['seq'] ?? 0 ),
			'entries' => isset( $log['entries'] ) && is_array( $log['entries'] ) ? $log['entries'] : array(),
		);
	}

	/**
	 * admin-ajax: entries after `after` (a seq), and the latest seq.
	 *
	 * @return void
	 */
	public function serve() {
		check_ajax_referer( self::NONCE_ACTION, 'nonce' );
		if ( ! current_user_can( WeCoza_Demo_Page::CAPABILITY ) ) {
			wp_send_json_error( array( 'message' => 'Not allowed' ), 403 );
		}
		$after = isset( $_REQUEST['after'] ) ? absint( $_REQUEST['after'] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification
		$log   = self::read();
		$new   = array_values(
			array_filter(
				$log['entries'],
				function ( $entry ) use ( $after ) {
					return (int) $entry['seq'] > $after;
				}
			)
		);
		wp_send_json_success( array( 'seq' => $log['seq'], 'entries' => $new ) );
	}
}
