"""The learner list endpoints at 1,000 and 10,000 invented learners (issue 5):
``fetch_learners_data`` (every learner as HTML rows) and ``wecoza_get_learners`` (one page, raw and mapped).

The sidecar runs in this process (Flask test client, the real application with its real guard), against a
throwaway PostgreSQL database loaded with the production schema; requests are signed as the shim signs them,
and the caller is a real WordPress administrator (MariaDB, login cookie and nonce made by WordPress). Reported
per endpoint and size: median latency, peak Python memory of one request (tracemalloc), response size, and the
growth from 1k to 10k learners.

    python bench/bench_learners.py          # prints the table
"""
from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import bench_folder  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.inprocess import InProcessSidecar, migrate, sidecar_env  # noqa: E402
from devstack.mariadb import create_mysql_database, drop_mysql_database  # noqa: E402
from devstack.postgres import create_pg_database, drop_pg_database  # noqa: E402
from devstack.servers import machine_mariadb, machine_postgres  # noqa: E402
from devstack.signed import wire_cookie  # noqa: E402
from devstack.system import check_system  # noqa: E402
from devstack.wordpress import WordPressSite  # noqa: E402

SIZES = (1_000, 10_000)
REQUESTS = {"fetch_learners_data": 15, "wecoza_get_learners": 60}

# Invented learners: names, phones and e-mails are synthetic; every fifth has a portfolio row.
INSERT_LEARNERS = """
INSERT INTO learners (title, first_name, second_name, initials, surname, gender, race, sa_id_no, tel_number,
                      email_address, address_line_1, city_town_id, province_region_id, postal_code,
                      highest_qualification, assessment_status, numeracy_level, communication_level,
                      employment_status, employer_id, disability_status, created_at, updated_at)
SELECT (ARRAY['Mr','Ms','Mrs','Dr',NULL])[1 + i %% 5],
       (ARRAY['Thabo','Lindiwe','Pieter','Ayesha','Sipho','Nomsa','Johan','Fatima'])[1 + i %% 8] || ' ' || i,
       CASE WHEN i %% 3 = 0 THEN 'Second' END, 'T',
       (ARRAY['Nkosi','van der Merwe','Naidoo','Dlamini','O''Brien','Botha'])[1 + i %% 6],
       (ARRAY['Male','Female'])[1 + i %% 2], (ARRAY['Black','White','Coloured','Indian'])[1 + i %% 4],
       lpad((800101000000 + i)::text, 13, '0'), '08' || lpad(i::text, 8, '0'),
       'learner' || i || '@bench.example', i || ' Bench Street',
       1 + i %% 3, 1 + i %% 3, lpad((i %% 9999)::text, 4, '0'), 1 + i %% 3, 'Assessed', 1 + i %% 2, 3 + i %% 2,
       i %% 2 = 0, CASE WHEN i %% 2 = 0 THEN 1 + i %% 2 END, i %% 10 = 0,
       timestamp '2024-01-01' + i * interval '37 minutes', timestamp '2024-01-01' + i * interval '37 minutes'
  FROM generate_series(%(start)s, %(stop)s) AS i
"""
INSERT_PORTFOLIOS = """
INSERT INTO learner_portfolios (learner_id, file_path)
SELECT id, 'portfolios/portfolio_' || md5(id::text) || '.pdf' FROM learners
 WHERE id % 5 = 0 AND NOT EXISTS (SELECT 1 FROM learner_portfolios p WHERE p.learner_id = learners.id)
"""


def measure_call(call, count: int) -> dict:
    for _ in range(3):
        response = call()
        assert response.status_code == 200 and response.get_json()["success"] is True, response.data[:200]
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"median_ms": statistics.median(durations) * 1000,
            "p90_ms": sorted(durations)[int(0.9 * (count - 1))] * 1000,
            "peak_mib": peak / 2**20, "bytes": len(response.data)}


