<?php
/**
 * What the demo's edit forms start from, read from PostgreSQL (read only).
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

/**
 * The WeCoza pages render a class's edit form and a learner's portfolio list on the server, from PostgreSQL; no
 * admin-ajax action returns them. The demo reads the same rows with the `wecoza_postgres_*` options, for the
 * admin-ajax actions wecoza_demo_class (the class form's values) and wecoza_demo_portfolios (a learner's files).
 * Every write still goes through the sidecar.
 */
final class WeCoza_Demo_Records {

	const NONCE_ACTION = 'wecoza_demo_records';

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'wp_ajax_wecoza_demo_class', array( $this, 'serve_class' ) );
		add_action( 'wp_ajax_wecoza_demo_portfolios', array( $this, 'serve_portfolios' ) );
	}

	/**
	 * Checks nonce and capability; returns the requested id.
	 *
	 * @param string $name Request parameter.
	 * @return int
	 */
	private static function guard( $name ) {
		check_ajax_referer( self::NONCE_ACTION, 'nonce' );
		if ( ! current_user_can( WeCoza_Demo_Page::CAPABILITY ) ) {
			wp_send_json_error( array( 'message' => 'Not allowed' ), 403 );
		}
		$id = isset( $_REQUEST[ $name ] ) ? absint( $_REQUEST[ $name ] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification
		if ( $id < 1 ) {
			wp_send_json_error( array( 'message' => "Invalid $name" ), 400 );
		}
		return $id;
	}

	/**
	 * One parameterised query; rows as associative arrays, or an error answer.
	 *
	 * @param string $sql    SQL with $1.
	 * @param array  $params Parameters.
	 * @return array
	 */
	private static function query( $sql, array $params ) {
		if ( ! function_exists( 'pg_connect' ) ) {
			wp_send_json_error( array( 'message' => 'PHP has no pgsql extension' ), 500 );
		}
		$dsn = sprintf(
			"host='%s' port='%s' dbname='%s' user='%s' password='%s' connect_timeout=5",
			...array_map(
				function ( $name ) {
					return addcslashes( (string) get_option( 'wecoza_postgres_' . $name, '' ), "'\\" );
				},
				array( 'host', 'port', 'dbname', 'user', 'password' )
			)
		);
		$conn = @pg_connect( $dsn ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- answered below.
		if ( ! $conn ) {
			wp_send_json_error( array( 'message' => 'PostgreSQL did not answer (wecoza_postgres_* options)' ), 500 );
		}
		$result = pg_query_params( $conn, $sql, $params );
		$rows   = $result ? pg_fetch_all( $result ) : false;
		pg_close( $conn );
		return is_array( $rows ) ? $rows : array();
	}

	/**
	 * admin-ajax wecoza_demo_class: the columns the class form shows.
	 *
	 * @return void
	 */
	public function serve_class() {
		$rows = self::query(
			'SELECT class_id, client_id, site_id, class_address_line, class_type, class_subject, class_code,
				class_duration, original_start_date, initial_class_agent, initial_agent_start_date,
				project_supervisor_id, learner_ids, schedule_data
			 FROM public.classes WHERE class_id = $1',
			array( self::guard( 'class_id' ) )
		);
		if ( ! $rows ) {
			wp_send_json_error( array( 'message' => 'Class not found' ), 404 );
		}
		$row = $rows[0];
		foreach ( array( 'learner_ids', 'schedule_data' ) as $json ) {
			$row[ $json ] = null === $row[ $json ] ? null : json_decode( $row[ $json ], true );
		}
		wp_send_json_success( $row );
	}

	/**
	 * admin-ajax wecoza_demo_portfolios: a learner's portfolio rows (id, path, date).
	 *
	 * @return void
	 */
	public function serve_portfolios() {
		$rows = self::query(
			'SELECT portfolio_id, file_path, upload_date FROM public.learner_portfolios WHERE learner_id = $1
			 ORDER BY portfolio_id',
			array( self::guard( 'learner_id' ) )
		);
		wp_send_json_success( $rows );
	}
}
