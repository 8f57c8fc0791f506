<?php
/**
 * Plugin Name: WeCoza test pages
 * Description: Browser tests only. Stand-ins for the legacy learner and class capture pages, written from what the
 *              recorded pages send and do (../shared/recordings): the same field names in the same order, the same
 *              hidden template rows and the same client-side validation, so the shim's repairs meet what they repair.
 */

defined( 'ABSPATH' ) || exit;

// The browser tests switch the shim's page repairs off through this option ("0").
add_filter( 'wecoza_sidecar_page_repairs', function ( $enabled ) {
	return $enabled && '0' !== get_option( 'wecoza_test_page_repairs', '1' );
} );

/** The test PostgreSQL, with the settings the shim setup stored in WordPress options. */
function wecoza_test_pages_pdo() {
	static $pdo = null;
	if ( null === $pdo ) {
		$dsn = sprintf( 'pgsql:host=%s;port=%s;dbname=%s', get_option( 'wecoza_postgres_host' ),
			get_option( 'wecoza_postgres_port' ), get_option( 'wecoza_postgres_dbname' ) );
		$pdo = new PDO( $dsn, get_option( 'wecoza_postgres_user' ), get_option( 'wecoza_postgres_password' ),
			array( PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC ) );
	}
	return $pdo;
}

function wecoza_test_pages_rows( $sql, array $params = array() ) {
	$statement = wecoza_test_pages_pdo()->prepare( $sql );
	$statement->execute( $params );
	return $statement->fetchAll();
}

/** <option>s of [id => label], with an empty first option and $selected marked. */
function wecoza_test_pages_options( array $choices, $selected = '', $empty = 'Select' ) {
	$html = null === $empty ? '' : '<option value="">' . esc_html( $empty ) . '</option>';
	foreach ( $choices as $value => $label ) {
		$html .= sprintf( '<option value="%s"%s>%s</option>', esc_attr( $value ),
			(string) $value === (string) $selected ? ' selected' : '', esc_html( $label ) );
	}
	return $html;
}

function wecoza_test_pages_lookup( $sql ) {
	$out = array();
	foreach ( wecoza_test_pages_rows( $sql ) as $row ) {
		$out[ $row['id'] ] = $row['name'];
	}
	return $out;
}

function wecoza_test_pages_learner_lookups() {
	return array(
		'cities'         => wecoza_test_pages_lookup( 'SELECT location_id AS id, town AS name FROM locations ORDER BY location_id' ),
		'provinces'      => wecoza_test_pages_lookup( 'SELECT location_id AS id, province AS name FROM locations ORDER BY location_id' ),
		'qualifications' => wecoza_test_pages_lookup( 'SELECT id, qualification AS name FROM learner_qualifications ORDER BY id' ),
		'employers'      => wecoza_test_pages_lookup( 'SELECT employer_id AS id, employer_name AS name FROM employers ORDER BY employer_id' ),
		'numeracy'       => wecoza_test_pages_lookup( "SELECT placement_level_id AS id, level AS name FROM learner_placement_level WHERE level LIKE 'N%' ORDER BY 1" ),
		'communication'  => wecoza_test_pages_lookup( "SELECT placement_level_id AS id, level AS name FROM learner_placement_level WHERE level LIKE 'C%' ORDER BY 1" ),
	);
}

/**
 * The learner form's fields, in the order the recorded pages post them. $learner is the update form's pre-fill
 * (empty for the capture form); $update switches the update page's differences.
 */
