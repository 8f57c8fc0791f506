<?php
/**
 * The demo's write pages: learners (form posts and ajax actions, portfolios) and classes (save_class, notes, QA
 * visits, attachments, the calendar with public holidays).
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

/**
 * Two submenu pages under "WeCoza demo". The markup is plain WordPress admin markup; assets/writes.js sends each
 * request with the fields and the nonce the WeCoza pages send, and shows the sidecar's answer and the hooks fired.
 */
final class WeCoza_Demo_Write_Pages {

	const LEARNERS = 'wecoza-demo-learners';
	const CLASSES  = 'wecoza-demo-classes';

	/**
	 * Hook suffixes of the two pages.
	 *
	 * @var string[]
	 */
	private $hooks = array();

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_menu', array( $this, 'add_menu' ), 20 );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * The submenu entries.
	 *
	 * @return void
	 */
	public function add_menu() {
		$this->hooks[] = (string) add_submenu_page( WeCoza_Demo_Page::SLUG, __( 'Learner writes', 'wecoza-demo' ), __( 'Learner writes', 'wecoza-demo' ), WeCoza_Demo_Page::CAPABILITY, self::LEARNERS, array( $this, 'render_learners' ) );
		$this->hooks[] = (string) add_submenu_page( WeCoza_Demo_Page::SLUG, __( 'Class writes', 'wecoza-demo' ), __( 'Class writes', 'wecoza-demo' ), WeCoza_Demo_Page::CAPABILITY, self::CLASSES, array( $this, 'render_classes' ) );
	}

	/**
	 * The script, its settings (nonces as the WeCoza pages localise them) and the styles, on these pages only.
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public function enqueue( $hook_suffix ) {
		if ( ! in_array( $hook_suffix, $this->hooks, true ) ) {
			return;
		}
		$base = plugins_url( 'assets/', dirname( __FILE__ ) );
		wp_enqueue_style( 'wecoza-demo-writes', $base . 'writes.css', array(), WeCoza_Demo_Page::VERSION );
		wp_enqueue_script( 'wecoza-demo-writes', $base . 'writes.js', array(), WeCoza_Demo_Page::VERSION, true );
		$lookups = get_option( 'wecoza_demo_lookups', array() );
		wp_localize_script(
			'wecoza-demo-writes',
			'WeCozaDemoWrites',
			array(
				'ajaxUrl'        => admin_url( 'admin-ajax.php' ),
				'formPostUrl'    => WeCoza_Demo_Form_Result::post_url(),
				'nonces'         => array(
					'learners'       => wp_create_nonce( 'learners_nonce' ),          // wecozaAjax.nonce (list page).
					'learnerAction'  => wp_create_nonce( 'learners_nonce_action' ),   // WeCozaLearners.nonce.
					'captureForm'    => wp_create_nonce( 'submit_learners_form' ),    // wecoza_learners_form_nonce.
					'updateForm'     => wp_create_nonce( 'submit_learners_update_form' ), // wecoza_learners_update_form_nonce.
					'class'          => wp_create_nonce( 'wecoza_class_nonce' ),      // wecozaClass.nonce.
					'calendar'       => wp_create_nonce( 'wecoza_calendar_nonce' ),   // WeCozaSingleClass.calendarNonce.
					'qa'             => wp_create_nonce( 'qa_dashboard_nonce' ),      // qaAjax.nonce.
					'hookLog'        => wp_create_nonce( WeCoza_Demo_Hook_Log::NONCE_ACTION ),
					'records'        => wp_create_nonce( WeCoza_Demo_Records::NONCE_ACTION ),
				),
				'hookSeq'        => WeCoza_Demo_Hook_Log::read()['seq'],
				'classes'        => get_option( 'wecoza_demo_classes', array() ),
				'lookups'        => is_array( $lookups ) ? $lookups : array(),
				'uploadsUrl'     => wp_upload_dir( null, false )['baseurl'],
			)
		);
	}

	/**
	 * The answer box of a section: the request, the sidecar's answer, the hooks it fired.
	 *
	 * @param string $id Section id.
	 * @return void
	 */
	private static function answer_box( $id ) {
		?>
		<div class="wecoza-demo-answer" id="wecoza-demo-answer-<?php echo esc_attr( $id ); ?>" hidden>
			<div class="notice inline"><p class="wecoza-demo-summary"></p></div>
			<details><summary><?php esc_html_e( 'Request and answer', 'wecoza-demo' ); ?></summary><pre class="wecoza-demo-exchange"></pre></details>
			<h4><?php esc_html_e( 'Hooks fired', 'wecoza-demo' ); ?></h4>
			<ul class="wecoza-demo-hooks"><li><?php esc_html_e( 'none yet', 'wecoza-demo' ); ?></li></ul>
		</div>
		<?php
	}

