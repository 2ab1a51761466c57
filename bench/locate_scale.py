"""Benchmark: the location language on a city-sized network, served as `make run` serves it.

    .venv/bin/python bench/locate_scale.py [--sizes 250,400] [--quick] [--keep] [--requests 300]
                                           [--batch 2000] [--workers 2]

For each size, `../shared/tools/make_city_grid.py --size N` writes the grid (OSM XML, in a
temporary directory; N × N grid lines 150 m apart near Beijing) and the bench:
1. creates a throwaway database `patrol_bench_scale` on the local cluster (from template1,
   which carries PostGIS), migrates it and imports the grid with `manage.py import_osm`
   (timed; peak memory of that process from `/usr/bin/time -v`, else the children's
   ru_maxrss); a superuser and a token for the batch endpoint (`create_token`);
2. starts gunicorn as `scripts/run.sh` does (`config.wsgi:application --preload`, 2 workers,
   default timeout) on a free port, with the anonymous rate limit lifted, and measures the
   seconds from the start until `/api/v1/locate` first answers 200 (`ready_s`);
3. sends `--requests` texts one after another to `GET /api/v1/locate` and as many points to
   `GET /api/v1/describe` (p50/p95 over HTTP, one client; the first pass of each, which pays
   for whatever a worker works out once, is reported apart as `cold`), then `--batch` texts
   to `POST /api/v1/locate/batch` (best of 3, texts per second);
4. the same batch as ONE hand-written PostGIS statement: the intersection of the two named
   roads, then the walk of the distance along the road leaving it closest to the direction
   (`ST_LineLocatePoint` / `ST_LineInterpolatePoint` on the merged road lines), best of 3;
   `ratio_to_sql` = the batch endpoint's time / the statement's time (the endpoint also
   parses, describes the answer and writes GeoJSON: it is the whole service against the
   bare geometry);
5. memory of the gunicorn master and each worker after the requests: RSS from
   /proc/<pid>/status and PSS, shared and private from /proc/<pid>/smaps_rollup (PSS splits
   every page shared after the `--preload` fork between the processes that share it: it is
   what each process really costs; RSS counts shared pages in full for each).

Texts name real roads and intersections of the grid (read from the imported database:
"A与B交叉路口向东60米", with a side now and then, and "A与B交叉路口"); points for describe lie
beside segments of the grid, 0–12 m off. Seeded: the same texts on every run.

The database is dropped at the end (also after an error or Ctrl-C) unless `--keep`, which
leaves it as `patrol_bench_scale_<size>` for profiling (`DATABASE_URL=…/patrol_bench_scale_250
.venv/bin/python manage.py shell`). `--quick` runs one small grid (size 60) for a smoke test.
The machine these figures are taken on is shared (2 cores, other work running): take the
medians of the figures, not the best run.

Targets (issue 12) at size 250: ready_s ≤ 5, rss_per_worker_mb ≤ 300, locate_p95_ms ≤ 5,
describe_p95_ms ≤ 5, batch_per_s ≥ 2,000, ratio_to_sql ≤ 2. Last line (for size 250, or the
first size run): RESULT segments=… import_s=… ready_s=… rss_per_worker_mb=… locate_p95_ms=…
describe_p95_ms=… batch_per_s=… ratio_to_sql=…
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import INTERSECTION_OFFSET_SQL as SQL  # noqa: E402
from bench.harness import admin, db_settings, free_port, pg_connect, stop_server  # noqa: E402

BENCH_DB = "patrol_bench_scale"
DEFAULT_URL = "postgis://patrol:patrol@127.0.0.1:5432/patrol"
GRID_TOOL = ROOT.parent / "shared" / "tools" / "make_city_grid.py"
SEED = 20261130
BENCH_USER = "bench-scale"
DIRECTIONS = {"东": 90.0, "南": 180.0, "西": 270.0, "北": 0.0}



# ----------------------------------------------------------------------------- helpers


def manage(env: dict, *args: str, timed: bool = False) -> tuple[str, float, float | None]:
    """Run manage.py; (stdout, seconds, peak MB of that process when `timed`)."""
    cmd = [sys.executable, str(ROOT / "manage.py"), *args]
    time_v = timed and Path("/usr/bin/time").exists()
    if time_v:
        cmd = ["/usr/bin/time", "-v", *cmd]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    peak = None
    if time_v:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        peak = int(m.group(1)) / 1024.0 if m else None
    elif timed:  # the largest child so far: this one, unless an earlier child was larger
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return out.stdout, seconds, peak


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(q * len(s))) - 1))]


def proc_memory(pid: int) -> dict:
    """RSS, PSS, shared and private of one process, in MB (Linux /proc)."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) / 1024.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            fields = {}
            for line in fh:
                parts = line.split()
                if len(parts) >= 3 and parts[0].endswith(":"):
                    fields[parts[0][:-1]] = int(parts[1]) / 1024.0
        out["pss"] = fields.get("Pss", 0.0)
        out["shared"] = fields.get("Shared_Clean", 0.0) + fields.get("Shared_Dirty", 0.0)
        out["private"] = fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0)
    except OSError:
        pass
    return out


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def make_grid(size: int, tmp: Path) -> tuple[Path, float]:
    path = tmp / f"city_grid_{size}.osm"
    t0 = time.perf_counter()
    with open(path, "w") as fh:
        subprocess.run([sys.executable, str(GRID_TOOL), "--size", str(size)], stdout=fh, check=True)
    return path, time.perf_counter() - t0


