#!/usr/bin/env bash
# `make run`: bootstrap, migrate, load the demo district when missing, serve on 127.0.0.1:8000
# with gunicorn (static files served by the app through WhiteNoise; DEBUG off unless set).
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
  管理后台 (admin):           http://$HOST:$PORT/admin/
  演示账号 demo logins (password ${DEMO_ADMIN_PASSWORD:-patrol-demo}):
    ${DEMO_ADMIN_USER:-admin} 区级管理员 · supervisor1 督办 · lead1 班组长 · officer1 / officer2 队员 · publisher1 发布
  API: http://$HOST:$PORT/api/v1/schema/   Open311: http://$HOST:$PORT/open311/v2/discovery.json

MSG
exec .venv/bin/gunicorn config.wsgi:application --preload --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - --error-logfile -
