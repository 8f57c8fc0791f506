/* The class capture/edit page's behaviour, as the recordings show it (see class-capture.php). */
function wecozaTestClassCapture(ajaxUrl) {
	'use strict';
	var form = document.getElementById('classes-form');
	var field = function (name) { return form.querySelector('[name="' + name + '"]'); };
	var all = function (name) { return Array.prototype.slice.call(form.querySelectorAll('[name="' + name + '"]')); };

	// A start date fills every empty backup agent date and exception date, the hidden template rows included.
	document.getElementById('class_start_date').addEventListener('change', function () {
		var date = this.value;
		field('schedule_start_date').value = date;
		all('backup_agent_dates[]').concat(all('exception_dates[]')).forEach(function (input) {
			if (!input.value) { input.value = date; }
		});
	});

	all('schedule_days[]').forEach(function (box) {
		box.addEventListener('change', function () {
			form.querySelectorAll('.day-times[data-day="' + box.value + '"] input').forEach(function (input) {
				input.disabled = !box.checked;
			});
		});
	});

	// "Add" buttons clone the group's template row in front of it (real rows come before the template).
	form.querySelectorAll('.add-row').forEach(function (button) {
		button.addEventListener('click', function () {
			var template = form.querySelector('.' + button.dataset.group + '-row.row-template');
			var row = template.cloneNode(true);
			row.classList.remove('row-template', 'd-none');
			template.parentNode.insertBefore(row, template);
		});
	});

	document.getElementById('add_learner_btn').addEventListener('click', function () {
		var pick = document.getElementById('learner_pick');
		var data = JSON.parse(field('class_learners_data').value || '[]');
		data.push({id: pick.value, name: pick.options[pick.selectedIndex].text, level: '',
			status: 'CIC - Currently in Class'});
		field('class_learners_data').value = JSON.stringify(data);
	});

	function hidden(container, name, value) {
		var input = document.createElement('input');
		input.type = 'hidden';
		input.name = name;
		input.value = value;
		container.appendChild(input);
	}

	// What the schedule script writes before the form is read: the schedule as schedule_data[...] fields.
	function writeScheduleData() {
		var box = document.getElementById('schedule-data-container');
		box.innerHTML = '';
		hidden(box, 'schedule_data[pattern]', field('schedule_pattern').value);
		hidden(box, 'schedule_data[start_date]', field('schedule_start_date').value);
		if (form.dataset.edit === '1') { hidden(box, 'schedule_data[end_date]', field('schedule_end_date').value); }
		hidden(box, 'schedule_data[version]', '2.0');
		hidden(box, 'schedule_data[last_updated]', new Date().toISOString());
		hidden(box, 'schedule_data[time_mode]', 'per_day');
		var days = all('schedule_days[]').filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
		days.forEach(function (day) {
			var start = field('day_start_time[' + day + ']').value, end = field('day_end_time[' + day + ']').value;
			var minutes = function (t) { return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)); };
			hidden(box, 'schedule_data[per_day_times][' + day + '][start_time]', start);
			hidden(box, 'schedule_data[per_day_times][' + day + '][end_time]', end);
			hidden(box, 'schedule_data[per_day_times][' + day + '][duration]', ((minutes(end) - minutes(start)) / 60).toFixed(2));
		});
		days.forEach(function (day, i) { hidden(box, 'schedule_data[selected_days][' + i + ']', day); });
		var n = 0;
		form.querySelectorAll('.exception-row:not(.row-template)').forEach(function (row) {
			var date = row.querySelector('[name="exception_dates[]"]').value;
			if (!date) { return; }
			hidden(box, 'schedule_data[exception_dates][' + n + '][date]', date);
			hidden(box, 'schedule_data[exception_dates][' + n + '][reason]', row.querySelector('[name="exception_reasons[]"]').value);
			n += 1;
		});
	}

	form.addEventListener('submit', function (event) {
		event.preventDefault();
		writeScheduleData();
		var data = new FormData(form);
		data.append('action', 'save_class');
		data.append('nonce', field('nonce').value);
		var messages = document.getElementById('form-messages');
		fetch(ajaxUrl, {method: 'POST', body: data, credentials: 'same-origin'})
			.then(function (response) { return response.json(); })
			.then(function (answer) {
				messages.dataset.success = answer.success ? '1' : '0';
				messages.textContent = typeof answer.data === 'string' ? answer.data : (answer.data.message || '');
			})
			.catch(function (error) { messages.dataset.success = '0'; messages.textContent = String(error); });
	});
}
