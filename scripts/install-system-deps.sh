#!/usr/bin/env bash
# install-system-deps.sh: make this Debian 12 machine able to run the test suite. Idempotent.
#   1. installs the Debian packages below that are missing (apt-get update only when something is missing);
#   2. starts PostgreSQL and MariaDB when they do not answer on 127.0.0.1 (no systemd needed).
# Needs root, or sudo without a password, only when there is something to do.
set -euo pipefail

PACKAGES=(
  postgresql mariadb-server mariadb-client
  php-cli php-mysql php-pgsql php-curl php-xml php-mbstring
  nginx-light wordpress wordpress-theme-twentytwentythree
  rsync ca-certificates python3-venv chromium
)
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
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
