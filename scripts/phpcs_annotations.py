"""phpcs_annotations.py: each `phpcs:ignore` in the shim silences a finding of the sniff it names (run by lint.sh).

phpcs accepts any annotation, also one naming a sniff its ruleset never runs, so an annotation can silence nothing.
This runs phpcs with annotations ignored and requires, for each `// phpcs:ignore Sniff.Code -- why`, a finding of
that sniff on the line it covers (its own line when it trails code, else the next one) and a reason. Ranges
(`phpcs:disable`) and whole-file ignores are refused: they hide more than the line that needed it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

SHIM = Path(__file__).resolve().parent.parent / "wp-plugin-shim"
ANNOTATION = re.compile(r"(?P<code>.*?)//\s*phpcs:(?P<kind>\w+)(?P<rest>.*)$")
IGNORE = re.compile(r"\s+(?P<sniffs>[\w.]+(?:\s*,\s*[\w.]+)*)\s+--\s+\S")


def findings() -> set[tuple[str, int, str]]:
    run = subprocess.run(
        ["phpcs", "-q", "--no-colors", "--ignore-annotations", "--report=json",
         f"--standard={SHIM / 'phpcs.xml.dist'}"],
        capture_output=True, text=True, cwd=SHIM,
    )
    if run.returncode not in (0, 1, 2):  # 1 and 2: findings; above: phpcs itself failed
        sys.exit(f"phpcs_annotations: phpcs failed ({run.returncode}): {run.stderr or run.stdout}")
    report = json.loads(run.stdout)
    return {
        (str((SHIM / name).resolve()), message["line"], message["source"])
        for name, file in report["files"].items()
        for message in file["messages"]
    }


def problems() -> list[str]:
    found = findings()
    out = []
    for path in sorted(SHIM.rglob("*.php")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = ANNOTATION.search(line)
            if not match:
                continue
            where = f"{path.relative_to(SHIM.parent)}:{number}"
            if match["kind"] != "ignore":
                out.append(f"{where}: phpcs:{match['kind']} - use phpcs:ignore on the one line that needs it")
                continue
            named = IGNORE.match(match["rest"])
            if not named:
                out.append(f"{where}: phpcs:ignore must name its sniff and say why: 'phpcs:ignore Sniff.Code -- why'")
                continue
            covered = number if match["code"].strip() else number + 1
            for sniff in re.split(r"\s*,\s*", named["sniffs"]):
                if not any(
                    file == str(path.resolve()) and line_no == covered
                    and (source == sniff or source.startswith(sniff + "."))
                    for file, line_no, source in found
                ):
                    out.append(f"{where}: phpcs:ignore {sniff} silences nothing on line {covered}")
    return out


def main() -> int:
    out = problems()
    for problem in out:
        print(problem, file=sys.stderr)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
