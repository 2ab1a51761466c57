"""When a background job that failed runs again (pure; core.jobs applies it).

Every job of this project is idempotent (coverage merges, a 12345 import that commits "done"
with its complaints, links made once), so running one again is always safe: a failure that
may be transient (a dropped connection, a deadlock, a worker killed by the machine) is
retried, a few times, further apart each time; after the last attempt it stays FAILED.

An attempt is a worker taking the job (django-tasks-db appends the worker's id to the row's
``worker_ids`` each time), so a job whose worker died is counted as one that failed.

>>> [retry_delay(n, base_seconds=60, cap_seconds=3600) for n in (1, 2, 3, 7, 8)]
[60, 120, 240, 3600, 3600]
>>> next_step(attempts=2, max_attempts=5, base_seconds=60, cap_seconds=3600)
('retry', 120)
>>> next_step(attempts=5, max_attempts=5, base_seconds=60, cap_seconds=3600)
('give_up', 0)
"""
from __future__ import annotations


def retry_delay(attempts: int, *, base_seconds: int, cap_seconds: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2×base, 4×base …, at most cap."""
    return min(cap_seconds, base_seconds * 2 ** max(0, min(attempts - 1, 30)))


def next_step(*, attempts: int, max_attempts: int, base_seconds: int, cap_seconds: int) -> tuple[str, int]:
    """("retry", seconds to wait) while attempts remain, else ("give_up", 0)."""
    if attempts < max_attempts:
        return "retry", retry_delay(attempts, base_seconds=base_seconds, cap_seconds=cap_seconds)
    return "give_up", 0
