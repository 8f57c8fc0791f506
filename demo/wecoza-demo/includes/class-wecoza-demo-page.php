<?php
/**
 * The browse page: learners, one learner, a class calendar (reads only).
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

/**
 * Tools-free admin page: markup rendered here (escaped), data loaded by the inline script through admin-ajax.php.
 */
final class WeCoza_Demo_Page {

	const SLUG       = 'wecoza-demo';
	const CAPABILITY = 'manage_learners';
	const VERSION    = '0.1.0';

	/**
	 * Hook suffix of the page (set when the menu is added).
	 *
	 * @var string
	 */
	private $hook = '';

	/**
	 * Hooks.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_menu', array( $this, 'add_menu' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * The menu entry.
	 *
	 * @return void
	 */
	public function add_menu() {
		$this->hook = (string) add_menu_page(
			__( 'WeCoza demo', 'wecoza-demo' ),
			__( 'WeCoza demo', 'wecoza-demo' ),
			self::CAPABILITY,
			self::SLUG,
			array( $this, 'render' ),
			'dashicons-welcome-learn-more',
			3
		);
	}

	/**
	 * jQuery, the nonces the legacy pages localise, and the page script, on this page only.
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public function enqueue( $hook_suffix ) {
		if ( '' === $this->hook || $hook_suffix !== $this->hook ) {
			return;
		}
		wp_register_script( 'wecoza-demo', false, array( 'jquery' ), self::VERSION, true );
		wp_enqueue_script( 'wecoza-demo' );
		$uploads = wp_upload_dir( null, false );
		wp_localize_script(
			'wecoza-demo',
			'WeCozaDemo',
			array(
				'ajaxUrl'       => admin_url( 'admin-ajax.php' ),
				// The display page's wecozaAjax.nonce (docs/contracts/learners.md#nonces).
				'learnersNonce' => wp_create_nonce( 'learners_nonce' ),
				// WeCozaLearners.nonce: what the MVC learner actions check (docs/contracts/learners.md#nonces).
				'learnerNonce'  => wp_create_nonce( 'learners_nonce_action' ),
				// WeCozaSingleClass.calendarNonce (docs/contracts/classes.md#nonces).
				'calendarNonce' => wp_create_nonce( 'wecoza_calendar_nonce' ),
				'uploadsUrl'    => $uploads['baseurl'],
			)
		);
		wp_add_inline_script( 'wecoza-demo', self::script() );
		wp_add_inline_style( 'common', self::style() );
	}

	/**
	 * The classes the demo stack created (option wecoza_demo_classes: ids, codes, subjects; no personal data).
	 *
	 * @return array<int, array{id: int, code: string, subject: string, type: string}>
	 */
	private static function demo_classes() {
		$classes = get_option( 'wecoza_demo_classes', array() );
		$out     = array();
		foreach ( is_array( $classes ) ? $classes : array() as $class ) {
			if ( is_array( $class ) && isset( $class['id'] ) && (int) $class['id'] > 0 ) {
				$out[] = array(
					'id'      => (int) $class['id'],
					'code'    => (string) ( $class['code'] ?? '' ),
					'subject' => (string) ( $class['subject'] ?? '' ),
					'type'    => (string) ( $class['type'] ?? '' ),
				);
			}
		}
		return $out;
	}

