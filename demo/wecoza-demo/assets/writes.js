/*
 * The demo's write pages (Learner writes, Class writes). Plain JavaScript, no build step.
 * Every request carries the fields and the nonce the WeCoza pages send (../shared/recordings/page-requests.json);
 * each answer is shown as text (never as HTML), followed by the hooks the shim fired for it.
 */
(function () {
	'use strict';
	var cfg = window.WeCozaDemoWrites || {};
	var N = cfg.nonces || {};
	var hookSeq = parseInt(cfg.hookSeq, 10) || 0;
	var DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

	function $(id) { return document.getElementById(id); }
	function el(tag, text, cls) {
		var node = document.createElement(tag);
		if (text !== undefined && text !== null) { node.textContent = String(text); }
		if (cls) { node.className = cls; }
		return node;
	}
	function counted(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
	function option(value, text) { var o = el('option', text); o.value = String(value); return o; }
	function fill(select, items, keepFirst) {
		while (select.options.length > (keepFirst ? 1 : 0)) { select.remove(select.options.length - 1); }
		items.forEach(function (item) { select.appendChild(option(item.id, item.name)); });
	}
	function params(pairs) {
		var body = new URLSearchParams();
		pairs.forEach(function (p) { body.append(p[0], p[1]); });
		return body;
	}
	function describeFields(body) {
		var lines = [];
		body.forEach(function (value, key) {
			lines.push(key + ' = ' + (value instanceof File ? '[file ' + value.name + ', ' + value.size + ' bytes]' : value));
		});
		return lines.join('\n');
	}

	// ------------------------------------------------------------------ answers and hooks
	function answerBox(id) {
		var box = $('wecoza-demo-answer-' + id);
		return box && {
			box: box,
			notice: box.querySelector('.notice'),
			summary: box.querySelector('.wecoza-demo-summary'),
			exchange: box.querySelector('.wecoza-demo-exchange'),
			hooks: box.querySelector('.wecoza-demo-hooks')
		};
	}

	function show(id, ok, summary, exchange) {
		var a = answerBox(id);
		a.box.hidden = false;
		a.box.setAttribute('data-state', ok ? 'success' : 'error');
		a.notice.className = 'notice inline ' + (ok ? 'notice-success' : 'notice-error');
		a.summary.textContent = summary;
		a.exchange.textContent = exchange;
	}

	function showHooks(id, entries, done) {
		var list = answerBox(id).hooks;
		list.textContent = '';
		entries.forEach(function (e) {
			var item = el('li');
			item.appendChild(el('code', e.hook));
			item.appendChild(document.createTextNode(' ' + JSON.stringify(e.payload) + ' (' + e.request + ')'));
			item.setAttribute('data-hook', e.hook);
			list.appendChild(item);
		});
		if (!entries.length) {
			list.appendChild(el('li', done ? 'none' : 'waiting…'));
		}
	}

	// The shim fires hooks after it has sent the answer: ask the demo's hook log a few times.
	function collectHooks(id, after, callback) {
		var tries = 0, found = [];
		function ask() {
			tries += 1;
			post(params([['action', 'wecoza_demo_hook_log'], ['nonce', N.hookLog], ['after', after]])).then(function (r) {
				var data = r.json && r.json.success ? r.json.data : { entries: [], seq: after };
				found = data.entries || [];
				hookSeq = Math.max(hookSeq, data.seq || 0);
				var settled = found.length && tries >= 2;
				showHooks(id, found, settled || tries >= 6);
				if (settled || tries >= 6) {
					answerBox(id).box.setAttribute('data-hooks', 'done');
					if (callback) { callback(found); }
				} else {
					setTimeout(ask, 400);
				}
			});
		}
		answerBox(id).box.setAttribute('data-hooks', 'waiting');
		showHooks(id, [], false);
		setTimeout(ask, 300);
	}

	function post(body, url) {
		return fetch(url || cfg.ajaxUrl, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (response) {
			return response.text().then(function (text) {
				var json = null;
				try { json = JSON.parse(text); } catch (e) { json = null; }
				return { status: response.status, text: text, json: json, url: response.url };
			});
		});
	}

	// What admin-ajax answered, as one sentence.
	function verdict(action, r) {
		if (r.status === 400 && r.text.trim() === '0') { return action + ': admin-ajax answered 0: not routed to the sidecar, or the session ended.'; }
		if (r.text.trim() === '-1') { return action + ': the nonce was refused (-1). Reload the page.'; }
		if (r.json && r.json.success === true) {
			var d = r.json.data;
			return action + ': done' + (d && d.message ? ': ' + d.message : (typeof d === 'string' ? ': ' + d : '.'));
		}
		if (Array.isArray(r.json)) { return action + ': ' + counted(r.json.length, 'item', 'items') + '.'; }
		var data = r.json ? r.json.data : null;
		var message = data && typeof data === 'object' ? data.message : data;
		return action + ': refused (HTTP ' + r.status + ')' + (message ? ': ' + message : '.');
	}

	// Sends one write, shows its answer, then its hooks. Resolves with the response.
	function send(id, action, body, url, since) {
		var before = since === undefined ? hookSeq : since;
		return post(body, url).then(function (r) {
			var ok = !!(r.json && r.json.success === true);
			show(id, ok, verdict(action, r), 'POST ' + (url || cfg.ajaxUrl) + '\n' + describeFields(body) + '\n\nHTTP ' + r.status + '\n' + r.text);
			collectHooks(id, before);
			return r;
		});
	}

	function whenHooks(id, after, callback) { collectHooks(id, after, callback); }

	// ================================================================== learners
	function learnerPage() {
		var form = $('wd-learner-form');
		var learnerId = function () { return parseInt($('wd-learner').value, 10) || 0; };
		var formMode = 'create';

		// As the capture form: the lookups come from fetch_learners_dropdown_data (no nonce).
		post(params([['action', 'fetch_learners_dropdown_data']])).then(function (r) {
			var data = r.json && r.json.success ? r.json.data : {};
			form.querySelectorAll('select[data-lookup]').forEach(function (select) {
				fill(select, data[select.getAttribute('data-lookup')] || [], select.name === 'employer_id');
			});
		});

		function setMode(mode, id) {
			formMode = mode;
			$('wd-learner-form-title').firstChild.textContent = mode === 'update' ? 'Update learner #' + id + ' ' : 'Capture a learner ';
			$('wd-learner-form-title').querySelector('code').textContent = mode === 'update' ? 'form post: learners_update' : 'form post: learners_create';
		}

		$('wd-learner-new').addEventListener('click', function () { form.reset(); setMode('create'); });
		$('wd-learner-load').addEventListener('click', function () {
			var id = learnerId();
			if (!id) { return; }
			delete form.dataset.loaded;
			// As the update form's pre-fill: wecoza_get_learner_form_values with WeCozaLearners.nonce.
			post(params([['action', 'wecoza_get_learner_form_values'], ['id', id], ['nonce', N.learnerAction]])).then(function (r) {
				if (!(r.json && r.json.success)) { show('learner-form', false, verdict('wecoza_get_learner_form_values', r), r.text); return; }
				var values = r.json.data || {};
				Array.prototype.forEach.call(form.elements, function (field) {
					if (!field.name || field.type === 'file') { return; }
					var key = field.name.replace(/_([a-z0-9])/g, function (m, c) { return c.toUpperCase(); });
					var value = values[key] !== undefined ? values[key] : values[field.name];
					if (value === null || value === undefined) { value = ''; }
					if (typeof value === 'boolean') { value = value ? '1' : '0'; }
					field.value = String(value);
				});
				setMode('update', id);
				form.dataset.loaded = String(id);
			});
		});

		form.addEventListener('submit', function (event) {
			event.preventDefault();
			var update = formMode === 'update';
			var body = new FormData();
			// The forms' first fields: their nonce field and the referer (wp_nonce_field).
			body.append(update ? 'wecoza_learners_update_form_nonce' : 'wecoza_learners_form_nonce', update ? N.updateForm : N.captureForm);
			body.append('_wp_http_referer', window.location.pathname + window.location.search);
			if (update) { body.append('learner_id', String(learnerId())); }
			new FormData(form).forEach(function (value, key) {
				if (value instanceof File && !value.name) { return; }
				body.append(key, value);
			});
			if (!body.get('initials')) {
				body.set('initials', ((body.get('first_name') || '').charAt(0) + (body.get('second_name') || '').charAt(0)).toUpperCase());
			}
			var before = hookSeq;
			var name = update ? 'learners_update' : 'learners_create';
			post(body, cfg.formPostUrl).then(function (r) {
				var flash = r.json && r.json.found ? r.json : null;
				var ok = !!(flash && flash.success);
				show('learner-form', ok, flash ? name + ': ' + flash.message : name + ': no answer to show (HTTP ' + r.status + ', landed on ' + r.url + ')',
					'POST ' + cfg.formPostUrl + ' (multipart; the shim answers 303, then the page shows its message)\n' + describeFields(body) + '\n\n' + r.text);
				whenHooks('learner-form', before, function (hooks) {
					hooks.forEach(function (h) {
						if (h.hook === 'wecoza_learner_created' && h.payload.learner_id) {
							$('wd-learner').value = h.payload.learner_id;
							setMode('update', h.payload.learner_id);
						}
					});
				});
			});
		});

		$('wd-quick').addEventListener('submit', function (event) {
			event.preventDefault();
			var action = $('wd-quick-action').value;
			// learners-app.js's edit modal: {action, id, nonce: WeCozaLearners.nonce, fields...}
			send('quick', action, params([['action', action], ['id', learnerId()], ['nonce', N.learnerAction],
				[$('wd-quick-field').value, $('wd-quick-value').value]]));
		});

		function loadPortfolios() {
			var tbody = $('wd-portfolios').querySelector('tbody');
			tbody.textContent = '';
			post(params([['action', 'wecoza_demo_portfolios'], ['learner_id', learnerId()], ['nonce', N.records]])).then(function (r) {
				(r.json && r.json.success ? r.json.data : []).forEach(function (p) {
					var tr = el('tr');
					tr.appendChild(el('td', p.portfolio_id));
					var cell = el('td');
					var link = el('a', String(p.file_path).split('/').pop());
					link.href = String(cfg.uploadsUrl).replace(/\/$/, '') + '/' + p.file_path;
					link.target = '_blank';
					link.rel = 'noopener';
					cell.appendChild(link);
					tr.appendChild(cell);
					tr.appendChild(el('td', p.upload_date));
					var button = el('button', 'Delete', 'button button-small wd-portfolio-delete');
					button.type = 'button';
					button.setAttribute('data-id', p.portfolio_id);
					var last = el('td');
					last.appendChild(button);
					tr.appendChild(last);
					tbody.appendChild(tr);
				});
				if (!tbody.children.length) { tbody.appendChild(el('tr')).appendChild(el('td', 'No portfolio.')).colSpan = 4; }
			});
		}
		$('wd-portfolios-load').addEventListener('click', loadPortfolios);
		$('wd-portfolios').addEventListener('click', function (event) {
			var id = event.target.getAttribute('data-id');
			if (!event.target.classList.contains('wd-portfolio-delete') || !id) { return; }
			// The update page's delete button: {action, nonce: WeCozaLearners.nonce, portfolio_id, learner_id}
			send('portfolio', 'delete_learner_portfolio', params([['action', 'delete_learner_portfolio'], ['nonce', N.learnerAction],
				['portfolio_id', id], ['learner_id', learnerId()]])).then(loadPortfolios);
		});

		$('wd-delete').addEventListener('submit', function (event) {
			event.preventDefault();
			var action = $('wd-delete-action').value;
			// The list view's delete button: {action, id, nonce: WeCozaLearners.nonce}
			send('delete', action, params([['action', action], ['id', learnerId()], ['nonce', N.learnerAction]]));
		});

		var wanted = parseInt(new URLSearchParams(window.location.search).get('learner'), 10);
		if (wanted > 0) { $('wd-learner').value = wanted; }
	}

	// ================================================================== classes
	function classPage() {
		var picker = $('wd-class');
		var lookups = cfg.lookups || {};
		var classId = function () { return parseInt(picker.value, 10) || 0; };
		(cfg.classes || []).forEach(function (c) { picker.appendChild(option(c.id, c.code + ' — ' + c.type + ' ' + c.subject + ' (#' + c.id + ')')); });
		fill($('wd-client_id'), lookups.clients || []);
		fill($('wd-agent'), lookups.agents || []);
		fill($('wd-supervisor'), lookups.agents || []);
		function fillSites() {
			var client = parseInt($('wd-client_id').value, 10);
			fill($('wd-site_id'), (lookups.sites || []).filter(function (s) { return s.client_id === client; }));
		}
		$('wd-client_id').addEventListener('change', fillSites);
		fillSites();

		function loadSubjects(selected) {
			// The class form fetches subjects with a plain GET and no nonce.
			return fetch(cfg.ajaxUrl + '?action=get_class_subjects&class_type=' + encodeURIComponent($('wd-class_type').value), { credentials: 'same-origin' })
				.then(function (response) { return response.json(); })
				.then(function (body) {
					fill($('wd-class_subject'), body && body.success ? body.data : []);
					if (selected) { $('wd-class_subject').value = selected; }
				});
		}
		var typesLoaded = post(params([['action', 'get_class_types']])).then(function (r) {
			fill($('wd-class_type'), r.json && r.json.success ? r.json.data : []);
			return loadSubjects();
		});
		$('wd-class_type').addEventListener('change', function () { loadSubjects(); });

		post(params([['action', 'fetch_learners_data'], ['nonce', N.learners]])).then(function (r) {
			var rows = new DOMParser().parseFromString('<table><tbody>' + (r.json && r.json.success ? r.json.data : '') + '</tbody></table>', 'text/html');
			var select = $('wd-learners');
			rows.querySelectorAll('tbody > tr').forEach(function (tr) {
				var cells = tr.querySelectorAll('td');
				var button = tr.querySelector('[data-id]');
				if (cells.length < 2 || !button) { return; }
				var name = cells[0].textContent.trim();
				select.appendChild(option(button.getAttribute('data-id'), name + ' (#' + button.getAttribute('data-id') + ')'));
			});
		});

		var today = new Date();
		var iso = function (d) { return d.toISOString().slice(0, 10); };
		$('wd-start').value = iso(today);
		$('wd-end').value = iso(new Date(today.getTime() + 12 * 7 * 86400000));
		$('wd-agent-start').value = iso(today);
		$('wd-qa-date').value = iso(today);

		function chosenDays() {
			var out = [];
			document.querySelectorAll('.wd-day').forEach(function (box) { if (box.checked) { out.push(box.value); } });
			return out;
		}
		function dayTime(day, cls) { return document.querySelector('.' + cls + '[data-day="' + day + '"]').value; }
		function hours(start, end) {
			var a = start.split(':'), b = end.split(':');
			return ((b[0] * 60 + +b[1]) - (a[0] * 60 + +a[1])) / 60;
		}

		function loadClass() {
			var id = classId();
			$('wd-class-form-title').firstChild.textContent = id ? 'Edit class #' + id + ' and its schedule ' : 'Create a class and its schedule ';
			if (!id) { return; }
			post(params([['action', 'wecoza_demo_class'], ['class_id', id], ['nonce', N.records]])).then(function (r) {
				if (!(r.json && r.json.success)) { return; }
				var c = r.json.data;
				$('wd-client_id').value = c.client_id || '';
				fillSites();
				$('wd-site_id').value = c.site_id || '';
				$('wd-site_address').value = c.class_address_line || '';
				$('wd-class_duration').value = c.class_duration || '';
				$('wd-agent').value = c.initial_class_agent || '';
				$('wd-agent-start').value = c.initial_agent_start_date || '';
				$('wd-supervisor').value = c.project_supervisor_id || '';
				typesLoaded.then(function () {
					$('wd-class_type').value = c.class_type || '';
					loadSubjects(c.class_subject);
				});
				var s = c.schedule_data || {};
				var times = (s.timeData || {}).perDayTimes || (s.timeData || {}).perDay || {};
				$('wd-start').value = s.startDate || c.original_start_date || '';
				$('wd-end').value = s.endDate || '';
				$('wd-pattern').value = s.pattern === 'biweekly' ? 'biweekly' : 'weekly';
				document.querySelectorAll('.wd-day').forEach(function (box) {
					var t = times[box.value];
					box.checked = (s.selectedDays || []).indexOf(box.value) !== -1;
					if (t) {
						document.querySelector('.wd-day-start[data-day="' + box.value + '"]').value = t.start_time || t.startTime || '09:00';
						document.querySelector('.wd-day-end[data-day="' + box.value + '"]').value = t.end_time || t.endTime || '12:00';
					}
				});
				var chosen = (c.learner_ids || []).map(function (l) { return String(l.id); });
				Array.prototype.forEach.call($('wd-learners').options, function (o) { o.selected = chosen.indexOf(o.value) !== -1; });
			});
		}
		picker.addEventListener('change', function () { loadClass(); loadNotes(); loadVisits(); $('wd-calendar').textContent = ''; });

		// FormData of #classes-form as the capture / update page sends it, then action and nonce
		// (docs/contracts/classes.md#the-class-form-fields): the hidden template rows' empty values last,
		// the schedule_data[...] fields the schedule script writes.
		function classFields() {
			var id = classId();
			var days = chosenDays();
			var start = $('wd-start').value, end = $('wd-end').value;
			var f = [['class_id', id ? String(id) : 'auto-generated'], ['redirect_url', ''], ['nonce', N['class']],
				['client_id', $('wd-client_id').value], ['site_id', $('wd-site_id').value]];
			if (!id) { f.push(['site_address', $('wd-site_address').value]); }
			f.push(['class_type', $('wd-class_type').value]);
			f.push(['class_subject', $('wd-class_subject').value], ['class_duration', $('wd-class_duration').value]);
			if (!id) {
				var client = $('wd-client_id').selectedOptions[0];
				var letters = (client ? client.textContent : 'XXX').toUpperCase().replace(/[^A-Z]/g, '').slice(0, 3);
				f.push(['class_code', letters + start.slice(5, 7) + start.slice(8, 10) + '09']);
			}
			f.push(['class_start_date', start], ['schedule_start_date', start], ['schedule_pattern', $('wd-pattern').value]);
			days.forEach(function (d) { f.push(['schedule_days[]', d]); });
			f.push(['schedule_day_of_month', '']);
			days.forEach(function (d) { f.push(['day_start_time[' + d + ']', dayTime(d, 'wd-day-start')], ['day_end_time[' + d + ']', dayTime(d, 'wd-day-end')]); });
			f.push(['exception_dates[]', ''], ['exception_reasons[]', ''], ['schedule_data[holiday_overrides]', '{}'],
				['stop_dates[]', ''], ['restart_dates[]', ''], ['schedule_end_date', end],
				['event_types[]', ''], ['event_descriptions[]', ''], ['event_dates_input[]', ''], ['event_statuses[]', 'Pending'], ['event_notes[]', ''],
				['seta_funded', 'No'], ['seta_id', ''], ['exam_class', 'No'], ['exam_type', ''],
				['schedule_data[pattern]', $('wd-pattern').value], ['schedule_data[start_date]', start], ['schedule_data[end_date]', end],
				['schedule_data[version]', '2.0'], ['schedule_data[last_updated]', new Date().toISOString()], ['schedule_data[time_mode]', 'per_day']);
			days.forEach(function (d) {
				var s = dayTime(d, 'wd-day-start'), e = dayTime(d, 'wd-day-end');
				f.push(['schedule_data[per_day_times][' + d + '][start_time]', s], ['schedule_data[per_day_times][' + d + '][end_time]', e],
					['schedule_data[per_day_times][' + d + '][duration]', hours(s, e).toFixed(2)]);
			});
			days.forEach(function (d, i) { f.push(['schedule_data[selected_days][' + i + ']', d]); });
			var learners = Array.prototype.filter.call($('wd-learners').options, function (o) { return o.selected; }).map(function (o) {
				return { id: o.value, name: o.textContent.replace(/ \(#\d+\)$/, ''), level: $('wd-class_subject').value, status: 'CIC - Currently in Class' };
			});
			f.push(['class_learners_data', JSON.stringify(learners)], ['exam_learners', '[]'],
				['initial_class_agent', $('wd-agent').value], ['initial_agent_start_date', $('wd-agent-start').value],
				['project_supervisor', $('wd-supervisor').value], ['backup_agent_ids[]', ''], ['backup_agent_dates[]', ''],
				['action', 'save_class'], ['nonce', N['class']]);
			if (!id) { f.splice(f.length - 2, 0, ['exam_learner_count', '0']); }
			var body = new FormData();
			f.forEach(function (p) { body.append(p[0], p[1]); });
			return body;
		}

		$('wd-class-form').addEventListener('submit', function (event) {
			event.preventDefault();
			if (!chosenDays().length) { show('class-form', false, 'Choose at least one day.', ''); return; }
			send('class-form', 'save_class', classFields()).then(function (r) {
				var data = r.json && r.json.success ? r.json.data : null;
				var newId = data && (data.class_id || (data['class'] && data['class'].class_id));
				if (newId && !classId()) {
					picker.appendChild(option(newId, 'New class #' + newId));
					picker.value = String(newId);
					loadClass();
				}
			});
		});

		// ------------------------------------------------------------ notes
		function loadNotes() {
			var tbody = $('wd-notes').querySelector('tbody');
			tbody.textContent = '';
			if (!classId()) { return; }
			post(params([['action', 'get_class_notes'], ['nonce', N['class']], ['class_id', classId()]])).then(function (r) {
				var notes = r.json && r.json.success ? (r.json.data.notes || []) : [];
				notes.forEach(function (n) {
					var tr = el('tr');
					tr.appendChild(el('td', n.content));
					tr.appendChild(el('td', (n.category || []).join(', ')));
					tr.appendChild(el('td', n.priority));
					var files = el('td');
					(n.attachments || []).forEach(function (a) {
						var link = el('a', a.name || a.filename || 'file');
						if (/^https?:\/\//.test(String(a.url))) { link.href = a.url; link.target = '_blank'; link.rel = 'noopener'; }
						files.appendChild(link);
					});
					tr.appendChild(files);
					var button = el('button', 'Delete', 'button button-small wd-note-delete');
					button.type = 'button';
					button.setAttribute('data-id', n.id);
					tr.appendChild(el('td')).appendChild(button);
					tbody.appendChild(tr);
				});
				if (!notes.length) { tbody.appendChild(el('tr')).appendChild(el('td', 'No notes.')).colSpan = 5; }
			});
		}
		$('wd-note').addEventListener('submit', function (event) {
			event.preventDefault();
			if (!classId()) { show('note', false, 'Choose a class first.', ''); return; }
			var note = [['action', 'save_class_note'], ['nonce', N['class']], ['class_id', classId()], ['note[id]', ''],
				['note[content]', $('wd-note-content').value], ['note[category][]', $('wd-note-category').value],
				['note[priority]', $('wd-note-priority').value]];
			var file = $('wd-note-file').files[0];
			var before = hookSeq;
			var upload = Promise.resolve(null);
			if (file) {
				// The notes form uploads the file first: {action, nonce, file, context: class_notes}.
				var body = new FormData();
				body.append('action', 'upload_attachment');
				body.append('nonce', N['class']);
				body.append('file', file);
				body.append('context', 'class_notes');
				upload = post(body).then(function (r) {
					if (r.json && r.json.success) { return r.json.data; }
					show('note', false, verdict('upload_attachment', r), describeFields(body) + '\n\nHTTP ' + r.status + '\n' + r.text);
					return false;
				});
			}
			upload.then(function (a) {
				if (a === false) { return; }
				if (a) {
					note.push(['note[attachments][0][id]', a.id], ['note[attachments][0][url]', a.url], ['note[attachments][0][name]', file.name],
						['note[attachments][0][size]', String(a.filesize)], ['note[attachments][0][type]', a.filetype]);
				}
				return send('note', 'save_class_note', params(note), undefined, before).then(function () {
					$('wd-note').reset();
					loadNotes();
				});
			});
		});
		$('wd-notes').addEventListener('click', function (event) {
			var id = event.target.getAttribute('data-id');
			if (!event.target.classList.contains('wd-note-delete') || !id) { return; }
			send('note', 'delete_class_note', params([['action', 'delete_class_note'], ['nonce', N['class']], ['class_id', classId()], ['note_id', id]])).then(loadNotes);
		});

		// ------------------------------------------------------------ QA visits
		function loadVisits() {
			var tbody = $('wd-qa-visits').querySelector('tbody');
			tbody.textContent = '';
			if (!classId()) { return; }
			post(params([['action', 'get_qa_visits'], ['nonce', N.qa], ['class_id', classId()]])).then(function (r) {
				var rows = r.json && r.json.success && Array.isArray(r.json.data) ? r.json.data : [];
				rows.forEach(function (v) {
					var tr = el('tr');
					[v.visit_date, v.visit_type, v.officer_name].forEach(function (x) { tr.appendChild(el('td', x)); });
					tbody.appendChild(tr);
				});
				if (!rows.length) { tbody.appendChild(el('tr')).appendChild(el('td', 'No visits.')).colSpan = 3; }
			});
		}
		$('wd-qa').addEventListener('submit', function (event) {
			event.preventDefault();
			if (!classId()) { show('qa', false, 'Choose a class first.', ''); return; }
			send('qa', 'create_qa_visit', params([['action', 'create_qa_visit'], ['nonce', N.qa], ['class_id', classId()],
				['visit_date', $('wd-qa-date').value], ['visit_type', $('wd-qa-type').value], ['officer_name', $('wd-qa-officer').value]])).then(loadVisits);
		});

		// ------------------------------------------------------------ calendar with public holidays
		function dateOf(e) { var s = String(e.start || e.date || ''); return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : ''; }
		$('wd-calendar-load').addEventListener('click', function () {
			var out = $('wd-calendar');
			out.textContent = 'Loading…';
			if (!classId()) { out.textContent = 'Choose a class first.'; return; }
			// single-class-display.js: {action, class_id, nonce: calendarNonce}, then the holidays of each year shown.
			post(params([['action', 'get_calendar_events'], ['class_id', classId()], ['nonce', N.calendar]])).then(function (r) {
				var events = Array.isArray(r.json) ? r.json : [];
				var years = {};
				events.forEach(function (e) { var d = dateOf(e); if (d) { years[d.slice(0, 4)] = true; } });
				return Promise.all(Object.keys(years).map(function (y) {
					return post(params([['action', 'get_public_holidays'], ['year', y], ['nonce', N.calendar]])).then(function (h) { return Array.isArray(h.json) ? h.json : []; });
				})).then(function (lists) { renderCalendar(out, events, [].concat.apply([], lists), r); });
			});
		});

		function renderCalendar(out, events, holidays, r) {
			out.textContent = '';
			if (!Array.isArray(r.json)) { out.appendChild(el('p', verdict('get_calendar_events', r))); return; }
			var holidayOn = {};
			holidays.forEach(function (h) { var d = dateOf(h); if (d) { holidayOn[d] = h.title || 'Public holiday'; } });
			var rows = events.map(function (e) { return { date: dateOf(e), e: e }; }).filter(function (x) { return x.date; });
			var first = rows.length ? rows.reduce(function (a, b) { return a.date < b.date ? a : b; }).date : '';
			var last = rows.length ? rows.reduce(function (a, b) { return a.date > b.date ? a : b; }).date : '';
			Object.keys(holidayOn).forEach(function (d) {
				if (d >= first && d <= last) { rows.push({ date: d, holiday: holidayOn[d] }); }
			});
			rows.sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : (a.holiday ? -1 : 1); });
			var sessions = events.filter(function (e) { return (e.extendedProps || {}).type === 'class_session'; }).length;
			var holidaysInPeriod = Object.keys(holidayOn).filter(function (d) { return d >= first && d <= last; }).length;
			out.appendChild(el('p', counted(sessions, 'session', 'sessions') + ', ' + counted(holidaysInPeriod, 'public holiday', 'public holidays') + ' in the class period.', 'description'));
			var table = el('table', null, 'widefat striped');
			var head = table.appendChild(el('thead')).appendChild(el('tr'));
			['Date', 'Day', 'Time', 'Event', 'Type'].forEach(function (t) { head.appendChild(el('th', t)); });
			var tbody = table.appendChild(el('tbody'));
			rows.forEach(function (x) {
				var tr = el('tr');
				var day = DAYS[(new Date(x.date + 'T12:00:00Z').getUTCDay() + 6) % 7];
				if (x.holiday) {
					tr.className = 'wd-holiday';
					[x.date, day, 'all day', x.holiday, 'public holiday'].forEach(function (t) { tr.appendChild(el('td', t)); });
				} else {
					var props = x.e.extendedProps || {};
					var time = x.e.allDay ? 'all day' : (String(x.e.start).slice(11, 16) + (x.e.end ? ' – ' + String(x.e.end).slice(11, 16) : ''));
					tr.className = 'wd-event-' + String(props.type || '').replace(/[^a-z_]/g, '');
					[x.date, day, time, x.e.title || props.description || '', String(props.type || '').replace(/_/g, ' ')].forEach(function (t) { tr.appendChild(el('td', t)); });
				}
				tbody.appendChild(tr);
			});
			out.appendChild(table);
		}

		var wanted = parseInt(new URLSearchParams(window.location.search).get('class'), 10);
		if (wanted > 0) { picker.value = String(wanted); }
		loadClass();
		loadNotes();
		loadVisits();
	}

	document.addEventListener('DOMContentLoaded', function () {
		if ($('wecoza-demo-learner-writes')) { learnerPage(); }
		if ($('wecoza-demo-class-writes')) { classPage(); }
	});
}());