# ----------------------------------------------------------------------------- workload
def workload(cfg: dict, dbname: str, n: int, batch: int, rng: random.Random):
    """Texts naming real intersections of the imported grid, and points beside its segments.

    Returns (texts for GET, texts for the batch, the batch's (a, b, bearing, distance) in
    normalised names, [(lat, lon)] for describe, segments count)."""
    from geodata.names import normalize_name  # pure: no Django

    conn = pg_connect(cfg, dbname)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM geodata_roadsegment WHERE retired_at IS NULL")
            segments = cur.fetchone()[0]
            # intersections of exactly two roads (a crossing of the grid), sampled evenly
            cur.execute("""
                SELECT i.id, min(r.name), max(r.name)
                FROM geodata_intersection i
                JOIN geodata_intersection_roads ir ON ir.intersection_id = i.id
                JOIN geodata_road r ON r.id = ir.road_id
                GROUP BY i.id HAVING count(*) = 2 AND min(r.name) <> max(r.name)
                ORDER BY i.id""")
            pairs = [(a, b) for _, a, b in cur.fetchall()]
            cur.execute("SELECT setseed(0.5)")
            cur.execute("""
                SELECT ST_Y(p), ST_X(p) FROM (
                    SELECT ST_Transform(ST_Translate(ST_LineInterpolatePoint(geom, random()),
                                                     (random() - 0.5) * 24, (random() - 0.5) * 24), 4326) AS p
                    FROM geodata_roadsegment TABLESAMPLE BERNOULLI (5) REPEATABLE (7)
                    WHERE retired_at IS NULL LIMIT %s) s""", [n])
            points = cur.fetchall()
    finally:
        conn.close()
    if not pairs:
        raise RuntimeError("the imported grid has no crossing of two named roads")

    def one():
        a, b = rng.choice(pairs)
        if rng.random() < 0.5:
            a, b = b, a
        word = rng.choice(list(DIRECTIONS))
        dist = rng.choice(range(10, 140, 5))
        kind = rng.random()
        if kind < 0.15:
            return f"{a}与{b}交叉路口", None
        text = f"{a}与{b}交叉路口向{word}{dist}米"
        if kind > 0.7:
            text += f"，{a if word in '东西' else b}{rng.choice('南北') if word in '东西' else rng.choice('东西')}侧"
        return text, (normalize_name(a), normalize_name(b), DIRECTIONS[word], float(dist))

    texts = [one()[0] for _ in range(n)]
    batch_items = [one() for _ in range(batch)]
    return texts, batch_items, points, segments


