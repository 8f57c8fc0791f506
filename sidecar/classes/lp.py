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

from . import events
from .form import mysql_utc, utc_now
from .text import strict_id

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
    """Create the LP rows for ``new_learners`` (learner entries as stored on the class)."""
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

    for learner in new_learners:
        learner_id = int(learner["id"])
        product = class_product
        if product is None:
            level = (learner.get("level") or "").strip()
            product, reason = resolve_product(cur, level, class_type) if level else (None, "the learner has no level")
            if product is None:
                results.errors += 1
                results.details.append(f"Learner {learner_id}: Failed - No learning programme for level "
                                       f"'{level}' ({reason})")
                continue
        _assign(unit, results, class_id, learner_id, product, force)
    return results


def _assign(unit, results: LPResults, class_id: int, learner_id: int, product, force: bool) -> None:
    cur = unit.cursor
    product_id, product_name = product
    cur.execute("SAVEPOINT lp_assign")
    try:
        cur.execute(
            "SELECT lpt.tracking_id, lpt.product_id, lpt.class_id, p.product_name "
            "FROM public.learner_lp_tracking lpt LEFT JOIN public.products p ON p.product_id = lpt.product_id "
            "WHERE lpt.learner_id = %s AND lpt.status = 'in_progress' FOR UPDATE OF lpt",
            (learner_id,))
        current = cur.fetchone()
        notes = f"Auto-created on class assignment. Class ID: {class_id}"
        on_hold = None
        if current is not None:
            if current["product_id"] == product_id and current["class_id"] == class_id:
                cur.execute("RELEASE SAVEPOINT lp_assign")
                results.details.append(f"Learner {learner_id}: LP already in progress for this class")
                return
            if not force:
                cur.execute("RELEASE SAVEPOINT lp_assign")
                results.warnings += 1
                results.details.append(f"Learner {learner_id}: Learner has an active LP: "
                                       f"{current['product_name'] or 'Unknown'}")
                return
            cur.execute(
                "UPDATE public.learner_lp_tracking SET status = 'on_hold', "
                "notes = concat_ws(E'\\n', NULLIF(notes, ''), %s), updated_at = %s WHERE tracking_id = %s",
                (f"Put on hold - learner assigned to new class. {mysql_utc()}", utc_now(), current["tracking_id"]))
            on_hold = current
            notes += f" (Previous LP put on hold: {current['product_name'] or 'Unknown'})"
        cur.execute(
            "INSERT INTO public.learner_lp_tracking (learner_id, product_id, class_id, hours_trained, hours_present, "
            "hours_absent, status, start_date, notes, created_at, updated_at) "
            "VALUES (%s, %s, %s, 0, 0, 0, 'in_progress', %s, %s, %s, %s) RETURNING tracking_id",
            (learner_id, product_id, class_id, utc_now().date(), notes, utc_now(), utc_now()))
        tracking_id = cur.fetchone()["tracking_id"]
        cur.execute("RELEASE SAVEPOINT lp_assign")
    except Exception:  # noqa: BLE001 - one learner's failure is reported, the save goes on
        log.exception("LP creation failed for a learner of class %s", class_id)
        cur.execute("ROLLBACK TO SAVEPOINT lp_assign")
        results.errors += 1
        results.details.append(f"Learner {learner_id}: Failed - Failed to create LP: "
                               "the learning programme record could not be created")
        return
    if on_hold is not None:
        unit.emit(events.check("wecoza_progression_put_on_hold"),
                  {"tracking_id": on_hold["tracking_id"], "learner_id": learner_id, "class_id": class_id})
    unit.emit(events.check("wecoza_progression_started"),
              {"tracking_id": tracking_id, "learner_id": learner_id, "product_id": product_id, "class_id": class_id})
    results.created += 1
    if on_hold is not None:
        results.warnings += 1
        results.put_on_hold += 1
        results.details.append(f"Learner {learner_id}: Created LP (previous LP put on hold)")
    else:
        results.details.append(f"Learner {learner_id}: Created LP successfully")
