"""Domain events of the learners module: the catalogue (the hook table of docs/hooks.md is generated
from it) and the payload builders the actions use.

Every payload holds ids and field NAMES only, never personal values. The outbox adds
``event_id``, ``user_id`` (the acting WordPress user) and ``time`` (UTC, ISO 8601) to each.
The shim fires each event as ``do_action(<name>, <payload array>)`` after the response.
"""
from __future__ import annotations

LEARNER_CREATED = "wecoza_learner_created"
LEARNER_UPDATED = "wecoza_learner_updated"
LEARNER_DELETED = "wecoza_learner_deleted"
PORTFOLIO_UPLOADED = "wecoza_learner_portfolio_uploaded"
PORTFOLIO_DELETED = "wecoza_learner_portfolio_deleted"
PROGRESSION_COMPLETED = "wecoza_progression_completed"
PROGRESSION_PORTFOLIO_UPLOADED = "wecoza_progression_portfolio_uploaded"

COMMON = "event_id (stable uuid), user_id (acting WordPress user), time (UTC ISO 8601)"

EVENTS = {
    LEARNER_CREATED: "learner_id (int); fields: names of the columns stored; portfolio_ids: "
                     "learner_portfolios ids uploaded with the form",
    LEARNER_UPDATED: "learner_id (int); fields: names of the fields sent; changed_fields: names of the "
                     "columns whose value changed",
    LEARNER_DELETED: "learner_id (int); portfolio_ids: learner_portfolios ids removed with it "
                     "(their files are deleted after the commit)",
    PORTFOLIO_UPLOADED: "learner_id (int); portfolio_id (int); file_path (relative to the uploads directory)",
    PORTFOLIO_DELETED: "learner_id (int); portfolio_id (int)",
    PROGRESSION_COMPLETED: "tracking_id, learner_id, product_id (int); previous_status (in_progress|on_hold); "
                           "file_id (learner_progression_portfolios id of the portfolio)",
    PROGRESSION_PORTFOLIO_UPLOADED: "tracking_id, learner_id, file_id (int); file_path (relative to the "
                                    "uploads directory)",
}
"""name -> payload description (besides the common keys in ``COMMON``)."""

# Legacy caches (WordPress transients) a listener should drop when it sees these events,
# so PHP readers still installed never serve stale learner data (docs/contracts/learners.md#caches-the-reference-kept).
STALE_TRANSIENTS = {
    LEARNER_CREATED: ("learner_db_get_learners_mappings",),
    LEARNER_UPDATED: ("learner_db_get_learners_mappings", "wecoza_class_learners_with_progression"),
    LEARNER_DELETED: ("learner_db_get_learners_mappings", "wecoza_class_learners_with_progression"),
    PORTFOLIO_UPLOADED: ("learner_db_get_learners_mappings",),
    PORTFOLIO_DELETED: ("learner_db_get_learners_mappings",),
    PROGRESSION_COMPLETED: ("wecoza_class_learners_with_progression",),
}


def hook_table_markdown() -> str:
    """The hook table of the learners module alone."""
    lines = ["| hook | payload |", "|---|---|"]
    for name, description in EVENTS.items():
        lines.append(f"| `{name}` | {description}; plus {COMMON} |")
    return "\n".join(lines)
