<?php
/**
 * Where the demo's learner form posts land: the shim's flash message as JSON.
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

/**
 * The learner forms post to a front-end URL (the shim forwards form posts only there) carrying ?wecoza_demo_form=1.
 * The shim answers 303 to the same URL with ?wecoza_flash=ID; this class answers that GET with the flash as JSON
 * (form, success, level, message), so the admin page's script can show it.
 */
final class WeCoza_Demo_Form_Result {

	const QUERY_ARG = 'wecoza_demo_form';

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'template_redirect', array( $this, 'maybe_answer' ), 0 );
	}

	/**
	 * The front-end URL the demo's learner forms post to.
	 *
	 * @return string
	 */
	public static function post_url() {
		return add_query_arg( self::QUERY_ARG, '1', home_url( '/' ) );
	}

	/**
	 * Answers the redirected GET with the flash, once.
	 *
	 * @return void
	 */
	public function maybe_answer() {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- an opaque single-use id, read only.
		if ( ! isset( $_GET[ self::QUERY_ARG ] ) ) {
			return;
		}
		if ( ! current_user_can( WeCoza_Demo_Page::CAPABILITY ) ) {
			wp_send_json( array( 'found' => false, 'message' => 'Log in as an administrator first.' ), 403 );
		}
		$flash_arg = class_exists( 'WeCoza_Sidecar_Form_Posts' ) ? WeCoza_Sidecar_Form_Posts::FLASH_ARG : 'wecoza_flash';
		$prefix    = class_exists( 'WeCoza_Sidecar_Form_Posts' ) ? WeCoza_Sidecar_Form_Posts::FLASH_PREFIX : 'wecoza_sidecar_flash_';
		$flash_id  = isset( $_GET[ $flash_arg ] ) ? sanitize_key( wp_unslash( $_GET[ $flash_arg ] ) ) : '';
		// phpcs:enable
		$flash = preg_match( '/^[0-9a-f]{32}$/', $flash_id ) ? get_transient( $prefix . $flash_id ) : false;
		if ( ! is_array( $flash ) ) {
			wp_send_json( array( 'found' => false, 'message' => 'No answer to show: the form was not forwarded (is the shim active and the form routed?).' ), 404 );
		}
		delete_transient( $prefix . $flash_id );
		wp_send_json(
			array(
				'found'   => true,
				'form'    => (string) ( $flash['form'] ?? '' ),
				'success' => (bool) ( $flash['success'] ?? false ),
				'level'   => (string) ( $flash['level'] ?? 'error' ),
				'message' => (string) ( $flash['message'] ?? '' ),
			)
		);
	}
}
