#!/usr/bin/env bash
# demo.sh up|down|status|env [OPTIONS]: the demo stack on loopback (WordPress + shim + demo admin pages, the
# sidecar, MariaDB and PostgreSQL with invented learners and classes), kept in the git-ignored folder .demo/.
#
#   ./scripts/demo.sh up [--port 8080] [--legacy-plugin DIR]   bring it up (DIR: a copy of the legacy plugin, whose
#                                          pages then run against the sidecar), or print its details when it runs
#   ./scripts/demo.sh status                what runs
#   eval "$(./scripts/demo.sh env)"         point `wecoza-sidecar check-config`, `actions`, `explain-auth`... at it
#   ./scripts/demo.sh down [--purge]        stop it (the data stays); --purge also drops the databases and .demo/
#
# On a fresh Debian 12 machine, as root: `up` first installs the Debian packages the demo needs and starts
# PostgreSQL and MariaDB (scripts/install-system-deps.sh --demo; no service is enabled at boot), and makes .venv
# like scripts/test.sh does. Every option is passed to `python -m demo.stack` (see `./scripts/demo.sh up --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command=${1:-}
case $command in
  up|down|status|env) ;;
  -h|--help|help|"")
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [[ -n $command ]] && exit 0 || exit 2 ;;
  *) echo "demo.sh: unknown command '$command' (up, down, status or env)" >&2; exit 2 ;;
esac

# What `up` needs: system packages and running databases (fast when everything is there); `down --purge` needs
# the databases answering too.
if [[ $command == up || " $* " == *" --purge "* ]]; then
  scripts/install-system-deps.sh --demo >&2
fi

source scripts/venv.sh

exec "$venv/bin/python" -m demo.stack "$@"
