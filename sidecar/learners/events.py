"""Domain events of the learners module: each name, and what its one array argument holds.

Payloads hold ids and field NAMES only, never personal values; the outbox adds ``event_id``,
``user_id`` (the acting WordPress user) and ``time`` (UTC, ISO 8601) to each. The shim fires each
event as ``do_action(<name>, <payload array>)`` after the response. ``sidecar.event_catalogue``
gathers both modules' ``EVENTS``: ``emit`` refuses any other name, and docs/hooks.md is generated from it.
"""
from __future__ import annotations

LEARNER_CREATED = "wecoza_learner_created"
LEARNER_UPDATED = "wecoza_learner_updated"
LEARNER_DELETED = "wecoza_learner_deleted"
PORTFOLIO_UPLOADED = "wecoza_learner_portfolio_uploaded"
PORTFOLIO_DELETED = "wecoza_learner_portfolio_deleted"
PROGRESSION_COMPLETED = "wecoza_progression_completed"
PROGRESSION_PORTFOLIO_UPLOADED = "wecoza_progression_portfolio_uploaded"

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
