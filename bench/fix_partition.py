"""What one day partition of GPS fixes costs on disk, and how fast COPY fills it.

Fills the partition of one day (2001-01-01, which no real shift has) of `shifts_fix` in
the database of DATABASE_URL (migrated) with N synthetic fixes, written exactly as the
ingestion writes them (shifts.services.fixes.copy_buffer: COPY text rows, hex EWKB
points) in batches of 60 fixes (5 minutes of one tablet at one fix per 5 s): 200 members
walking seeded random walks around 学院路, each batch with its own batch id, batches in
arrival order; 5 % of the fixes carry a flag, like a real day's poor-accuracy share.
Then VACUUM ANALYZE and the sizes: heap, each index, pg_total_relation_size; per million
fixes and extrapolated to 60 M fixes a day (5,000 officers at one fix per 5 s). The
partition is detached and dropped at the end (try/finally) unless --keep.

    DATABASE_URL=postgis://patrol:patrol@127.0.0.1:5432/patrol_s2 .venv/bin/python bench/fix_partition.py
Last line: RESULT fixes=… total_mb=… mb_per_million=… gb_per_day_60M=… copy_fixes_per_s=…
"""
import argparse
import datetime as dt
import io
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from shifts.services.fixes import FixIn, copy_buffer, copy_into_fixes, project  # noqa: E402
from shifts.services.partitions import PARENT, fixes_partition_ensure, partition_name  # noqa: E402

DAY = dt.date(2001, 1, 1)
MEMBERS = 200
BATCH = 60
LAT, LON = 39.99912, 116.34636


def batches(n: int, seed: int):
    rnd = random.Random(seed)
    start = dt.datetime(2001, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    pos = [(LAT + rnd.uniform(-0.01, 0.01), LON + rnd.uniform(-0.01, 0.01)) for _ in range(MEMBERS)]
    per_member = math.ceil(n / MEMBERS)
    batch_id, made = 0, 0
    for first in range(0, per_member, BATCH):
        for m in range(MEMBERS):
            fixes = []
            lat, lon = pos[m]
            for i in range(first, min(first + BATCH, per_member)):
                if made >= n:
                    break
                lat += rnd.gauss(0, 4e-5)
                lon += rnd.gauss(0, 5e-5)
                fixes.append(FixIn(t=start + dt.timedelta(seconds=5 * i + m * 0.01), lat=lat, lon=lon,
                                   accuracy_m=round(rnd.uniform(3, 15), 1), speed_mps=round(rnd.uniform(0, 2), 2),
                                   heading_deg=round(rnd.uniform(0, 360), 1)))
                made += 1
            pos[m] = (lat, lon)
            if fixes:
                batch_id += 1
                flags = [frozenset({"poor_accuracy"}) if rnd.random() < 0.05 else frozenset() for _ in fixes]
                yield m + 1, batch_id, fixes, flags


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--keep", action="store_true", help="leave the partition in place")
    args = parser.parse_args()
    name = partition_name(DAY)
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cur.fetchone()[0]:
            sys.exit(f"{name} exists already: drop it first (or it is someone's data)")
    fixes_partition_ensure(DAY)
    try:
        copy_seconds, pending, rows = 0.0, io.StringIO(), 0
        build0 = time.perf_counter()

        def flush():
            nonlocal copy_seconds, pending
            pending.seek(0)
            t0 = time.perf_counter()
            copy_into_fixes(pending)
            copy_seconds += time.perf_counter() - t0
            pending = io.StringIO()

        for member, batch_id, fixes, flags in batches(args.fixes, args.seed):
            buf = copy_buffer(shift_id=member, officer_id=member, batch_id=batch_id, device_id=f"tablet-{member:04d}",
                              fixes=fixes, xy=project(fixes), flags=flags, srid=settings.STORAGE_SRID)
            pending.write(buf.getvalue())
            rows += len(fixes)
            if rows % 100_000 < len(fixes):
                flush()
        flush()
        total_seconds = time.perf_counter() - build0
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {name}")  # a name made from a date
            cur.execute(f"SELECT count(*) FROM {name}")
            count = cur.fetchone()[0]
            cur.execute("SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
                        "pg_total_relation_size(%s::regclass)", [name, name, name])
            heap, indexes, total = cur.fetchone()
            cur.execute("""SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c
                           ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass ORDER BY 1""", [name])
            each = cur.fetchall()
        per_million = total / count * 1e6 / 2**20
        print(f"partition {name}: {count:,} fixes")
        print(f"  heap {heap / 2**20:.1f} MiB ({heap / count:.0f} B/fix), indexes {indexes / 2**20:.1f} MiB, "
              f"total {total / 2**20:.1f} MiB")
        for index, size in each:
            print(f"  index {index}: {size / 2**20:.2f} MiB")
        print(f"  per 1,000,000 fixes: {per_million:.1f} MiB; a day of 60 M fixes: {per_million * 60 / 1024:.1f} GiB")
        print(f"  COPY {count / copy_seconds:,.0f} fixes/s (the COPY statements alone); "
              f"{count / total_seconds:,.0f} fixes/s with building the rows in Python")
        print(f"RESULT fixes={count} total_mb={total / 2**20:.1f} mb_per_million={per_million:.1f} "
              f"gb_per_day_60M={per_million * 60 / 1024:.2f} copy_fixes_per_s={count / copy_seconds:.0f}")
    finally:
        if not args.keep:
            with connection.cursor() as cur:
                cur.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
                cur.execute(f"DROP TABLE {name}")


if __name__ == "__main__":
    main()
