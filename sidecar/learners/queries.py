"""SQL for learners, with explicit column lists and bound parameters only.

Identifiers that are not bound (column names of a partial update) come from
``validation.COLUMNS``, never from the request.
"""
from __future__ import annotations

from psycopg2 import sql

from ..db import Prepared
from . import validation

ORDER = "l.created_at DESC, l.id DESC"

# The reference's "mapped" read (docs/contracts/learners.md#the-mapped-read): display values joined in, the
# city's location giving suburb, postal code and province. ``{learners}`` is the learners
# relation (the table, or a page of it), ``{portfolio_filter}`` narrows the aggregate, ``{total}`` adds a column.
_MAPPED = """
WITH {page_cte}portfolio_info AS (
    SELECT learner_id,
           string_agg(file_path, ', ' ORDER BY upload_date DESC, portfolio_id DESC) AS paths
      FROM learner_portfolios
     {portfolio_filter}
     GROUP BY learner_id
)
SELECT {total}l.id, l.title, l.first_name, l.second_name, l.initials, l.surname, l.gender, l.race,
       l.sa_id_no, l.passport_number, l.tel_number, l.alternative_tel_number, l.email_address,
       l.address_line_1, l.address_line_2,
       city.suburb AS suburb, l.city_town_id, city.town AS city_town_name,
       l.province_region_id, city.province AS province_region_name,
       city.postal_code AS postal_code,
       q.qualification AS highest_qualification,
       l.assessment_status, l.placement_assessment_date::text AS placement_assessment_date,
       num.level AS numeracy_level, com.level AS communication_level,
       l.employment_status, l.employer_id, e.employer_name, l.disability_status,
       coalesce(p.paths, '') AS scanned_portfolio,
       l.created_at::text AS created_at, l.updated_at::text AS updated_at
  FROM {learners}
  LEFT JOIN learner_qualifications q ON q.id = l.highest_qualification
  LEFT JOIN locations city ON city.location_id = l.city_town_id
  LEFT JOIN employers e ON e.employer_id = l.employer_id
  LEFT JOIN learner_placement_level num ON num.placement_level_id = l.numeracy_level
  LEFT JOIN learner_placement_level com ON com.placement_level_id = l.communication_level
  LEFT JOIN portfolio_info p ON p.learner_id = l.id
"""


_MAPPED_BY_ID = Prepared("wecoza_learner_mapped_by_id", _MAPPED.format(
    page_cte="", portfolio_filter="WHERE learner_id = %(id)s", learners="learners l", total="")
    + " WHERE l.id = %(id)s")

# A page's rows carry the count of every learner, so a page and its total are one statement (one round trip).
TOTAL = "total_learners"
_TOTAL_COLUMN = f"(SELECT count(*) FROM learners) AS {TOTAL}, "


def mapped_by_id(cur, learner_id: int):
    cur.execute_prepared(_MAPPED_BY_ID, {"id": learner_id})
    return cur.fetchone()


def mapped_page(cur, limit: int, offset: int):
    """One page of mapped learners, each row with ``TOTAL``; the page is cut in the database, portfolios
    aggregated for it only."""
    page_cte = (f"page AS (SELECT l.id FROM learners l ORDER BY {ORDER} "
                "LIMIT %(limit)s OFFSET %(offset)s),\n")
    cur.execute(_MAPPED.format(page_cte=page_cte,
                               portfolio_filter="WHERE learner_id IN (SELECT id FROM page)",
                               learners="page JOIN learners l ON l.id = page.id", total=_TOTAL_COLUMN)
                + f" ORDER BY {ORDER}", {"limit": limit, "offset": offset})
    return cur.fetchall()


_RAW_COLUMNS = ("l.id, l.title, l.first_name, l.second_name, l.initials, l.surname, l.gender, l.race, l.sa_id_no, "
                "l.passport_number, l.tel_number, l.alternative_tel_number, l.email_address, l.address_line_1, "
                "l.address_line_2, l.city_town_id, l.province_region_id, l.postal_code, l.highest_qualification, "
                "l.assessment_status, l.placement_assessment_date::text AS placement_assessment_date, "
                "l.numeracy_level, l.communication_level, l.employment_status, l.employer_id, l.disability_status, "
                "l.scanned_portfolio, l.created_at::text AS created_at, l.updated_at::text AS updated_at")