function wecoza_test_pages_learner_fields( array $learner, $update ) {
	$v      = function ( $name ) use ( $learner ) {
		return isset( $learner[ $name ] ) ? (string) $learner[ $name ] : '';
	};
	$lk     = wecoza_test_pages_learner_lookups();
	$text   = function ( $name, $required = true, $type = 'text' ) use ( $v ) {
		return sprintf( '<label for="%1$s">%1$s</label><input type="%3$s" id="%1$s" name="%1$s" value="%2$s"%4$s>',
			$name, esc_attr( $v( $name ) ), $type, $required ? ' required' : '' );
	};
	$select = function ( $name, array $choices, $required = true, $empty = 'Select' ) use ( $v ) {
		return sprintf( '<label for="%1$s">%1$s</label><select id="%1$s" name="%1$s"%3$s>%2$s</select>',
			$name, wecoza_test_pages_options( $choices, $v( $name ), $empty ), $required ? ' required' : '' );
	};
	$id_type     = '' !== $v( 'passport_number' ) ? 'passport' : ( $update ? 'sa_id' : '' );
	$assessed    = 'Assessed' === $v( 'assessment_status' );
	$bool        = function ( $name ) use ( $learner ) {
		return isset( $learner[ $name ] ) && null !== $learner[ $name ] ? ( $learner[ $name ] ? '1' : '0' ) : '';
	};
	$html  = $select( 'title', array( 'Mr' => 'Mr', 'Mrs' => 'Mrs', 'Ms' => 'Ms', 'Dr' => 'Dr' ) );
	$html .= $text( 'first_name' ) . $text( 'second_name', false ) . $text( 'surname' );
	$html .= '<label for="initials">initials</label><input type="text" id="initials" name="initials" value="' . esc_attr( $v( 'initials' ) ) . '" required readonly>';
	$html .= $text( 'tel_number' ) . $text( 'alternative_tel_number', false ) . $text( 'email_address', true, 'email' );
	foreach ( array( 'sa_id' => 'sa_id_option', 'passport' => 'passport_option' ) as $value => $id ) {
		$html .= sprintf( '<input type="radio" name="id_type" id="%s" value="%s" required%s><label for="%1$s">%2$s</label>',
			$id, $value, $id_type === $value ? ' checked' : '' );
	}
	$html .= $text( 'sa_id_no', false ) . $text( 'passport_number', false );
	$html .= $select( 'race', array( 'Black' => 'Black', 'White' => 'White', 'Coloured' => 'Coloured', 'Indian' => 'Indian' ) );
	$html .= $select( 'gender', array( 'Male' => 'Male', 'Female' => 'Female' ) );
	$html .= $text( 'address_line_1' ) . $text( 'address_line_2', false );
	$html .= $select( 'city_town_id', $lk['cities'] ) . $select( 'province_region_id', $lk['provinces'] );
	$html .= $text( 'postal_code' );
	$html .= $select( 'highest_qualification', $lk['qualifications'], false );
	$html .= sprintf( '<label for="disability_status">disability_status</label><select id="disability_status" name="disability_status" required>%s</select>',
		wecoza_test_pages_options( array( '1' => 'Yes', '0' => 'No' ), $bool( 'disability_status' ) ) );
	$html .= '<label for="scanned_portfolio">scanned_portfolio</label><input type="file" id="scanned_portfolio" name="scanned_portfolio[]" accept="application/pdf" multiple>';
	$html .= $select( 'assessment_status', array( 'Assessed' => 'Assessed', 'Not Assessed' => 'Not Assessed' ) );
	if ( $update ) {
		// The update page hides the placement fields with a style and never marks them required.
		$hidden = $assessed ? '' : ' style="display:none;"';
		$html  .= '<div class="placement_fields"' . $hidden . '>' . $select( 'communication_level', $lk['communication'], false )
			. $select( 'numeracy_level', $lk['numeracy'], false ) . $text( 'placement_assessment_date', false, 'date' ) . '</div>';
	} else {
		// The capture page: communication_level is required although hidden until "Assessed" is chosen.
		$html .= '<div class="placement_fields d-none">' . $select( 'communication_level', $lk['communication'] )
			. $select( 'numeracy_level', $lk['numeracy'], false ) . $text( 'placement_assessment_date', false, 'date' ) . '</div>';
		// And a second assessment date input, same name and id, in a row below; the page's script finds the date by
		// id, so it shows only the first: this one stays hidden and empty, and is posted last.
		$html .= '<div class="placement_date_again d-none">' . $text( 'placement_assessment_date', false, 'date' ) . '</div>';
	}
	$html .= sprintf( '<label for="employment_status">employment_status</label><select id="employment_status" name="employment_status" required>%s</select>',
		wecoza_test_pages_options( array( '1' => 'Employed', '0' => 'Unemployed' ), $bool( 'employment_status' ) ) );
	$html .= '<div id="employer_field">' . $select( 'employer_id', $lk['employers'], false ) . '</div>';
	$html .= '<div id="sponsor_container"></div><button type="button" id="add_sponsor_btn">+ Add Sponsor</button>';
	$html .= '<div id="sponsor_template" class="d-none"><div class="sponsor-group"><select name="sponsors[]" class="sponsor-select" required>'
		. wecoza_test_pages_options( $lk['employers'], '', 'Select Sponsor' ) . '</select>'
		. '<button type="button" class="remove_sponsor_btn">Remove</button></div></div>';
	return $html;
}

