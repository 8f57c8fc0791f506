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


def lock_learner(cur, learner_id: int):
    """The learner's own columns, locked for the rest of the transaction; None when absent."""
    cols = ", ".join(validation.COLUMNS)
    cur.execute(f"SELECT id, {cols} FROM learners WHERE id = %s FOR UPDATE", (learner_id,))
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


def delete_blockers(cur, learner_id: int) -> list[tuple[str, int]]:
    query = " UNION ALL ".join(f"SELECT {i} AS k, ({q}) AS n" for i, (_, q) in enumerate(BLOCKERS))
    cur.execute(query, {"id": learner_id})
    counts = {row["k"]: row["n"] for row in cur.fetchall()}
    return [(what, counts[i]) for i, (what, _) in enumerate(BLOCKERS) if counts.get(i)]


def delete_learner(cur, learner_id: int) -> bool:
    cur.execute("DELETE FROM learners WHERE id = %s", (learner_id,))
    return cur.rowcount > 0


# --- portfolios ------------------------------------------------------------------------------

def portfolios(cur, learner_id: int):
    cur.execute("SELECT portfolio_id, file_path, upload_date FROM learner_portfolios WHERE learner_id = %s "
                "ORDER BY upload_date DESC, portfolio_id DESC", (learner_id,))
    return cur.fetchall()


def insert_portfolio(cur, learner_id: int, file_path: str) -> int:
    cur.execute("INSERT INTO learner_portfolios (learner_id, file_path) VALUES (%s, %s) RETURNING portfolio_id",
                (learner_id, file_path))
    return cur.fetchone()["portfolio_id"]


def lock_portfolio(cur, portfolio_id: int, learner_id: int):
    cur.execute("SELECT portfolio_id, learner_id, file_path FROM learner_portfolios "
                "WHERE portfolio_id = %s AND learner_id = %s FOR UPDATE", (portfolio_id, learner_id))
    return cur.fetchone()


def delete_portfolio(cur, portfolio_id: int) -> None:
    cur.execute("DELETE FROM learner_portfolios WHERE portfolio_id = %s", (portfolio_id,))


def set_scanned_portfolio(cur, learner_id: int, value: str | None) -> None:
    cur.execute("UPDATE learners SET scanned_portfolio = %s WHERE id = %s", (value, learner_id))


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

