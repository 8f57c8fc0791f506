"""Classes benchmarks: median latency of get_calendar_events (a class with a year of daily sessions; a
stop period from 1900 to 2200 against a normal one) and of save_class with 100 learners.

Runs standalone (``python bench/bench_classes.py``) and exposes ``measure() -> list[dict]`` rows
``{name, value, unit, note}``. In process: the Flask app's signed /ajax endpoint through its test
client, a throwaway PostgreSQL database loaded with the production schema and seed rows
(devstack/postgres.py), and a stand-in for WordPress that accepts the caller (the cookie and
nonce checks are measured by the bridge benchmarks, not here).

save_class with 100 learners needs the operator's trigger fix (sidecar/classes/notify_trigger_fix.sql):
the production trigger refuses the NOTIFY payload of such a row. The bench applies the fix to its
own throwaway database and also reports how fast the unfixed trigger's refusal is answered.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stack import bench_folder  # noqa: E402
from devstack import class_pages as pages  # noqa: E402
from devstack.class_rows import add_learners, add_product_for_subject, apply_trigger_fix  # noqa: E402
from devstack.inprocess import InProcessSidecar, StandInWordPress, migrate, sidecar_env  # noqa: E402
from devstack.postgres import create_pg_database, drop_pg_database  # noqa: E402
from devstack.servers import machine_postgres  # noqa: E402


def bench_env(pg, uploads_dir):
    return sidecar_env(pg, uploads_dir, WECOZA_UPLOADS_URL="https://example.test/wp-content/uploads",
                       WECOZA_LOG_LEVEL="warning")


def daily_class(pg) -> int:
    """A class with a year of daily sessions (every day of the week, 52 weeks, no end-of-year cut)."""
    schedule = {"version": "2.0", "pattern": "weekly", "startDate": "2026-01-05", "endDate": "2027-01-03",
                "timeData": {"mode": "per-day", "perDayTimes": {
                    d: {"start_time": "08:00", "end_time": "12:30", "duration": "4.50"}
                    for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}},
                "selectedDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
                "dayOfMonth": None, "exceptionDates": [{"date": "2026-02-10", "reason": "Agent Absent"}],
                "holidayOverrides": {"2026-12-16": True}}
    stops = [{"stop_date": "2026-07-01", "restart_date": "2026-07-15"}]
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO public.classes (client_id, class_type, class_subject, class_code, class_duration, "
                    "original_start_date, schedule_data, stop_restart_dates) VALUES (1, 'AET', 'COMM', 'BENCH-DAILY', "
                    "1600, '2026-01-05', %s, %s) RETURNING class_id", (json.dumps(schedule), json.dumps(stops)))
        class_id = cur.fetchone()[0]
        conn.commit()
    return class_id


def stopped_class(pg, code: str, stop: str, restart: str) -> int:
    """A class of Mondays and Wednesdays from March to June 2026 with one stop period."""
    schedule = {"version": "2.0", "pattern": "weekly", "startDate": "2026-03-02", "endDate": "2026-06-26",
                "timeData": {"mode": "per-day", "perDayTimes": {
                    "Monday": {"start_time": "09:00", "end_time": "11:00", "duration": "2.00"},
                    "Wednesday": {"start_time": "13:00", "end_time": "15:30", "duration": "2.50"}}},
                "selectedDays": ["Monday", "Wednesday"], "dayOfMonth": None, "exceptionDates": [],
                "holidayOverrides": []}
    stops = [{"stop_date": stop, "restart_date": restart}]
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO public.classes (client_id, class_type, class_subject, class_code, class_duration, "
                    "original_start_date, schedule_data, stop_restart_dates) VALUES (1, 'AET', 'COMM', %s, 120, "
                    "'2026-03-02', %s, %s) RETURNING class_id", (code, json.dumps(schedule), json.dumps(stops)))
        class_id = cur.fetchone()[0]
        conn.commit()
    return class_id


def stop_period_rows(sidecar, pg, repeat: int) -> list[dict]:
    """The outside review's stop period from 1900 to 2200 (the reference answered 36 MB) against the same class
    with a two-week stop, both as the list view asks (no start/end: the whole class)."""
    measured = {}
    for label, stop, restart in (("normal", "2026-04-10", "2026-04-24"), ("1900-2200", "1900-01-01", "2200-12-31")):
        class_id = stopped_class(pg, f"BENCH-STOP-{label}", stop, restart)
        fields = [("class_id", str(class_id)), ("nonce", "x")]
        answer = sidecar.call("get_calendar_events", fields)
        median, _ = median_ms(lambda fields=fields: sidecar.call("get_calendar_events", fields), repeat)
        measured[label] = (median, len(answer.data), len(answer.get_json()))
    (normal_ms, normal_bytes, normal_events), (long_ms, long_bytes, long_events) = measured.values()
    return [
        {"name": "get_calendar_events, stop 1900-2200 / two-week stop: latency", "value": round(long_ms / normal_ms, 2),
         "unit": "ratio", "note": f"median of {repeat}: {long_ms:.2f} ms against {normal_ms:.2f} ms"},
        {"name": "get_calendar_events, stop 1900-2200 / two-week stop: size", "value":
         round(long_bytes / normal_bytes, 2), "unit": "ratio",
         "note": f"{long_bytes} bytes, {long_events} events against {normal_bytes} bytes, {normal_events} events"},
    ]


def median_ms(fn, repeat: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), samples


def measure(repeat: int = 15) -> list[dict]:
    rows = []
    pg = create_pg_database(machine_postgres())
    with bench_folder("uploads-") as uploads_dir:
        sidecar = InProcessSidecar(bench_env(pg, uploads_dir), wordpress=StandInWordPress())
        try:
            migrate(pg)
            add_product_for_subject(pg)
            class_id = daily_class(pg)
            first = sidecar.call("get_calendar_events", [("class_id", str(class_id)), ("nonce", "x")])
            events = first.get_json()
            sessions = sum(1 for e in events if e.get("extendedProps", {}).get("type") == "class_session")
            median, _ = median_ms(lambda: sidecar.call("get_calendar_events",
                                                       [("class_id", str(class_id)), ("nonce", "x")]), repeat)
            rows.append({"name": "get_calendar_events, a year of daily sessions", "value": round(median, 2),
                         "unit": "ms",
                         "note": f"median of {repeat}; {sessions} sessions, {len(events)} events, "
                                 f"{len(first.data)} bytes"})
            rows += stop_period_rows(sidecar, pg, repeat)

            learner_ids = add_learners(pg, 100 * (repeat + 2))
            batches = iter([learner_ids[i:i + 100] for i in range(0, len(learner_ids), 100)])

            def save_once():
                batch = next(batches)
                learners = [pages.learner_entry(i, f"Bench Learner {i}") for i in batch]
                response = sidecar.call("save_class", pages.capture_form("x", learners=learners))
                body = response.get_json()
                if not body.get("success"):
                    raise RuntimeError(f"save_class failed: {body}")
                return body

            refused = sidecar.call("save_class", pages.capture_form(
                "x", learners=[pages.learner_entry(i, f"Bench Learner {i}") for i in next(batches)])).get_json()
            refused_ms, _ = median_ms(lambda: sidecar.call("save_class", pages.capture_form(
                "x", learners=[pages.learner_entry(i, f"Bench Learner {i}") for i in learner_ids[:100]])), 3)
            rows.append({"name": "save_class, 100 learners, production trigger", "value": round(refused_ms, 2),
                         "unit": "ms", "note": "refused with a clear message (NOTIFY payload over 8000 bytes): "
                                               + str(refused.get("data", ""))[:60] + "..."})
            apply_trigger_fix(pg)
            body = save_once()
            median, _ = median_ms(save_once, repeat)
            rows.append({"name": "save_class create, 100 learners (trigger fixed)", "value": round(median, 2),
                         "unit": "ms", "note": f"median of {repeat}; 100 LP rows created per save "
                                               f"({body['data']['lp_creation_results']['created']} in the first)"})
        finally:
            sidecar.close()
            drop_pg_database(pg)
        return rows


def main() -> int:
    for row in measure():
        print(f"{row['name']:<55} {row['value']:>10} {row['unit']:<3} {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
