<?php
/**
 * WP-CLI: wp wecoza-sidecar status|ping|events|retry-parked. Loaded only when WP_CLI is defined.
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
		if ( $health['outbox_parked'] > 0 ) {
			WP_CLI::warning( 'Parked events:   ' . $health['outbox_parked'] . ' (wp wecoza-sidecar events --list=parked, then wp wecoza-sidecar retry-parked)' );
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
				'who'        => $action['who'],
				'public'     => $action['public'] ? 'yes' : 'no',
			);
		}
		self::table( $items, array( 'action', 'routed', 'methods', 'who', 'public' ), $assoc_args );
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
	 * Lists the last events fired in WordPress, then the sidecar's parked and failing events (ids, hooks, attempts,
	 * errors, times; never payloads).
	 *
	 * ## OPTIONS
	 *
	 * [--list=<list>]
	 * : Which list: all, fired, parked or failing. With a --format other than table, one list is printed, so all
	 * means fired there.
	 * ---
	 * default: all
	 * options:
	 *   - all
	 *   - fired
	 *   - parked
	 *   - failing
	 * ---
	 *
	 * [--limit=<n>]
	 * : How many fired events (the sidecar reports at most 20 parked and 20 failing ones).
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
	 *     wp wecoza-sidecar events --list=parked --format=json
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Named arguments.
	 * @return void
	 */
	public function events( $args, $assoc_args ) {
		$list   = isset( $assoc_args['list'] ) ? (string) $assoc_args['list'] : 'all';
		$format = isset( $assoc_args['format'] ) ? (string) $assoc_args['format'] : 'table';
		if ( ! in_array( $list, array( 'all', 'fired', 'parked', 'failing' ), true ) ) {
			WP_CLI::error( 'Unknown --list: use all, fired, parked or failing.' );
			return;
		}
		if ( 'all' === $list && 'table' !== $format ) {
			$list = 'fired';  // One machine-readable document per run.
		}

		if ( 'all' === $list || 'fired' === $list ) {
			$limit = isset( $assoc_args['limit'] ) ? max( 1, (int) $assoc_args['limit'] ) : 20;
			$rows  = wecoza_sidecar_shim()->store->recent( $limit );
			if ( 'all' === $list ) {
				WP_CLI::log( 'Last events fired in WordPress:' );
			}
			if ( $rows ) {
				self::table( $rows, array( 'fired_at', 'name', 'event_id', 'source' ), $assoc_args );
			} else {
				WP_CLI::log( 'No event has been fired yet.' );
			}
			if ( 'fired' === $list ) {
				return;
			}
		}

		$status = wecoza_sidecar_shim()->client->event_status();
		if ( is_wp_error( $status ) ) {
			$message = 'The sidecar did not report its parked and failing events: ' . WeCoza_Sidecar_Client::describe_error( $status );
			if ( 'all' === $list ) {
				WP_CLI::warning( $message );
			} else {
				WP_CLI::error( $message );
			}
			return;
		}
		$parked_fields  = array( 'parked_at', 'name', 'id', 'attempts', 'last_error', 'created_at' );
		$failing_fields = array( 'next_attempt_at', 'name', 'id', 'attempts', 'last_error', 'created_at' );
		if ( 'parked' === $list ) {
			self::table( $status['parked_events'], $parked_fields, $assoc_args );
			return;
		}
		if ( 'failing' === $list ) {
			self::table( $status['failing_events'], $failing_fields, $assoc_args );
			return;
		}

		WP_CLI::log( '' );
		WP_CLI::log( sprintf( 'Sidecar outbox: %d waiting for delivery (oldest %s), %d parked.', $status['pending'], null !== $status['oldest_pending'] ? $status['oldest_pending'] : '-', $status['parked'] ) );
		WP_CLI::log( 'Parked events (retry them with `wp wecoza-sidecar retry-parked`):' );
		if ( $status['parked_events'] ) {
			self::table( $status['parked_events'], $parked_fields, $assoc_args );
		} else {
			WP_CLI::log( 'No event is parked.' );
		}
		WP_CLI::log( 'Failing events (retried automatically):' );
		if ( $status['failing_events'] ) {
			self::table( $status['failing_events'], $failing_fields, $assoc_args );
		} else {
			WP_CLI::log( 'No event is failing.' );
		}
	}

	/**
	 * Gives the sidecar's parked events a fresh set of delivery attempts.
	 *
	 * ## OPTIONS
	 *
	 * [<id>...]
	 * : Only these parked events (default: every parked event).
	 *
	 * ## EXAMPLES
	 *
	 *     wp wecoza-sidecar retry-parked
	 *     wp wecoza-sidecar retry-parked 0b7c6a1e-5d0f-4f57-9a57-2d6c1f1f7f43
	 *
	 * @subcommand retry-parked
	 *
	 * @param array $args       Positional arguments (event ids).
	 * @param array $assoc_args Named arguments.
	 * @return void
	 */
	public function retry_parked( $args, $assoc_args ) {
		$retried = wecoza_sidecar_shim()->client->retry_parked( array_values( array_map( 'strval', $args ) ) );
		if ( is_wp_error( $retried ) ) {
			WP_CLI::error( 'The parked events were not retried: ' . WeCoza_Sidecar_Client::describe_error( $retried ) );
			return;
		}
		WP_CLI::success( sprintf( '%d %s queued again.', $retried, 1 === $retried ? 'event' : 'events' ) );
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
