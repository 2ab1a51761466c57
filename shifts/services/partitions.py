"""Day partitions of the fixes table (`shifts_fix`, see migration shifts.0002).

A day is a local day of settings.TIME_ZONE (Beijing's 00:00–24:00, which is what a
retention rule in days means to the people who set it). `fixes_partition_ensure(day)`
creates that day's partition when it is missing; it is called by the ingestion before a
COPY, under a transaction-scoped advisory lock so that two batches of the same new day do
not both create it. If the DEFAULT partition already holds fixes of that day (they arrived
while the day had no partition), they are moved into the new one in the same transaction:
PostgreSQL refuses to attach a range the default partition has rows of.

`fixes_partitions()` lists the day partitions; `fixes_prune(older_than_days=N)` detaches
and drops every day partition that ended more than N days ago (one audit event for the
run) and deletes the default partition's rows older than that.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb

PARENT = "shifts_fix"
DEFAULT = "shifts_fix_default"
_NAME = re.compile(r"^shifts_fix_p(\d{8})$")
_LOCK_NAMESPACE = 0x5F1C  # pg_advisory_xact_lock(int, int): (namespace, yyyymmdd)


def _q(name: str) -> str:
    """A partition's name quoted for DDL (names are made from dates, never from input)."""
    if not (_NAME.match(name) or name == DEFAULT):
        raise ValueError(f"not a fixes partition: {name!r}")
    return connection.ops.quote_name(name)


def partition_name(day: dt.date) -> str:
    return f"shifts_fix_p{day:%Y%m%d}"


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight, as aware datetimes."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def local_day(t: dt.datetime) -> dt.date:
    return t.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


# Read from pg_class itself, not with to_regclass: to_regclass goes through the backend's
# catalog cache, which keeps "no such table" after waiting on the advisory lock for another
# batch that created it meanwhile (an advisory lock takes in no catalog changes), and the
# CREATE then fails with "already exists".
EXISTS_SQL = ("EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = {name} "
              "AND c.relnamespace = current_schema()::regnamespace)")


def _exists(cur, name: str) -> bool:
    cur.execute("SELECT " + EXISTS_SQL.format(name="%s"), [name])
    return cur.fetchone()[0]


def fixes_partition_ensure(day: dt.date) -> bool:
    """Make sure `day` has its partition; True when it was created now."""
    name = partition_name(day)
    start, end = day_bounds(day)
    with transaction.atomic(), connection.cursor() as cur:
        if _exists(cur, name):
            return False
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, int(f"{day:%Y%m%d}")])
        if _exists(cur, name):  # created by the batch we waited for
            return False
        cur.execute(f"SELECT 1 FROM {DEFAULT} WHERE t >= %s AND t < %s LIMIT 1", [start, end])
        stray = cur.fetchone() is not None
        if stray:
            cur.execute(f"CREATE TEMP TABLE shifts_fix_moving ON COMMIT DROP AS "
                        f"SELECT * FROM {DEFAULT} WHERE t >= %s AND t < %s", [start, end])
            cur.execute(f"DELETE FROM {DEFAULT} WHERE t >= %s AND t < %s", [start, end])
        cur.execute(f"CREATE TABLE {_q(name)} PARTITION OF {PARENT} FOR VALUES FROM (%s) TO (%s)", [start, end])
        if stray:
            cur.execute(f"INSERT INTO {PARENT} OVERRIDING SYSTEM VALUE SELECT * FROM shifts_fix_moving")
            cur.execute("DROP TABLE shifts_fix_moving")
    return True


@dataclass(frozen=True)
class Partition:
    name: str
    day: dt.date
    bytes: int


def fixes_partitions() -> list[Partition]:
    """The day partitions, oldest first, with their size on disk (table, indexes, TOAST)."""
    with connection.cursor() as cur:
        cur.execute("""SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i
                       JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass""", [PARENT])
        rows = cur.fetchall()
    out = []
    for name, size in rows:
        m = _NAME.match(name)
        if m:
            out.append(Partition(name, dt.datetime.strptime(m.group(1), "%Y%m%d").date(), size))
    return sorted(out, key=lambda p: p.day)


@dataclass(frozen=True)
class PruneReport:
    cutoff: dt.datetime
    dropped: list[Partition]
    default_rows_deleted: int


def fixes_prune(*, older_than_days: int, today: dt.date | None = None, dry_run: bool = False) -> PruneReport:
    """Drop the day partitions older than `older_than_days` whole days before `today`."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    today = today or timezone.localdate()
    first_kept = today - dt.timedelta(days=older_than_days)
    cutoff = day_bounds(first_kept)[0]
    old = [p for p in fixes_partitions() if p.day < first_kept]
    if dry_run:
        return PruneReport(cutoff, old, 0)
    with transaction.atomic(), connection.cursor() as cur:
        for p in old:
            cur.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {_q(p.name)}")
            cur.execute(f"DROP TABLE {_q(p.name)}")
        cur.execute(f"DELETE FROM {DEFAULT} WHERE t < %s", [cutoff])
        deleted = cur.rowcount
        if old or deleted:
            audit.record(actor=None, verb=Verb.PRUNED, subject=("shifts.fix", PARENT), after={
                "older_than_days": older_than_days, "cutoff": cutoff.isoformat(),
                "partitions": [p.name for p in old], "bytes": sum(p.bytes for p in old),
                "default_rows_deleted": deleted})
    return PruneReport(cutoff, old, deleted)
