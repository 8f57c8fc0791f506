/**
 * WeCoza sidecar shim: lets the legacy learner forms' own submit button work, and post the date typed.
 *
 * Their submit handler calls form.checkValidity(), which the browser refuses while a hidden field is required:
 * the hidden sponsor template's select (both forms) and communication_level while it is hidden (capture form).
 * The capture form also renders its assessment date twice under one name, and only the last value posted is kept.
 * Enqueued in the footer by WeCoza_Sidecar_Page_Repairs; a page without those elements is left alone.
 */
(function () {
	'use strict';

	if (window.wecozaSidecarPageRepairs) {
		return;
	}
	window.wecozaSidecarPageRepairs = true;

	// Outside the form the template is neither validated nor posted; the page still clones it by id, and its
	// "+ Add Sponsor" button puts the clones inside the form, where they are validated and posted.
	function moveSponsorTemplateOutOfForm() {
		var template = document.getElementById('sponsor_template');
		var form = template && template.closest ? template.closest('form') : null;
		if (form && form.parentNode) {
			form.parentNode.insertBefore(template, form.nextSibling);
		}
	}

	function isShown(element) {
		return element.getClientRects().length > 0;
	}

	function requireCommunicationLevelOnlyWhileShown(form) {
		var field = form.elements.namedItem('communication_level');
		if (!(field instanceof HTMLSelectElement || field instanceof HTMLInputElement)) {
			return;
		}
		if (!('wecozaRequired' in field.dataset)) {
			field.dataset.wecozaRequired = field.required ? '1' : '0';
		}
		field.required = field.dataset.wecozaRequired === '1' && isShown(field);
	}

	// The capture form renders two placement_assessment_date inputs (same name and id); its script shows only the
	// first (it finds them by id), yet the browser posts both and PHP keeps the last: the typed date was lost.
	var KEPT_IN_STEP = ['placement_assessment_date'];

	function sameNamedControls(form, name) {
		var named = form.elements.namedItem(name);
		return named instanceof RadioNodeList ? Array.prototype.slice.call(named) : [];
	}

	// The admin changed one of the duplicates: the others take its value, so whichever one is kept holds it.
	function keepDuplicatesInStep(event) {
		var control = event.target;
		if (!(control instanceof HTMLInputElement) || !control.form || KEPT_IN_STEP.indexOf(control.name) < 0) {
			return;
		}
		sameNamedControls(control.form, control.name).forEach(function (other) {
			if (other !== control && other.value !== control.value) {
				other.value = control.value;
			}
		});
	}

	// A value set without an input event (a script, autofill) still reaches the empty duplicates.
	function fillEmptyDuplicates(form) {
		KEPT_IN_STEP.forEach(function (name) {
			var controls = sameNamedControls(form, name);
			var filled = controls.filter(function (control) {
				return control.value !== '';
			})[0];
			controls.forEach(function (control) {
				if (filled && control.value === '') {
					control.value = filled.value;
				}
			});
		});
	}

	// Runs in the capture phase on document, so before the page's own submit handler on the form.
	function beforePageSubmit(event) {
		var form = event.target;
		if (form instanceof HTMLFormElement) {
			requireCommunicationLevelOnlyWhileShown(form);
			fillEmptyDuplicates(form);
		}
	}

	moveSponsorTemplateOutOfForm();
	document.addEventListener('input', keepDuplicatesInStep, true);
	document.addEventListener('change', keepDuplicatesInStep, true);
	document.addEventListener('submit', beforePageSubmit, true);
}());
