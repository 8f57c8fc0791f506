"""Creating, updating and deleting learner rows: one transaction each, events in it, files
moved or removed only after the commit. No HTTP here: outcomes are values or exceptions
the actions turn into their own reply shapes."""
from __future__ import annotations

import logging

import psycopg2

from .. import uploads
from . import events, portfolios, queries, validation
from .validation import ValidationFailed

log = logging.getLogger("wecoza.sidecar.learners")


class LearnerMissing(Exception):
    """No learner with that id (never existed, or already deleted)."""


class DeleteBlocked(Exception):
    """Related records keep the learner; ``blockers`` is [(what, count)]."""

    def __init__(self, blockers):
        super().__init__(", ".join(what for what, _ in blockers))
        self.blockers = blockers

    @property
    def message(self) -> str:
        parts = [f"{n} {what}{'' if n == 1 else 's'}" for what, n in self.blockers]
        return ("This learner cannot be deleted because other records still refer to them: "
                + ", ".join(parts) + ". Remove those first. Nothing was deleted.")


def _log_rejected(ctx, errors: dict) -> None:
    # field names only, never the values
    log.info("request %s: %s: invalid learner fields: %s", ctx.request_id, ctx.action, ",".join(sorted(errors)))


def create(ctx, params: dict, files: list) -> int:
    """Insert a learner and its portfolios; raise ValidationFailed or UploadRejected before writing."""
    values, errors = validation.learner_values(params)
    validation.check_required_for_create(values, errors)
    if errors:
        _log_rejected(ctx, errors)
        raise ValidationFailed(errors)
    portfolios.check_all(files)
    with ctx.transaction() as unit:
        validation.check_references(unit.cursor, values, errors)
        if errors:
            _log_rejected(ctx, errors)
            raise ValidationFailed(errors)
        learner_id = queries.insert_learner(unit.cursor, values)
        portfolio_ids = portfolios.save(unit, learner_id, files)
        unit.emit(events.LEARNER_CREATED, {"learner_id": learner_id, "fields": sorted(values),
                                           "portfolio_ids": portfolio_ids})
    return learner_id


def update(ctx, learner_id: int, params: dict, files: list = ()) -> list[str]:
    """Write only the fields sent (typed), plus new portfolios; return the changed field names."""
    values, errors = validation.learner_values(params)
    if errors:
        _log_rejected(ctx, errors)
        raise ValidationFailed(errors)
    files = list(files)
    portfolios.check_all(files)
    with ctx.transaction() as unit:
        references = validation.reference_checks(values, errors)
        current = queries.lock_learner(unit.cursor, learner_id, references, values)
        if current is None:
            raise LearnerMissing(learner_id)
        validation.check_required_for_update(values, current, errors)
        references.record(current, errors)
        if errors:
            _log_rejected(ctx, errors)
            raise ValidationFailed(errors)
        changed = sorted(name for name, value in values.items() if current[name] != value)
        queries.update_learner(unit.cursor, learner_id, values)
        portfolio_ids = portfolios.save(unit, learner_id, files)
        unit.emit(events.LEARNER_UPDATED, {"learner_id": learner_id, "fields": sorted(values),
                                           "changed_fields": changed, "portfolio_ids": portfolio_ids})
    return changed


def delete(ctx, learner_id: int) -> None:
    """Delete a learner that nothing else refers to; portfolio files go after the commit."""
    try:
        with ctx.transaction() as unit:
            cur = unit.cursor
            queries.hold_learner_lock(cur, learner_id)
            found = queries.deletion(cur, learner_id)
            if found is None:
                raise LearnerMissing(learner_id)
            blockers, rows = found
            if blockers:
                raise DeleteBlocked(blockers)
            queries.hold_delete_learner(cur, learner_id)
            for row in rows:
                uploads.remove_after_commit(unit, row["file_path"], portfolios.STORED_FILE)
            unit.emit(events.LEARNER_DELETED, {"learner_id": learner_id,
                                               "portfolio_ids": [r["portfolio_id"] for r in rows]})
    except psycopg2.errors.ForeignKeyViolation:
        # a row referring to the learner appeared after the check (or a table we do not know of)
        log.info("request %s: %s: delete refused by a foreign key", ctx.request_id, ctx.action)
        raise DeleteBlocked([("other record", 1)]) from None
