<?php
/**
 * Tools → Site Health: is the sidecar reachable, are the versions in step, is the outbox draining, does it warn.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * One direct Site Health test.
 */
class WeCoza_Sidecar_Site_Health {

	const TEST = 'wecoza_sidecar';

	/**
	 * Client.
	 *
	 * @var WeCoza_Sidecar_Client
	 */
	private $client;

	/**
	 * Settings.
	 *
	 * @var WeCoza_Sidecar_Settings
	 */
	private $settings;

	/**
	 * Constructor.
	 *
	 * @param WeCoza_Sidecar_Settings $settings Settings.
	 * @param WeCoza_Sidecar_Client   $client   Client.
	 */
	public function __construct( WeCoza_Sidecar_Settings $settings, WeCoza_Sidecar_Client $client ) {
		$this->settings = $settings;
		$this->client   = $client;
	}

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_filter( 'site_status_tests', array( $this, 'add_test' ) );
	}

	/**
	 * Adds the test.
	 *
	 * @param array $tests Tests.
	 * @return array
	 */
	public function add_test( $tests ) {
		$tests['direct'][ self::TEST ] = array(
			'label' => __( 'WeCoza sidecar', 'wecoza-sidecar-shim' ),
			'test'  => array( $this, 'run' ),
		);
		return $tests;
	}

	/**
	 * Whether two versions differ in major or minor number ('' when they do not or one is unknown).
	 *
	 * @param string $shim    Shim version.
	 * @param string $sidecar Sidecar version.
	 * @return string A description of the skew, or ''.
	 */
	public static function version_skew( $shim, $sidecar ) {
		if ( '' === $sidecar || '' === $shim ) {
			return '';
		}
		$a = array_slice( explode( '.', $shim ), 0, 2 );
		$b = array_slice( explode( '.', $sidecar ), 0, 2 );
		return $a === $b ? '' : sprintf( 'shim %s, sidecar %s', $shim, $sidecar );
	}

	/**
	 * Outbox backlog above which the test recommends a look.
	 *
	 * @return int
	 */
	public static function backlog_threshold() {
		/**
		 * Filters how many undelivered events the sidecar may hold before Site Health reports it.
		 *
		 * @param int $threshold Default 10.
		 */
		return (int) apply_filters( 'wecoza_sidecar_backlog_threshold', 10 );
	}

	/**
	 * The label of a warning code from the sidecar's /readyz.
	 *
	 * @param string $code Warning code.
	 * @return string
	 */
	public static function warning_label( $code ) {
		if ( 'class_change_notify_limit' === $code ) {
			return __( 'Big WeCoza classes cannot be saved until the class-change trigger is fixed', 'wecoza-sidecar-shim' );
		}
		return __( 'The WeCoza sidecar reports a warning', 'wecoza-sidecar-shim' );
	}

	/**
	 * What a warning code from the sidecar's /readyz means and what to do (the sidecar sends only the code).
	 *
	 * @param string $code Warning code.
	 * @return string
	 */
	public static function warning_text( $code ) {
		if ( 'class_change_notify_limit' === $code ) {
			return __( 'The database trigger that announces every class change (log_class_change) is still limited to 8000 bytes per change: a class accepts only about 16 short notes and about 75 learners, then saving it is refused. Ask the database administrator to run "wecoza-sidecar fix-class-trigger" as the owner of that function; it shows the change and applies the fix shipped with the sidecar.', 'wecoza-sidecar-shim' );
		}
		/* translators: %s: warning code */
		return sprintf( __( 'The sidecar reports the warning "%s"; see its log and wecoza-sidecar check-config.', 'wecoza-sidecar-shim' ), $code );
	}

	/**
	 * Runs the test.
	 *
	 * @return array Site Health result.
	 */
	public function run() {
		$result = array(
			'label'       => __( 'The WeCoza sidecar answers', 'wecoza-sidecar-shim' ),
			'status'      => 'good',
			'badge'       => array(
				'label' => __( 'WeCoza', 'wecoza-sidecar-shim' ),
				'color' => 'blue',
			),
			'description' => '',
			'actions'     => sprintf( '<p><a href="%s">%s</a></p>', esc_url( WeCoza_Sidecar_Admin_Page::url() ), esc_html__( 'WeCoza Sidecar settings', 'wecoza-sidecar-shim' ) ),
			'test'        => self::TEST,
		);

		if ( ! $this->settings->is_configured() ) {
			$result['status']      = 'critical';
			$result['badge']['color'] = 'red';
			$result['label']       = __( 'The WeCoza sidecar is not configured', 'wecoza-sidecar-shim' );
			$result['description'] = '<p>' . esc_html__( 'Set the sidecar URL and the shared secret; until then every routed WeCoza action answers "temporarily unavailable".', 'wecoza-sidecar-shim' ) . '</p>';
			return $result;
		}

		$health = $this->client->health();
		if ( ! $health['reachable'] ) {
			$result['status']      = 'critical';
			$result['badge']['color'] = 'red';
			$result['label']       = __( 'The WeCoza sidecar does not answer', 'wecoza-sidecar-shim' );
			$result['description'] = '<p>' . esc_html( sprintf( /* translators: %s: reason */ __( 'GET /healthz failed: %s', 'wecoza-sidecar-shim' ), $health['error'] ) ) . '</p>';
			return $result;
		}

		$lines = array(
			sprintf(
				/* translators: 1: sidecar version, 2: shim version, 3: milliseconds */
				__( 'Sidecar %1$s, shim %2$s; /healthz answered in %3$d ms.', 'wecoza-sidecar-shim' ),
				'' !== $health['version'] ? $health['version'] : '?',
				WECOZA_SIDECAR_SHIM_VERSION,
				$health['elapsed_ms']
			),
		);
		$skew = self::version_skew( WECOZA_SIDECAR_SHIM_VERSION, $health['version'] );
		if ( '' !== $skew ) {
			$result['status'] = 'recommended';
			$result['label']  = __( 'The WeCoza shim and sidecar versions differ', 'wecoza-sidecar-shim' );
			/* translators: %s: both versions */
			$lines[] = sprintf( __( 'Version skew (%s): update the one that is behind so both speak the same contract.', 'wecoza-sidecar-shim' ), $skew );
		}
		if ( null !== $health['outbox_backlog'] ) {
			/* translators: %d: number of events */
			$lines[] = sprintf( __( 'Events waiting in the sidecar outbox: %d.', 'wecoza-sidecar-shim' ), $health['outbox_backlog'] );
			if ( $health['outbox_backlog'] > self::backlog_threshold() ) {
				$result['status'] = 'recommended';
				if ( '' === $skew ) {
					$result['label'] = __( 'The WeCoza sidecar has undelivered events', 'wecoza-sidecar-shim' );
				}
				$lines[] = __( 'WordPress has not acknowledged them yet: check that the sidecar can reach /wp-json/wecoza-sidecar/v1/events with the same secret.', 'wecoza-sidecar-shim' );
			}
		}
		foreach ( $health['warnings'] as $code ) {
			if ( 'good' === $result['status'] ) {
				$result['label'] = self::warning_label( $code );
			}
			$result['status'] = 'recommended';
			$lines[]          = self::warning_text( $code );
		}
		if ( $health['outbox_parked'] > 0 ) {
			// Listeners missed these events, and nothing delivers them until someone retries: above every other finding.
			$result['status'] = 'critical';
			$result['label']  = __( 'WeCoza events are parked: plugins listening to WeCoza hooks missed them', 'wecoza-sidecar-shim' );
			array_unshift(
				$lines,
				/* translators: %d: number of events */
				sprintf( _n( '%d event failed every delivery attempt and waits for an administrator.', '%d events failed every delivery attempt and wait for an administrator.', $health['outbox_parked'], 'wecoza-sidecar-shim' ), $health['outbox_parked'] ),
				__( 'Fix the cause shown with them on the WeCoza Sidecar settings screen (or wp wecoza-sidecar events --list=parked), then retry them there (or wp wecoza-sidecar retry-parked).', 'wecoza-sidecar-shim' )
			);
		}
		if ( 'recommended' === $result['status'] ) {
			$result['badge']['color'] = 'orange';
		} elseif ( 'critical' === $result['status'] ) {
			$result['badge']['color'] = 'red';
		}
		$result['description'] = '<p>' . implode( '</p><p>', array_map( 'esc_html', $lines ) ) . '</p>';
		return $result;
	}
}
