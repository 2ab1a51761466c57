"""Benchmark: the problems map layer over real HTTP against 1,000,000 problems, next to its SQL.

Where the data lives: a throwaway database `patrol_bench` on the same server, created
fresh (CREATE DATABASE from template1, which carries PostGIS), migrated, loaded with the
demo district and demo people, then 1,000,000 problems in ONE seeded
INSERT … SELECT generate_series (points uniform in the demo subdistrict's bounds, random
category, status and created_at over the past year, deadline three days later), and
ANALYZE. The dev database is never written: this process points Django at patrol_bench
before django.setup(). Copying the dev database (CREATE DATABASE … TEMPLATE patrol) would
be quicker but fails whenever anyone else holds a connection to it, so it is not used.
The bench database is dropped at the end (try/finally), also after a failure.

Measured: gunicorn (config.wsgi, 2 sync workers, 127.0.0.1, a free port) serving
GET /api/v1/problems/layer with a DRF token for the demo 'admin' (district_admin, sees
the whole district), in a bounded loop of N requests per case, each request followed by
the SAME statement (patrol.selectors.layers.problems_layer_query, identical SQL text and
parameters) executed over psycopg2 in this process, timing execute + fetch of the bytes.

    .venv/bin/python bench/api.py [--problems 1000000] [--requests 50]
Last line: RESULT p95_small_ms=… p95_large_ms=… ratio_to_sql_small=… ratio_to_sql_large=…
"""
import argparse
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import admin, db_settings, free_port, pg_connect  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCH_DB = "patrol_bench"
DEFAULT_URL = "postgis://patrol:patrol@127.0.0.1:5432/patrol"
LAYER_PATH = "/api/v1/problems/layer"
SEED = 0.20261126  # setseed() takes a value in [-1, 1]
CASE_SECONDS = 90  # each case's loop stops early past this, whatever N is

# Small: a ~200 m square (0.0024° lon × 0.0018° lat at 40° N) around 学院路 × 清华东路, one
# category. At 1,000,000 problems over the 1.63 km² subdistrict a 200 m box alone holds
# ~24,000 problems (it would hit the limit like the large case); one of the 45 categories
# brings it to a few hundred features. Large: the whole demo area, cut at the limit.
SMALL_BBOX = (116.3453, 39.9987, 116.3477, 40.0005)
LARGE_BBOX = (116.34, 39.99, 116.365, 40.015)

INSERT = """
INSERT INTO patrol_problem (status, geom, location_text, side, source, description, created_at, updated_at,
                            deadline, category_id, reporter_id, subdistrict_id)
SELECT (%(statuses)s::text[])[1 + floor(r.r3 * cardinality(%(statuses)s::text[]))::int],
       ST_SetSRID(ST_MakePoint(b.x0 + r.r1 * (b.x1 - b.x0), b.y0 + r.r2 * (b.y1 - b.y0)), ST_SRID(a.geom)),
       '基准测试问题 ' || r.g, '', 'patrol', 'bench', r.ts, r.ts, r.ts + interval '3 days',
       c.ids[1 + floor(r.r4 * cardinality(c.ids))::int], %(reporter)s, a.id
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
             now() - random() * interval '365 days' AS ts
      FROM generate_series(1, %(n)s) AS g) AS r
CROSS JOIN (SELECT id, geom FROM geodata_area WHERE id = %(subdistrict)s) AS a
CROSS JOIN LATERAL (SELECT ST_XMin(a.geom) AS x0, ST_XMax(a.geom) AS x1, ST_YMin(a.geom) AS y0,
                           ST_YMax(a.geom) AS y1) AS b
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM patrol_category) AS c
"""

# Secondary indexes (not those behind the primary key or unique constraints) and foreign keys.
SCHEMA_PARTS = """
SELECT 'index', i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = 'patrol_problem'
  AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'patrol_problem'::regclass)
UNION ALL
SELECT 'fk', conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = 'patrol_problem'::regclass AND contype = 'f'
"""


