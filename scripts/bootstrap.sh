#!/usr/bin/env bash
# One idempotent bootstrap behind both README commands (`make run`, `make test`):
#   1. Debian packages (PostgreSQL 15 + PostGIS 3, GDAL/GEOS/PROJ, Chromium, CJK font),
#   2. the virtualenv with requirements.txt,
#   3. a database: $DATABASE_URL when set (created when missing), otherwise a local PostGIS cluster started here.
# Safe to run any number of times; each step does nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '[bootstrap] %s\n' "$*" >&2; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- 1. system packages -------------------------------------------------------------
PKGS=(postgresql-15 postgresql-15-postgis-3 postgresql-contrib gdal-bin libgdal-dev libgeos-dev
      libproj-dev chromium fonts-wqy-microhei python3-venv
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint (publishing PDF)
      poppler-utils)  # pdftotext/pdffonts: the tests read the published PDFs back
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. virtualenv --------------------------------------------------------------------
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing requirements.txt"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi

# --- 3. database ----------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  log "using DATABASE_URL from the environment"
  db=$(.venv/bin/python scripts/ensure_database.py)  # creates it when missing; exits 1 with why
  if [ "$db" = created ]; then log "created its database (with postgis)"; fi
  exit 0
fi

PGVER=15; CLUSTER=main
DB_NAME=${PATROL_DB_NAME:-patrol}; DB_USER=${PATROL_DB_USER:-patrol}; DB_PASS=${PATROL_DB_PASSWORD:-patrol}
DB_PORT=${PATROL_DB_PORT:-5432}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PGOPTIONS="${PGOPTIONS:-}" "$@"; else sudo -u postgres env PGOPTIONS="${PGOPTIONS:-}" "$@"; fi; }

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}' | grep -qx "$PGVER/$CLUSTER"; then
  log "creating PostgreSQL cluster $PGVER/$CLUSTER"
  $SUDO pg_createcluster "$PGVER" "$CLUSTER" -p "$DB_PORT" >/dev/null
fi
status=$(pg_lsclusters -h | awk -v v="$PGVER" -v c="$CLUSTER" '$1==v && $2==c {print $4}')
if [ "$status" != "online" ]; then
  log "starting PostgreSQL $PGVER/$CLUSTER"
  ok=0
  for i in $(seq 1 20); do
    # A stale postmaster.pid from a killed server blocks the start until it is cleared.
    if $SUDO pg_ctlcluster "$PGVER" "$CLUSTER" start >/dev/null 2>&1; then ok=1; break; fi
    pidfile=/var/lib/postgresql/$PGVER/$CLUSTER/postmaster.pid
    if [ -f "$pidfile" ] && ! kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then
      log "removing stale $pidfile"; $SUDO rm -f "$pidfile"
    fi
    sleep 1
  done
  [ "$ok" = 1 ] || { log "PostgreSQL did not start; see /var/log/postgresql/"; exit 1; }
fi
for i in $(seq 1 30); do
  as_pg pg_isready -q -p "$DB_PORT" && break; sleep 1
done

psql_su() { PGOPTIONS="--client-min-messages=warning" as_pg psql -p "$DB_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" != "1" ]; then
  log "creating role $DB_USER"
  psql_su -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASS'"
fi
# PostGIS in template1 first, so every database created later (the test database too) has it.
psql_su -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis"
if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != "1" ]; then
  log "creating database $DB_NAME"
  psql_su -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
fi
psql_su -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"
log "database ready: postgis://$DB_USER:***@127.0.0.1:$DB_PORT/$DB_NAME"