	/**
	 * The page.
	 *
	 * @return void
	 */
	public function render() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'wecoza-demo' ), 403 );
		}
		$classes = self::demo_classes();
		?>
		<div class="wrap wecoza-demo">
			<h1><?php esc_html_e( 'WeCoza demo', 'wecoza-demo' ); ?></h1>
			<p class="description">
				<?php esc_html_e( 'Everything below is loaded through admin-ajax.php with the actions, parameters and nonces of the WeCoza pages; the WeCoza sidecar answers them through the shim. The learners and classes are invented.', 'wecoza-demo' ); ?>
			</p>

			<div class="wecoza-demo-columns">
				<section class="wecoza-demo-panel" id="wecoza-demo-list-panel">
					<h2><?php esc_html_e( 'Learners', 'wecoza-demo' ); ?> <span class="count" id="wecoza-demo-count"></span></h2>
					<p class="wecoza-demo-tools">
						<label class="screen-reader-text" for="wecoza-demo-search"><?php esc_html_e( 'Search learners', 'wecoza-demo' ); ?></label>
						<input type="search" id="wecoza-demo-search" placeholder="<?php esc_attr_e( 'Search name, email, town', 'wecoza-demo' ); ?>">
						<button type="button" class="button" id="wecoza-demo-refresh"><?php esc_html_e( 'Reload', 'wecoza-demo' ); ?></button>
						<code>fetch_learners_data</code>
					</p>
					<div id="wecoza-demo-notice-list" class="notice inline" hidden><p></p></div>
					<table class="widefat striped" id="wecoza-demo-learners">
						<thead>
							<tr>
								<th scope="col"><?php esc_html_e( 'Name', 'wecoza-demo' ); ?></th>
								<th scope="col"><?php esc_html_e( 'Gender', 'wecoza-demo' ); ?></th>
								<th scope="col"><?php esc_html_e( 'Phone', 'wecoza-demo' ); ?></th>
								<th scope="col"><?php esc_html_e( 'Email', 'wecoza-demo' ); ?></th>
								<th scope="col"><?php esc_html_e( 'City/Town', 'wecoza-demo' ); ?></th>
								<th scope="col"><?php esc_html_e( 'Employment', 'wecoza-demo' ); ?></th>
								<th scope="col"><span class="screen-reader-text"><?php esc_html_e( 'Actions', 'wecoza-demo' ); ?></span></th>
							</tr>
						</thead>
						<tbody><tr><td colspan="7"><?php esc_html_e( 'Loading…', 'wecoza-demo' ); ?></td></tr></tbody>
					</table>
					<p class="wecoza-demo-pager">
						<button type="button" class="button" id="wecoza-demo-prev">&lsaquo;</button>
						<span id="wecoza-demo-page"></span>
						<button type="button" class="button" id="wecoza-demo-next">&rsaquo;</button>
					</p>
				</section>

				<section class="wecoza-demo-panel" id="wecoza-demo-learner-panel">
					<h2><?php esc_html_e( 'Learner', 'wecoza-demo' ); ?> <code>wecoza_get_learner</code></h2>
					<form id="wecoza-demo-open" class="wecoza-demo-tools">
						<label for="wecoza-demo-learner-id"><?php esc_html_e( 'Learner ID', 'wecoza-demo' ); ?></label>
						<input type="number" min="1" step="1" id="wecoza-demo-learner-id" class="small-text">
						<button type="submit" class="button button-primary"><?php esc_html_e( 'Open', 'wecoza-demo' ); ?></button>
					</form>
					<div id="wecoza-demo-notice-learner" class="notice inline" hidden><p></p></div>
					<div id="wecoza-demo-learner" hidden>
						<h3 id="wecoza-demo-learner-name"></h3>
						<table class="widefat striped"><tbody></tbody></table>
					</div>
				</section>
			</div>

			<section class="wecoza-demo-panel" id="wecoza-demo-calendar-panel">
				<h2><?php esc_html_e( 'Class calendar', 'wecoza-demo' ); ?> <code>get_calendar_events</code></h2>
				<form id="wecoza-demo-calendar-form" class="wecoza-demo-tools">
					<label for="wecoza-demo-class"><?php esc_html_e( 'Class', 'wecoza-demo' ); ?></label>
					<?php if ( $classes ) : ?>
						<select id="wecoza-demo-class">
							<?php foreach ( $classes as $class ) : ?>
								<option value="<?php echo esc_attr( (string) $class['id'] ); ?>">
									<?php echo esc_html( sprintf( '%s — %s %s (#%d)', $class['code'], $class['type'], $class['subject'], $class['id'] ) ); ?>
								</option>
							<?php endforeach; ?>
						</select>
					<?php else : ?>
						<input type="number" min="1" step="1" id="wecoza-demo-class" class="small-text">
					<?php endif; ?>
					<button type="submit" class="button"><?php esc_html_e( 'Show', 'wecoza-demo' ); ?></button>
				</form>
				<div id="wecoza-demo-notice-calendar" class="notice inline" hidden><p></p></div>
				<div id="wecoza-demo-calendar"></div>
			</section>
		</div>
		<?php
	}

	/**
	 * Styles of the page.
	 *
	 * @return string
	 */
	private static function style() {
		return '.wecoza-demo-columns{display:flex;gap:20px;align-items:flex-start;flex-wrap:wrap}'
			. '#wecoza-demo-list-panel{flex:3 1 640px}#wecoza-demo-learner-panel{flex:1 1 320px}'
			. '.wecoza-demo-panel{background:#fff;border:1px solid #c3c4c7;padding:0 16px 12px;margin-top:16px}'
			. '.wecoza-demo-tools{display:flex;gap:8px;align-items:center;flex-wrap:wrap}'
			. '#wecoza-demo-learner th{width:40%}.wecoza-demo-month{margin-top:12px}'
			. '.wecoza-demo-month td.type{white-space:nowrap}.wecoza-demo-event-exception td,'
			. '.wecoza-demo-event-stop_date td,.wecoza-demo-event-stop_period td{color:#b32d2e}'
			. '.wecoza-demo-event-restart_date td{color:#007017}';
	}

	/**
	 * The page script. Every value from a response reaches the page through text nodes (jQuery .text()) or DOM
	 * properties, never as HTML; the learner rows' HTML is parsed with DOMParser (which runs no script) and only
	 * their text is used, as learners-display-shortcode.js reads them.
	 *
	 * @return string
	 */
	private static function script() {
		return <<<'JS'
jQuery(function ($) {
	'use strict';
	var cfg = window.WeCozaDemo || {};
	var PAGE = 15;
	var learners = [];
	var shown = [];
	var page = 0;

	function notice(where, kind, text) {
		var $n = $('#wecoza-demo-notice-' + where);
		$n.removeClass('notice-error notice-warning notice-success notice-info').addClass('notice-' + kind);
		$n.find('p').text(text);
		$n.prop('hidden', !text);
	}

	// What admin-ajax answered, as a sentence: the WordPress shapes (0/400, -1/403, {success:false,data:...}).
	function failure(action, xhr, body) {
		if (xhr && xhr.status === 400 && $.trim(xhr.responseText) === '0') {
			return action + ': admin-ajax answered 0 (HTTP 400): the action is not served (not routed to the sidecar yet) or the session ended.';
		}
		if (xhr && $.trim(xhr.responseText) === '-1') {
			return action + ': the nonce was refused (-1). Reload the page.';
		}
		var data = body && body.data !== undefined ? body.data : (xhr && xhr.responseJSON ? xhr.responseJSON.data : undefined);
		var message = data && typeof data === 'object' ? data.message : data;
		return action + ' failed' + (xhr && xhr.status ? ' (HTTP ' + xhr.status + ')' : '') + (message ? ': ' + message : '.');
	}

	function post(data) {
		return $.ajax({ url: cfg.ajaxUrl, method: 'POST', data: data, dataType: 'json' });
	}

	// ------------------------------------------------------------------ learners (fetch_learners_data)
	function parseRows(html) {
		var doc = new DOMParser().parseFromString('<table><tbody>' + html + '</tbody></table>', 'text/html');
		var rows = [];
		$(doc).find('tbody > tr').each(function (index) {
			var cells = $(this).children('td');
			if (cells.length !== 9) {
				return;
			}
			var text = function (i) { return $.trim($(cells[i]).text()); };
			var id = parseInt($(cells[8]).find('.delete-learner-btn').attr('data-id'), 10);
			rows.push({
				id: id > 0 ? id : null, fullName: text(0), surname: text(1), gender: text(2), race: text(3),
				telNumber: text(4), email: text(5), cityTown: text(6), employmentStatus: text(7)
			});
		});
		return rows;
	}

	function filter() {
		var q = $.trim($('#wecoza-demo-search').val()).toLowerCase();
		shown = !q ? learners : learners.filter(function (l) {
			return [l.fullName, l.surname, l.email, l.cityTown].join(' ').toLowerCase().indexOf(q) !== -1;
		});
		page = 0;
		renderRows();
	}

	function renderRows() {
		var $body = $('#wecoza-demo-learners tbody').empty();
		var pages = Math.max(1, Math.ceil(shown.length / PAGE));
		page = Math.min(page, pages - 1);
		shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (l) {
			var $tr = $('<tr>');
			[l.fullName, l.gender, l.telNumber, l.email, l.cityTown, l.employmentStatus].forEach(function (v) {
				$('<td>').text(v).appendTo($tr);
			});
			var $open = $('<button type="button" class="button button-small wecoza-demo-open">').text('Open');
			$open.prop('disabled', !l.id).attr('data-id', l.id || '');
			$('<td>').append($open).appendTo($tr);
			$body.append($tr);
		});
		if (!shown.length) {
			$('<tr>').append($('<td colspan="7">').text(learners.length ? 'No learner matches.' : 'No learners.')).appendTo($body);
		}
		$('#wecoza-demo-count').text('(' + shown.length + (shown.length !== learners.length ? ' of ' + learners.length : '') + ')');
		$('#wecoza-demo-page').text('page ' + (page + 1) + ' of ' + pages);
		$('#wecoza-demo-prev').prop('disabled', page === 0);
		$('#wecoza-demo-next').prop('disabled', page >= pages - 1);
	}

	function loadLearners() {
		$('#wecoza-demo-learners tbody').empty().append($('<tr>').append($('<td colspan="7">').text('Loading…')));
		// As learners-display-shortcode.js: {action, nonce: wecozaAjax.nonce}.
		post({ action: 'fetch_learners_data', nonce: cfg.learnersNonce }).done(function (body) {
			if (body && body.success && typeof body.data === 'string') {
				learners = parseRows(body.data);
				notice('list', 'success', '');
				filter();
				if (learners.length && learners[0].id && !$('#wecoza-demo-learner-id').val()) {
					$('#wecoza-demo-learner-id').val(learners[0].id);
				}
			} else {
				learners = [];
				filter();
				notice('list', 'warning', failure('fetch_learners_data', null, body));
			}
		}).fail(function (xhr) {
			learners = [];
			filter();
			notice('list', 'warning', failure('fetch_learners_data', xhr) + ' You can still open a learner by ID.');
		});
	}

	// ------------------------------------------------------------------ one learner (wecoza_get_learner)
	var LABELS = {
		id: 'ID', title: 'Title', firstName: 'First name', secondName: 'Second name', initials: 'Initials',
		surname: 'Surname', gender: 'Gender', race: 'Race', saIdNo: 'SA ID number', passportNumber: 'Passport',
		telNumber: 'Phone', alternativeTelNumber: 'Other phone', emailAddress: 'Email', addressLine1: 'Address',
		addressLine2: 'Address (2)', suburb: 'Suburb', cityTownName: 'City/Town', provinceRegionName: 'Province',
		postalCode: 'Postal code', highestQualification: 'Highest qualification', assessmentStatus: 'Assessment',
		placementAssessmentDate: 'Assessed on', numeracyLevel: 'Numeracy level', communicationLevel: 'Communication level',
		employmentStatus: 'Employment', employerName: 'Employer', disabilityStatus: 'Disability',
		scannedPortfolio: 'Portfolio files', createdAt: 'Created', updatedAt: 'Updated'
	};

	function portfolioLinks(value) {
		var $cell = $('<td>');
		String(value).split(',').map($.trim).filter(Boolean).forEach(function (path, i) {
			if (i) { $cell.append(document.createTextNode(', ')); }
			// Only plain relative paths below the uploads folder become links.
			if (/^[A-Za-z0-9_.\-\/]+$/.test(path) && path.indexOf('..') === -1 && path.charAt(0) !== '/') {
				var a = document.createElement('a');
				a.href = String(cfg.uploadsUrl).replace(/\/$/, '') + '/' + path;
				a.textContent = path.split('/').pop();
				a.target = '_blank';
				a.rel = 'noopener';
				$cell.append(a);
			} else {
				$cell.append(document.createTextNode(path));
			}
		});
		return $cell;
	}

	function openLearner(id) {
		var $box = $('#wecoza-demo-learner');
		$('#wecoza-demo-learner-id').val(id);
		// As the MVC learner views: {action, id, nonce: WeCozaLearners.nonce}.
		post({ action: 'wecoza_get_learner', id: id, nonce: cfg.learnerNonce }).done(function (body) {
			if (!body || !body.success || !body.data || typeof body.data !== 'object') {
				$box.prop('hidden', true);
				notice('learner', 'error', failure('wecoza_get_learner', null, body));
				return;
			}
			var l = body.data;
			notice('learner', 'success', '');
			$('#wecoza-demo-learner-name').text([l.title, l.fullName].filter(Boolean).join(' ') + ' (#' + l.id + ')');
			var $body = $box.find('tbody').empty();
			Object.keys(LABELS).forEach(function (key) {
				var value = l[key];
				if (value === null || value === undefined || value === '') {
					return;
				}
				var $tr = $('<tr>').append($('<th scope="row">').text(LABELS[key]));
				$tr.append(key === 'scannedPortfolio' ? portfolioLinks(value) : $('<td>').text(String(value)));
				$body.append($tr);
			});
			$box.prop('hidden', false);
		}).fail(function (xhr) {
			$box.prop('hidden', true);
			notice('learner', 'error', failure('wecoza_get_learner', xhr, xhr.responseJSON));
		});
	}

	// ------------------------------------------------------------------ class calendar (get_calendar_events)
	var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
		'November', 'December'];
	var WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

	function eventDate(e) {
		var start = String(e.start || e.date || '');
		return /^\d{4}-\d{2}-\d{2}/.test(start) ? start.slice(0, 10) : '';
	}

	function eventTime(e) {
		if (e.allDay) { return 'all day'; }
		var start = String(e.start || ''), end = String(e.end || '');
		var t = function (s) { var m = /T(\d{2}:\d{2})/.exec(s); return m ? m[1] : ''; };
		return t(start) + (t(end) ? ' – ' + t(end) : '');
	}

	function counted(n, one, many) {
		return n + ' ' + (n === 1 ? one : many);
	}

	// The sessions the sidecar skips on public holidays show as gaps; the holidays of the class period are listed in
	// their place, as the legacy calendar draws them behind the sessions (get_public_holidays).
	function renderCalendar(events, holidays) {
		var $out = $('#wecoza-demo-calendar').empty();
		var days = events.map(eventDate).filter(Boolean).sort();
		var inPeriod = holidays.filter(function (h) {
			var day = eventDate(h);
			return day && days.length && day >= days[0] && day <= days[days.length - 1];
		});
		var byMonth = {};
		events.concat(inPeriod).forEach(function (e) {
			var day = eventDate(e);
			if (day) { (byMonth[day.slice(0, 7)] = byMonth[day.slice(0, 7)] || []).push(e); }
		});
		var months = Object.keys(byMonth).sort();
		if (!months.length) {
			$('<p>').text('No events for this class.').appendTo($out);
			return;
		}
		$('<p class="description">').text(counted(events.length, 'event', 'events') + ' and '
			+ counted(inPeriod.length, 'public holiday', 'public holidays') + ' in '
			+ counted(months.length, 'month', 'months') + '.').appendTo($out);
		months.forEach(function (month) {
			var list = byMonth[month].sort(function (a, b) {
				return String(a.start).localeCompare(String(b.start));
			});
			var ofType = function (type) {
				return list.filter(function (e) { return (e.extendedProps || {}).type === type; }).length;
			};
			var sessions = ofType('class_session'), free = ofType('public_holiday');
			var $section = $('<div class="wecoza-demo-month">').appendTo($out);
			$('<h3>').text(MONTHS[parseInt(month.slice(5, 7), 10) - 1] + ' ' + month.slice(0, 4) + ' — '
				+ counted(sessions, 'session', 'sessions')
				+ (free ? ', ' + counted(free, 'public holiday', 'public holidays') : '')).appendTo($section);
			var $table = $('<table class="widefat striped"><thead><tr><th>Date</th><th>Day</th><th>Time</th><th>Event</th><th>Type</th></tr></thead><tbody></tbody></table>').appendTo($section);
			list.forEach(function (e) {
				var day = eventDate(e);
				var props = e.extendedProps || {};
				var type = String(props.type || '');
				var $tr = $('<tr>').addClass('wecoza-demo-event-' + type.replace(/[^a-z_]/g, ''));
				var title = e.title || props.description || props.reason || '';
				[day, WEEKDAYS[new Date(day + 'T12:00:00Z').getUTCDay()], eventTime(e), title, type.replace(/_/g, ' ')]
					.forEach(function (v, i) { $('<td>').addClass(i === 4 ? 'type' : '').text(v).appendTo($tr); });
				$table.find('tbody').append($tr);
			});
		});
	}

	// single-class-display.js asks for the holidays of each year the calendar shows, with the calendar nonce.
	function loadHolidays(events) {
		var years = {};
		events.forEach(function (e) { var day = eventDate(e); if (day) { years[day.slice(0, 4)] = true; } });
		return $.when.apply($, Object.keys(years).map(function (year) {
			return post({ action: 'get_public_holidays', year: year, nonce: cfg.calendarNonce }).then(
				function (body) { return $.isArray(body) ? body : []; },
				function () { return $.Deferred().resolve([]).promise(); });
		})).then(function () {
			return [].concat.apply([], Array.prototype.slice.call(arguments));
		});
	}

	function loadCalendar(classId) {
		$('#wecoza-demo-calendar').empty().append($('<p>').text('Loading…'));
		// As single-class-display.js: {action, class_id, nonce: WeCozaSingleClass.calendarNonce}; a raw event array.
		post({ action: 'get_calendar_events', class_id: classId, nonce: cfg.calendarNonce }).done(function (body) {
			if ($.isArray(body)) {
				notice('calendar', 'success', '');
				loadHolidays(body).then(function (holidays) { renderCalendar(body, holidays); });
			} else {
				$('#wecoza-demo-calendar').empty();
				notice('calendar', 'warning', failure('get_calendar_events', null, body));
			}
		}).fail(function (xhr) {
			$('#wecoza-demo-calendar').empty();
			notice('calendar', 'warning', failure('get_calendar_events', xhr));
		});
	}

	// ------------------------------------------------------------------ wiring
	$('#wecoza-demo-refresh').on('click', loadLearners);
	$('#wecoza-demo-search').on('input', filter);
	$('#wecoza-demo-prev').on('click', function () { page -= 1; renderRows(); });
	$('#wecoza-demo-next').on('click', function () { page += 1; renderRows(); });
	$('#wecoza-demo-learners').on('click', '.wecoza-demo-open', function () {
		openLearner(parseInt($(this).attr('data-id'), 10));
	});
	$('#wecoza-demo-open').on('submit', function (event) {
		event.preventDefault();
		var id = parseInt($('#wecoza-demo-learner-id').val(), 10);
		if (id > 0) { openLearner(id); }
	});
	$('#wecoza-demo-calendar-form').on('submit', function (event) {
		event.preventDefault();
		var id = parseInt($('#wecoza-demo-class').val(), 10);
		if (id > 0) { loadCalendar(id); }
	});

	loadLearners();
	// ?learner=ID opens that learner at once (a link from elsewhere, or a screenshot).
	var wanted = parseInt(new URLSearchParams(window.location.search).get('learner'), 10);
	if (wanted > 0) {
		openLearner(wanted);
	}
	if (parseInt($('#wecoza-demo-class').val(), 10) > 0) {
		loadCalendar(parseInt($('#wecoza-demo-class').val(), 10));
	}
});
JS;
	}
}