	/**
	 * Learner fields as the capture and update forms name them.
	 *
	 * @return void
	 */
	private static function learner_fields() {
		$text = function ( $name, $label, $type = 'text', $required = false ) {
			printf(
				'<tr><th scope="row"><label for="wd-%1$s">%2$s</label></th><td><input type="%3$s" id="wd-%1$s" name="%1$s" class="regular-text"%4$s></td></tr>',
				esc_attr( $name ),
				esc_html( $label ),
				esc_attr( $type ),
				$required ? ' required' : ''
			);
		};
		$select = function ( $name, $label, array $options, $lookup = '' ) {
			printf( '<tr><th scope="row"><label for="wd-%1$s">%2$s</label></th><td><select id="wd-%1$s" name="%1$s"%3$s>', esc_attr( $name ), esc_html( $label ), $lookup ? ' data-lookup="' . esc_attr( $lookup ) . '"' : '' );
			foreach ( $options as $value => $text ) {
				printf( '<option value="%s">%s</option>', esc_attr( (string) $value ), esc_html( $text ) );
			}
			echo '</select></td></tr>';
		};
		$select( 'title', __( 'Title', 'wecoza-demo' ), array_combine( array( 'Mr', 'Mrs', 'Ms', 'Miss', 'Dr' ), array( 'Mr', 'Mrs', 'Ms', 'Miss', 'Dr' ) ) );
		$text( 'first_name', __( 'First name', 'wecoza-demo' ), 'text', true );
		$text( 'second_name', __( 'Second name', 'wecoza-demo' ) );
		$text( 'surname', __( 'Surname', 'wecoza-demo' ), 'text', true );
		$text( 'initials', __( 'Initials', 'wecoza-demo' ) );
		$text( 'tel_number', __( 'Phone', 'wecoza-demo' ), 'tel', true );
		$text( 'email_address', __( 'Email', 'wecoza-demo' ), 'email', true );
		$select( 'id_type', __( 'Identification', 'wecoza-demo' ), array( 'sa_id' => 'SA ID number', 'passport' => 'Passport' ) );
		$text( 'sa_id_no', __( 'SA ID number', 'wecoza-demo' ) );
		$text( 'passport_number', __( 'Passport number', 'wecoza-demo' ) );
		$select( 'race', __( 'Race', 'wecoza-demo' ), array_combine( array( 'Black', 'White', 'Coloured', 'Indian' ), array( 'Black', 'White', 'Coloured', 'Indian' ) ) );
		$select( 'gender', __( 'Gender', 'wecoza-demo' ), array( 'Female' => 'Female', 'Male' => 'Male' ) );
		$text( 'address_line_1', __( 'Address', 'wecoza-demo' ), 'text', true );
		$select( 'city_town_id', __( 'City/Town', 'wecoza-demo' ), array(), 'cities' );
		$select( 'province_region_id', __( 'Province', 'wecoza-demo' ), array(), 'provinces' );
		$text( 'postal_code', __( 'Postal code', 'wecoza-demo' ) );
		$select( 'highest_qualification', __( 'Highest qualification', 'wecoza-demo' ), array(), 'qualifications' );
		$select( 'assessment_status', __( 'Assessment', 'wecoza-demo' ), array( 'Not Assessed' => 'Not Assessed', 'Assessed' => 'Assessed' ) );
		$select( 'employment_status', __( 'Employed', 'wecoza-demo' ), array( '0' => 'No', '1' => 'Yes' ) );
		$select( 'employer_id', __( 'Employer', 'wecoza-demo' ), array( '' => '—' ), 'employers' );
		$select( 'disability_status', __( 'Disability', 'wecoza-demo' ), array( '0' => 'No', '1' => 'Yes' ) );
		echo '<tr><th scope="row"><label for="wd-scanned_portfolio">' . esc_html__( 'Portfolio (PDF)', 'wecoza-demo' ) . '</label></th><td><input type="file" id="wd-scanned_portfolio" name="scanned_portfolio[]" accept="application/pdf,.pdf" multiple></td></tr>';
	}

