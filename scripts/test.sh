#!/usr/bin/env bash
# test.sh [PYTEST ARGS...]: the project's test command.
# Creates .venv when missing (python3.11 or python3), installs the project with its test extras when setup.cfg or
# pyproject.toml changed since the last install, then runs pytest. Fails when no test ran (pytest exit 5).
# The suite itself starts what it needs (PostgreSQL, MariaDB, WordPress, the sidecar); see tests/conftest.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/venv.sh

status=0
"$venv/bin/python" -m pytest "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "test.sh: no test ran (pytest exit 5) - that is a failure" >&2
  exit 1
fi
exit "$status"
