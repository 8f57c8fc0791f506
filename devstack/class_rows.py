"""Rows the classes actions need, made with SQL in a throwaway PostgreSQL database (bench and tests), and the
operator's fix of the class-change trigger (sidecar/classes/notify_trigger_fix.sql)."""
from __future__ import annotations

from .system import REPO_ROOT

TRIGGER_FIX = REPO_ROOT / "sidecar" / "classes" / "notify_trigger_fix.sql"


def add_product_for_subject(pg):
    """A learning programme named like the COMM subject, so LP rows are created (lp.resolve_product)."""
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO public.products (product_name, product_duration) "
                    "SELECT subject_name, subject_duration FROM public.class_type_subjects WHERE subject_code = 'COMM'")
        conn.commit()


def add_learners(pg, count: int) -> list[int]:
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO public.learners (first_name, surname, created_at, updated_at) "
                    "SELECT 'Bench', 'Learner ' || i, now(), now() FROM generate_series(1, %s) AS i RETURNING id",
                    (count,))
        ids = [r[0] for r in cur.fetchall()]
        conn.commit()
    return ids


def apply_trigger_fix(pg):
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute(TRIGGER_FIX.read_text())
        conn.commit()
