"""Domain events of the Classes actions: name -> what the one array argument holds.

Every payload also carries ``event_id``, ``user_id`` (the acting WordPress user) and ``time``
(UTC), added by the outbox. Payloads hold ids and field NAMES only, never personal values.
"""
EVENTS = {
    "wecoza_class_created": "class_id; fields (names of the class columns set by the form); learner_count",
    "wecoza_class_updated": "class_id; fields (names of the class columns whose stored value changed); "
                            "learners_added, learners_removed (learner ids)",
    "wecoza_class_deleted": "class_id",
    "wecoza_class_agent_replacements_saved": "class_id; count (replacement rows now stored for the class)",
    "wecoza_class_note_saved": "class_id; note_id; created (true for a new note, false for an edit); "
                               "fields (names of the note fields the request set)",
    "wecoza_class_note_deleted": "class_id; note_id",
    "wecoza_class_attachment_uploaded": "relative_path (below the uploads directory); context",
    "wecoza_qa_visit_created": "visit_id; class_id; has_report (whether a report file is attached)",
    "wecoza_qa_visit_updated": "visit_id; class_id; fields (names of the visit fields that changed)",
    "wecoza_qa_visit_deleted": "visit_id; class_id",
    "wecoza_qa_report_deleted": "visit_id; class_id",
    "wecoza_qa_question_submitted": "class_id; question_id; has_attachment",
    "wecoza_progression_started": "tracking_id; learner_id; product_id; class_id (an LP created on class assignment)",
    "wecoza_progression_put_on_hold": "tracking_id; learner_id; class_id (the class whose assignment caused it)",
}


# Legacy WordPress transients a listener should drop on these events, so PHP readers still installed
# do not serve stale class data (docs/contracts/classes.md#caches-the-reference-kept).
STALE_TRANSIENTS = {
    "wecoza_progression_started": ("wecoza_class_learners_with_progression", "learner_progressions_cache"),
    "wecoza_progression_put_on_hold": ("wecoza_class_learners_with_progression", "learner_progressions_cache"),
    "wecoza_class_note_saved": ("wecoza_class_notes_{class_id}",),
    "wecoza_class_note_deleted": ("wecoza_class_notes_{class_id}",),
}


def check(name: str) -> str:
    if name not in EVENTS:
        raise KeyError(f"undocumented event {name}")
    return name