def bench_url(base_url: str) -> str:
    cfg = db_settings(base_url)
    return (f"postgis://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}"
            f"/{BENCH_DB}")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def load(n: int) -> dict:
    """Schema, demo district and people, n problems; returns what the cases need."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from api.models import ApiToken
    from geodata.models import Area, AreaKind
    from geodata.services.demo import DEMO_SUBDISTRICT, demo_load
    from patrol.domain.workflow import STATUS_LABELS, Status
    from patrol.models import Category
    from patrol.services.demo import DEMO_PASSWORD, demo_people_load

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    user = get_user_model().objects.create_superuser("admin", password=DEMO_PASSWORD)
    demo_people_load()
    print(f"   schema + demo district and people: {time.perf_counter() - t0:.1f} s")
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT)
    # Every status but 'duplicate', which the schema ties to an original problem.
    statuses = [s for s in STATUS_LABELS if s != Status.DUPLICATE]
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        # A bulk load is far quicker with the secondary indexes and the (deferred) foreign keys
        # rebuilt once afterwards than maintained row by row; the statements come from the
        # catalogue, so the schema measured is exactly the migrated one.
        cur.execute(SCHEMA_PARTS)
        parts = cur.fetchall()
        for kind, name, _ in parts:
            cur.execute(f'ALTER TABLE patrol_problem DROP CONSTRAINT "{name}"' if kind == "fk"
                        else f'DROP INDEX "{name}"')
        cur.execute("SELECT setseed(%s)", [SEED])
        cur.execute(INSERT, {"statuses": statuses, "reporter": user.pk, "subdistrict": sub.pk, "n": n})
        for kind, name, definition in parts:
            cur.execute(f'ALTER TABLE patrol_problem ADD CONSTRAINT "{name}" {definition}' if kind == "fk"
                        else definition)
        cur.execute("ANALYZE patrol_problem")
    print(f"   {n:,} problems inserted and analysed: {time.perf_counter() - t0:.1f} s")
    return {"token": ApiToken.issue(user=user, name="bench/api.py")[1], "user": user,
            "category": Category.objects.order_by("code").first().code}


def reuse() -> dict:
    from django.contrib.auth import get_user_model

    from api.models import ApiToken
    from patrol.models import Category, Problem

    user = get_user_model().objects.get(username="admin")
    print(f"   reusing {Problem.objects.count():,} problems")
    # A stored token cannot be read back: a new one for each run (in patrol_bench only).
    return {"token": ApiToken.issue(user=user, name="bench/api.py")[1], "user": user,
            "category": Category.objects.order_by("code").first().code}


def start_server(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--chdir", str(ROOT), "--timeout", "60", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True)


def wait_ready(base: str, proc: subprocess.Popen, deadline_s: float = 30) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            requests.get(base + LAYER_PATH, timeout=5)  # 401 without a token: cheap, and proves the route
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def run_case(name: str, *, session: requests.Session, base: str, sql_conn, query, params: dict,
             n: int) -> tuple[float, float]:
    url = base + LAYER_PATH
    for _ in range(3):  # warm both paths: worker connections, caches
        session.get(url, params=params, timeout=60).raise_for_status()
        with sql_conn.cursor() as cur:
            cur.execute(query.sql, query.params)
            cur.fetchone()
    api_ms, sql_ms = [], []
    http_body = sql_body = b""
    end = time.monotonic() + CASE_SECONDS
    for _ in range(n):
        if time.monotonic() > end:
            break
        t0 = time.perf_counter()
        r = session.get(url, params=params, timeout=60)
        http_body = r.content
        api_ms.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        t0 = time.perf_counter()
        with sql_conn.cursor() as cur:
            cur.execute(query.sql, query.params)
            sql_body = bytes(cur.fetchone()[0])
        sql_ms.append((time.perf_counter() - t0) * 1000)
    head = json.loads(http_body)
    same = "identical" if http_body == sql_body else f"differ ({len(http_body)} vs {len(sql_body)} bytes)"
    a, s = p95(api_ms), p95(sql_ms)
    matched = f"{head['numberMatched']:,}" if head["numberMatched"] is not None else f">{head['numberMatchedCap']:,}"
    print(f"   {name:5}: {head['numberReturned']:5} features of {matched:>9} matched "
          f"({len(http_body) / 1024:,.0f} KiB, bodies {same}), {len(api_ms)} requests")
    print(f"          HTTP p95 {a:7.1f} ms (median {sorted(api_ms)[len(api_ms) // 2]:6.1f})   "
          f"SQL p95 {s:7.1f} ms (median {sorted(sql_ms)[len(sql_ms) // 2]:6.1f})   ratio {a / s:.2f}")
    return a, s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep-db", action="store_true", help=f"leave {BENCH_DB} for inspection (drop it by hand)")
    parser.add_argument("--reuse-db", action="store_true", help=f"measure on the {BENCH_DB} a --keep-db run left")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    cfg = db_settings(base_url)
    if cfg["NAME"] == BENCH_DB:
        sys.exit(f"DATABASE_URL already names {BENCH_DB}; point it at the dev database")
    url = bench_url(base_url)
    print(f"1. bench database {BENCH_DB} (dev database {cfg['NAME']} is not touched)")
    if not args.reuse_db:
        admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")  # left over from an interrupted run
        admin(cfg, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = url  # before django.setup(): this process only ever sees the bench DB
    server = sql_conn = None
    try:
        import django

        django.setup()
        from django.db import connections

        from org.selectors import jurisdiction_area_ids, officer_of
        from patrol.selectors.layers import problems_layer_query

        ctx = reuse() if args.reuse_db else load(args.problems)
        jurisdiction = jurisdiction_area_ids(officer_of(ctx["user"]))
        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"2. gunicorn on {base}, {args.requests} requests per case, each next to the same SQL")
        server = start_server(url, port)
        wait_ready(base, server)
        sql_conn = pg_connect(cfg, BENCH_DB)
        sql_conn.autocommit = True
        with sql_conn.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")  # as Django's connections do, so the bodies match byte for byte
        session = requests.Session()
        session.headers["Authorization"] = f"Token {ctx['token']}"

        results = {}
        for name, bbox, extra in (("small", SMALL_BBOX, {"category": ctx["category"]}), ("large", LARGE_BBOX, {})):
            params = {"bbox": ",".join(str(v) for v in bbox), **extra}
            query = problems_layer_query(jurisdiction=jurisdiction, bbox=bbox,
                                         category=[extra["category"]] if "category" in extra else None)
            results[name] = run_case(name, session=session, base=base, sql_conn=sql_conn, query=query,
                                     params=params, n=args.requests)
        (ps, ss), (pl, sl) = results["small"], results["large"]
        print(f"RESULT p95_small_ms={ps:.1f} p95_large_ms={pl:.1f} ratio_to_sql_small={ps / ss:.2f} "
              f"ratio_to_sql_large={pl / sl:.2f}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers only
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if sql_conn is not None:
            sql_conn.close()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if the failure came first
            pass
        if args.keep_db:
            print(f"   {BENCH_DB} kept (--keep-db): DROP DATABASE {BENCH_DB} when done")
        else:
            admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"   {BENCH_DB} dropped")


if __name__ == "__main__":
    main()
