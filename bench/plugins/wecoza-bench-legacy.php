<?php
/**
 * Plugin Name: WeCoza bench: legacy-style handler
 * Description: Benchmark baseline: the way the legacy plugin answered wecoza_get_learner, inside WordPress,
 * opening a new PDO connection to PostgreSQL on every request.
 */

add_action(
	'wp_ajax_bench_legacy_get_learner',
	function () {
		if ( ! current_user_can( 'manage_learners' ) ) {
			wp_send_json_error( array( 'message' => 'Insufficient permissions.' ), 403 );
		}
		if ( ! check_ajax_referer( 'learners_nonce_action', 'nonce', false ) ) {
			wp_send_json_error( array( 'message' => 'Invalid security token.' ), 403 );
		}
		$id  = isset( $_POST['id'] ) ? intval( $_POST['id'] ) : 0;
		$dsn = sprintf(
			'pgsql:host=%s;port=%s;dbname=%s;sslmode=%s',
			get_option( 'wecoza_postgres_host' ),
			get_option( 'wecoza_postgres_port' ),
			get_option( 'wecoza_postgres_dbname' ),
			get_option( 'wecoza_bench_pg_sslmode', 'prefer' ) // libpq's default, as the legacy plugin's DSN gets it.
		);
		$pdo  = new PDO( $dsn, get_option( 'wecoza_postgres_user' ), get_option( 'wecoza_postgres_password' ), array( PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION ) );
		$stmt = $pdo->prepare(
			'SELECT l.*, q.qualification AS highest_qualification, loc.suburb, loc.postal_code, loc.town AS city_town_name,
			        loc.province AS province_region_name, e.employer_name
			   FROM learners l
			   LEFT JOIN learner_qualifications q ON q.id = l.highest_qualification
			   LEFT JOIN locations loc ON loc.location_id = l.city_town_id
			   LEFT JOIN employers e ON e.employer_id = l.employer_id
			  WHERE l.id = :id'
		);
		$stmt->execute( array( 'id' => $id ) );
		$row = $stmt->fetch( PDO::FETCH_ASSOC );
		if ( ! $row ) {
			wp_send_json_error( array( 'message' => 'Learner not found' ), 400 );
		}
		wp_send_json_success( $row );
	}
);

// WordPress's own floor for an admin-ajax action: the same capability and nonce checks, no database work.
// Its answer says whether PHP's opcache serves this WordPress (as it does in production).
add_action(
	'wp_ajax_bench_floor',
	function () {
		if ( ! current_user_can( 'manage_learners' ) || ! check_ajax_referer( 'learners_nonce_action', 'nonce', false ) ) {
			wp_send_json_error( array(), 403 );
		}
		$status = function_exists( 'opcache_get_status' ) ? opcache_get_status( false ) : false;
		wp_send_json_success( array( 'opcache' => is_array( $status ) && ! empty( $status['opcache_enabled'] ) ) );
	}
);
