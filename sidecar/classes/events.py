"""Domain events of the class and QA actions: each name, and what its one array argument holds.

Payloads hold ids and field NAMES only, never personal values; the outbox adds ``event_id``,
``user_id`` (the acting WordPress user) and ``time`` (UTC, ISO 8601) to each. ``sidecar.event_catalogue``
gathers both modules' ``EVENTS``: ``emit`` refuses any other name, and docs/hooks.md is generated from it.
"""
from __future__ import annotations

CLASS_CREATED = "wecoza_class_created"
CLASS_UPDATED = "wecoza_class_updated"
CLASS_DELETED = "wecoza_class_deleted"
AGENT_REPLACEMENTS_SAVED = "wecoza_class_agent_replacements_saved"
NOTE_SAVED = "wecoza_class_note_saved"
NOTE_DELETED = "wecoza_class_note_deleted"
ATTACHMENT_UPLOADED = "wecoza_class_attachment_uploaded"
QA_VISIT_CREATED = "wecoza_qa_visit_created"
QA_VISIT_UPDATED = "wecoza_qa_visit_updated"
QA_VISIT_DELETED = "wecoza_qa_visit_deleted"
QA_REPORT_DELETED = "wecoza_qa_report_deleted"
QA_QUESTION_SUBMITTED = "wecoza_qa_question_submitted"
PROGRESSION_STARTED = "wecoza_progression_started"
PROGRESSION_PUT_ON_HOLD = "wecoza_progression_put_on_hold"

EVENTS = {
    CLASS_CREATED: "class_id; fields (names of the class columns set by the form); learner_count",
    CLASS_UPDATED: "class_id; fields (names of the class columns whose stored value changed); "
                   "learners_added, learners_removed (learner ids)",
    CLASS_DELETED: "class_id",
    AGENT_REPLACEMENTS_SAVED: "class_id; count (replacement rows now stored for the class)",
    NOTE_SAVED: "class_id; note_id; created (true for a new note, false for an edit); "
                "fields (names of the note fields the request set)",
    NOTE_DELETED: "class_id; note_id",
    ATTACHMENT_UPLOADED: "relative_path (below the uploads directory); context",
    QA_VISIT_CREATED: "visit_id; class_id; has_report (whether a report file is attached)",
    QA_VISIT_UPDATED: "visit_id; class_id; fields (names of the visit fields that changed)",
    QA_VISIT_DELETED: "visit_id; class_id",
    QA_REPORT_DELETED: "visit_id; class_id",
    QA_QUESTION_SUBMITTED: "class_id; question_id; has_attachment",
    PROGRESSION_STARTED: "tracking_id; learner_id; product_id; class_id (an LP created on class assignment)",
    PROGRESSION_PUT_ON_HOLD: "tracking_id; learner_id; class_id (the class whose assignment caused it)",
}
