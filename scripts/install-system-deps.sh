#!/usr/bin/env bash
# install-system-deps.sh [--demo]: make this Debian 12 machine able to run the test suite (or, with --demo, only the
# demo: no nginx, no chromium, no phpcs). Idempotent.
#   1. installs the Debian packages below that are missing (apt-get update only when something is missing); the
#      services those packages bring (PostgreSQL, MariaDB, nginx) are neither started by the packages nor enabled at
#      boot: this script starts the databases when it is run, without systemd, and nothing else needs them running;
#   2. starts the machine's PostgreSQL and MariaDB when they do not answer on 127.0.0.1 (no systemd needed), for the
#      demo, its tests (tests/ops/test_demo_stack.py) and the bench. The rest of the test suite needs only the
#      packages: it runs servers of its own (devstack/servers.py) and never touches the machine's.
# Needs root, or sudo without a password, only when there is something to do.
set -euo pipefail

DEMO_PACKAGES=(
  postgresql mariadb-server mariadb-client
  php-cli php-mysql php-pgsql php-curl php-xml php-mbstring
  wordpress wordpress-theme-twentytwentythree
  rsync ca-certificates python3-venv
)
TEST_ONLY_PACKAGES=(nginx-light chromium php-codesniffer)   # direct-mode tests behind nginx; browser tests; lint
# Debian package -> the service it enables at boot
declare -A SERVICES=([postgresql]=postgresql [mariadb-server]=mariadb [nginx-light]=nginx)

case ${1:-} in
  --demo) PACKAGES=("${DEMO_PACKAGES[@]}") ;;
  "") PACKAGES=("${DEMO_PACKAGES[@]}" "${TEST_ONLY_PACKAGES[@]}") ;;
  *) echo "usage: install-system-deps.sh [--demo]" >&2; exit 2 ;;
esac
PG_PORT=5432
MYSQL_PORT=3306

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else echo "install-system-deps: root is needed to run: $*" >&2; return 1
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # wait_port PORT NAME LOGFILE
  for _ in $(seq 1 120); do port_open "$1" && return 0; sleep 0.5; done
  echo "install-system-deps: $2 does not answer on 127.0.0.1:$1 after 60s; see $3" >&2
  return 1
}

# ------------------------------------------------------------------ packages
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "install-system-deps: installing ${missing[*]}"
  as_root apt-get update -qq
  # policy-rc.d (Debian's invoke-rc.d policy) keeps the packages from starting their services; ours only when the
  # machine has none.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    trap 'as_root rm -f '"$policy" EXIT
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  for pkg in "${missing[@]}"; do
    service=${SERVICES[$pkg]:-}
    [[ -n $service ]] || continue
    if command -v systemctl >/dev/null 2>&1; then  # works without a running systemd too
      as_root systemctl disable --quiet "$service" 2>/dev/null || true
    fi
    as_root update-rc.d "$service" disable >/dev/null 2>&1 || true
    echo "install-system-deps: $service is not enabled at boot (this script starts what is needed)"
  done
fi

# ------------------------------------------------------------------ PostgreSQL
if ! port_open "$PG_PORT"; then
  echo "install-system-deps: starting PostgreSQL"
  for version in /etc/postgresql/*/; do
    version=$(basename "$version")
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  wait_port "$PG_PORT" PostgreSQL "/var/log/postgresql/"
fi

# ------------------------------------------------------------------ MariaDB
if ! port_open "$MYSQL_PORT"; then
  echo "install-system-deps: starting MariaDB"
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_port "$MYSQL_PORT" MariaDB "/var/log/mysql/error.log"
fi

echo "install-system-deps: packages present, PostgreSQL and MariaDB answering"
