#!/usr/bin/env bash
# `make test`: bootstrap, then the whole test suite (unit, PostGIS, browser).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
# One pytest worker per core, up to 4 (TEST_WORKERS overrides; 0 runs in this process), each
# with its own test database (test_<name>_gw0, …). Tests are handed out one by one in the order
# pytest-django sorts them (transactional tests, which flush their database, last on each worker).
workers=${TEST_WORKERS:-$(nproc)}
[ "$workers" -gt 4 ] && workers=4
args=()
case " $* " in *" -n "*|*" -n="*|*" --numprocesses"*) ;; *) [ "$workers" -gt 1 ] && args=(-n "$workers") ;; esac
.venv/bin/pytest "${args[@]}" "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$rc"
