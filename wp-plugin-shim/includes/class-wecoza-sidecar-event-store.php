<?php
/**
 * The shim's own tables: fired event ids (dedupe) and recently seen delivery request ids (replay).
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Atomic "first time?" questions answered by primary keys (INSERT IGNORE), so concurrent
 * deliveries of the same event or request id cannot both win.
 */
class WeCoza_Sidecar_Event_Store {

	/** Fired ids are kept this long (longer than the dispatcher's retry horizon). */
	const KEEP_EVENTS_DAYS = 30;

	/** Delivery request ids are kept this long (more than twice the signature window). */
	const KEEP_REQUEST_IDS_SECONDS = 300;

	/**
	 * Table of fired events.
	 *
	 * @return string
	 */
	public static function events_table() {
		global $wpdb;
		return $wpdb->prefix . 'wecoza_sidecar_events';
	}

	/**
	 * Table of recently seen delivery request ids.
	 *
	 * @return string
	 */
	public static function request_ids_table() {
		global $wpdb;
		return $wpdb->prefix . 'wecoza_sidecar_request_ids';
	}

	/**
	 * Creates or upgrades both tables.
	 *
	 * @return void
	 */
	public static function install() {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$collate = $wpdb->get_charset_collate();
		$events  = self::events_table();
		$ids     = self::request_ids_table();
		dbDelta(
			"CREATE TABLE {$events} (
  event_id varchar(64) NOT NULL,
  name varchar(191) NOT NULL,
  source varchar(16) NOT NULL,
  fired_at datetime NOT NULL,
  PRIMARY KEY  (event_id),
  KEY fired_at (fired_at)
) {$collate};
CREATE TABLE {$ids} (
  request_id varchar(64) NOT NULL,
  seen_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (request_id),
  KEY seen_at (seen_at)
) {$collate};"
		);
	}

	/**
	 * Drops both tables (uninstall).
	 *
	 * @return void
	 */
	public static function drop() {
		global $wpdb;
		// The shim's own tables, named from $wpdb->prefix.
		$wpdb->query( 'DROP TABLE IF EXISTS ' . self::events_table() . ', ' . self::request_ids_table() );
	}

	/**
	 * Claims an event id: true the first time (the caller fires it), false when it was fired before,
	 * null when the database failed (the caller neither fires nor acknowledges).
	 *
	 * @param string $event_id Event id.
	 * @param string $name     Hook name.
	 * @param string $source   'inline' or 'dispatch'.
	 * @return bool|null
	 */
	public function claim_event( $event_id, $name, $source ) {
		global $wpdb;
		$table = self::events_table();
		// The shim's own table (named from $wpdb->prefix), values prepared; INSERT IGNORE makes the claim atomic.
		$rows = $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO {$table} (event_id, name, source, fired_at) VALUES (%s, %s, %s, %s)", $event_id, $name, $source, gmdate( 'Y-m-d H:i:s' ) ) );
		if ( false === $rows ) {
			return null;
		}
		return 1 === (int) $rows;
	}

	/**
	 * Records a delivery request id: true the first time, false for a replay, null on a database failure.
	 *
	 * @param string $request_id Request id.
	 * @return bool|null
	 */
	public function remember_request_id( $request_id ) {
		global $wpdb;
		$table = self::request_ids_table();
		$now   = time();
		// The shim's own table (named from $wpdb->prefix), values prepared.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE seen_at < %d", $now - self::KEEP_REQUEST_IDS_SECONDS ) );
		$rows = $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO {$table} (request_id, seen_at) VALUES (%s, %d)", $request_id, $now ) );
		if ( false === $rows ) {
			return null;
		}
		return 1 === (int) $rows;
	}

	/**
	 * The most recently fired events (no payloads: they are never stored).
	 *
	 * @param int $limit Rows.
	 * @return array<int, array{event_id: string, name: string, source: string, fired_at: string}>
	 */
	public function recent( $limit = 20 ) {
		global $wpdb;
		$table = self::events_table();
		// The shim's own table (named from $wpdb->prefix), values prepared.
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT event_id, name, source, fired_at FROM {$table} ORDER BY fired_at DESC, event_id ASC LIMIT %d", max( 1, (int) $limit ) ), ARRAY_A );
		return is_array( $rows ) ? $rows : array();
	}

	/**
	 * Forgets fired ids older than the retention period.
	 *
	 * @return void
	 */
	public function prune() {
		global $wpdb;
		$table = self::events_table();
		// The shim's own table (named from $wpdb->prefix), values prepared.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE fired_at < %s", gmdate( 'Y-m-d H:i:s', time() - self::KEEP_EVENTS_DAYS * DAY_IN_SECONDS ) ) );
	}
}
