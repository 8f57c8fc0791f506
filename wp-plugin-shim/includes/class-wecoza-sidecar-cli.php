<?php
/**
 * WP-CLI: wp wecoza-sidecar status|ping|events. Loaded only when WP_CLI is defined.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Inspect the WeCoza sidecar connection.
 */
class WeCoza_Sidecar_Cli {

	/**
	 * Shows whether the sidecar answers, its version and the routed actions.
	 *
	 * ## EXAMPLES
	 *
	 *     wp wecoza-sidecar status
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Named arguments.
	 * @return void
	 */
	public function status( $args, $assoc_args ) {
		$shim   = wecoza_sidecar_shim();
		$health = $shim->client->health();

		WP_CLI::log( 'Sidecar URL:     ' . ( '' !== $shim->settings->url() ? $shim->settings->url() : '(not configured)' ) );
		WP_CLI::log( 'Shared secret:   ' . ( '' !== $shim->settings->secret() ? '(set)' : '(not configured)' ) );
		WP_CLI::log( 'Timeout:         ' . $shim->settings->timeout() . ' s' );
		WP_CLI::log( 'Reachable:       ' . ( $health['reachable'] ? 'yes (' . $health['elapsed_ms'] . ' ms)' : 'no: ' . $health['error'] ) );
		WP_CLI::log( 'Sidecar version: ' . ( '' !== $health['version'] ? $health['version'] : '?' ) );
		WP_CLI::log( 'Shim version:    ' . WECOZA_SIDECAR_SHIM_VERSION );
		$skew = WeCoza_Sidecar_Site_Health::version_skew( WECOZA_SIDECAR_SHIM_VERSION, $health['version'] );
		if ( '' !== $skew ) {
			WP_CLI::warning( 'Version skew: ' . $skew );
		}
		if ( null !== $health['outbox_backlog'] ) {
			WP_CLI::log( 'Outbox backlog:  ' . $health['outbox_backlog'] );
		}
		$routes_error = $shim->routes->error();
		if ( '' !== $routes_error ) {
			WP_CLI::warning( 'Route list: ' . $routes_error . ' (' . $shim->routes->file() . ')' );
		}

		$unrouted = $shim->settings->unrouted();
		$items    = array();
		foreach ( $shim->routes->actions() as $name => $action ) {
			$items[] = array(
				'action'     => $name,
				'routed'     => in_array( $name, $unrouted, true ) ? 'no' : 'yes',
				'methods'    => implode( ',', $action['methods'] ),
				'capability' => $action['capability'],
				'public'     => $action['public'] ? 'yes' : 'no',
			);
		}
		self::table( $items, array( 'action', 'routed', 'methods', 'capability', 'public' ), $assoc_args );
	}

	/**
	 * Calls GET /healthz once and reports the answer.
	 *
	 * ## EXAMPLES
	 *
	 *     wp wecoza-sidecar ping
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Named arguments.
	 * @return void
	 */
	public function ping( $args, $assoc_args ) {
		$health = wecoza_sidecar_shim()->client->health( true );
		if ( ! $health['reachable'] ) {
			WP_CLI::error( 'The sidecar does not answer: ' . $health['error'] );
			return;
		}
		WP_CLI::success( sprintf( 'pong: status %s, version %s, %d ms', '' !== $health['status'] ? $health['status'] : '?', '' !== $health['version'] ? $health['version'] : '?', $health['elapsed_ms'] ) );
	}

	/**
	 * Lists the last events fired in WordPress (ids, hooks, source; never payloads).
	 *
	 * ## OPTIONS
	 *
	 * [--limit=<n>]
	 * : How many rows.
	 * ---
	 * default: 20
	 * ---
	 *
	 * [--format=<format>]
	 * : table, csv, json or yaml.
	 * ---
	 * default: table
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp wecoza-sidecar events --limit=5
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Named arguments.
	 * @return void
	 */
	public function events( $args, $assoc_args ) {
		$limit = isset( $assoc_args['limit'] ) ? max( 1, (int) $assoc_args['limit'] ) : 20;
		$rows  = wecoza_sidecar_shim()->store->recent( $limit );
		if ( ! $rows ) {
			WP_CLI::log( 'No event has been fired yet.' );
			return;
		}
		self::table( $rows, array( 'fired_at', 'name', 'event_id', 'source' ), $assoc_args );
	}

	/**
	 * Prints rows with WP-CLI's formatter.
	 *
	 * @param array    $items      Rows.
	 * @param string[] $fields     Columns.
	 * @param array    $assoc_args Named arguments (format).
	 * @return void
	 */
	private static function table( array $items, array $fields, array $assoc_args ) {
		$format = isset( $assoc_args['format'] ) ? (string) $assoc_args['format'] : 'table';
		WP_CLI\Utils\format_items( $format, $items, $fields );
	}
}