def raw_page(cur, limit: int, offset: int):
    """``SELECT * FROM learners ORDER BY created_at DESC LIMIT OFFSET`` with explicit columns, each row with
    ``TOTAL``; the page's ids are cut first (a narrow sort), then the whole rows of that page are read."""
    cur.execute(f"WITH page AS (SELECT l.id FROM learners l ORDER BY {ORDER} LIMIT %(limit)s OFFSET %(offset)s) "
                f"SELECT {_TOTAL_COLUMN}{_RAW_COLUMNS} FROM page JOIN learners l ON l.id = page.id ORDER BY {ORDER}",
                {"limit": limit, "offset": offset})
    return cur.fetchall()


_RAW_BY_ID = Prepared("wecoza_learner_raw_by_id", f"SELECT {_RAW_COLUMNS} FROM learners l WHERE l.id = %(id)s")


def raw_by_id(cur, learner_id: int):
    """One learner's own stored columns (its own postal code, ids not names); None when absent."""
    cur.execute_prepared(_RAW_BY_ID, {"id": learner_id})
    return cur.fetchone()


def count(cur) -> int:
    cur.execute("SELECT count(*) AS n FROM learners")
    return cur.fetchone()["n"]


def list_rows(cur) -> list[tuple]:
    """What the list page's rows show, every learner, newest first (the page paginates itself), as
    tuples in ``rows_html.LIST_COLUMNS`` order: no dict per row, which costs more than the rest of the
    request at 10,000 learners."""
    return cur.fetch_tuples(
        "SELECT l.id, l.title, l.first_name, l.surname, l.gender, l.race, l.tel_number, l.email_address, "
        "city.town AS city_town_name, l.employment_status "
        "FROM learners l LEFT JOIN locations city ON city.location_id = l.city_town_id "
        f"ORDER BY {ORDER}")


# --- writes ----------------------------------------------------------------------------------

_NOW_UTC = "(now() AT TIME ZONE 'UTC')"  # PHP's date('Y-m-d H:i:s') under WordPress: UTC wall clock


def lock_learner(cur, learner_id: int, references: validation.ReferenceChecks | None = None,
                 values: dict | None = None):
    """The learner's own columns, locked for the rest of the transaction; None when absent. ``references``:
    the ids of ``values`` looked up with them (``references.record`` reads them from the row)."""
    hold_learner_lock(cur, learner_id)
    checks = sql.SQL(", {}").format(references.columns) if references and references.names else sql.SQL("")
    cur.execute(sql.SQL("SELECT id, {cols}{checks} FROM learners WHERE id = {id}").format(
        cols=sql.SQL(", ".join(validation.COLUMNS)), checks=checks, id=sql.Placeholder("_id")),
        {**(values or {}), "_id": learner_id})
    return cur.fetchone()


def insert_learner(cur, values: dict) -> int:
    columns = [c for c in validation.COLUMNS if c in values]
    query = sql.SQL("INSERT INTO learners ({cols}, created_at, updated_at) VALUES ({vals}, {now}, {now}) "
                    "RETURNING id").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        vals=sql.SQL(", ").join(sql.Placeholder(c) for c in columns),
        now=sql.SQL(_NOW_UTC))
    cur.execute(query, values)
    return cur.fetchone()["id"]


def update_learner(cur, learner_id: int, values: dict) -> None:
    columns = [c for c in validation.COLUMNS if c in values]
    assignments = [sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in columns]
    assignments.append(sql.SQL("updated_at = {}").format(sql.SQL(_NOW_UTC)))
    query = sql.SQL("UPDATE learners SET {sets} WHERE id = {id}").format(
        sets=sql.SQL(", ").join(assignments), id=sql.Placeholder("_id"))
    # nothing waits for its answer (the row is locked): it travels with the transaction's next statement
    cur.hold(query, {**values, "_id": learner_id})


# Rows that keep a learner from being deleted: (what, SQL counting them). The foreign keys of
# exams, exam_results, learner_products, learner_progressions and progress_reports have no ON
# DELETE action (PostgreSQL would refuse); LP tracking and hours logs would cascade, and class
# lists (classes.learner_ids / exam_learners, JSON without a key) would keep a dangling id, so
# those keep the learner too: training history is never deleted as a side effect.
_ID_IN_JSON = ("({col} @> jsonb_build_array(jsonb_build_object('id', %(id)s::text)) "
               "OR {col} @> jsonb_build_array(jsonb_build_object('id', %(id)s::int)) "
               "OR {col} @> jsonb_build_array(%(id)s::int) "
               "OR {col} @> jsonb_build_array(%(id)s::text))")
