"""Regenerate production_subset.sql from the production dump.

    python devstack/schema/make_subset.py [DUMP]   (default: ../shared/reference/wecoza_db_schema_bu_jan_29.sql)

The dump is split into its pg_dump TOC entries. An entry is kept when every relation it names belongs to a
table in TABLES (a sequence counts as the table that owns it), plus the public trigger functions, the comment on
schema public and its ACL. Owner lines and the statements stock PostgreSQL 15 rejects are dropped, so the file
loads as the database owner and everything belongs to that role. Constraints, FKs, indexes, triggers, defaults and
comments come through as the dump has them.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DUMP = HERE.parents[2] / "shared" / "reference" / "wecoza_db_schema_bu_jan_29.sql"

# Tables the sidecar reads or writes, plus what their FKs and triggers need (agents, users, class_change_logs).
TABLES = {
    "learners", "learner_qualifications", "learner_placement_level", "learner_portfolios",
    "learner_progression_portfolios", "learner_lp_tracking", "learner_hours_log", "learner_progressions",
    "learner_products", "locations", "employers", "products",
    "classes", "class_types", "class_type_subjects", "class_subjects", "class_agents", "class_change_logs",
    "agents", "agent_replacements", "clients", "sites", "qa_visits", "users",
}
FUNCTIONS = {"fn_sites_same_client()", "log_class_change()", "update_updated_at_column()"}

ENTRY_SPLIT = re.compile(r"\n--\n-- TOC entry ")
META = re.compile(r"^-- Name: (?P<name>.*); Type: (?P<type>[A-Z ]+); Schema: (?P<schema>[^;]+);", re.M)
RELATION = re.compile(r"\b(public|wecoza_events|archive)\.(\w+)\b(?!\s*\()")
OWNED_BY = re.compile(r"ALTER SEQUENCE public\.(\w+) OWNED BY public\.(\w+)\.")
DROP_LINE = re.compile(r'^(ALTER .* OWNER TO "John";|SET transaction_timeout = 0;|\\(un)?restrict \w+)$')


def body(entry):
    return "\n".join(line for line in entry.splitlines() if not line.startswith("--")).strip()


def keep(meta, sql, seq_owner):
    kind, schema, name = meta["type"], meta["schema"], meta["name"]
    if kind == "FUNCTION":
        return schema == "public" and name in FUNCTIONS
    if kind in ("SCHEMA", "ACL") or (kind == "COMMENT" and name.startswith("SCHEMA ")):
        return name == "SCHEMA public"
    if schema != "public":
        return False
    names = {seq_owner.get(rel, rel) for _, rel in RELATION.findall(sql)}
    return bool(names) and names <= TABLES


def build(dump_text):
    preamble, *entries = ENTRY_SPLIT.split(dump_text)
    seq_owner = dict(OWNED_BY.findall(dump_text))
    out = [
        "-- production_subset.sql: the production tables the sidecar uses, taken verbatim from",
        "-- ../shared/reference/wecoza_db_schema_bu_jan_29.sql by devstack/schema/make_subset.py "
        "(do not edit by hand).",
        "-- Load it as the role that owns the database; every object then belongs to that role.",
        "",
        body(preamble),
    ]
    for entry in entries:
        meta = META.search(entry)
        sql = body(entry.split("\n", 1)[1])  # the first line is the rest of "-- TOC entry N"
        if meta and keep(meta, sql, seq_owner):
            out.append(f"\n-- {meta['type']}: {meta['name']}\n{sql}")
    text = "\n".join(line for line in "\n".join(out).splitlines() if not DROP_LINE.match(line))
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def main(argv):
    dump = Path(argv[1]) if len(argv) > 1 else DEFAULT_DUMP
    target = HERE / "production_subset.sql"
    target.write_text(build(dump.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {target.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main(sys.argv)
