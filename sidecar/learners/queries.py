"""SQL for learner reads, with explicit column lists."""
from __future__ import annotations

# The reference's "mapped" read (learners-contract 6.2): display values joined in,
# the city's location giving suburb, postal code and province.
MAPPED_SELECT = """
WITH portfolio_info AS (
    SELECT learner_id,
           string_agg(file_path, ', ' ORDER BY upload_date DESC, portfolio_id DESC) AS paths
      FROM learner_portfolios
  {portfolio_filter}
     GROUP BY learner_id
)
SELECT l.id, l.title, l.first_name, l.second_name, l.initials, l.surname, l.gender, l.race,
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
  FROM learners l
  LEFT JOIN learner_qualifications q ON q.id = l.highest_qualification
  LEFT JOIN locations city ON city.location_id = l.city_town_id
  LEFT JOIN employers e ON e.employer_id = l.employer_id
  LEFT JOIN learner_placement_level num ON num.placement_level_id = l.numeracy_level
  LEFT JOIN learner_placement_level com ON com.placement_level_id = l.communication_level
  LEFT JOIN portfolio_info p ON p.learner_id = l.id
"""


def mapped_by_id(cur, learner_id: int):
    cur.execute(MAPPED_SELECT.format(portfolio_filter="WHERE learner_id = %(id)s") + " WHERE l.id = %(id)s",
                {"id": learner_id})
    return cur.fetchone()


def mapped_page(cur, limit: int | None, offset: int):
    sql = MAPPED_SELECT.format(portfolio_filter="") + " ORDER BY l.created_at DESC, l.id DESC"
    args: dict = {"offset": offset}
    if limit is not None:
        sql += " LIMIT %(limit)s"
        args["limit"] = limit
    sql += " OFFSET %(offset)s"
    cur.execute(sql, args)
    return cur.fetchall()


def count(cur) -> int:
    cur.execute("SELECT count(*) AS n FROM learners")
    return cur.fetchone()["n"]
