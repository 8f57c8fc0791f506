#!/usr/bin/env bash
# lint.sh: the project's lint, run by .ci/run before the tests. Exits 1 on any finding, after running every check:
#   ruff over the Python (rules in pyproject.toml); mypy over wp_bridge (settings in pyproject.toml);
#   phpcs over the shim (wp-plugin-shim/phpcs.xml.dist, Debian's php-codesniffer), and every phpcs:ignore in the shim
#   silencing a finding of the sniff it names (scripts/phpcs_annotations.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/venv.sh
if ! command -v phpcs >/dev/null 2>&1; then
  echo "lint.sh: phpcs is missing (Debian's php-codesniffer; scripts/install-system-deps.sh installs it)" >&2
  exit 1
fi

status=0
echo "lint: ruff" && "$venv/bin/ruff" check --quiet --output-format=concise . || status=1
echo "lint: mypy" && "$venv/bin/mypy" || status=1
echo "lint: phpcs" && phpcs -q --standard=wp-plugin-shim/phpcs.xml.dist || status=1
echo "lint: phpcs annotations" && "$venv/bin/python" scripts/phpcs_annotations.py || status=1
if ((status)); then
  echo "lint: findings above" >&2
else
  echo "lint: clean"
fi
exit "$status"
