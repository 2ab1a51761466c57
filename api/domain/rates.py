"""Counting requests against a rate ("120/min"): the sliding-window counter the API's throttles
keep in PostgreSQL (api.rate_counts), here as plain functions, the reference the SQL is
tested against.

A client's count is two numbers: the requests allowed in its current window of the rate's
duration and in the window before. Windows are the client's own: the first starts at its first
request (`origin`), so a burst from a client not seen lately is counted exactly, and a client
idle for two windows starts afresh. A request is allowed while

    prev_hits × (share of the previous window still inside the last duration) + hits < limit

that is, while the requests of the last duration are fewer than the limit, assuming the
previous window's were spread evenly over it (Cloudflare's "sliding window counter"; the
exact alternative, a time stamp per request as Django REST framework keeps in its cache,
would rewrite a list as long as the limit on every request). Refused requests are not
counted, as in Django REST framework: a client sending faster than the rate gets the rate.
Within any one of a client's windows at most `limit` requests are allowed.

>>> c = None
>>> for t in (0.0, 1.0, 2.0):
...     c = hit(c, now=t, limit=2, duration=60)
...     print(c.allowed, c.hits)
True 1
True 2
False 2
>>> round(wait_s(c, now=2.0, limit=2, duration=60), 1)   # the next window, at t = 60
58.0
>>> c = hit(c, now=90.0, limit=2, duration=60)        # half of the previous window still weighs: 2 × 0.5
>>> c.allowed, c.window_no, c.hits, c.prev_hits
(True, 1, 1, 2)
>>> c = hit(c, now=91.0, limit=2, duration=60)        # 2 × 0.48 + 1 < 2
>>> c.allowed, c.hits
(True, 2)
>>> hit(c, now=92.0, limit=2, duration=60).allowed    # 2 × 0.47 + 2 is not
False
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RateCount:
    origin: float  # when the client's first window began (seconds since the epoch)
    window_no: int  # the window `hits` counts: [origin + n × duration, origin + (n + 1) × duration)
    hits: int  # requests allowed in that window
    prev_hits: int  # requests allowed in the window before it
    allowed: bool  # whether the request just counted was allowed


def _elapsed(origin: float, window_no: int, now: float, duration: float) -> float:
    """The share of window `window_no` gone at `now`, within [0, 1] (a clock a little behind
    another worker's reads 0)."""
    return min(max((now - origin) / duration - window_no, 0.0), 1.0)


def hit(count: RateCount | None, *, now: float, limit: int, duration: float) -> RateCount:
    """The count after one more request at `now`; `allowed` says whether it may be served."""
    origin, n, hits, prev = now, 0, 0, 0
    if count is not None:
        current = max(count.window_no, math.floor((now - count.origin) / duration))
        if current == count.window_no:
            origin, n, hits, prev = count.origin, current, count.hits, count.prev_hits
        elif current == count.window_no + 1:
            origin, n, hits, prev = count.origin, current, 0, count.hits
    allowed = prev * (1 - _elapsed(origin, n, now, duration)) + hits < limit
    return RateCount(origin=origin, window_no=n, hits=hits + allowed, prev_hits=prev, allowed=allowed)


def wait_s(count: RateCount, *, now: float, limit: int, duration: float) -> float:
    """Seconds from `now` until a request would be allowed again, if none is sent meanwhile
    (at least a millisecond: a refused client is told to wait); never more than `duration`."""
    start = count.origin + count.window_no * duration
    if limit <= 0:
        at = now + duration
    elif count.hits < limit and count.prev_hits > 0:
        # in this window, once prev_hits × (1 - f) + hits < limit
        at = start + (1 - (limit - count.hits) / count.prev_hits) * duration
    else:
        # in the next one, where this window's hits weigh as the previous: hits × (1 - f) < limit
        at = start + duration + max(0.0, 1 - limit / max(count.hits, 1)) * duration
    return min(max(at - now, 0.001), float(duration))
