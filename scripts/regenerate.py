"""Rewrite the files generated from declarations: the shim's routes.json, config/sidecar.example.ini, and the
tables between <!-- name:start --> and <!-- name:end --> markers in docs/ (actions in docs/admins.md, hooks in
docs/hooks.md, settings in docs/operators.md). Run after changing an action, an event or a setting:

    .venv/bin/python scripts/regenerate.py            # writes
    .venv/bin/python scripts/regenerate.py --check    # writes nothing; exit 1 naming each stale file
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sidecar import __version__  # noqa: E402
from sidecar.action_table import action_table_markdown, hook_table_markdown  # noqa: E402
from sidecar.actions import registry  # noqa: E402
from sidecar.config import SETTINGS  # noqa: E402


def example_ini() -> str:
    out = ["; WeCoza sidecar configuration. Copy to /etc/wecoza-sidecar/sidecar.ini and point",
           "; WECOZA_CONFIG at it. Precedence: environment (WECOZA_*) > this file > wp-config.php",
           "; (WECOZA_WP_CONFIG) > the WordPress options wecoza_postgres_*.",
           "; Secrets are better kept in the environment file of the systemd unit than here.", ""]
    section = None
    for setting in SETTINGS:
        if setting.section != section:
            section = setting.section
            out.append(f"[{section}]")
        out += ["; " + line for line in textwrap.wrap(setting.help, 100)]
        if setting.env:
            out.append(f"; environment: {setting.env}")
        out.append(f"; default: {setting.default if setting.default is not None else '(none)'}")
        out.append(f";{setting.name} = {setting.default or ''}".rstrip())
        out.append("")
    out += ["[capabilities]",
            "; The capability an action requires; every learner and class action defaults to manage_learners.",
            "; A name that is no action or form of `wecoza-sidecar actions`, or an empty capability, is a",
            "; configuration error: check-config exits 1 and serve refuses to start.",
            "; wecoza_get_learners = manage_learners", ""]
    return "\n".join(out)


def config_table_markdown() -> str:
    lines = ["| setting (INI) | environment | default | what it is |", "|---|---|---|---|"]
    for setting in SETTINGS:
        env = f"`{setting.env}`" if setting.env else ""
        default = f"`{setting.default}`" if setting.default is not None else ""
        meaning = setting.help.replace("|", "\\|").replace("<", "&lt;")
        lines.append(f"| `[{setting.section}] {setting.name}` | {env} | {default} | {meaning} |")
    return "\n".join(lines)


def replace_block(path: Path, text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path.relative_to(REPO)} has no <!-- {name}:start --> block")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)


def generated_files() -> dict[Path, str]:
    """Every generated file with the text it should hold now."""
    files = {
        REPO / "wp-plugin-shim" / "routes.json": json.dumps(registry.routes(__version__), indent=2) + "\n",
        REPO / "config" / "sidecar.example.ini": example_ini(),
    }
    blocks = {
        REPO / "docs" / "admins.md": {"actions": action_table_markdown(registry)},
        REPO / "docs" / "hooks.md": {"hooks": hook_table_markdown(registry)},
        REPO / "docs" / "operators.md": {"config": config_table_markdown()},
    }
    for path, tables in blocks.items():
        text = path.read_text()
        for name, content in tables.items():
            text = replace_block(path, text, name, content)
        files[path] = text
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated_files().items():
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.relative_to(REPO))
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print("stale, run scripts/regenerate.py: " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
