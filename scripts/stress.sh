#!/usr/bin/env bash
# stress.sh: the whole proof under stress in one command (issue 9), bounded in time and request count and on
# loopback only:
#   1. the security matrix, fault injection, outbox, direct mode and concurrency tests (as CI runs them);
#   2. the long fuzz pass (scripts/fuzz.sh);
#   3. every benchmark, the load test included, as one table (bench/run.py), also written to bench/README.md.
# Needs root, like scripts/test.sh, to install packages, start the databases and mount the small filesystem the
# disk-full test uses. Exit status 1 when any part failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
./scripts/test.sh tests/security tests/faults tests/events tests/direct tests/concurrency || status=1
./scripts/fuzz.sh || status=1
.venv/bin/python bench/run.py --update-readme || status=1
exit "$status"
