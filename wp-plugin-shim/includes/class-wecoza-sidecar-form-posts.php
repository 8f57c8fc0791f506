<?php
/**
 * Pages that POST to themselves (learner capture and update): forward, redirect (303), flash once.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Post/redirect/get for the forms listed in routes.json, recognised by their nonce field.
 */
class WeCoza_Sidecar_Form_Posts {

	/** Query argument carrying the flash id after the redirect. */
	const FLASH_ARG = 'wecoza_flash';

	/** Transient prefix and lifetime of a flash message. */
	const FLASH_PREFIX = 'wecoza_sidecar_flash_';
	const FLASH_TTL    = 300;

	/**
	 * Routes.
	 *
	 * @var WeCoza_Sidecar_Routes
	 */
	private $routes;

	/**
	 * Client.
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	private $client;

	/**
	 * Events.
	 *
	 * @var WeCoza_Sidecar_Events
	 */
	private $events;

	/**
	 * Whether this request already showed its flash.
	 *
	 * @var bool
	 */
	private $flash_shown = false;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Routes $routes Routes.
	 * @param WeCoza_Sidecar_Client $client Client.
	 * @param WeCoza_Sidecar_Events $events Events.
	 */
	public function __construct( WeCoza_Sidecar_Routes $routes, WeCoza_Sidecar_Client $client, WeCoza_Sidecar_Events $events ) {
		$this->routes = $routes;
		$this->client = $client;
		$this->events = $events;
	}

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'init', array( $this, 'maybe_forward' ), 1 );
		add_filter( 'the_content', array( $this, 'prepend_flash' ), 20 );
	}

	/**
	 * On a front-end POST carrying a routed form's nonce field: forward it, store the message, redirect.
	 *
	 * @return void
	 */
	public function maybe_forward() {
		// No nonce check here: the sidecar verifies the form's nonce.
		if ( 'POST' !== strtoupper( $_SERVER['REQUEST_METHOD'] ?? '' ) || empty( $_POST ) ) {
			return;
		}
		if ( is_admin() || wp_doing_ajax() || wp_doing_cron() || ( defined( 'REST_REQUEST' ) && REST_REQUEST ) || ( defined( 'XMLRPC_REQUEST' ) && XMLRPC_REQUEST ) ) {
			return;
		}
		$form = $this->routes->form_for_post( $_POST );  // Routed forms only.
		if ( null === $form ) {
			return;
		}
		$name = $form['form'];
		if ( ! is_user_logged_in() ) {
			// The sidecar would refuse a visitor: send them to log in and back, storing and forwarding nothing.
			nocache_headers();
			WeCoza_Sidecar_Forwarder::send( 303, array( 'Location' => wp_login_url( self::current_path() ) ), '' );
			exit;
		}

		$response = $this->client->forward_current_request( 'form', $name );
		$outcome  = is_wp_error( $response ) ? WeCoza_Sidecar_Client::describe_error( $response ) : $this->read_outcome( $response );
		if ( is_string( $outcome ) ) {
			WeCoza_Sidecar_Events::log( 'sidecar unreachable for form ' . $name . ': ' . $outcome );
			$outcome = array(
				'success'  => false,
				'level'    => 'error',
				'message'  => WeCoza_Sidecar_Forwarder::unavailable_message(),
				'redirect' => '',
			);
		}

		$flash_id = bin2hex( random_bytes( 16 ) );
		set_transient(
			self::FLASH_PREFIX . $flash_id,
			array(
				'form'    => $name,
				'success' => $outcome['success'],
				'level'   => $outcome['level'],
				'message' => $outcome['message'],
			),
			self::FLASH_TTL
		);

		$target = '' !== $outcome['redirect'] ? $outcome['redirect'] : self::current_path();
		$target = add_query_arg( self::FLASH_ARG, $flash_id, remove_query_arg( self::FLASH_ARG, $target ) );
		nocache_headers();
		WeCoza_Sidecar_Forwarder::send( 303, array( 'Location' => wp_sanitize_redirect( $target ) ), '' );
		WeCoza_Sidecar_Forwarder::finish_response();
		if ( ! is_wp_error( $response ) ) {
			$this->events->handle_inline( $response, $name );
		}
		exit;
	}

	/**
	 * The flash alert, prepended once to the content of the page the browser was sent to.
	 *
	 * @param string $content Post content.
	 * @return string
	 */
	public function prepend_flash( $content ) {
		// No nonce: the flash id is an opaque single-use id.
		$flash_id = isset( $_GET[ self::FLASH_ARG ] ) ? sanitize_key( wp_unslash( $_GET[ self::FLASH_ARG ] ) ) : '';
		if ( $this->flash_shown || ! preg_match( '/^[0-9a-f]{32}$/', $flash_id ) ) {
			return $content;
		}
		// Only the page itself: not a HEAD or prefetch, not an excerpt or a <head> description built from content.
		if ( 'GET' !== strtoupper( $_SERVER['REQUEST_METHOD'] ?? '' ) || doing_filter( 'get_the_excerpt' ) || doing_action( 'wp_head' ) ) {
			return $content;
		}
		if ( is_singular() && get_the_ID() !== get_queried_object_id() ) {
			return $content;
		}
		$this->flash_shown = true;
		$flash             = get_transient( self::FLASH_PREFIX . $flash_id );
		if ( ! is_array( $flash ) || ! isset( $flash['message'] ) ) {
			return $content;
		}
		delete_transient( self::FLASH_PREFIX . $flash_id );
		return self::alert_html( (string) ( $flash['form'] ?? '' ), (string) ( $flash['level'] ?? 'error' ), (string) $flash['message'] ) . $content;
	}

	/**
	 * The alert markup the legacy pages printed, by form and outcome.
	 *
	 * @param string $form    Form name.
	 * @param string $level   'success', 'warning' or 'error'.
	 * @param string $message Message text (escaped here).
	 * @return string
	 */
	public static function alert_html( $form, $level, $message ) {
		$text  = esc_html( $message );
		$close = '<button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="Close"></button>';
		if ( 'learners_create' === $form ) {
			$close_sm = '<button type="button" class="btn-close btn-close-sm" data-bs-dismiss="alert" aria-label="Close"></button>';
			if ( 'success' === $level ) {
				$html = '<div class="alert alert-sublte-success alert-dismissible fade show ydcoza-notification ydcoza-auto-close" role="alert">'
					. '<div class="d-flex gap-4"><span><i class="fa-solid fa-circle-check icon-success"></i></span><div>' . $text . '</div></div>'
					. $close_sm . '</div>';
			} else {
				$html = '<div class="alert alert-subtle-danger alert-dismissible fade show ydcoza-notification" role="alert">' . $close_sm
					. '<div class="d-flex gap-4"><span><i class="fa-solid fa-circle-exclamation icon-danger"></i></span>'
					. '<div class="d-flex flex-column gap-2"><h6 class="mb-0">ERROR !</h6><p class="mb-0">' . $text . '</p></div></div></div>';
			}
		} elseif ( 'success' === $level ) {
			$html = '<div class="alert alert-subtle-success alert-dismissible fade show" role="alert">' . $text . $close . '</div>';
		} elseif ( 'warning' === $level ) {
			$html = '<div class="alert alert-subtle-warning alert-dismissible fade show" role="alert">' . $text . $close . '</div>';
		} else {
			$html = '<div class="alert alert-subtle-danger">' . $text . '</div>';
		}
		/**
		 * Filters the alert shown after a forwarded form post.
		 *
		 * @param string $html    Markup.
		 * @param string $form    Form name.
		 * @param string $level   success, warning or error.
		 * @param string $message Message text (not escaped).
		 */
		return (string) apply_filters( 'wecoza_sidecar_flash_html', $html, $form, $level, $message );
	}

	/**
	 * The sidecar's {"success", "message", "redirect"?, "level"?} answer, or why it is unusable.
	 *
	 * @param WeCoza_Sidecar_Response $response Answer.
	 * @return array|string
	 */
	private function read_outcome( WeCoza_Sidecar_Response $response ) {
		$refusal = $response->refusal();
		if ( '' !== $refusal ) {
			return $refusal;
		}
		$decoded = json_decode( $response->body, true );
		if ( ! is_array( $decoded ) || ! isset( $decoded['success'] ) || ! is_bool( $decoded['success'] ) || ! is_string( $decoded['message'] ?? null ) ) {
			return 'HTTP ' . $response->status . ' without a {"success", "message"} body';
		}
		$level = $decoded['success'] ? 'success' : 'error';
		if ( isset( $decoded['level'] ) && in_array( $decoded['level'], array( 'success', 'warning', 'error' ), true ) ) {
			$level = $decoded['level'];
		}
		$redirect = '';
		if ( isset( $decoded['redirect'] ) && is_string( $decoded['redirect'] ) && '' !== $decoded['redirect'] ) {
			$redirect = (string) wp_validate_redirect( $decoded['redirect'], '' );
		}
		return array(
			'success'  => $decoded['success'],
			'level'    => $level,
			'message'  => $decoded['message'],
			'redirect' => $redirect,
		);
	}

	/**
	 * The path and query of the current request (a relative redirect to the same page).
	 *
	 * @return string
	 */
	private static function current_path() {
		$uri = isset( $_SERVER['REQUEST_URI'] ) ? (string) $_SERVER['REQUEST_URI'] : '/';
		$uri = str_replace( array( "\r", "\n" ), '', $uri );
		return '/' === substr( $uri, 0, 1 ) && '//' !== substr( $uri, 0, 2 ) ? $uri : '/';
	}
}
