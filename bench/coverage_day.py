"""Benchmark: one district-day of GPS fixes, stored and turned into coverage of the road
network, on two networks the bench imports: the real Helsinki PBF and a city-sized grid.

    .venv/bin/python bench/coverage_day.py [--members 50] [--hours 8] [--grid-size 250] [--quick]
                                       [--networks helsinki,grid] [--profile-tracks 10]
                                       [--clients 2] [--workers 1]

A district-day is `--members` members × 2 shifts (早班 07:00 and 晚班 15:00, `--hours` each)
at one fix per 5 s: 50 × 2 × 8 h = 576,000 fixes. `--quick` is 6 members × 2 shifts × 1 h
on a 60 × 60 grid, for trying things (~20 s).

Per network, in a throwaway database `patrol_bench_cov` on the local cluster (CREATE
DATABASE from template1, which carries PostGIS; `manage.py migrate`; dropped at the end,
also after an error or Ctrl-C; the dev database is never written):
- Helsinki: `fixtures/osm/osm_helsinki_fi.osm.pbf` with STORAGE_SRID=3067 (ETRS-TM35FIN,
  metres: Helsinki lies far outside the default EPSG:4548's band, where lengths would not
  be metres); the grid: `../shared/tools/make_city_grid.py --size 250` (OSM XML written to a
  temporary directory; near Beijing, so the default STORAGE_SRID=4548). Both imported with
  `manage.py import_osm` (timed).
- Three stages, each a fresh process pointed at the bench database (`--stage`):
  1. *prepare*: the segments as the database holds them (RoadSegment.geom as WKB →
     shapely); the simulator `shifts.domain.simulate.simulate_team` (seeded: σ 10–15 m,
     outliers, drift, a 20-minute stop and a signal gap per member) for each shift; an area,
     agency, team, the members and the two shifts (on duty) written with the ORM.
     Ingestion, measured side by side on the same fixes (WGS84, as a tablet sends them, in
     batches of `--batch` = 60, rounds of one batch per member):
     `copy`: the project's service `shifts.services.fixes.fixes_ingest` (content hash,
     projection, flags; then one transaction per batch: one statement that claims the batch,
     appends its audit event, queues its coverage job and checks its day partitions, the
     COPY into `shifts_fix`, the commit; the jobs are not run here: their number is printed),
     called by `--clients` = 2 processes at once, as the server's 2 gunicorn workers would
     (scripts/run.sh), each with a connection of its own and every second tablet's batches
     in arrival order, timed from the moment both are ready until the last is done: this is
     `ingest_per_s`. Then the same service from this one process on the same batches sent
     under other device ids (`-1p`: other batches, committed like the others; their rows
     are deleted after, so coverage reads each fix once): printed as "from one process".
     The same service again with batches of 2,000 (the API's maximum) on the first
     `--big-tracks` tracks, in a transaction rolled back (so no job is queued); `copy_rows`: only the rows' part of it (projection, flags,
     `copy_buffer`, COPY into a plain table of the same columns); `orm`: the same rows as
     model instances, `bulk_create` into that plain table (`shifts.models.Fix` cannot be
     written by the ORM: its id is GENERATED ALWAYS AS IDENTITY) with projection and flags
     computed the same way, one transaction per batch. The plain table is truncated between
     the two. The truth of every track is kept for stage 3.
  2. *coverage* (the worker): segments and good fixes read from the database (timed),
     `SegmentIndex` built once (timed apart), `covered_intervals` for every (shift, member)
     with the stored flags, then each segment's intervals of all members merged at once
     with `merge_intervals` (the same result as `merge_coverage` track by track), in this
     one process (timed: "seconds"). With `--workers N` > 1 (default 1) the same work is
     then shared by N processes forked from it (tracks dealt round-robin, longest first;
     each uses the index the parent built, as each `db_worker` builds its own once), their
     per-segment intervals sent back and merged at once, checked equal to the one-process
     result, timed from the fork to the merged result: that is then "seconds", and the
     one-process figure is printed beside it (the coverage jobs scale out the same way:
     more `db_worker`s share the queue, README "Background jobs"; on a busy 2-core machine
     the fork, the pickling and the competition for the cores can cost more than they save).
     Covered share per segment from `coverage_summary`. Peak memory of this process
     (ru_maxrss) is `worker_mb`. Then
     cProfile over the first `--profile-tracks` tracks (after the timing, so it does not
     touch it): the top entries are printed.
  3. *compare*: the plain PostGIS aggregate: good fixes copied into a table with a GiST
     index (copy and index timed apart), one statement: `ST_DWithin(fix, segment, 30 m)`,
     `ST_LineLocatePoint` × length per hit, and per segment the union of ±15 m around the
     measures (one fix per 5 s at ≤ 5 m/s leaves no hole) as its covered length (timed;
     PostgreSQL may run it in parallel on both cores, so it is timed again with
     max_parallel_workers_per_gather = 0, against the one-process figure);
     the naive shapely loop: every segment's `distance` (and `project` within 30 m) for each
     of a seeded sample of good fixes (`--naive-sample`, at most 2 M pairs), extrapolated to
     all good fixes. F1 and covered-length error against the simulator's truth with the
     definition of tests/shifts/domain/truth.py (length-weighted F1 of covered segments,
     truth covered at ≥ 80 % traversed, computed `is_covered`; the largest connected part
     of the network only), for the project and for the PostGIS aggregate; and for the
     project per member's shift alone, pooled (`pooled_f1`): 100 members for a day cover a
     network of 925 segments completely, so there the district-day's F1 is 1.0 by itself.

Targets (issue 11): coverage ≥ 100× the naive loop and no slower than the PostGIS aggregate
(ratio ≤ 1.0), F1 ≥ 0.97, covered length within ±3 percentage points, ingestion ≥ 50,000
fixes/s. Last line (the grid's figures; f1 the lower of the two networks; ingest_per_s with
`--clients` processes, seconds with `--workers` processes (default one), ratio_to_postgis =
seconds / the PostGIS statement (on both cores), speedup_vs_naive = the naive loop / the
one-process seconds; `--clients 1` gives the one-process ingestion figure there too):
RESULT segments=… fixes=… ingest_per_s=… seconds=… speedup_vs_naive=… ratio_to_postgis=… f1=…
length_error_pp=… worker_mb=…
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import admin, db_settings  # noqa: E402

BENCH_DB = "patrol_bench_cov"
DEFAULT_URL = "postgis://patrol:patrol@127.0.0.1:5432/patrol"
HELSINKI = ROOT / "fixtures" / "osm" / "osm_helsinki_fi.osm.pbf"
GRID_TOOL = ROOT.parent / "shared" / "tools" / "make_city_grid.py"
DAY = dt.date(2026, 10, 15)  # in the past: fixes after "now" would be clock errors
SHIFTS = (("morning", 7), ("evening", 15))
TOLERANCE_M = 30.0  # the project's default tolerance_m, used by the baselines too
HALF_M = 15.0  # PostGIS gap rule: each fix covers ±15 m along its segment
SRIDS = {"helsinki": 3067, "grid": 4548}


# ----------------------------------------------------------------------------- helpers


def run(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def load_segments():
    """{id: LineString} of every road segment, as the database holds them (storage CRS)."""
    import shapely
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id, ST_AsBinary(geom) FROM geodata_roadsegment WHERE retired_at IS NULL ORDER BY id")
        rows = cur.fetchall()
    geoms = shapely.from_wkb([bytes(w) for _, w in rows])
    return {int(i): g for (i, _), g in zip(rows, geoms, strict=True)}


def shift_window(hour: int, hours: float) -> tuple[float, float]:
    import zoneinfo

    start = dt.datetime.combine(DAY, dt.time(hour), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    return start.timestamp(), start.timestamp() + hours * 3600


def rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def cached_largest_component():
    """The simulator looks for the network's largest connected part once per member (a
    Python walk over every segment); on 124,500 segments that is most of the simulation.
    Same result, computed once per graph (bench process only)."""
    from shifts.domain import simulate

    original = simulate._largest_component
    memo: dict[int, list[int]] = {}

    def once(graph):
        key = id(graph)
        if key not in memo:
            memo[key] = original(graph)
        return memo[key]

    simulate._largest_component = once


class _Rollback(Exception):
    pass


def _profile_lines(text: str, n: int) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return [ln.replace(str(ROOT) + "/", "").replace(".venv/lib/python3.11/site-packages/", "")
            for ln in lines[start:start + n + 1]]


def ingest_concurrently(arrival: list, clients: int, *, now: float) -> tuple[float, int]:
    """`fixes_ingest` over `arrival` from `clients` forked processes, each with a database
    connection of its own and the batches of every `clients`-th tablet (in arrival order):
    (seconds from the moment all of them are ready until the last one is done, fixes
    flagged)."""
    import multiprocessing as mp

    from django.db import connection, connections

    from shifts.services.fixes import fixes_ingest

    devices = sorted({dev for *_, dev, _ in arrival})
    share = {dev: i % clients for i, dev in enumerate(devices)}
    connections.close_all()  # each process opens its own
    ctx = mp.get_context("fork")
    ready, go, results = ctx.Barrier(clients + 1), ctx.Event(), ctx.Queue()

    def client(k: int) -> None:
        try:
            connection.ensure_connection()
            flagged = 0
            ready.wait(timeout=300)
            go.wait()
            for shift, officer, dev, batch in arrival:
                if share[dev] == k:
                    flagged += fixes_ingest(actor=None, shift=shift, officer=officer, device_id=dev, fixes=batch,
                                            source="api", now=now).flagged
            results.put((k, time.perf_counter(), flagged, None))
        except BaseException as exc:  # noqa: BLE001 - reported by the parent
            results.put((k, time.perf_counter(), 0, repr(exc)))
        finally:
            connections.close_all()

    procs = [ctx.Process(target=client, args=(k,)) for k in range(clients)]
    for pr in procs:
        pr.start()
    ready.wait(timeout=300)
    t0 = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in every process
    go.set()
    got = [results.get() for _ in procs]
    for pr in procs:
        pr.join()
    errors = [e for *_, e in got if e]
    if errors:
        raise RuntimeError(f"ingestion client failed: {errors}")
    return max(end for _, end, _, _ in got) - t0, sum(f for _, _, f, _ in got)


# ----------------------------------------------------------------------------- stage 1
def stage_prepare(args, out: Path) -> dict:
    django_setup()
    import numpy as np
    import shapely
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.gis.db import models as gis
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.contrib.postgres.fields import ArrayField
    from django.db import connection, models, transaction
    from django.db.models.functions import Now
    from django.utils import timezone
    from pyproj import Transformer

    from geodata.models import Area
    from org.models import Agency, Officer, Team
    from shifts.domain.simulate import simulate_team
    from shifts.models import Fix, Shift, ShiftStatus
    from shifts.services.fixes import COPY_COLUMNS, FixIn, compute_flags, copy_buffer, fixes_ingest, project

    fig: dict = {}
    t0 = time.perf_counter()
    segments = load_segments()
    fig["segments"] = len(segments)
    fig["load_segments_s"] = time.perf_counter() - t0

    cached_largest_component()
    t0 = time.perf_counter()
    tracks = []  # (shift index, member index, SimulatedTrack)
    for k, (_, hour) in enumerate(SHIFTS):
        start_t, end_t = shift_window(hour, args.hours)
        team = simulate_team(segments, members=args.members, start_t=start_t, end_t=end_t, seed=args.seed + k)
        tracks += [(k, m, tr) for m, tr in enumerate(team)]
    fig["simulate_s"] = time.perf_counter() - t0
    with open(out.with_suffix(".truth"), "wb") as fh:
        pickle.dump([dict(tr.truth) for _, _, tr in tracks], fh)

    # people and shifts (the ORM, no services: no permissions to set up)
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.asarray(list(segments.values()), dtype=object))
    box = Polygon.from_bbox((xmin - 100, ymin - 100, xmax + 100, ymax + 100))
    box.srid = settings.STORAGE_SRID
    User = get_user_model()
    with transaction.atomic():
        area = Area.objects.create(name="基准区", kind="district", geom=MultiPolygon(box, srid=settings.STORAGE_SRID),
                                   source="bench/coverage_day.py", generated=True)
        agency = Agency.objects.create(name="基准执法队", kind="enforcement", area=area)
        team = Team.objects.create(name="基准班组", agency=agency, area=area)
        lead_user = User.objects.create(username="bench-lead")
        Officer.objects.create(user=lead_user, name="班组长", role="team_lead", agency=agency, team=team,
                               jurisdiction=area)
        officers = [Officer.objects.create(user=User.objects.create(username=f"bench-{m:03d}"), name=f"队员{m}",
                                           role="officer", agency=agency, team=team, jurisdiction=area)
                    for m in range(args.members)]
        shifts = []
        for period, hour in SHIFTS:
            start_t, end_t = shift_window(hour, args.hours)
            s = Shift.objects.create(team=team, date=DAY, period=period,
                                     starts_at=dt.datetime.fromtimestamp(start_t, dt.UTC),
                                     ends_at=dt.datetime.fromtimestamp(end_t, dt.UTC),
                                     status=ShiftStatus.ON_DUTY, created_by=lead_user, started_by=lead_user,
                                     started_at=timezone.now())
            s.members.set(officers)
            shifts.append(s)

    # the fixes as tablets send them: WGS84, aware times, batches of --batch
    to_wgs = Transformer.from_crs(settings.STORAGE_SRID, 4326, always_xy=True)
    utc = dt.UTC
    per_track = []
    for k, m, tr in tracks:
        lon, lat = to_wgs.transform([f.x for f in tr.fixes], [f.y for f in tr.fixes])
        fixes = [FixIn(t=dt.datetime.fromtimestamp(f.t, utc), lat=round(la, 7), lon=round(lo, 7),
                       accuracy_m=f.accuracy_m, speed_mps=f.speed_mps, heading_deg=f.heading_deg)
                 for f, lo, la in zip(tr.fixes, lon, lat, strict=True)]
        per_track.append((shifts[k], officers[m], f"tablet-{k}-{m:03d}",
                          [fixes[i:i + args.batch] for i in range(0, len(fixes), args.batch)]))
    rounds = max(len(b) for *_, b in per_track)
    arrival = [(s, o, dev, b[r]) for r in range(rounds) for s, o, dev, b in per_track if r < len(b)]
    n_fixes = sum(len(b) for *_, b in arrival)
    fig["fixes"] = n_fixes
    fig["batches"] = len(arrival)
    now = time.time()

    # copy: the project's service, batch by batch, from --clients processes at once (the
    # server's gunicorn workers), each sending the batches of its share of the tablets
    fig["clients"] = args.clients
    fig["copy_s"], fig["flagged"] = ingest_concurrently(arrival, args.clients, now=now)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM shifts_fix")
        fig["stored"] = cur.fetchone()[0]
    try:  # the coverage jobs the batches queued (when fixes_ingest queues them), not run here
        from django_tasks_db.models import DBTaskResult

        fig["jobs_queued"] = DBTaskResult.objects.count()
    except Exception:  # noqa: BLE001 - no task engine installed
        fig["jobs_queued"] = None
    # copy_1p: the same service from this one process, on the same batches sent as other
    # tablets' ("-1p"): committed like the others, then their rows deleted, so that the
    # coverage stage reads each fix once
    t0 = time.perf_counter()
    for shift, officer, dev, batch in arrival:
        fixes_ingest(actor=None, shift=shift, officer=officer, device_id=dev + "-1p", fixes=batch, source="api",
                     now=now)
    fig["copy_1p_s"] = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DELETE FROM shifts_fix WHERE device_id LIKE %s", ["%-1p"])
    # the same service with the API's largest batches (2,000 fixes: a tablet that was offline
    # for a while), on the first tracks' fixes again under other device ids, rolled back
    big = [(s_, o_, dev + "-b2000", fixes[i:i + 2000]) for s_, o_, dev, batches in per_track[: args.big_tracks]
           for fixes in [[f for b in batches for f in b]] for i in range(0, len(fixes), 2000)]
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            for shift, officer, dev, batch in big:  # each in a savepoint of its own (fixes_ingest's atomic)
                fixes_ingest(actor=None, shift=shift, officer=officer, device_id=dev, fixes=batch, source="api", now=now)
            fig["copy_big_s"] = time.perf_counter() - t0
            fig["copy_big_fixes"] = sum(len(b) for *_, b in big)
            raise _Rollback
    except _Rollback:
        pass
    if args.profile_tracks:  # where the service's time goes: 100 batches again, rolled back
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        try:
            with transaction.atomic():
                prof.enable()
                for shift, officer, dev, batch in arrival[:100]:
                    fixes_ingest(actor=None, shift=shift, officer=officer, device_id=dev + "-profile", fixes=batch,
                                 source="api", now=now)
                prof.disable()
                raise _Rollback
        except _Rollback:
            pass
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(18)
        fig["ingest_profile"] = [f"cProfile of fixes_ingest over {min(100, len(arrival))} batches (rolled back), "
                                 "by cumulative time:"] + _profile_lines(text.getvalue(), 18)

    # a plain table of the same columns, for the ORM and the COPY rows alone
    class BenchFix(models.Model):
        id = models.BigAutoField(primary_key=True)
        shift_id = models.BigIntegerField()
        officer_id = models.BigIntegerField()
        batch_id = models.BigIntegerField()
        device_id = models.TextField()
        t = models.DateTimeField()
        received_at = models.DateTimeField(db_default=Now())
        geom = gis.PointField(srid=settings.STORAGE_SRID, null=True, spatial_index=False)
        accuracy_m = models.FloatField(null=True)
        speed_mps = models.FloatField(null=True)
        heading_deg = models.FloatField(null=True)
        flags = ArrayField(models.TextField(), null=True)
        starts_piece = models.BooleanField(null=True)

        class Meta:
            app_label = "shifts"
            db_table = "bench_cov_plain_fix"

    with connection.schema_editor() as editor:
        editor.create_model(BenchFix)
    try:
        srid = settings.STORAGE_SRID
        statement = f"COPY bench_cov_plain_fix ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        t0 = time.perf_counter()
        for i, (shift, officer, dev, batch) in enumerate(arrival, start=1):
            xy = project(batch)
            flags = compute_flags(batch, xy, now=now)
            buf = copy_buffer(shift_id=shift.pk, officer_id=officer.pk, batch_id=i, device_id=dev, fixes=batch,
                              xy=xy, flags=flags, srid=srid)
            with transaction.atomic(), connection.cursor() as cur:
                cur.cursor.copy_expert(statement, buf)
        fig["copy_rows_s"] = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("TRUNCATE bench_cov_plain_fix")
        t0 = time.perf_counter()
        for i, (shift, officer, dev, batch) in enumerate(arrival, start=1):
            xy = project(batch)
            flags = compute_flags(batch, xy, now=now)
            rows = [BenchFix(shift_id=shift.pk, officer_id=officer.pk, batch_id=i, device_id=dev, t=f.t,
                             geom=Point(p[0], p[1], srid=srid) if p is not None else None, accuracy_m=f.accuracy_m,
                             speed_mps=f.speed_mps, heading_deg=f.heading_deg,
                             flags=sorted(fl) if fl else None)
                    for f, p, fl in zip(batch, xy, flags, strict=True)]
            with transaction.atomic():
                BenchFix.objects.bulk_create(rows)
        fig["orm_s"] = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM bench_cov_plain_fix")
            fig["orm_stored"] = cur.fetchone()[0]
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(BenchFix)
    assert Fix.objects.count() == fig["stored"]
    fig["prepare_rss_mb"] = rss_mb()
    return fig


# ----------------------------------------------------------------------------- stage 2
def coverage_concurrently(tracks: dict, index, workers: int) -> tuple[dict, float]:
    """`covered_intervals` of every track, shared by `workers` forked processes (tracks dealt
    round-robin, largest first; each process has the index the parent built, copy-on-write),
    their per-segment intervals sent back and merged at once: (coverage, peak RSS of one
    process in MB)."""
    import multiprocessing as mp
    import resource

    from shifts.domain.coverage import covered_intervals, merge_intervals

    keys = sorted(tracks, key=lambda k: (-len(tracks[k][0]), k))
    shares = [keys[k::workers] for k in range(workers)]
    ctx = mp.get_context("fork")
    results = ctx.Queue()

    def work(k: int) -> None:
        per_segment: dict[int, list] = {}
        for key in shares[k]:
            fixes, fl = tracks[key]
            for sid, ivs in covered_intervals(fixes, index, flags=fl).items():
                per_segment.setdefault(sid, []).extend(ivs)
        results.put(pickle.dumps(per_segment, protocol=pickle.HIGHEST_PROTOCOL))

    procs = [ctx.Process(target=work, args=(k,)) for k in range(workers)]
    for pr in procs:
        pr.start()
    per_segment: dict[int, list] = {}
    for _ in procs:
        for sid, ivs in pickle.loads(results.get()).items():
            per_segment.setdefault(sid, []).extend(ivs)
    for pr in procs:
        pr.join()
        if pr.exitcode:
            raise RuntimeError(f"coverage process exited with {pr.exitcode}")
    cov = {sid: merge_intervals([], ivs) for sid, ivs in sorted(per_segment.items())}
    return cov, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def stage_coverage(args, out: Path) -> dict:
    django_setup()
    import cProfile
    import gc
    import io
    import pstats

    from django.db import connection

    from shifts.domain.coverage import SegmentIndex, coverage_summary, covered_intervals, merge_intervals
    from shifts.domain.fixes import Fix

    fig: dict = {}
    t0 = time.perf_counter()
    segments = load_segments()
    fig["load_segments_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT shift_id, officer_id, extract(epoch FROM t)::float8, ST_X(geom), ST_Y(geom), accuracy_m, "
                    "speed_mps, heading_deg, flags FROM shifts_fix WHERE geom IS NOT NULL "
                    "ORDER BY shift_id, officer_id, t")
        rows = cur.fetchall()
    tracks: dict[tuple[int, int], tuple[list, list]] = {}
    for sh, of, t, x, y, acc, spd, hdg, flags in rows:
        fixes, fl = tracks.setdefault((sh, of), ([], []))
        fixes.append(Fix(t, x, y, accuracy_m=acc, speed_mps=spd, heading_deg=hdg))
        fl.append(frozenset(flags) if flags else frozenset())
    del rows
    fig["load_fixes_s"] = time.perf_counter() - t0
    fig["tracks"] = len(tracks)
    fig["good_fixes"] = sum(1 for _, fl in tracks.values() for f in fl if not f)

    t0 = time.perf_counter()
    index = SegmentIndex(segments)
    fig["index_s"] = time.perf_counter() - t0
    # a worker process loads the compiled kernels once, on its first job (from numba's
    # cache; compiled there on a fresh machine): timed apart, as the index build is
    first = tracks[min(tracks)]
    t0 = time.perf_counter()
    covered_intervals(first[0][:200], index, flags=first[1][:200])
    fig["warmup_s"] = time.perf_counter() - t0
    # the district-day's 570,000 fixes stay in memory as Python objects for the whole run
    # (a worker holds one batch's): frozen out of the garbage collector's full passes,
    # which would otherwise walk them every time the matching's own objects trigger one
    gc.collect()
    gc.freeze()
    t0 = time.perf_counter()
    per_segment: dict[int, list] = {}
    per_track = []
    for key in sorted(tracks):
        fixes, fl = tracks[key]
        got = covered_intervals(fixes, index, flags=fl)
        per_track.append(got)
        for sid, ivs in got.items():
            per_segment.setdefault(sid, []).extend(ivs)
    intervals_s = time.perf_counter() - t0
    # every member's intervals of a segment merged at once (merge_intervals depends only on
    # the union of its inputs: the same result as merge_coverage track by track)
    cov = {sid: merge_intervals([], ivs) for sid, ivs in sorted(per_segment.items())}
    fig["seconds_1p"] = time.perf_counter() - t0
    fig["intervals_s"] = intervals_s
    fig["workers"] = args.workers
    if args.workers > 1:  # the same work shared by --workers processes (as db_workers share the jobs)
        connection.close()  # not to be shared with the forked processes
        t0 = time.perf_counter()
        cov_n, fig["workers_rss_mb"] = coverage_concurrently(tracks, index, args.workers)
        fig["seconds"] = time.perf_counter() - t0
        assert cov_n == cov, "the processes' coverage differs from one process's"
    else:
        fig["seconds"] = fig["seconds_1p"]
    lengths = {int(k): float(v) for k, v in zip(index.ids, index.lengths, strict=True)}
    summary = coverage_summary(cov, lengths)
    fig["worker_mb"] = rss_mb()
    with open(out.with_suffix(".cov"), "wb") as fh:
        pickle.dump({k: s.share for k, s in summary.items()}, fh)
    # each member's shift on its own (tracks in (shift, officer) order: the simulator's order)
    with open(out.with_suffix(".tracks"), "wb") as fh:
        pickle.dump([{k: s.share for k, s in coverage_summary(got, {k: lengths[k] for k in got}).items()}
                     for got in per_track], fh)
    del per_track

    if args.profile_tracks:
        prof = cProfile.Profile()
        keys = sorted(tracks)[: args.profile_tracks]
        prof.enable()
        for key in keys:
            covered_intervals(tracks[key][0], index, flags=tracks[key][1])
        prof.disable()
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(16)
        fig["profile"] = [f"cProfile of covered_intervals over {len(keys)} tracks, by own time:"] + _profile_lines(
            text.getvalue(), 16)
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(12)
        fig["profile_cum"] = ["the same by cumulative time:"] + _profile_lines(text.getvalue(), 12)
    return fig


# ----------------------------------------------------------------------------- stage 3
def stage_compare(args, out: Path) -> dict:
    django_setup()
    import numpy as np
    import shapely
    from django.db import connection

    from shifts.domain.coverage import is_covered
    from shifts.domain.simulate import _largest_component, segment_graph, truth_share

    fig: dict = {}
    segments = load_segments()
    with connection.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute("CREATE TABLE bench_cov_fix AS SELECT shift_id, officer_id, t, geom FROM shifts_fix "
                    "WHERE flags IS NULL AND geom IS NOT NULL")
        fig["pg_copy_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute("CREATE INDEX bench_cov_fix_gist ON bench_cov_fix USING gist (geom)")
        cur.execute("ANALYZE bench_cov_fix")
        cur.execute("ANALYZE geodata_roadsegment")
        fig["pg_index_s"] = time.perf_counter() - t0
        cur.execute("SELECT count(*) FROM bench_cov_fix")
        fig["good_fixes"] = cur.fetchone()[0]
        sql = """
            WITH hits AS (
                SELECT s.id AS seg, ST_Length(s.geom) AS len,
                       ST_LineLocatePoint(s.geom, f.geom) * ST_Length(s.geom) AS m
                FROM bench_cov_fix f JOIN geodata_roadsegment s
                     ON ST_DWithin(f.geom, s.geom, %(tol)s) AND s.retired_at IS NULL
            ), ordered AS (
                SELECT seg, len, m, lag(m) OVER (PARTITION BY seg ORDER BY m) AS prev FROM hits
            )
            SELECT seg, max(len),
                   sum(GREATEST(0, LEAST(m + %(h)s, len) - GREATEST(m - %(h)s, 0, LEAST(COALESCE(prev + %(h)s, 0), len))))
            FROM ordered GROUP BY seg"""
        t0 = time.perf_counter()
        cur.execute(sql, {"tol": TOLERANCE_M, "h": HALF_M})
        pg_rows = cur.fetchall()
        fig["pg_s"] = time.perf_counter() - t0
        cur.execute("SHOW max_parallel_workers_per_gather")
        fig["pg_parallel"] = cur.fetchone()[0]
        cur.execute("SET max_parallel_workers_per_gather = 0")  # the same statement on one core
        t0 = time.perf_counter()
        cur.execute(sql, {"tol": TOLERANCE_M, "h": HALF_M})
        cur.fetchall()
        fig["pg_serial_s"] = time.perf_counter() - t0
        cur.execute("RESET max_parallel_workers_per_gather")
        cur.execute("EXPLAIN " + sql, {"tol": TOLERANCE_M, "h": HALF_M})
        plan = [r[0] for r in cur.fetchall()]
        fig["pg_plan"] = [ln for ln in plan if any(w in ln for w in ("Scan", "Join", "Loop", "Gather"))][:5]
        cur.execute("SELECT ST_X(geom), ST_Y(geom) FROM bench_cov_fix ORDER BY random() LIMIT 2000")
        sample_pool = cur.fetchall()
        cur.execute("DROP TABLE bench_cov_fix")
    pg_share = {int(s): min(1.0, c / ln) if ln > 0 else 0.0 for s, ln, c in pg_rows}

    # the naive loop: every segment for every fix of a sample
    geoms = [segments[k] for k in sorted(segments)]
    n = max(3, min(args.naive_sample, 2_000_000 // max(1, len(geoms))))
    rng = np.random.default_rng(args.seed)
    picks = rng.choice(len(sample_pool), size=min(n, len(sample_pool)), replace=False)
    pts = [shapely.Point(*sample_pool[i]) for i in sorted(picks.tolist())]
    t0 = time.perf_counter()
    hits = 0
    for p in pts:
        for g in geoms:
            if g.distance(p) <= TOLERANCE_M:
                g.project(p)
                hits += 1
    naive_sample_s = time.perf_counter() - t0
    fig["naive_sample"] = len(pts)
    fig["naive_sample_s"] = naive_sample_s
    fig["naive_s"] = naive_sample_s / len(pts) * fig["good_fixes"]

    # scoring, as tests/shifts/domain/truth.py defines it
    with open(out.with_suffix(".truth"), "rb") as fh:
        truths = pickle.load(fh)
    with open(out.with_suffix(".cov"), "rb") as fh:
        project_share = pickle.load(fh)
    lengths = {k: float(g.length) for k, g in segments.items()}
    keep = set(_largest_component(segment_graph(segments)))
    lengths = {k: v for k, v in lengths.items() if k in keep}
    fig["scored_segments"] = len(lengths)
    merged: dict[int, list] = {}
    for tr in truths:
        for k, v in tr.items():
            merged.setdefault(k, []).extend(v)
    union = {}
    for k, pairs in merged.items():
        acc: list[list[float]] = []
        for a, b in sorted(pairs):
            if acc and a <= acc[-1][1]:
                acc[-1][1] = max(acc[-1][1], b)
            else:
                acc.append([a, b])
        union[k] = tuple((a, b) for a, b in acc)
    true_share = truth_share(union, lengths)
    total = sum(lengths.values())
    for name, share in (("project", project_share), ("pg", pg_share)):
        tp = fp = fn = 0.0
        for k, length in lengths.items():
            t, c = true_share[k] >= 0.8, is_covered(share.get(k, 0.0), 0.8)
            tp += length * (t and c)
            fp += length * (c and not t)
            fn += length * (t and not c)
        fig[f"{name}_f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        fig[f"{name}_covered_pct"] = 100.0 * sum(share.get(k, 0.0) * lengths[k] for k in lengths) / total
    fig["truth_covered_pct"] = 100.0 * sum(true_share[k] * lengths[k] for k in lengths) / total
    # each member's shift alone, pooled (tests/shifts/domain/truth.py pooled_f1): a district-day
    # can cover a small network completely, which says little about the matching
    with open(out.with_suffix(".tracks"), "rb") as fh:
        per_track = pickle.load(fh)
    assert len(per_track) == len(truths)
    tp = fp = fn = 0.0
    for tr, share in zip(truths, per_track, strict=True):
        for k in (set(tr) | set(share)) & lengths.keys():
            traversed = min(1.0, sum(b - a for a, b in tr.get(k, ())) / lengths[k]) if lengths[k] > 0 else 0.0
            t, c = traversed >= 0.8, is_covered(share.get(k, 0.0), 0.8)
            tp += lengths[k] * (t and c)
            fp += lengths[k] * (c and not t)
            fn += lengths[k] * (t and not c)
    fig["member_f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return fig


# ----------------------------------------------------------------------------- driver
def make_grid(size: int, tmp: Path) -> Path:
    path = tmp / f"city_grid_{size}.osm"
    with open(path, "w") as fh:
        subprocess.run([sys.executable, str(GRID_TOOL), "--size", str(size)], stdout=fh, check=True)
    return path


def bench_network(name: str, args, cfg: dict, url: str, tmp: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, STORAGE_SRID=str(SRIDS[name]), DJANGO_SETTINGS_MODULE="config.settings",
               DEBUG="0", NETWORK_INDEX_WARM="0", LOG_LEVEL="WARNING")
    fig: dict = {"network": name, "srid": SRIDS[name]}
    admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")  # left over from an interrupted run
    admin(cfg, f"CREATE DATABASE {BENCH_DB}")
    try:
        t0 = time.perf_counter()
        run(env, "manage.py", "migrate", "--verbosity", "0")
        fig["migrate_s"] = time.perf_counter() - t0
        if name == "helsinki":
            src = HELSINKI
        else:
            t0 = time.perf_counter()
            src = make_grid(args.grid_size, tmp)
            fig["grid_write_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run(env, "manage.py", "import_osm", str(src), "--source", f"bench-{name}", "--no-progress")
        fig["import_s"] = time.perf_counter() - t0
        out = tmp / name
        common = ["--members", str(args.members), "--hours", str(args.hours), "--batch", str(args.batch),
                  "--seed", str(args.seed), "--naive-sample", str(args.naive_sample), "--big-tracks", str(args.big_tracks),
                  "--clients", str(args.clients), "--workers", str(args.workers),
                  "--profile-tracks", str(args.profile_tracks if name == "grid" or args.profile_all else 0),
                  "--out", str(out)]
        for stage in ("prepare", "coverage", "compare"):
            t0 = time.perf_counter()
            text = run(env, str(Path(__file__).resolve()), "--stage", stage, *common)
            got = json.loads(text.strip().splitlines()[-1])
            got[f"{stage}_wall_s"] = time.perf_counter() - t0
            print(f"   [{name}] {stage}: {got[f'{stage}_wall_s']:.1f} s", flush=True)
            fig.update({f"{stage}.{k}": v for k, v in got.items()})
        fig["segments"] = fig["prepare.segments"]
    finally:
        admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return fig


def report(f: dict) -> dict:
    """Print one network's figures; return the RESULT fields."""
    p, c, q = (lambda k: f[f"prepare.{k}"]), (lambda k: f[f"coverage.{k}"]), (lambda k: f[f"compare.{k}"])
    fixes = p("stored")
    copy_ps, rows_ps, orm_ps = fixes / p("copy_s"), fixes / p("copy_rows_s"), p("orm_stored") / p("orm_s")
    one_ps = fixes / p("copy_1p_s")
    seconds = c("seconds")
    speedup = q("naive_s") / c("seconds_1p")  # the naive loop runs in one process too
    ratio = seconds / q("pg_s")
    err = q("project_covered_pct") - q("truth_covered_pct")
    print(f"\n== {f['network']}: {f['segments']:,} segments (STORAGE_SRID {f['srid']}), "
          f"{fixes:,} fixes in {p('batches'):,} batches ({p('flagged'):,} flagged), "
          f"{c('tracks')} tracks, {c('good_fixes'):,} good fixes")
    print(f"   setup: migrate {f['migrate_s']:.1f} s, "
          + (f"grid written {f['grid_write_s']:.1f} s, " if "grid_write_s" in f else "")
          + f"import_osm {f['import_s']:.1f} s, simulate {p('simulate_s'):.1f} s")
    print("   ingestion (same fixes, batches of 60, one transaction each; coverage jobs queued by the service: "
          f"{p('jobs_queued')}, not run):")
    print(f"     copy      fixes_ingest, {p('clients')} client processes at once     {copy_ps:>9,.0f} fixes/s  "
          f"({p('copy_s'):.1f} s; claim + event + job + partition check in one statement, COPY, commit)")
    print(f"     copy      the same from one process                 {one_ps:>9,.0f} fixes/s  ({p('copy_1p_s'):.1f} s)")
    print(f"     copy_rows projection + flags + copy_buffer + COPY       {rows_ps:>9,.0f} fixes/s  ({p('copy_rows_s'):.1f} s)")
    print(f"     copy      the same with batches of 2,000 (API maximum)  {p('copy_big_fixes') / p('copy_big_s'):>9,.0f} fixes/s  "
          f"({p('copy_big_fixes'):,} fixes, rolled back: no job queued)")
    print(f"     orm       projection + flags + bulk_create              {orm_ps:>9,.0f} fixes/s  ({p('orm_s'):.1f} s)")
    print(f"     copy / orm {copy_ps / orm_ps:.2f}×, copy_rows / orm {rows_ps / orm_ps:.2f}×")
    print("   coverage:")
    print(f"     worker reads: segments {c('load_segments_s'):.2f} s, fixes {c('load_fixes_s'):.2f} s; "
          f"SegmentIndex build {c('index_s'):.2f} s (once); compiled kernels loaded by the first call "
          f"{c('warmup_s'):.2f} s (once per process)")
    one = c("seconds_1p")
    if c("workers") > 1:
        print(f"     project   covered_intervals + merge, {c('workers')} processes     {seconds:8.2f} s "
              f"({c('good_fixes') / seconds:,.0f} good fixes/s; the same coverage as one process; "
              f"peak {c('workers_rss_mb'):.0f} MB per process)")
    print(f"     project   covered_intervals + merge, one process   {one:8.2f} s "
          f"(covered_intervals {c('intervals_s'):.2f} s, merging {one - c('intervals_s'):.2f} s; "
          f"{c('good_fixes') / one:,.0f} good fixes/s)")
    print(f"     postgis   ST_DWithin + ST_LineLocatePoint aggregate  {q('pg_s'):8.2f} s "
          f"(+ table {q('pg_copy_s'):.2f} s, GiST + ANALYZE {q('pg_index_s'):.2f} s)")
    for ln in q("pg_plan"):
        print(f"               {ln.strip()}")
    print(f"     postgis   the same, max_parallel_workers_per_gather 0  {q('pg_serial_s'):8.2f} s "
          f"(above: {q('pg_parallel')}; one process against it: ratio {one / q('pg_serial_s'):.2f})")
    print(f"     naive     shapely, every fix × every segment     {q('naive_s'):10.1f} s "
          f"(extrapolated from {q('naive_sample')} fixes in {q('naive_sample_s'):.2f} s)")
    print(f"     speedup vs naive {speedup:,.0f}×; ratio to postgis {ratio:.2f} "
          f"(with the index build {(seconds + c('index_s')) / q('pg_s'):.2f}; one process {one / q('pg_s'):.2f})")
    print(f"   quality ({q('scored_segments'):,} segments of the largest connected part, by length):")
    print(f"     truth covered {q('truth_covered_pct'):.2f} %")
    print(f"     project  F1 {q('project_f1'):.4f}   covered {q('project_covered_pct'):.2f} %  "
          f"error {err:+.2f} pp")
    print(f"     project, each member's shift alone (pooled over {c('tracks')}): F1 {q('member_f1'):.4f}")
    print(f"     postgis  F1 {q('pg_f1'):.4f}   covered {q('pg_covered_pct'):.2f} %  "
          f"error {q('pg_covered_pct') - q('truth_covered_pct'):+.2f} pp  (±{HALF_M:.0f} m gap rule, no stop or "
          "parallel-road handling)")
    print(f"   memory: coverage worker peak {c('worker_mb'):.0f} MB (ru_maxrss; prepare stage {p('prepare_rss_mb'):.0f} MB)")
    for key in ("prepare.ingest_profile", "coverage.profile", "coverage.profile_cum"):
        if key in f:
            print("   " + "\n   ".join(f[key]))
    return {"segments": f["segments"], "fixes": fixes, "ingest_per_s": round(copy_ps), "seconds": round(seconds, 2),
            "speedup_vs_naive": round(speedup), "ratio_to_postgis": round(ratio, 3), "f1": q("project_f1"),
            "length_error_pp": round(err, 2), "worker_mb": round(c("worker_mb"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=None, help="members per shift (default 50; --quick 6)")
    parser.add_argument("--hours", type=float, default=None, help="hours per shift (default 8; --quick 1)")
    parser.add_argument("--grid-size", type=int, default=None, help="make_city_grid --size (default 250; --quick 60)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for trying things")
    parser.add_argument("--networks", default="helsinki,grid")
    parser.add_argument("--batch", type=int, default=60, help="fixes per batch (a tablet's 5 minutes)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--naive-sample", type=int, default=1000, help="fixes timed in the naive loop (≤ 2 M pairs)")
    parser.add_argument("--profile-tracks", type=int, default=10, help="tracks profiled on the grid (0: none)")
    parser.add_argument("--profile-all", action="store_true", help="profile on every network")
    parser.add_argument("--big-tracks", type=int, default=20, help="tracks ingested again in batches of 2,000")
    parser.add_argument("--clients", type=int, default=2, help="processes sending batches at once (gunicorn workers)")
    parser.add_argument("--workers", type=int, default=1, help="coverage processes sharing the tracks (db_workers)")
    parser.add_argument("--stage", choices=("prepare", "coverage", "compare"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        fig = {"prepare": stage_prepare, "coverage": stage_coverage, "compare": stage_compare}[args.stage](args, args.out)
        print(json.dumps(fig))
        return
    args.members = args.members or (6 if args.quick else 50)
    args.hours = args.hours or (1.0 if args.quick else 8.0)
    args.grid_size = args.grid_size or (60 if args.quick else 250)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base = os.environ.get("DATABASE_URL", DEFAULT_URL)
    cfg = db_settings(base)
    if cfg["NAME"] == BENCH_DB:
        sys.exit(f"DATABASE_URL already names {BENCH_DB}; point it at the dev database")
    url = f"postgis://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{BENCH_DB}"
    networks = [n for n in args.networks.split(",") if n]
    print(f"district-day: {args.members} members × {len(SHIFTS)} shifts × {args.hours:g} h at one fix per 5 s; "
          f"networks {', '.join(networks)}; throwaway database {BENCH_DB}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="patrol_bench_cov_"))
    results = {}
    t_all = time.perf_counter()
    try:
        for name in networks:
            results[name] = bench_network(name, args, cfg, url, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"   {BENCH_DB} dropped, {tmp} removed; {time.perf_counter() - t_all:.0f} s in all", flush=True)
    fields = {name: report(f) for name, f in results.items()}
    last = fields.get("grid") or fields[networks[-1]]
    f1 = min(v["f1"] for v in fields.values())
    print("\ntargets: speedup_vs_naive ≥ 100, ratio_to_postgis ≤ 1.0, f1 ≥ 0.97, |length_error_pp| ≤ 3, "
          "ingest_per_s ≥ 50000")
    for name, v in fields.items():
        missed = [k for k, ok in (("speedup_vs_naive", v["speedup_vs_naive"] >= 100),
                                  ("ratio_to_postgis", v["ratio_to_postgis"] <= 1.0), ("f1", v["f1"] >= 0.97),
                                  ("length_error_pp", abs(v["length_error_pp"]) <= 3),
                                  ("ingest_per_s", v["ingest_per_s"] >= 50000)) if not ok]
        print(f"   {name}: {'all met' if not missed else 'missed: ' + ', '.join(missed)}")
    print(f"RESULT segments={last['segments']} fixes={last['fixes']} ingest_per_s={last['ingest_per_s']} "
          f"seconds={last['seconds']} speedup_vs_naive={last['speedup_vs_naive']} "
          f"ratio_to_postgis={last['ratio_to_postgis']} f1={f1:.4f} length_error_pp={last['length_error_pp']} "
          f"worker_mb={last['worker_mb']}")


if __name__ == "__main__":
    main()
