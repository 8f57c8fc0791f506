"""One Markdown table for every benchmark row (name, value, unit, note)."""
from __future__ import annotations

import sys


def print_table(rows: list[dict], file=None) -> None:
    out = file or sys.stdout
    print("| figure | value | unit | note |", file=out)
    print("|---|---|---|---|", file=out)
    for row in rows:
        print(f"| {row['name']} | {row['value']} | {row['unit']} | {row.get('note', '')} |", file=out)
