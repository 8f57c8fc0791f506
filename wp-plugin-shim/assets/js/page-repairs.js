/**
 * WeCoza sidecar shim: lets the legacy learner capture and update forms' own submit button work.
 *
 * Their submit handler calls form.checkValidity(), which the browser refuses while a hidden field is required:
 * the hidden sponsor template's select (both forms) and communication_level while it is hidden (capture form).
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

	// Runs in the capture phase on document, so before the page's own submit handler on the form.
	function requireCommunicationLevelOnlyWhileShown(event) {
		var form = event.target;
		if (!(form instanceof HTMLFormElement)) {
			return;
		}
		var field = form.elements.namedItem('communication_level');
		if (!(field instanceof HTMLSelectElement || field instanceof HTMLInputElement)) {
			return;
		}
		if (!('wecozaRequired' in field.dataset)) {
			field.dataset.wecozaRequired = field.required ? '1' : '0';
		}
		field.required = field.dataset.wecozaRequired === '1' && isShown(field);
	}

	moveSponsorTemplateOutOfForm();
	document.addEventListener('submit', requireCommunicationLevelOnlyWhileShown, true);
}());
