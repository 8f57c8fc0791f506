"""Learner assignment -> learning-programme (LP) tracking rows, inside the class save's transaction.

For every learner newly on the class (on update: compared with the learner list stored before
the save, which the reference read only after overwriting it):

* an ``in_progress`` LP for the same product on the same class is left as it is;
* another ``in_progress`` LP is put ``on_hold`` (the reference always forces this; a request
  may send ``force_lp_override=0`` to leave it and only report it), then the new LP is created;
* each learner's hold-and-create runs in its own savepoint, so a failure leaves that learner's
  previous LP untouched and the rest of the save stands.

The product is resolved from the class subject, never with the reference's ``(int) 'COMM' = 0``:
a numeric subject that is a ``products.product_id``; otherwise the one product whose name equals
the subject code or the subject's name in ``class_type_subjects`` (case and surrounding spaces
ignored). For the progression pseudo-subject ``LP`` the learner's level code is used the same
way. No match (or several) means no LP is created and the details say why.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg2

from . import events
from .form import mysql_utc, utc_now
from ..inputs import strict_id

log = logging.getLogger("wecoza.sidecar.classes")

PROGRESSION_SUBJECT = "LP"


@dataclass
class LPResults:
    created: int = 0
    warnings: int = 0
    errors: int = 0
    put_on_hold: int = 0
    details: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "warnings": self.warnings, "errors": self.errors, "details": self.details}

    def message_suffix(self) -> str:
        text = ""
        if self.created:
            text += f" Created {self.created} LP record(s)."
        if self.put_on_hold:
            text += f" {self.put_on_hold} learner(s) had existing LPs put on hold."
        return text


RESOLVE_SQL = """
    WITH names AS (
        SELECT lower(btrim(%(code)s)) AS name
        UNION
        SELECT lower(btrim(s.subject_name))
          FROM public.class_type_subjects s
          JOIN public.class_types t ON t.class_type_id = s.class_type_id
         WHERE s.subject_code = %(code)s AND (%(type)s::text IS NULL OR t.class_type_code = %(type)s)
    )
    SELECT product_id, product_name FROM public.products
     WHERE lower(btrim(product_name)) IN (SELECT name FROM names)
     ORDER BY product_id
     LIMIT 2
"""


def resolve_product(cur, code: str, class_type: str | None):
    """(product_id, product_name), or (None, reason)."""
    code = (code or "").strip()
    if not code:
        return None, "no subject"
    number = strict_id(code)
    if number is not None:
        cur.execute("SELECT product_id, product_name FROM public.products WHERE product_id = %s", (number,))
        row = cur.fetchone()
        if row is None:
            return None, "no learning programme has that id"
        return (row["product_id"], row["product_name"]), None
    cur.execute(RESOLVE_SQL, {"code": code, "type": class_type or None})
    rows = cur.fetchall()
    if len(rows) == 1:
        return (rows[0]["product_id"], rows[0]["product_name"]), None
    if rows:
        return None, "several learning programmes match it"
    return None, "no learning programme matches it"


def create_for_new_learners(unit, class_id: int, class_type, class_subject, new_learners: list[dict],
                            force: bool = True) -> LPResults:
    """Create the LP rows for ``new_learners`` (learner entries as stored on the class).

    All learners in a few statements; if that fails (a row changed under us), each learner again in
    a savepoint of its own, so one learner's failure leaves the others and the class save standing."""
    results = LPResults()
    if not new_learners:
        return results
    cur = unit.cursor
    subject = (class_subject or "").strip()
    if not subject:
        results.details.append("No product/course assigned to class - LP creation skipped")
        return results
    class_product = None
    if subject != PROGRESSION_SUBJECT:
        class_product, reason = resolve_product(cur, subject, class_type)
        if class_product is None:
            results.details.append(f"No learning programme found for subject '{subject}' ({reason}) "
                                   "- LP creation skipped")
            return results

    plan, failed, by_level = [], {}, {}
    for learner in new_learners:
        learner_id = int(learner["id"])
        product = class_product
        if product is None:
            level = (learner.get("level") or "").strip()
            if level not in by_level:
                by_level[level] = (resolve_product(cur, level, class_type) if level
                                   else (None, "the learner has no level"))
            product, reason = by_level[level]
            if product is None:
                failed[learner_id] = f"No learning programme for level '{level}' ({reason})"
                continue
        plan.append((learner_id, product))

    cur.execute("SAVEPOINT lp_batch")
    try:
        outcomes = _assign_all(cur, class_id, plan, force)
        cur.execute("RELEASE SAVEPOINT lp_batch")
    except psycopg2.Error:
        log.warning("LP creation for class %s: batch failed, retrying learner by learner", class_id, exc_info=True)
        cur.execute("ROLLBACK TO SAVEPOINT lp_batch")
        outcomes = {learner_id: _assign_one(cur, class_id, learner_id, product, force) for learner_id, product in plan}

    for learner in new_learners:
        learner_id = int(learner["id"])
        if learner_id in failed:
            results.errors += 1
            results.details.append(f"Learner {learner_id}: Failed - {failed[learner_id]}")
        else:
            _report(unit, results, class_id, learner_id, outcomes[learner_id])
    return results