# ----------------------------------------------------------------------------- server
def start_server(env: dict, port: int, workers: int, log) -> subprocess.Popen:
    # scripts/run.sh's command line (its access log off: it would time the disk)
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--preload",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--error-logfile", "-"],
        env=env, cwd=ROOT, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)


def wait_first_locate(base: str, proc: subprocess.Popen, text: str, started: float, deadline_s: float) -> tuple:
    """Seconds from `started` until GET /locate answers 200, and the non-200 answers seen."""
    import requests

    failures = []
    while time.perf_counter() - started < deadline_s:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            r = requests.get(base + "/api/v1/locate", params={"q": text}, timeout=60)
            if r.status_code == 200:
                return time.perf_counter() - started, failures
            failures.append(r.status_code)
        except requests.ConnectionError:
            time.sleep(0.1)
        except requests.Timeout:
            failures.append("timeout")
    raise RuntimeError(f"/api/v1/locate did not answer 200 within {deadline_s:.0f} s ({failures})")


def timed_gets(session, url: str, params: list[dict]) -> tuple[list[float], dict]:
    times, status = [], {}
    for p in params:
        t0 = time.perf_counter()
        r = session.get(url, params=p, timeout=60)
        times.append((time.perf_counter() - t0) * 1000.0)
        status[r.status_code] = status.get(r.status_code, 0) + 1
    return times, status


