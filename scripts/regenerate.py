"""Rewrite the files generated from declarations: the shim's routes.json, the README's action and hook
tables, and config/sidecar.example.ini. Run after changing an action, an event or a setting:

    .venv/bin/python scripts/regenerate.py
"""
from __future__ import annotations

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


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- {name}:start --> block")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)


def main() -> int:
    (REPO / "wp-plugin-shim" / "routes.json").write_text(json.dumps(registry.routes(__version__), indent=2) + "\n")
    (REPO / "config" / "sidecar.example.ini").write_text(example_ini())
    readme = REPO / "README.md"
    text = replace_block(readme.read_text(), "actions", action_table_markdown(registry))
    text = replace_block(text, "hooks", hook_table_markdown())
    readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