ACTIVE_SQL = ("SELECT lpt.learner_id, lpt.tracking_id, lpt.product_id, lpt.class_id, p.product_name "
              "FROM public.learner_lp_tracking lpt LEFT JOIN public.products p ON p.product_id = lpt.product_id "
              "WHERE lpt.learner_id = ANY(%s) AND lpt.status = 'in_progress' FOR UPDATE OF lpt")
HOLD_SQL = ("UPDATE public.learner_lp_tracking SET status = 'on_hold', "
            "notes = concat_ws(E'\\n', NULLIF(notes, ''), %s), updated_at = %s WHERE tracking_id = ANY(%s)")
INSERT_SQL = ("INSERT INTO public.learner_lp_tracking (learner_id, product_id, class_id, hours_trained, "
              "hours_present, hours_absent, status, start_date, notes, created_at, updated_at) "
              "SELECT t.learner_id, t.product_id, %s, 0, 0, 0, 'in_progress', %s, t.notes, %s, %s "
              "FROM unnest(%s::int[], %s::int[], %s::text[]) AS t(learner_id, product_id, notes) "
              "RETURNING learner_id, tracking_id")


def _decide(current, class_id: int, product, force: bool):
    """What to do for one learner: ('skip'|'warn', current) or ('create', current-to-hold-or-None, notes)."""
    notes = f"Auto-created on class assignment. Class ID: {class_id}"
    if current is None:
        return ("create", None, notes)
    if current["product_id"] == product[0] and current["class_id"] == class_id:
        return ("skip", current)
    if not force:
        return ("warn", current)
    return ("create", current, notes + f" (Previous LP put on hold: {current['product_name'] or 'Unknown'})")


def _assign_all(cur, class_id: int, plan, force: bool) -> dict:
    """learner id -> outcome, for every planned learner, in three statements."""
    if not plan:
        return {}
    cur.execute(ACTIVE_SQL, ([learner_id for learner_id, _ in plan],))
    active = {row["learner_id"]: row for row in cur.fetchall()}
    decisions = {learner_id: _decide(active.get(learner_id), class_id, product, force) for learner_id, product in plan}
    creates = [(learner_id, product[0], decisions[learner_id]) for learner_id, product in plan
               if decisions[learner_id][0] == "create"]
    holds = [decision[1]["tracking_id"] for _, _, decision in creates if decision[1] is not None]
    now = utc_now()
    if holds:
        cur.execute(HOLD_SQL, (f"Put on hold - learner assigned to new class. {mysql_utc(now)}", now, holds))
    created = {}
    if creates:
        cur.execute(INSERT_SQL, (class_id, now.date(), now, now, [c[0] for c in creates], [c[1] for c in creates],
                                 [c[2][2] for c in creates]))
        created = {row["learner_id"]: row["tracking_id"] for row in cur.fetchall()}
    outcomes = {}
    for learner_id, product in plan:
        decision = decisions[learner_id]
        if decision[0] == "create":
            outcomes[learner_id] = ("created", product, created[learner_id], decision[1])
        else:
            outcomes[learner_id] = decision
    return outcomes


def _assign_one(cur, class_id: int, learner_id: int, product, force: bool):
    """The same for one learner in its own savepoint; ('failed',) when it cannot be done."""
    cur.execute("SAVEPOINT lp_assign")
    try:
        outcome = _assign_all(cur, class_id, [(learner_id, product)], force)[learner_id]
        cur.execute("RELEASE SAVEPOINT lp_assign")
        return outcome
    except psycopg2.Error:
        log.exception("LP creation failed for a learner of class %s", class_id)
        cur.execute("ROLLBACK TO SAVEPOINT lp_assign")
        return ("failed",)


def _report(unit, results: LPResults, class_id: int, learner_id: int, outcome) -> None:
    kind = outcome[0]
    if kind == "skip":
        results.details.append(f"Learner {learner_id}: LP already in progress for this class")
    elif kind == "warn":
        results.warnings += 1
        results.details.append(f"Learner {learner_id}: Learner has an active LP: "
                               f"{outcome[1]['product_name'] or 'Unknown'}")
    elif kind == "failed":
        results.errors += 1
        results.details.append(f"Learner {learner_id}: Failed - Failed to create LP: "
                               "the learning programme record could not be created")
    else:
        _, product, tracking_id, held = outcome
        if held is not None:
            unit.emit(events.PROGRESSION_PUT_ON_HOLD,
                      {"tracking_id": held["tracking_id"], "learner_id": learner_id, "class_id": class_id})
        unit.emit(events.PROGRESSION_STARTED,
                  {"tracking_id": tracking_id, "learner_id": learner_id, "product_id": product[0],
                   "class_id": class_id})
        results.created += 1
        if held is not None:
            results.warnings += 1
            results.put_on_hold += 1
            results.details.append(f"Learner {learner_id}: Created LP (previous LP put on hold)")
        else:
            results.details.append(f"Learner {learner_id}: Created LP successfully")
