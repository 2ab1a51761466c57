#!/usr/bin/env bash
# `make run`: bootstrap, migrate, load the demo district when missing, serve on 127.0.0.1:8000
# with gunicorn (static files served by the app through WhiteNoise; DEBUG off unless set), and one
# background worker for the jobs (coverage of GPS fixes) while gunicorn runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=config.settings
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}; PORT=${PORT:-8000}
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo
cat <<MSG

  街面巡查平台 is running:   http://$HOST:$PORT/
  工作台 (dashboard):         http://$HOST:$PORT/dashboard/
  外勤 (tablet field app):    http://$HOST:$PORT/field/
  管理后台 (admin):           http://$HOST:$PORT/admin/
  演示账号 demo logins (password ${DEMO_ADMIN_PASSWORD:-patrol-demo}):
    ${DEMO_ADMIN_USER:-admin} 区级管理员 · supervisor1 督办 · lead1 班组长 · officer1 / officer2 队员 · publisher1 发布
  API: http://$HOST:$PORT/api/v1/schema/   Open311: http://$HOST:$PORT/open311/v2/discovery.json

MSG
# One background worker (django-tasks' database backend: jobs are rows of this database; README
# "Background jobs"), started again if it dies and sweeping the jobs a dead worker left
# (scripts/worker.sh), stopped when gunicorn stops. Gunicorn runs as a child rather than by exec
# so that the trap outlives it.
bash scripts/worker.sh &
WORKER=$!
GUNICORN=
stop() {
  [ -n "$GUNICORN" ] && kill -TERM "$GUNICORN" 2>/dev/null || true
  kill -TERM "$WORKER" 2>/dev/null || true  # it finishes the job it is running, then exits
  wait 2>/dev/null || true  # both
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
.venv/bin/gunicorn config.wsgi:application --preload --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - --error-logfile - &
GUNICORN=$!
status=0
wait "$GUNICORN" || status=$?
GUNICORN=
exit "$status"