# ----------------------------------------------------------------------------- one size
def bench_size(size: int, args, cfg: dict, tmp: Path) -> dict:
    import requests

    dbname = f"{BENCH_DB}_{size}" if args.keep else BENCH_DB
    url = f"postgis://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{dbname}"
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0",
               ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", THROTTLE_ANON="1000000/s",
               DJANGO_SUPERUSER_PASSWORD="bench-scale-pw")
    env.pop("NETWORK_INDEX_WARM", None)  # as make run: warm at load
    fig: dict = {"size": size, "db": dbname}
    admin(cfg, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")  # left over from an earlier run
    admin(cfg, f"CREATE DATABASE {dbname}")
    server = log = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        src, fig["grid_write_s"] = make_grid(size, tmp)
        _, fig["import_s"], fig["import_peak_mb"] = manage(env, "import_osm", str(src), "--source", f"grid-{size}",
                                                           "--no-progress", timed=True)
        manage(env, "createsuperuser", "--noinput", "--username", BENCH_USER, "--email", "bench@example.invalid")
        token = manage(env, "create_token", BENCH_USER, "--quiet", "--name", "bench/locate_scale.py")[0].strip()
        rng = random.Random(SEED)
        texts, batch_items, points, fig["segments"] = workload(cfg, dbname, args.requests, args.batch, rng)
        print(f"   [{size}] {fig['segments']:,} segments; import_osm {fig['import_s']:.1f} s, "
              f"peak {fig['import_peak_mb'] or 0:.0f} MB", flush=True)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(tmp / f"gunicorn_{size}.log", "w+")  # noqa: SIM115 - closed in the finally below
        started = time.perf_counter()
        server = start_server(env, port, args.workers, log)
        fig["ready_s"], fig["ready_failures"] = wait_first_locate(base, server, texts[0], started, args.ready_deadline)
        print(f"   [{size}] first locate answered 200 after {fig['ready_s']:.1f} s", flush=True)
        workers = children(server.pid)
        fig["workers_found"] = len(workers)
        fig["mem_after_start"] = {pid: proc_memory(pid) for pid in [server.pid, *workers]}

        fig["load_before"] = os.getloadavg()[0]
        s = requests.Session()
        loc = [{"q": t} for t in texts]
        desc = [{"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"} for lat, lon in points]
        cold_l, _ = timed_gets(s, base + "/api/v1/locate", loc)
        cold_d, _ = timed_gets(s, base + "/api/v1/describe", desc)
        fig["locate_ms"], fig["locate_status"] = timed_gets(s, base + "/api/v1/locate", loc)
        fig["describe_ms"], fig["describe_status"] = timed_gets(s, base + "/api/v1/describe", desc)
        fig["locate_cold_ms"], fig["describe_cold_ms"] = cold_l, cold_d

        body = {"texts": [t for t, _ in batch_items]}
        headers = {"Authorization": f"Token {token}"}
        batch_times = []
        for _ in range(3):
            t0 = time.perf_counter()
            r = s.post(base + "/api/v1/locate/batch", json=body, headers=headers, timeout=600)
            batch_times.append(time.perf_counter() - t0)
            r.raise_for_status()
        feats = r.json()["features"]
        fig["batch_s"] = min(batch_times)
        fig["batch_n"] = len(batch_items)
        fig["batch_located"] = sum(1 for f in feats if f["geometry"] is not None)
        fig["mem"] = {pid: proc_memory(pid) for pid in [server.pid, *workers]}
        fig["load_after"] = os.getloadavg()[0]
        fig["master_pid"] = server.pid

        # the same batch as one statement (the texts it can read: intersection + direction + distance)
        sql_items = [x for _, x in batch_items if x is not None]
        cols = [list(c) for c in zip(*sql_items, strict=True)]
        conn = pg_connect(cfg, dbname)
        try:
            with conn.cursor() as cur:
                cur.execute("ANALYZE")
                sql_times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    cur.execute(SQL, cols)
                    rows = cur.fetchall()
                    sql_times.append(time.perf_counter() - t0)
        finally:
            conn.close()
        fig["sql_s"] = min(sql_times)
        fig["sql_items"] = len(sql_items)
        fig["sql_rows"] = len(rows)
        # the project's time for those texts alone: its batch time pro rata
        fig["project_sql_part_s"] = fig["batch_s"] * len(sql_items) / len(batch_items)
        log.seek(0)
        fig["server_errors"] = log.read().count("Traceback")
    finally:
        if server is not None:
            stop_server(server)
        if log is not None:
            log.close()
        if not args.keep:
            admin(cfg, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
    return fig


def report(f: dict) -> dict:
    master = f["mem"].get(f["master_pid"], {})
    workers = [m for pid, m in f["mem"].items() if pid != f["master_pid"]]
    rss = max((w.get("rss", 0.0) for w in workers), default=0.0)
    pss = max((w.get("pss", 0.0) for w in workers), default=0.0)
    batch_per_s = f["batch_n"] / f["batch_s"]
    ratio = f["project_sql_part_s"] / f["sql_s"] if f["sql_s"] else float("inf")
    lp50, lp95 = statistics.median(f["locate_ms"]), pct(f["locate_ms"], 0.95)
    dp50, dp95 = statistics.median(f["describe_ms"]), pct(f["describe_ms"], 0.95)
    print(f"\n== size {f['size']}: {f['segments']:,} segments (database {f['db']})")
    print(f"   grid written {f['grid_write_s']:.1f} s; import_osm {f['import_s']:.1f} s, peak "
          f"{f['import_peak_mb'] or 0:.0f} MB")
    print(f"   gunicorn --preload, {len(workers)} workers: first /api/v1/locate 200 after {f['ready_s']:.1f} s"
          + (f" (answers before it: {f['ready_failures']})" if f["ready_failures"] else ""))
    print(f"   locate   over HTTP, {len(f['locate_ms'])} texts:  p50 {lp50:6.1f} ms  p95 {lp95:6.1f} ms  "
          f"(first pass p50 {statistics.median(f['locate_cold_ms']):.1f}, p95 {pct(f['locate_cold_ms'], 0.95):.1f}; "
          f"status {f['locate_status']})")
    print(f"   describe over HTTP, {len(f['describe_ms'])} points: p50 {dp50:6.1f} ms  p95 {dp95:6.1f} ms  "
          f"(first pass p50 {statistics.median(f['describe_cold_ms']):.1f}, "
          f"p95 {pct(f['describe_cold_ms'], 0.95):.1f}; status {f['describe_status']})")
    print(f"   batch    POST /locate/batch, {f['batch_n']:,} texts: {f['batch_s']:.2f} s "
          f"= {batch_per_s:,.0f} texts/s ({f['batch_located']:,} located)")
    print(f"   SQL      the {f['sql_items']:,} intersection+offset texts as one statement: {f['sql_s']:.3f} s "
          f"({f['sql_rows']:,} rows); the endpoint's share for them {f['project_sql_part_s']:.3f} s: "
          f"ratio {ratio:.2f}")
    print("   memory after the requests (MB)       RSS     PSS  shared private")
    for label, m in [("master", master)] + [(f"worker {i + 1}", w) for i, w in enumerate(workers)]:
        print(f"     {label:32} {m.get('rss', 0):7.0f} {m.get('pss', 0):7.0f} {m.get('shared', 0):7.0f} "
              f"{m.get('private', 0):7.0f}")
    after = f["mem_after_start"]
    print("     (just after the first answer: " + ", ".join(
        f"{'master' if pid == f['master_pid'] else 'worker'} RSS {m.get('rss', 0):.0f} PSS {m.get('pss', 0):.0f}"
        for pid, m in after.items()) + ")")
    print(f"   machine load (1-min average, 2 cores shared): {f['load_before']:.1f} before the requests, "
          f"{f['load_after']:.1f} after")
    if f["server_errors"]:
        print(f"   server log: {f['server_errors']} tracebacks")
    return {"segments": f["segments"], "import_s": round(f["import_s"], 1), "ready_s": round(f["ready_s"], 1),
            "rss_per_worker_mb": round(rss), "pss_per_worker_mb": round(pss), "locate_p95_ms": round(lp95, 1),
            "describe_p95_ms": round(dp95, 1), "batch_per_s": round(batch_per_s), "ratio_to_sql": round(ratio, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=None, help="grid sizes, comma-separated (default 250,400; --quick 60)")
    parser.add_argument("--quick", action="store_true", help="one small grid (size 60), for a smoke test")
    parser.add_argument("--keep", action="store_true", help="keep each database as patrol_bench_scale_<size>")
    parser.add_argument("--requests", type=int, default=300, help="texts and points sent one by one (default 300)")
    parser.add_argument("--batch", type=int, default=2000, help="texts in the batch (default 2000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as make run)")
    parser.add_argument("--ready-deadline", type=float, default=300, help="seconds to wait for the first answer")
    args = parser.parse_args()
    sizes = [int(x) for x in (args.sizes or ("60" if args.quick else "250,400")).split(",") if x]
    if args.quick:
        args.requests, args.batch = min(args.requests, 100), min(args.batch, 500)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cfg = db_settings(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if cfg["NAME"].startswith(BENCH_DB):
        sys.exit(f"DATABASE_URL already names {cfg['NAME']}; point it at the dev database")
    print(f"grids {', '.join(map(str, sizes))}; gunicorn --preload with {args.workers} workers; "
          f"{args.requests} texts/points one by one, batches of {args.batch}; throwaway database {BENCH_DB}"
          + (" (kept: --keep)" if args.keep else ""), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="patrol_bench_scale_"))
    results = {}
    t_all = time.perf_counter()
    try:
        for size in sizes:
            results[size] = bench_size(size, args, cfg, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"   {time.perf_counter() - t_all:.0f} s in all", flush=True)
    fields = {size: report(f) for size, f in results.items()}
    print("\ntargets at size 250: ready_s ≤ 5, rss_per_worker_mb ≤ 300, locate_p95_ms ≤ 5, describe_p95_ms ≤ 5, "
          "batch_per_s ≥ 2000, ratio_to_sql ≤ 2 (figures from a shared 2-core machine)")
    for size, v in fields.items():
        print(f"   size {size}: " + " ".join(f"{k}={val}" for k, val in v.items()))
    last = fields.get(250) or fields[sizes[0]]
    print("RESULT " + " ".join(f"{k}={last[k]}" for k in ("segments", "import_s", "ready_s", "rss_per_worker_mb",
                                                          "locate_p95_ms", "describe_p95_ms", "batch_per_s",
                                                          "ratio_to_sql")))


if __name__ == "__main__":
    main()