/** Bootstrap's d-none, the legacy forms' validation (novalidate + checkValidity) and the sponsor button. */
function wecoza_test_pages_learner_script( $form_id ) {
	return '<style>.d-none{display:none!important}</style><script>
(function () {
	var form = document.getElementById(' . wp_json_encode( $form_id ) . ');
	form.addEventListener("submit", function (event) {
		if (!form.checkValidity()) { event.preventDefault(); event.stopPropagation(); }
		form.classList.add("was-validated");
	});
	document.getElementById("add_sponsor_btn").addEventListener("click", function () {
		var copy = document.getElementById("sponsor_template").cloneNode(true);
		copy.removeAttribute("id");
		copy.classList.remove("d-none");
		copy.querySelector(".remove_sponsor_btn").addEventListener("click", function () { copy.remove(); });
		document.getElementById("sponsor_container").appendChild(copy);
	});
	var status = document.getElementById("assessment_status");
	status.addEventListener("change", function () {
		document.querySelectorAll(".placement_fields").forEach(function (div) {
			div.style.display = "";
			div.classList.toggle("d-none", status.value !== "Assessed");
		});
	});
	var first = document.getElementById("first_name"), second = document.getElementById("second_name");
	function initials() {
		document.getElementById("initials").value = [first.value, second.value]
			.map(function (s) { return s.trim().charAt(0).toUpperCase(); }).join("");
	}
	first.addEventListener("input", initials);
	second.addEventListener("input", initials);
}());
</script>';
}

add_shortcode( 'wecoza_learners_form', function () {
	return '<form id="learners-form" class="needs-validation" novalidate method="POST" enctype="multipart/form-data">'
		. wp_nonce_field( 'submit_learners_form', 'wecoza_learners_form_nonce', true, false )
		. wecoza_test_pages_learner_fields( array(), false )
		. '<button type="submit">Add New Learner</button></form>'
		. wecoza_test_pages_learner_script( 'learners-form' );
} );

add_shortcode( 'wecoza_learners_update_form', function () {
	$learner_id = isset( $_GET['learner_id'] ) ? intval( $_GET['learner_id'] ) : 0;
	// As the legacy render: the learner joined with its city, whose postal code fills the postal_code input.
	$rows = $learner_id ? wecoza_test_pages_rows(
		'SELECT l.*, city.postal_code AS city_postal_code FROM learners l
		   LEFT JOIN locations city ON city.location_id = l.city_town_id WHERE l.id = ?', array( $learner_id ) ) : array();
	if ( ! $rows ) {
		return '<p>Learner not found.</p>';
	}
	$learner                = $rows[0];
	$learner['postal_code'] = $learner['city_postal_code'];
	return '<form id="learners-update-form" class="needs-validation" novalidate method="POST" enctype="multipart/form-data">'
		. wp_nonce_field( 'submit_learners_update_form', 'wecoza_learners_update_form_nonce', true, false )
		. '<input type="hidden" name="learner_id" value="' . esc_attr( $learner_id ) . '">'
		. wecoza_test_pages_learner_fields( $learner, true )
		. '<button type="submit">Update Learner</button></form>'
		. wecoza_test_pages_learner_script( 'learners-update-form' );
} );

require __DIR__ . '/class-capture.php';
