<?php
/**
 * Settings → WeCoza Sidecar.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings screen: connection, routed actions, sidecar status, last event deliveries, the sidecar's failing and
 * parked events with a button to retry the parked ones.
 */
class WeCoza_Sidecar_Admin_Page {

	const SLUG         = 'wecoza-sidecar';
	const CAPABILITY   = 'manage_options';
	const SAVE_ACTION  = 'wecoza_sidecar_save';
	const NONCE_ACTION = 'wecoza_sidecar_save_settings';
	const RETRY_ACTION = 'wecoza_sidecar_retry_parked';
	const RETRY_NONCE  = 'wecoza_sidecar_retry_parked_events';
	const RETRY_FIELD  = 'wecoza_sidecar_retry_nonce';

	/** Transient (per user) holding the outcome of the last retry, shown once after the redirect. */
	const RETRY_RESULT = 'wecoza_sidecar_retry_result_';

	/**
	 * Settings.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

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
	 * Store.
	 *
	 * @var WeCoza_Sidecar_Event_Store
	 */
	private $store;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings    $settings Settings.
	 * @param WeCoza_Sidecar_Routes      $routes   Routes.
	 * @param WeCoza_Sidecar_Client      $client   Client.
	 * @param WeCoza_Sidecar_Event_Store $store    Store.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings, WeCoza_Sidecar_Routes $routes, WeCoza_Sidecar_Client $client, WeCoza_Sidecar_Event_Store $store ) {
		$this->settings = $settings;
		$this->routes   = $routes;
		$this->client   = $client;
		$this->store    = $store;
	}

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_post_' . self::SAVE_ACTION, array( $this, 'save' ) );
		add_action( 'admin_post_' . self::RETRY_ACTION, array( $this, 'retry_parked' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( WECOZA_SIDECAR_SHIM_FILE ), array( $this, 'action_links' ) );
	}

	/**
	 * Adds the page under Settings.
	 *
	 * @return void
	 */
	public function add_page() {
		add_options_page(
			__( 'WeCoza Sidecar', 'wecoza-sidecar-shim' ),
			__( 'WeCoza Sidecar', 'wecoza-sidecar-shim' ),
			self::CAPABILITY,
			self::SLUG,
			array( $this, 'render' )
		);
	}

	/**
	 * A "Settings" link on the Plugins screen.
	 *
	 * @param array $links Links.
	 * @return array
	 */
	public function action_links( $links ) {
		$links[] = '<a href="' . esc_url( self::url() ) . '">' . esc_html__( 'Settings', 'wecoza-sidecar-shim' ) . '</a>';
		return $links;
	}

	/**
	 * The page's URL.
	 *
	 * @return string
	 */
	public static function url() {
		return admin_url( 'options-general.php?page=' . self::SLUG );
	}

	/**
	 * Saves the form (admin-post.php): capability, then nonce, then values.
	 *
	 * @return void
	 */
	public function save() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage these options.', 'wecoza-sidecar-shim' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::NONCE_ACTION );

		// Unsanitised here: WeCoza_Sidecar_Settings::save() sanitises them.
		$input = array(
			'timeout' => isset( $_POST['wecoza_sidecar_timeout'] ) ? wp_unslash( $_POST['wecoza_sidecar_timeout'] ) : '',
			'routed'       => isset( $_POST['wecoza_sidecar_routed'] ) && is_array( $_POST['wecoza_sidecar_routed'] ) ? wp_unslash( $_POST['wecoza_sidecar_routed'] ) : array(),
			'routed_forms' => isset( $_POST['wecoza_sidecar_routed_forms'] ) && is_array( $_POST['wecoza_sidecar_routed_forms'] ) ? wp_unslash( $_POST['wecoza_sidecar_routed_forms'] ) : array(),
		);
		$connection = array(
			'url'    => isset( $_POST['wecoza_sidecar_url'] ) ? wp_unslash( $_POST['wecoza_sidecar_url'] ) : null,
			'secret' => isset( $_POST['wecoza_sidecar_secret'] ) && '' !== $_POST['wecoza_sidecar_secret'] ? wp_unslash( $_POST['wecoza_sidecar_secret'] ) : null,
		);
		$editable = self::editable_connection();
		foreach ( $connection as $field => $value ) {
			if ( null === $value || ! isset( $editable[ $field ] ) ) {
				continue; // Not sent, or fixed by wp-config.php: the constant wins.
			}
			if ( ! $editable[ $field ] ) {
				wp_die( esc_html__( 'Only a network administrator can change the sidecar URL and the shared secret.', 'wecoza-sidecar-shim' ), '', array( 'response' => 403 ) );
			}
			$input[ $field ] = $value;
		}
		$this->settings->save( $input, array_keys( $this->routes->actions() ), array_keys( $this->routes->forms() ) );

		wp_safe_redirect( add_query_arg( 'settings-updated', 'true', self::url() ) );
		exit;
	}

	/**
	 * The connection fields wp-config.php does not fix, each with whether the current user may change it.
	 *
	 * @return array<string,bool> 'url' and/or 'secret' => may change.
	 */
	private static function editable_connection() {
		$allowed  = current_user_can( WeCoza_Sidecar_Settings::connection_capability() );
		$editable = array();
		if ( ! WeCoza_Sidecar_Settings::url_is_fixed() ) {
			$editable['url'] = $allowed;
		}
		if ( ! WeCoza_Sidecar_Settings::secret_is_fixed() ) {
			$editable['secret'] = $allowed;
		}
		return $editable;
	}

	/**
	 * The "Retry parked events" button (admin-post.php): capability, then nonce, then POST /events/retry.
	 * The outcome is kept for this user for a minute and shown once on the settings screen.
	 *
	 * @return void
	 */
	public function retry_parked() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage these options.', 'wecoza-sidecar-shim' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::RETRY_NONCE, self::RETRY_FIELD );

		$retried = $this->client->retry_parked();
		if ( is_wp_error( $retried ) ) {
			$result = array(
				'success' => false,
				/* translators: %s: reason */
				'message' => sprintf( __( 'The parked events were not retried: %s', 'wecoza-sidecar-shim' ), WeCoza_Sidecar_Client::describe_error( $retried ) ),
			);
		} else {
			$result = array(
				'success' => true,
				/* translators: %d: number of events */
				'message' => sprintf( _n( '%d event queued again.', '%d events queued again.', $retried, 'wecoza-sidecar-shim' ), $retried ),
			);
		}
		set_transient( self::RETRY_RESULT . get_current_user_id(), $result, MINUTE_IN_SECONDS );

		wp_safe_redirect( add_query_arg( 'wecoza-sidecar-retried', '1', self::url() ) . '#wecoza-sidecar-outbox' );
		exit;
	}

	/**
	 * Renders the page.
	 *
	 * @return void
	 */
	public function render() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'WeCoza Sidecar', 'wecoza-sidecar-shim' ) . '</h1>';
		// No nonce: display only.
		if ( isset( $_GET['settings-updated'] ) ) {
			echo '<div class="notice notice-success is-dismissible"><p>' . esc_html__( 'Settings saved.', 'wecoza-sidecar-shim' ) . '</p></div>';
		}
		$this->render_retry_result();
		$this->render_status();
		$this->render_form();
		$this->render_deliveries();
		$this->render_outbox();
		echo '</div>';
	}

	/**
	 * Whether the sidecar answers, and its version.
	 *
	 * @return void
	 */
	private function render_status() {
		$health = $this->client->health();
		echo '<h2>' . esc_html__( 'Status', 'wecoza-sidecar-shim' ) . '</h2>';
		echo '<table class="widefat striped" id="wecoza-sidecar-status" style="max-width:60em"><tbody>';

		if ( $health['reachable'] ) {
			$answer = sprintf(
				/* translators: 1: status word, 2: milliseconds */
				__( 'Answers: %1$s (%2$d ms)', 'wecoza-sidecar-shim' ),
				'' !== $health['status'] ? $health['status'] : '?',
				$health['elapsed_ms']
			);
			$class  = 'wecoza-sidecar-reachable';
		} else {
			/* translators: %s: reason */
			$answer = sprintf( __( 'Not reachable: %s', 'wecoza-sidecar-shim' ), $health['error'] );
			$class  = 'wecoza-sidecar-unreachable';
		}
		self::row( __( 'Sidecar', 'wecoza-sidecar-shim' ), $answer, $class );
		self::row( __( 'Sidecar version', 'wecoza-sidecar-shim' ), '' !== $health['version'] ? $health['version'] : '—', 'wecoza-sidecar-version' );
		self::row( __( 'Shim version', 'wecoza-sidecar-shim' ), WECOZA_SIDECAR_SHIM_VERSION, 'wecoza-sidecar-shim-version' );
		if ( null !== $health['outbox_backlog'] ) {
			self::row( __( 'Events waiting in the sidecar outbox', 'wecoza-sidecar-shim' ), (string) $health['outbox_backlog'], 'wecoza-sidecar-backlog' );
		}
		$routes_error = $this->routes->error();
		self::row(
			__( 'Route list', 'wecoza-sidecar-shim' ),
			'' !== $routes_error ? $routes_error : sprintf(
				/* translators: 1: number of actions, 2: number of forms, 3: sidecar version */
				__( '%1$d actions, %2$d forms (generated by sidecar %3$s)', 'wecoza-sidecar-shim' ),
				count( $this->routes->actions() ),
				count( $this->routes->forms() ),
				'' !== $this->routes->sidecar_version() ? $this->routes->sidecar_version() : '?'
			),
			'wecoza-sidecar-routes'
		);
		echo '</tbody></table>';
	}

	/**
	 * The settings form.
	 *
	 * @return void
	 */
	private function render_form() {
		$has_secret = '' !== $this->settings->secret();
		$unrouted   = $this->settings->unrouted();

		echo '<h2>' . esc_html__( 'Connection', 'wecoza-sidecar-shim' ) . '</h2>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::SAVE_ACTION ) . '">';
		wp_nonce_field( self::NONCE_ACTION );

		echo '<table class="form-table" role="presentation"><tbody>';
		$editable = self::editable_connection();
		echo '<tr><th scope="row"><label for="wecoza_sidecar_url">' . esc_html__( 'Sidecar URL', 'wecoza-sidecar-shim' ) . '</label></th><td>';
		if ( ! empty( $editable['url'] ) ) {
			echo '<input type="url" class="regular-text code" id="wecoza_sidecar_url" name="wecoza_sidecar_url" value="' . esc_attr( $this->settings->url() ) . '" placeholder="http://127.0.0.1:8765">'
				. '<p class="description">' . esc_html__( 'Base URL of the sidecar service, as WordPress reaches it.', 'wecoza-sidecar-shim' ) . '</p>';
		} else {
			echo '<code id="wecoza_sidecar_url">' . esc_html( '' !== $this->settings->url() ? $this->settings->url() : '—' ) . '</code>'
				. '<p class="description wecoza-sidecar-fixed">' . esc_html( self::fixed_reason( isset( $editable['url'] ), WeCoza_Sidecar_Settings::URL_CONSTANT ) ) . '</p>';
		}
		echo '</td></tr>';

		echo '<tr><th scope="row"><label for="wecoza_sidecar_secret">' . esc_html__( 'Shared secret', 'wecoza-sidecar-shim' ) . '</label></th><td>';
		if ( ! empty( $editable['secret'] ) ) {
			echo '<input type="password" class="regular-text code" id="wecoza_sidecar_secret" name="wecoza_sidecar_secret" value="" autocomplete="new-password" placeholder="' . esc_attr( $has_secret ? '••••••••••••' : '' ) . '">'
				. '<p class="description">' . esc_html(
					$has_secret
						? __( 'A secret is saved (not shown). Leave the field empty to keep it.', 'wecoza-sidecar-shim' )
						: __( 'No secret is saved yet. Use the same value as the sidecar\'s configuration.', 'wecoza-sidecar-shim' )
				) . '</p>';
		} else {
			echo '<span id="wecoza_sidecar_secret">' . esc_html( $has_secret ? __( 'Set (not shown).', 'wecoza-sidecar-shim' ) : __( 'Not set.', 'wecoza-sidecar-shim' ) ) . '</span>'
				. '<p class="description wecoza-sidecar-fixed">' . esc_html( self::fixed_reason( isset( $editable['secret'] ), WeCoza_Sidecar_Settings::SECRET_CONSTANT ) ) . '</p>';
		}
		echo '</td></tr>';

		echo '<tr><th scope="row"><label for="wecoza_sidecar_timeout">' . esc_html__( 'Timeout (seconds)', 'wecoza-sidecar-shim' ) . '</label></th><td>'
			. '<input type="number" class="small-text" id="wecoza_sidecar_timeout" name="wecoza_sidecar_timeout" min="' . esc_attr( (string) WeCoza_Sidecar_Settings::MIN_TIMEOUT ) . '" max="' . esc_attr( (string) WeCoza_Sidecar_Settings::MAX_TIMEOUT ) . '" value="' . esc_attr( (string) $this->settings->timeout() ) . '">'
			. '</td></tr>';
		echo '</tbody></table>';

		echo '<h2>' . esc_html__( 'Routed actions', 'wecoza-sidecar-shim' ) . '</h2>';
		echo '<p>' . esc_html__( 'A ticked action is answered by the sidecar. An unticked one falls through to any other handler still installed (for example the legacy plugin) for logged-in callers; logged-out callers of one that is not public stay refused. New actions are routed by default.', 'wecoza-sidecar-shim' ) . '</p>';
		echo '<table class="widefat striped" id="wecoza-sidecar-actions" style="max-width:60em"><thead><tr>'
			. '<td class="check-column"></td><th>' . esc_html__( 'Action', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Methods', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html__( 'Who may call it', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Logged-out callers', 'wecoza-sidecar-shim' ) . '</th></tr></thead><tbody>';
		foreach ( $this->routes->actions() as $name => $action ) {
			$id = 'wecoza-sidecar-route-' . $name;
			echo '<tr><th scope="row" class="check-column"><input type="checkbox" id="' . esc_attr( $id ) . '" name="wecoza_sidecar_routed[]" value="' . esc_attr( $name ) . '"'
				. checked( ! in_array( $name, $unrouted, true ), true, false ) . '></th>'
				. '<td><label for="' . esc_attr( $id ) . '"><code>' . esc_html( $name ) . '</code></label></td>'
				. '<td>' . esc_html( implode( ', ', $action['methods'] ) ) . '</td>'
				. '<td>' . esc_html( $action['who'] ) . '</td>'
				. '<td>' . esc_html( $action['public'] ? __( 'served', 'wecoza-sidecar-shim' ) : __( 'refused', 'wecoza-sidecar-shim' ) ) . '</td></tr>';
		}
		echo '</tbody></table>';

		$unrouted_forms = $this->settings->unrouted_forms();
		echo '<h2>' . esc_html__( 'Forwarded form posts', 'wecoza-sidecar-shim' ) . '</h2>';
		echo '<p>' . esc_html__( 'Pages that post to themselves (learner capture and update). A ticked form is saved by the sidecar, then the browser is redirected back with the result message.', 'wecoza-sidecar-shim' ) . '</p>';
		echo '<table class="widefat striped" id="wecoza-sidecar-forms" style="max-width:60em"><thead><tr><td class="check-column"></td><th>'
			. esc_html__( 'Form', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Recognised by the field', 'wecoza-sidecar-shim' ) . '</th></tr></thead><tbody>';
		foreach ( $this->routes->forms() as $name => $form ) {
			$id = 'wecoza-sidecar-form-' . $name;
			echo '<tr><th scope="row" class="check-column"><input type="checkbox" id="' . esc_attr( $id ) . '" name="wecoza_sidecar_routed_forms[]" value="' . esc_attr( $name ) . '"'
				. checked( ! in_array( $name, $unrouted_forms, true ), true, false ) . '></th>'
				. '<td><label for="' . esc_attr( $id ) . '"><code>' . esc_html( $name ) . '</code></label></td>'
				. '<td><code>' . esc_html( $form['nonce_field'] ) . '</code></td></tr>';
		}
		echo '</tbody></table>';
		submit_button();
		echo '</form>';
	}

	/**
	 * The last events fired (never their payloads).
	 *
	 * @return void
	 */
	private function render_deliveries() {
		echo '<h2>' . esc_html__( 'Last events fired', 'wecoza-sidecar-shim' ) . '</h2>';
		$rows = $this->store->recent( 20 );
		if ( ! $rows ) {
			echo '<p>' . esc_html__( 'No event has been fired yet.', 'wecoza-sidecar-shim' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped" id="wecoza-sidecar-deliveries" style="max-width:60em"><thead><tr><th>' . esc_html__( 'Hook', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html__( 'Event id', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Source', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html__( 'Fired', 'wecoza-sidecar-shim' ) . '</th></tr></thead><tbody>';
		foreach ( $rows as $row ) {
			echo '<tr><td><code>' . esc_html( $row['name'] ) . '</code></td><td><code>' . esc_html( $row['event_id'] ) . '</code></td><td>'
				. esc_html( $row['source'] ) . '</td><td>' . esc_html( get_date_from_gmt( $row['fired_at'], 'Y-m-d H:i:s' ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The outcome of the last "Retry parked events", once, after its redirect.
	 *
	 * @return void
	 */
	private function render_retry_result() {
		// No nonce: display only.
		if ( ! isset( $_GET['wecoza-sidecar-retried'] ) ) {
			return;
		}
		$key    = self::RETRY_RESULT . get_current_user_id();
		$result = get_transient( $key );
		delete_transient( $key );
		if ( ! is_array( $result ) || ! isset( $result['message'] ) ) {
			return;
		}
		$class = empty( $result['success'] ) ? 'notice-error' : 'notice-success';
		echo '<div class="notice ' . esc_attr( $class ) . ' is-dismissible wecoza-sidecar-retry-result"><p>' . esc_html( (string) $result['message'] ) . '</p></div>';
	}

	/**
	 * The sidecar's failing and parked events (never their payloads), and the button to retry the parked ones.
	 *
	 * @return void
	 */
	private function render_outbox() {
		echo '<h2 id="wecoza-sidecar-outbox">' . esc_html__( 'Failing and parked events', 'wecoza-sidecar-shim' ) . '</h2>';
		$health = $this->client->health();
		if ( ! $health['reachable'] ) {
			/* translators: %s: reason */
			echo '<p class="wecoza-sidecar-outbox-unavailable">' . esc_html( sprintf( __( 'The sidecar is not reachable, so its failing and parked events cannot be shown: %s', 'wecoza-sidecar-shim' ), $health['error'] ) ) . '</p>';
			return;
		}
		$status = $this->client->event_status();
		if ( is_wp_error( $status ) ) {
			/* translators: %s: reason */
			echo '<p class="wecoza-sidecar-outbox-unavailable">' . esc_html( sprintf( __( 'The sidecar did not report its failing and parked events: %s', 'wecoza-sidecar-shim' ), WeCoza_Sidecar_Client::describe_error( $status ) ) ) . '</p>';
			return;
		}

		echo '<p>' . esc_html__( 'Events the sidecar has not delivered to WordPress yet. A failing event is retried automatically; an event that failed too often is parked until it is retried here.', 'wecoza-sidecar-shim' ) . '</p>';
		echo '<table class="widefat striped" id="wecoza-sidecar-outbox-counts" style="max-width:60em"><tbody>';
		self::row( __( 'Waiting for delivery', 'wecoza-sidecar-shim' ), (string) $status['pending'], 'wecoza-sidecar-pending' );
		self::row( __( 'Oldest waiting since', 'wecoza-sidecar-shim' ), self::format_time( $status['oldest_pending'] ), 'wecoza-sidecar-oldest-pending' );
		self::row( __( 'Parked', 'wecoza-sidecar-shim' ), (string) $status['parked'], 'wecoza-sidecar-parked' );
		echo '</tbody></table>';

		echo '<h3>' . esc_html__( 'Parked events', 'wecoza-sidecar-shim' ) . '</h3>';
		if ( $status['parked_events'] ) {
			self::events_table( 'wecoza-sidecar-parked-events', $status['parked_events'], 'parked_at', __( 'Parked', 'wecoza-sidecar-shim' ) );
			if ( count( $status['parked_events'] ) < $status['parked'] ) {
				/* translators: 1: events listed, 2: events parked */
				echo '<p>' . esc_html( sprintf( __( 'The latest %1$d of %2$d parked events; the button retries all of them.', 'wecoza-sidecar-shim' ), count( $status['parked_events'] ), $status['parked'] ) ) . '</p>';
			}
		} else {
			echo '<p>' . esc_html__( 'No event is parked.', 'wecoza-sidecar-shim' ) . '</p>';
		}
		if ( $status['parked'] > 0 ) {
			echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" id="wecoza-sidecar-retry-form">';
			echo '<input type="hidden" name="action" value="' . esc_attr( self::RETRY_ACTION ) . '">';
			wp_nonce_field( self::RETRY_NONCE, self::RETRY_FIELD, false );
			submit_button( __( 'Retry parked events', 'wecoza-sidecar-shim' ), 'secondary', 'wecoza-sidecar-retry', false );
			echo '</form>';
		}

		echo '<h3>' . esc_html__( 'Failing events', 'wecoza-sidecar-shim' ) . '</h3>';
		if ( $status['failing_events'] ) {
			self::events_table( 'wecoza-sidecar-failing-events', $status['failing_events'], 'next_attempt_at', __( 'Next attempt', 'wecoza-sidecar-shim' ) );
		} else {
			echo '<p>' . esc_html__( 'No event is failing.', 'wecoza-sidecar-shim' ) . '</p>';
		}
	}

	/**
	 * A table of failing or parked events.
	 *
	 * @param string  $id          Table id.
	 * @param array[] $events      Events (WeCoza_Sidecar_Client::event_status() rows).
	 * @param string  $time_key    The last column's key.
	 * @param string  $time_header The last column's header.
	 * @return void
	 */
	private static function events_table( $id, array $events, $time_key, $time_header ) {
		echo '<table class="widefat striped" id="' . esc_attr( $id ) . '" style="max-width:80em"><thead><tr><th>' . esc_html__( 'Hook', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html__( 'Event id', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Attempts', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html__( 'Last error', 'wecoza-sidecar-shim' ) . '</th><th>' . esc_html__( 'Created', 'wecoza-sidecar-shim' )
			. '</th><th>' . esc_html( $time_header ) . '</th></tr></thead><tbody>';
		foreach ( $events as $event ) {
			echo '<tr><td><code>' . esc_html( $event['name'] ) . '</code></td><td><code>' . esc_html( $event['id'] ) . '</code></td><td>'
				. esc_html( (string) $event['attempts'] ) . '</td><td>' . esc_html( '' !== $event['last_error'] ? $event['last_error'] : '—' ) . '</td><td>'
				. esc_html( self::format_time( $event['created_at'] ) ) . '</td><td>' . esc_html( self::format_time( $event[ $time_key ] ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * A time the sidecar sent (ISO 8601) in the site's time zone; '—' when absent, as sent when not a time.
	 *
	 * @param string|null $iso Time as sent.
	 * @return string
	 */
	private static function format_time( $iso ) {
		if ( null === $iso || '' === $iso ) {
			return '—';
		}
		$stamp = strtotime( $iso );
		return false === $stamp ? $iso : (string) wp_date( 'Y-m-d H:i:s', $stamp );
	}

	/**
	 * Why a connection field is shown without an input.
	 *
	 * @param bool   $by_network Whether only a network administrator may change it (else wp-config.php fixes it).
	 * @param string $constant   The wp-config.php constant that would fix it.
	 * @return string
	 */
	private static function fixed_reason( $by_network, $constant ) {
		if ( $by_network ) {
			return __( 'Only a network administrator can change this on a multisite network.', 'wecoza-sidecar-shim' );
		}
		/* translators: %s: constant name */
		return sprintf( __( 'Fixed by %s in wp-config.php.', 'wecoza-sidecar-shim' ), $constant );
	}

	/**
	 * One status row.
	 *
	 * @param string $label Label.
	 * @param string $value Value.
	 * @param string $class Row class.
	 * @return void
	 */
	private static function row( $label, $value, $class ) {
		echo '<tr class="' . esc_attr( $class ) . '"><th scope="row" style="width:18em">' . esc_html( $label ) . '</th><td>' . esc_html( $value ) . '</td></tr>';
	}
}