def add_learners(pg, start: int, stop: int) -> None:
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute(INSERT_LEARNERS, {"start": start, "stop": stop})
        cur.execute(INSERT_PORTFOLIOS)
        cur.execute("ANALYZE learners; ANALYZE learner_portfolios")
        conn.commit()


def measure_on(site, pg, uploads_dir: Path) -> list[dict]:
    migrate(pg)
    site.php("get_role('administrator')->add_cap('manage_learners');")   # what the shim's activation grants
    admin = site.login("admin")
    cookie = wire_cookie(admin)
    list_nonce = create_nonce(site, admin, "learners_nonce")
    mvc_nonce = create_nonce(site, admin, "learners_nonce_action")
    sidecar = InProcessSidecar(sidecar_env(pg, uploads_dir, site=site))
    calls = {
        "fetch_learners_data (all rows as HTML)":
            lambda: sidecar.call("fetch_learners_data", cookie=cookie, fields={"nonce": list_nonce}),
        "wecoza_get_learners limit=50 raw":
            lambda: sidecar.call("wecoza_get_learners", cookie=cookie, method="GET",
                                 query={"limit": "50", "nonce": mvc_nonce}),
        "wecoza_get_learners limit=50 mappings=1":
            lambda: sidecar.call("wecoza_get_learners", cookie=cookie, method="GET",
                                 query={"limit": "50", "mappings": "1", "nonce": mvc_nonce}),
        "wecoza_get_learners limit=50 mappings=1 last page":
            None,   # filled per size: offset = size - 50
    }
    results: dict[tuple[str, int], dict] = {}
    for _ in range(20):
        sidecar.client.get("/healthz")
    started = time.perf_counter()
    for _ in range(200):
        sidecar.client.get("/healthz")
    baseline = (time.perf_counter() - started) / 200 * 1000
    try:
        done = 0
        for size in SIZES:
            add_learners(pg, done + 1, size)
            done = size
            calls["wecoza_get_learners limit=50 mappings=1 last page"] = (
                lambda offset=str(size - 50): sidecar.call(
                    "wecoza_get_learners", cookie=cookie, method="GET",
                    query={"limit": "50", "mappings": "1", "offset": offset, "nonce": mvc_nonce}))
            for label, call in calls.items():
                count = REQUESTS["fetch_learners_data" if label.startswith("fetch") else "wecoza_get_learners"]
                results[(label, size)] = measure_call(call, count)
    finally:
        sidecar.close()

    rows = [{"name": "learners: in-process /healthz (no auth, no SQL): median", "value": round(baseline, 3),
             "unit": "ms", "note": "the test client's own cost, for scale"}]
    for label in calls:
        small, large = results[(label, SIZES[0])], results[(label, SIZES[1])]
        for size, figures in ((SIZES[0], small), (SIZES[1], large)):
            rows.append({"name": f"learners: {label} at {size:,}: median", "value": round(figures["median_ms"], 2),
                         "unit": "ms", "note": f"p90 {figures['p90_ms']:.1f} ms, response {figures['bytes']:,} bytes"})
            rows.append({"name": f"learners: {label} at {size:,}: peak memory", "value": round(figures["peak_mib"], 2),
                         "unit": "MiB", "note": "tracemalloc peak of one request in the sidecar process"})
        rows.append({"name": f"learners: {label}: 10k/1k median latency",
                     "value": round(large["median_ms"] / small["median_ms"], 2), "unit": "ratio",
                     "note": f"10x the learners; peak memory x{large['peak_mib'] / small['peak_mib']:.2f}"})
    return rows


def measure() -> list[dict]:
    check_system()
    with bench_folder("learners-") as root:
        mysql = create_mysql_database(machine_mariadb())
        pg = create_pg_database(machine_postgres())
        site = None
        try:
            site = WordPressSite(root / "wordpress", mysql).build().start()
            uploads = root / "uploads"
            uploads.mkdir()
            return measure_on(site, pg, uploads)
        finally:
            if site is not None:
                site.stop()
                site.remove_files()
            drop_pg_database(pg)
            drop_mysql_database(mysql)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
