"""Every benchmark in one run, one table: `python bench/run.py [--only NAME ...] [--output FILE]`.

Each bench module exposes measure() -> rows; the figures are ratios against their baselines where the
issue asks for one. Nothing here asserts a time: the numbers are reported, not tested.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import print_table  # noqa: E402
from devstack import leftovers  # noqa: E402

MODULES = ("bench_auth", "bench_bridge", "bench_learners", "bench_classes", "bench_modes", "bench_latency",
           "bench_round_trips", "bench_parsers", "bench_load", "bench_closing")


BENCH_README = Path(__file__).resolve().parent / "README.md"


def update_readme(rows: list[dict]) -> None:
    """Put the table between bench/README.md's markers (the flag keeps its name from when this was the top README)."""
    import io
    import re
    table = io.StringIO()
    print_table(rows, table)
    text = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)",
                  lambda m: m.group(1) + table.getvalue() + m.group(2), BENCH_README.read_text(), flags=re.S)
    BENCH_README.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="module names, e.g. bench_bridge")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--update-readme", action="store_true", help="put the table in bench/README.md")
    args = parser.parse_args(argv)
    for line in leftovers.sweep():  # what a killed run left running (devstack/leftovers.py)
        print(f"bench: left by a killed run: {line}", file=sys.stderr)
    leftovers.start_ledger()
    rows, failures = [], []
    for name in args.only or MODULES:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        print(f"bench: running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(module.measure())
        except Exception:  # noqa: BLE001 - one failing benchmark must not hide the others' figures
            failures.append(name)
            traceback.print_exc()
        print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print_table(rows)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            print_table(rows, handle)
    if args.update_readme:
        update_readme(rows)
    if failures:
        print(f"bench: failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
