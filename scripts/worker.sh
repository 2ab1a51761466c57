#!/usr/bin/env bash
# The background worker `make run` starts (README "Background jobs"), kept alive: `manage.py
# db_worker` run again 5 s after it exits for any reason but a stop (a SIGKILL, the OOM killer,
# a crash), and jobs a dead worker left RUNNING (or FAILED without their retry step) put back in
# the queue by `manage.py jobs_requeue_stale` when the loop starts and every JOBS_SWEEP_SECONDS
# (default 300), once older than JOBS_STALE_MINUTES (default 30: above the longest job, since a
# job still running on a live worker elsewhere would run twice). SIGTERM or SIGINT stops it: the
# worker finishes the job it is running, then both exit.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
STALE=${JOBS_STALE_MINUTES:-30}
SWEEP=${JOBS_SWEEP_SECONDS:-300}
child=
stopping=
stop() {
  stopping=1
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  [ -n "$child" ] && wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT
last_sweep=0
while [ -z "$stopping" ]; do
  now=$(date +%s)
  if (( now - last_sweep >= SWEEP )); then
    $PY manage.py jobs_requeue_stale --older-than-minutes "$STALE" -v0 >/dev/null || echo "[worker] jobs_requeue_stale failed" >&2
    last_sweep=$now
  fi
  if [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; then
    if [ -n "$child" ]; then
      wait "$child" 2>/dev/null; status=$?
      echo "[worker] db_worker exited with status $status; starting it again" >&2
    fi
    $PY manage.py db_worker --no-reload --no-startup-delay --verbosity "${WORKER_VERBOSITY:-1}" &
    child=$!
  fi
  # sleep in the background so that a stop is handled at once, not after the sleep
  sleep 5 & wait $! 2>/dev/null
done