	/**
	 * The learner page.
	 *
	 * @return void
	 */
	public function render_learners() {
		?>
		<div class="wrap wecoza-demo" id="wecoza-demo-learner-writes">
			<h1><?php esc_html_e( 'Learner writes', 'wecoza-demo' ); ?></h1>
			<p class="description"><?php esc_html_e( 'Each button sends what the WeCoza learner pages send (same fields, same nonce): the shim forwards it to the sidecar. Below each form: the answer, and the WordPress hooks the shim fired for it.', 'wecoza-demo' ); ?></p>
			<p class="wecoza-demo-tools">
				<label for="wd-learner"><strong><?php esc_html_e( 'Learner ID', 'wecoza-demo' ); ?></strong></label>
				<input type="number" min="1" id="wd-learner" class="small-text">
				<button type="button" class="button" id="wd-learner-load"><?php esc_html_e( 'Load into the form', 'wecoza-demo' ); ?></button>
				<button type="button" class="button" id="wd-learner-new"><?php esc_html_e( 'New learner', 'wecoza-demo' ); ?></button>
				<span class="description"><?php esc_html_e( 'The ID of a learner you create is filled in from the hook wecoza_learner_created.', 'wecoza-demo' ); ?></span>
			</p>

			<div class="postbox"><div class="inside">
				<h2 id="wd-learner-form-title"><?php esc_html_e( 'Capture a learner', 'wecoza-demo' ); ?> <code>form post: learners_create</code></h2>
				<form id="wd-learner-form" enctype="multipart/form-data">
					<table class="form-table" role="presentation"><tbody><?php self::learner_fields(); ?></tbody></table>
					<p class="submit"><button type="submit" class="button button-primary" id="wd-learner-save"><?php esc_html_e( 'Save learner', 'wecoza-demo' ); ?></button></p>
				</form>
				<?php self::answer_box( 'learner-form' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'Quick update', 'wecoza-demo' ); ?> <code>update_learner_data</code></h2>
				<form id="wd-quick" class="wecoza-demo-tools">
					<select id="wd-quick-action"><option>update_learner_data</option><option>wecoza_update_learner</option><option>update_learner</option></select>
					<select id="wd-quick-field"><option>tel_number</option><option>email_address</option><option>surname</option><option>address_line_1</option><option>postal_code</option></select>
					<input type="text" id="wd-quick-value" class="regular-text" required>
					<button type="submit" class="button button-primary"><?php esc_html_e( 'Update', 'wecoza-demo' ); ?></button>
				</form>
				<?php self::answer_box( 'quick' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'Portfolios', 'wecoza-demo' ); ?> <code>delete_learner_portfolio</code></h2>
				<p class="description"><?php esc_html_e( 'Upload one with the form above (the update form post carries scanned_portfolio[]).', 'wecoza-demo' ); ?></p>
				<p><button type="button" class="button" id="wd-portfolios-load"><?php esc_html_e( 'List the learner\'s portfolios', 'wecoza-demo' ); ?></button></p>
				<table class="widefat striped" id="wd-portfolios"><thead><tr><th>ID</th><th><?php esc_html_e( 'File', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Uploaded', 'wecoza-demo' ); ?></th><th></th></tr></thead><tbody></tbody></table>
				<?php self::answer_box( 'portfolio' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'Delete the learner', 'wecoza-demo' ); ?></h2>
				<form id="wd-delete" class="wecoza-demo-tools">
					<select id="wd-delete-action"><option value="delete_learner">delete_learner (list page)</option><option value="wecoza_delete_learner">wecoza_delete_learner (MVC views)</option></select>
					<button type="submit" class="button button-link-delete"><?php esc_html_e( 'Delete learner', 'wecoza-demo' ); ?></button>
				</form>
				<?php self::answer_box( 'delete' ); ?>
			</div></div>
		</div>
		<?php
	}

	/**
	 * The class page.
	 *
	 * @return void
	 */
	public function render_classes() {
		$days = array( 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday' );
		?>
		<div class="wrap wecoza-demo" id="wecoza-demo-class-writes">
			<h1><?php esc_html_e( 'Class writes', 'wecoza-demo' ); ?></h1>
			<p class="description"><?php esc_html_e( 'Each button sends what the WeCoza class pages send (same fields, same nonce): the shim forwards it to the sidecar. Below each form: the answer, and the WordPress hooks the shim fired for it.', 'wecoza-demo' ); ?></p>
			<p class="wecoza-demo-tools">
				<label for="wd-class"><strong><?php esc_html_e( 'Class', 'wecoza-demo' ); ?></strong></label>
				<select id="wd-class"><option value=""><?php esc_html_e( 'New class', 'wecoza-demo' ); ?></option></select>
			</p>

			<div class="postbox"><div class="inside">
				<h2 id="wd-class-form-title"><?php esc_html_e( 'Class and schedule', 'wecoza-demo' ); ?> <code>save_class</code></h2>
				<form id="wd-class-form">
					<table class="form-table" role="presentation"><tbody>
						<tr><th scope="row"><label for="wd-client_id"><?php esc_html_e( 'Client', 'wecoza-demo' ); ?></label></th><td><select id="wd-client_id" name="client_id" required></select></td></tr>
						<tr><th scope="row"><label for="wd-site_id"><?php esc_html_e( 'Site', 'wecoza-demo' ); ?></label></th><td><select id="wd-site_id" name="site_id" required></select></td></tr>
						<tr><th scope="row"><label for="wd-site_address"><?php esc_html_e( 'Address', 'wecoza-demo' ); ?></label></th><td><input id="wd-site_address" name="site_address" class="regular-text"></td></tr>
						<tr><th scope="row"><label for="wd-class_type"><?php esc_html_e( 'Class type', 'wecoza-demo' ); ?> <code>get_class_types</code></label></th><td><select id="wd-class_type" name="class_type" required></select></td></tr>
						<tr><th scope="row"><label for="wd-class_subject"><?php esc_html_e( 'Subject', 'wecoza-demo' ); ?> <code>get_class_subjects</code></label></th><td><select id="wd-class_subject" name="class_subject" required></select></td></tr>
						<tr><th scope="row"><label for="wd-class_duration"><?php esc_html_e( 'Duration (hours)', 'wecoza-demo' ); ?></label></th><td><input type="number" min="1" id="wd-class_duration" name="class_duration" class="small-text" value="40"></td></tr>
						<tr><th scope="row"><label for="wd-start"><?php esc_html_e( 'Start and end', 'wecoza-demo' ); ?></label></th><td><input type="date" id="wd-start" required> – <input type="date" id="wd-end" required>
							<select id="wd-pattern"><option value="weekly">weekly</option><option value="biweekly">biweekly</option></select></td></tr>
						<tr><th scope="row"><?php esc_html_e( 'Days and times', 'wecoza-demo' ); ?></th><td><table class="wd-days">
							<?php foreach ( $days as $day ) : ?>
								<tr><td><label><input type="checkbox" class="wd-day" value="<?php echo esc_attr( $day ); ?>"> <?php echo esc_html( $day ); ?></label></td>
								<td><input type="time" class="wd-day-start" data-day="<?php echo esc_attr( $day ); ?>" value="09:00"> – <input type="time" class="wd-day-end" data-day="<?php echo esc_attr( $day ); ?>" value="12:00"></td></tr>
							<?php endforeach; ?>
						</table></td></tr>
						<tr><th scope="row"><label for="wd-learners"><?php esc_html_e( 'Learners', 'wecoza-demo' ); ?> <code>fetch_learners_data</code></label></th><td><select id="wd-learners" multiple size="8"></select></td></tr>
						<tr><th scope="row"><label for="wd-agent"><?php esc_html_e( 'Class agent, from', 'wecoza-demo' ); ?></label></th><td><select id="wd-agent" name="initial_class_agent" data-lookup="agents"></select> <input type="date" id="wd-agent-start" name="initial_agent_start_date"></td></tr>
						<tr><th scope="row"><label for="wd-supervisor"><?php esc_html_e( 'Project supervisor', 'wecoza-demo' ); ?></label></th><td><select id="wd-supervisor" name="project_supervisor" data-lookup="agents"></select></td></tr>
					</tbody></table>
					<p class="submit"><button type="submit" class="button button-primary" id="wd-class-save"><?php esc_html_e( 'Save class', 'wecoza-demo' ); ?></button></p>
				</form>
				<?php self::answer_box( 'class-form' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'Notes', 'wecoza-demo' ); ?> <code>get_class_notes</code> <code>save_class_note</code> <code>upload_attachment</code> <code>delete_class_note</code></h2>
				<form id="wd-note" class="wecoza-demo-tools">
					<textarea id="wd-note-content" rows="2" cols="50" required></textarea>
					<select id="wd-note-category"><option>General</option><option>Agent Absent</option><option>Learner Absent</option><option>Holiday adjustment</option></select>
					<select id="wd-note-priority"><option>low</option><option selected>medium</option><option>high</option></select>
					<label><?php esc_html_e( 'Attachment', 'wecoza-demo' ); ?> <input type="file" id="wd-note-file" accept=".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"></label>
					<button type="submit" class="button button-primary"><?php esc_html_e( 'Add note', 'wecoza-demo' ); ?></button>
				</form>
				<table class="widefat striped" id="wd-notes"><thead><tr><th><?php esc_html_e( 'Note', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Category', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Priority', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Attachments', 'wecoza-demo' ); ?></th><th></th></tr></thead><tbody></tbody></table>
				<?php self::answer_box( 'note' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'QA visit', 'wecoza-demo' ); ?> <code>create_qa_visit</code> <code>get_qa_visits</code></h2>
				<form id="wd-qa" class="wecoza-demo-tools">
					<input type="date" id="wd-qa-date" required>
					<select id="wd-qa-type"><option>Initial QA Visit</option><option>Follow-up QA</option><option>Compliance Check</option><option>Final Assessment</option></select>
					<input type="text" id="wd-qa-officer" placeholder="<?php esc_attr_e( 'QA officer', 'wecoza-demo' ); ?>">
					<button type="submit" class="button button-primary"><?php esc_html_e( 'Record visit', 'wecoza-demo' ); ?></button>
				</form>
				<table class="widefat striped" id="wd-qa-visits"><thead><tr><th><?php esc_html_e( 'Date', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Type', 'wecoza-demo' ); ?></th><th><?php esc_html_e( 'Officer', 'wecoza-demo' ); ?></th></tr></thead><tbody></tbody></table>
				<?php self::answer_box( 'qa' ); ?>
			</div></div>

			<div class="postbox"><div class="inside">
				<h2><?php esc_html_e( 'Calendar with public holidays', 'wecoza-demo' ); ?> <code>get_calendar_events</code> <code>get_public_holidays</code></h2>
				<p><button type="button" class="button" id="wd-calendar-load"><?php esc_html_e( 'Show the calendar', 'wecoza-demo' ); ?></button></p>
				<div id="wd-calendar"></div>
			</div></div>
		</div>
		<?php
	}
}
