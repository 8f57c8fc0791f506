#!/usr/bin/env bash
# demo.sh up|down|status [OPTIONS]: the demo stack on loopback (WordPress + shim + demo page, the sidecar,
# MariaDB and PostgreSQL with invented learners and classes), kept in the git-ignored folder .demo/.
#
#   ./scripts/demo.sh up [--port 8080]      bring it up, or print its details when it runs; restarts what died
#   ./scripts/demo.sh status                what runs
#   ./scripts/demo.sh down [--purge]        stop it (the data stays); --purge also drops the databases and .demo/
#
# On a fresh Debian 12 machine, as root: `up` first installs the Debian packages that are missing and starts
# PostgreSQL and MariaDB (scripts/install-system-deps.sh), and makes .venv like scripts/test.sh does.
# Every option is passed to `python -m demo.stack` (see demo/stack.py, or `./scripts/demo.sh up --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command=${1:-}
case $command in
  up|down|status) ;;
  -h|--help|help|"")
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [[ -n $command ]] && exit 0 || exit 2 ;;
  *) echo "demo.sh: unknown command '$command' (up, down or status)" >&2; exit 2 ;;
esac

# What `up` needs: system packages and running databases (fast when everything is there); `down --purge` needs
# the databases answering too.
if [[ $command == up || " $* " == *" --purge "* ]]; then
  scripts/install-system-deps.sh
fi

source scripts/venv.sh

exec "$venv/bin/python" -m demo.stack "$@"