BLOCKERS = (
    ("class assignment", "SELECT count(*) FROM classes WHERE jsonb_typeof(learner_ids) = 'array' AND "
                         + _ID_IN_JSON.format(col="learner_ids")),
    ("exam class assignment", "SELECT count(*) FROM classes WHERE jsonb_typeof(exam_learners) = 'array' AND "
                              + _ID_IN_JSON.format(col="exam_learners")),
    ("learning programme (LP) record", "SELECT count(*) FROM learner_lp_tracking WHERE learner_id = %(id)s"),
    ("hours log entry", "SELECT count(*) FROM learner_hours_log WHERE learner_id = %(id)s"),
    ("progression record", "SELECT count(*) FROM learner_progressions WHERE learner_id = %(id)s"),
    ("product enrolment", "SELECT count(*) FROM learner_products WHERE learner_id = %(id)s"),
    ("exam", "SELECT count(*) FROM exams WHERE learner_id = %(id)s"),
    ("exam result", "SELECT count(*) FROM exam_results WHERE learner_id = %(id)s"),
    ("progress report", "SELECT count(*) FROM progress_reports WHERE learner_id = %(id)s"),
)


def hold_learner_lock(cur, learner_id: int) -> None:
    """Lock the learner for the rest of the transaction; the next statement, sent with it, sees whether it exists
    (each statement of a message reads what is committed when it starts, so after the lock)."""
    cur.hold("SELECT 1 FROM learners WHERE id = %s FOR UPDATE", (learner_id,))


_PORTFOLIOS_JSON = ("coalesce((SELECT json_agg(json_build_object('portfolio_id', portfolio_id, 'file_path', file_path) "
                    "ORDER BY upload_date DESC, portfolio_id DESC) FROM learner_portfolios "
                    "WHERE learner_id = %(id)s), '[]')")


def deletion(cur, learner_id: int) -> tuple[list[tuple[str, int]], list[dict]] | None:
    """What deleting the learner meets, in one statement: (the blockers that have rows [(what, count)], its
    portfolios newest first [{portfolio_id, file_path}]); None when there is no such learner."""
    counts = ", ".join(f"({q})" for _, q in BLOCKERS)
    cur.execute(f"SELECT ARRAY[{counts}] AS blockers, {_PORTFOLIOS_JSON} AS portfolios FROM learners "
                "WHERE id = %(id)s", {"id": learner_id})
    row = cur.fetchone()
    if row is None:
        return None
    return [(what, n) for (what, _), n in zip(BLOCKERS, row["blockers"], strict=True) if n], row["portfolios"]


def hold_delete_learner(cur, learner_id: int) -> None:
    """The learner is locked and nothing refers to it: nobody waits for the DELETE's answer."""
    cur.hold("DELETE FROM learners WHERE id = %s", (learner_id,))


# --- portfolios ------------------------------------------------------------------------------

def portfolios(cur, learner_id: int):
    cur.execute("SELECT portfolio_id, file_path, upload_date FROM learner_portfolios WHERE learner_id = %s "
                "ORDER BY upload_date DESC, portfolio_id DESC", (learner_id,))
    return cur.fetchall()


def insert_portfolio(cur, learner_id: int, file_path: str) -> int:
    cur.execute("INSERT INTO learner_portfolios (learner_id, file_path) VALUES (%s, %s) RETURNING portfolio_id",
                (learner_id, file_path))
    return cur.fetchone()["portfolio_id"]


def hold_delete_portfolio(cur, portfolio_id: int) -> None:
    cur.hold("DELETE FROM learner_portfolios WHERE portfolio_id = %s", (portfolio_id,))


def hold_scanned_portfolio(cur, learner_id: int, value: str | None) -> None:
    cur.hold("UPDATE learners SET scanned_portfolio = %s WHERE id = %s", (value, learner_id))


# --- lookups ---------------------------------------------------------------------------------

def cities(cur):
    cur.execute("SELECT DISTINCT ON (LOWER(town)) location_id AS id, town AS name FROM locations "
                "WHERE town IS NOT NULL AND town != '' ORDER BY LOWER(town), location_id ASC")
    return cur.fetchall()


def provinces(cur):
    cur.execute("SELECT DISTINCT ON (LOWER(province)) location_id AS id, province AS name FROM locations "
                "WHERE province IS NOT NULL AND province != '' ORDER BY LOWER(province), location_id ASC")
    return cur.fetchall()


def qualifications(cur):
    cur.execute("SELECT id, qualification AS name FROM learner_qualifications ORDER BY qualification ASC")
    return cur.fetchall()


def employers(cur):
    cur.execute("SELECT employer_id AS id, employer_name AS name FROM employers ORDER BY employer_name ASC")
    return cur.fetchall()


def placement_levels(cur):
    cur.execute("SELECT placement_level_id AS id, level AS name FROM learner_placement_level ORDER BY level ASC")
    return cur.fetchall()

