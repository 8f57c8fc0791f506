<?php
/**
 * [wecoza_capture_class]: the class capture page (and, with ?class_id=, the class edit page) as the recordings show
 * them: real rows before the hidden template row of each group, a start-date handler that fills every empty
 * backup_agent_dates[] and exception_dates[] (templates included), and FormData(form) posted to admin-ajax save_class.
 */

defined( 'ABSPATH' ) || exit;

const WECOZA_TEST_PAGES_DAYS = array( 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday' );

function wecoza_test_pages_input( $name, $value = '', $type = 'text', $extra = '' ) {
	$id = preg_replace( '/[^a-z0-9_]+/i', '_', trim( $name, '[]' ) );
	return sprintf( '<label>%1$s <input type="%3$s" name="%1$s" value="%2$s" data-field="%4$s"%5$s></label>',
		esc_attr( $name ), esc_attr( $value ), $type, $id, $extra ? ' ' . $extra : '' );
}

function wecoza_test_pages_select( $name, array $choices, $selected = '', $empty = 'Select' ) {
	return sprintf( '<label>%1$s <select name="%1$s">%2$s</select></label>', esc_attr( $name ),
		wecoza_test_pages_options( $choices, $selected, $empty ) );
}

/** One row of a repeated group; the template row (last) is hidden. */
function wecoza_test_pages_row( $group, array $cells, $template ) {
	return sprintf( '<div class="%s-row%s">%s</div>', $group, $template ? ' row-template d-none' : '', implode( '', $cells ) );
}

function wecoza_test_pages_exception_row( $date = '', $reason = '', $template = false ) {
	return wecoza_test_pages_row( 'exception', array(
		wecoza_test_pages_input( 'exception_dates[]', $date, 'date' ),
		wecoza_test_pages_select( 'exception_reasons[]', array( 'Client Cancelled' => 'Client Cancelled', 'Agent Absent' => 'Agent Absent' ), $reason, '' ),
	), $template );
}

function wecoza_test_pages_event_row( array $event = array(), $template = false ) {
	$e = $event + array( 'type' => '', 'description' => '', 'date' => '', 'status' => 'Pending', 'notes' => '' );
	return wecoza_test_pages_row( 'event', array(
		wecoza_test_pages_select( 'event_types[]', array( 'Deliveries' => 'Deliveries', 'Exams' => 'Exams' ), $e['type'], '' ),
		wecoza_test_pages_input( 'event_descriptions[]', $e['description'] ),
		wecoza_test_pages_input( 'event_dates_input[]', $e['date'], 'date' ),
		wecoza_test_pages_select( 'event_statuses[]', array( 'Pending' => 'Pending', 'Completed' => 'Completed' ), $e['status'], null ),
		wecoza_test_pages_input( 'event_notes[]', $e['notes'] ),
	), $template );
}

function wecoza_test_pages_agent_row( $prefix, array $agents, $agent = '', $date = '', $template = false ) {
	return wecoza_test_pages_row( $prefix, array(
		wecoza_test_pages_select( $prefix . '_agent_ids[]', $agents, $agent, '' ),
		wecoza_test_pages_input( $prefix . '_agent_dates[]', $date, 'date' ),
	), $template );
}

function wecoza_test_pages_add_button( $group, $label ) {
	return sprintf( '<button type="button" class="add-row" data-group="%s">%s</button>', $group, esc_html( $label ) );
}

add_shortcode( 'wecoza_capture_class', function () {
	$class_id = isset( $_GET['class_id'] ) ? intval( $_GET['class_id'] ) : 0;
	$class    = array();
	if ( $class_id ) {
		$rows = wecoza_test_pages_rows( 'SELECT * FROM classes WHERE class_id = ?', array( $class_id ) );
		if ( ! $rows ) {
			return '<p>Class not found.</p>';
		}
		$class = $rows[0];
		foreach ( array( 'schedule_data', 'learner_ids', 'event_dates', 'backup_agent_ids' ) as $json ) {
			$class[ $json ] = json_decode( (string) $class[ $json ], true ) ?: array();
		}
	}
	$edit      = (bool) $class;
	$schedule  = $edit ? $class['schedule_data'] : array();
	$per_day   = $schedule['timeData']['perDayTimes'] ?? array();
	$start     = $edit ? (string) ( $schedule['startDate'] ?? $class['original_start_date'] ) : '';
	$clients   = wecoza_test_pages_lookup( 'SELECT client_id AS id, client_name AS name FROM clients ORDER BY 1' );
	$sites     = wecoza_test_pages_lookup( 'SELECT site_id AS id, site_name AS name FROM sites ORDER BY 1' );
	$types     = wecoza_test_pages_lookup( 'SELECT class_type_code AS id, class_type_name AS name FROM class_types ORDER BY display_order' );
	$subjects  = wecoza_test_pages_lookup( 'SELECT DISTINCT subject_code AS id, subject_name AS name FROM class_type_subjects ORDER BY 1' );
	$agents    = wecoza_test_pages_lookup( "SELECT agent_id AS id, 'Agent ' || agent_id AS name FROM agents ORDER BY 1" );
	$learners  = wecoza_test_pages_lookup( "SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(surname, '')) AS name FROM learners ORDER BY id DESC LIMIT 500" );
	$in_class  = array_map( function ( $l ) {
		return array( 'id' => (string) $l['id'], 'name' => (string) ( $l['name'] ?? '' ), 'level' => (string) ( $l['level'] ?? '' ), 'status' => (string) ( $l['status'] ?? '' ) );
	}, $class['learner_ids'] ?? array() );

	$h  = '<style>.d-none{display:none!important}</style><div id="form-messages"></div>';
	$h .= '<form id="classes-form" novalidate data-edit="' . ( $edit ? '1' : '0' ) . '">';
	$h .= '<input type="hidden" name="class_id" value="' . esc_attr( $edit ? $class_id : 'auto-generated' ) . '">';
	$h .= '<input type="hidden" name="redirect_url" value="">';
	$h .= '<input type="hidden" name="nonce" value="' . esc_attr( wp_create_nonce( 'wecoza_class_nonce' ) ) . '">';
	$h .= wecoza_test_pages_select( 'client_id', $clients, $class['client_id'] ?? '' );
	$h .= wecoza_test_pages_select( 'site_id', $sites, $class['site_id'] ?? '' );
	if ( ! $edit ) {
		$h .= wecoza_test_pages_input( 'site_address' );
	}
	$h .= wecoza_test_pages_select( 'class_type', $types, $class['class_type'] ?? '' );
	if ( $edit ) {
		$h .= '<input type="hidden" name="class_code_hidden" value="' . esc_attr( $class['class_code'] ) . '">';
		$h .= wecoza_test_pages_input( 'class_duration', (string) $class['class_duration'] );
		$h .= wecoza_test_pages_input( 'class_start_date', $start, 'date', 'id="class_start_date"' );
		$h .= wecoza_test_pages_select( 'class_subject', $subjects, $class['class_subject'] );
	} else {
		$h .= wecoza_test_pages_select( 'class_subject', $subjects );
		$h .= wecoza_test_pages_input( 'class_duration' ) . wecoza_test_pages_input( 'class_code' );
		$h .= wecoza_test_pages_input( 'class_start_date', '', 'date', 'id="class_start_date"' );
	}
	$h .= wecoza_test_pages_input( 'schedule_start_date', $start, 'date' );
	$h .= wecoza_test_pages_select( 'schedule_pattern', array( 'weekly' => 'Weekly', 'biweekly' => 'Bi-weekly', 'monthly' => 'Monthly' ), $schedule['pattern'] ?? 'weekly', null );
	foreach ( WECOZA_TEST_PAGES_DAYS as $day ) {
		$h .= sprintf( '<label><input type="checkbox" name="schedule_days[]" value="%1$s"%2$s> %1$s</label>', $day,
			isset( $per_day[ $day ] ) ? ' checked' : '' );
	}
	$h .= wecoza_test_pages_input( 'schedule_day_of_month' );
	// Per-day times exist for every day; a day's inputs are disabled (so not posted) until the day is ticked.
	foreach ( WECOZA_TEST_PAGES_DAYS as $day ) {
		$off = isset( $per_day[ $day ] ) ? '' : 'disabled';
		$h  .= '<span class="day-times" data-day="' . $day . '">'
			. wecoza_test_pages_input( "day_start_time[$day]", $per_day[ $day ]['start_time'] ?? '', 'time', $off )
			. wecoza_test_pages_input( "day_end_time[$day]", $per_day[ $day ]['end_time'] ?? '', 'time', $off ) . '</span>';
	}
	$exceptions = '';
	foreach ( $schedule['exceptionDates'] ?? array() as $exception ) {
		$exceptions .= wecoza_test_pages_exception_row( $exception['date'], $exception['reason'] );
	}
	$exceptions .= wecoza_test_pages_exception_row( '', '', true ) . wecoza_test_pages_add_button( 'exception', 'Add exception date' );
	$exceptions .= '<input type="hidden" name="schedule_data[holiday_overrides]" value="{}">';
	$stops       = wecoza_test_pages_row( 'stop', array( wecoza_test_pages_input( 'stop_dates[]', '', 'date' ), wecoza_test_pages_input( 'restart_dates[]', '', 'date' ) ), true );
	$end         = wecoza_test_pages_input( 'schedule_end_date', $schedule['endDate'] ?? '', 'date' );
	$events      = '';
	foreach ( $class['event_dates'] ?? array() as $event ) {
		$events .= wecoza_test_pages_event_row( $event );
	}
	$events .= wecoza_test_pages_event_row( array(), true ) . wecoza_test_pages_add_button( 'event', 'Add event' );
	if ( $edit ) {
		$h .= $end . $exceptions . '<div id="schedule-data-container"></div>' . $events . $stops;
	} else {
		$h .= wecoza_test_pages_input( 'schedule_total_hours' ) . $exceptions . $stops . $end . $events;
	}
	$h .= wecoza_test_pages_select( 'seta_funded', array( 'No' => 'No', 'Yes' => 'Yes' ), ! empty( $class['seta_funded'] ) ? 'Yes' : 'No', null );
	$h .= wecoza_test_pages_input( 'seta_id', (string) ( $class['seta'] ?? '' ) );
	$h .= wecoza_test_pages_select( 'exam_class', array( 'No' => 'No', 'Yes' => 'Yes' ), ! empty( $class['exam_class'] ) ? 'Yes' : 'No', null );
	$h .= wecoza_test_pages_input( 'exam_type', (string) ( $class['exam_type'] ?? '' ) );
	if ( ! $edit ) {
		$h .= '<div id="schedule-data-container"></div>';
	}
	$h .= '<label>learner <select id="learner_pick">' . wecoza_test_pages_options( $learners ) . '</select></label>'
		. '<button type="button" id="add_learner_btn">Add learner</button>';
	$h .= '<input type="hidden" name="class_learners_data" value="' . esc_attr( wp_json_encode( $in_class ) ) . '">';
	$h .= '<input type="hidden" name="exam_learners" value="' . ( $edit ? '' : '[]' ) . '">';
	if ( $edit ) {
		$h .= wecoza_test_pages_row( 'qa', array(
			wecoza_test_pages_input( 'qa_visit_dates[]', '', 'date' ),
			wecoza_test_pages_select( 'qa_visit_types[]', array( 'Initial QA Visit' => 'Initial QA Visit' ), '', null ),
			wecoza_test_pages_input( 'qa_officers[]' ), wecoza_test_pages_input( 'qa_reports[]', '', 'file' ),
		), true );
		$h .= '<input type="hidden" name="qa_visits_data" value=""><input type="hidden" name="qa_latest_documents" value="[]">';
	}
	$h .= wecoza_test_pages_select( 'initial_class_agent', $agents, $class['initial_class_agent'] ?? '' );
	$h .= wecoza_test_pages_input( 'initial_agent_start_date', (string) ( $class['initial_agent_start_date'] ?? '' ), 'date' );
	if ( $edit ) {
		$h .= wecoza_test_pages_agent_row( 'replacement', $agents, '', '', true );
	}
	$h .= wecoza_test_pages_select( 'project_supervisor', $agents, $class['project_supervisor_id'] ?? '' );
	foreach ( $class['backup_agent_ids'] ?? array() as $backup ) {
		$h .= wecoza_test_pages_agent_row( 'backup', $agents, (string) $backup['agent_id'], (string) $backup['date'] );
	}
	$h .= wecoza_test_pages_agent_row( 'backup', $agents, '', '', true ) . wecoza_test_pages_add_button( 'backup', 'Add backup agent' );
	if ( ! $edit ) {
		$h .= '<input type="hidden" name="exam_learner_count" value="0">';
	}
	$h .= '<button type="submit" id="submit_class">' . ( $edit ? 'Update Class' : 'Create Draft Class' ) . '</button></form>';
	return $h . '<script>' . file_get_contents( __DIR__ . '/class-capture.js' ) . '</script>'
		. '<script>wecozaTestClassCapture(' . wp_json_encode( admin_url( 'admin-ajax.php' ) ) . ');</script>';
} );
