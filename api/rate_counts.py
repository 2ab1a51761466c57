"""The API's rate-limit counts in PostgreSQL (api.RateCount), so that every worker of the
server counts a client's requests together: with Django's default cache, memory of one
process, each gunicorn worker gave a client the whole rate again.

`rate_count_hit` counts one request in one statement, an upsert of the client's row that
PostgreSQL runs atomically per row, so concurrent requests of one client in different workers
neither lose a count nor wait for more than that statement. It is api.domain.rates' `hit`,
written in SQL (the tests hold the two to the same answers). A client's first request (a row
inserted) also prunes rows that count nothing any more (`rate_counts_prune`), so the table
holds about the clients of the last two windows and no query runs on a schedule.
"""
from __future__ import annotations

import hashlib

from django.db import connection

from .domain.rates import RateCount
from .models import RateCount as RateCountRow

TABLE = RateCountRow._meta.db_table
KEY_MAX = RateCountRow._meta.get_field("key").max_length

# %(now)s, %(duration)s: seconds; %(limit)s: requests. In the update, `c` is the stored row
# (every expression reads it as it was), `k.n` the window `now` falls in, `s` the row rolled
# forward to that window (a client idle for more than a window starts afresh at `now`), and
# `ok` whether this request is allowed: api.domain.rates.hit, step for step.
_HIT = f"""
INSERT INTO {TABLE} AS c (key, origin, window_no, hits, prev_hits, allowed, expires)
VALUES (%(key)s, %(now)s, 0, (%(limit)s > 0)::int, 0, %(limit)s > 0, %(now)s + 2 * %(duration)s)
ON CONFLICT (key) DO UPDATE SET (origin, window_no, hits, prev_hits, allowed, expires) = (
    SELECT r.origin, r.n, r.hits + r.ok::int, r.prev, r.ok, r.origin + (r.n + 2) * %(duration)s
    FROM (
        SELECT s.*, s.prev * (1 - LEAST(GREATEST((%(now)s - s.origin) / %(duration)s - s.n, 0), 1))
                    + s.hits < %(limit)s AS ok
        FROM (
            SELECT CASE WHEN k.n <= c.window_no + 1 THEN c.origin ELSE %(now)s END AS origin,
                   CASE WHEN k.n <= c.window_no + 1 THEN k.n ELSE 0 END AS n,
                   CASE WHEN k.n = c.window_no THEN c.hits ELSE 0 END AS hits,
                   CASE WHEN k.n = c.window_no THEN c.prev_hits
                        WHEN k.n = c.window_no + 1 THEN c.hits ELSE 0 END AS prev
            FROM (SELECT GREATEST(c.window_no, floor((%(now)s - c.origin) / %(duration)s)::int) AS n) k
        ) s
    ) r
)
RETURNING origin, window_no, hits, prev_hits, allowed, xmax = 0
"""

_PRUNE = f"""
DELETE FROM {TABLE} WHERE key IN (
    SELECT key FROM {TABLE} WHERE expires < %(now)s ORDER BY expires LIMIT %(batch)s FOR UPDATE SKIP LOCKED)
"""


def rate_key(key: str) -> str:
    """`key` as stored: whole up to KEY_MAX characters, else its start and a digest (the client
    part may come from X-Forwarded-For, where anything can be written)."""
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key[:KEY_MAX - len(digest) - 1] + "#" + digest


def rate_count_hit(*, key: str, now: float, limit: int, duration: float) -> RateCount:
    """Count one request of `key` at `now` (seconds since the epoch) against `limit` requests
    per `duration` seconds; the count says whether it is allowed."""
    params = {"key": rate_key(key), "now": float(now), "limit": int(limit), "duration": float(duration)}
    with connection.cursor() as cursor:
        cursor.execute(_HIT, params)
        origin, window_no, hits, prev_hits, allowed, inserted = cursor.fetchone()
    if inserted:
        rate_counts_prune(now=now)
    return RateCount(origin=origin, window_no=window_no, hits=hits, prev_hits=prev_hits, allowed=allowed)


def rate_counts_prune(*, now: float, batch: int = 100) -> int:
    """Delete up to `batch` rows that count nothing at `now` (rows in use by another request
    are skipped, never waited for); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(_PRUNE, {"now": float(now), "batch": batch})
        return cursor.rowcount
