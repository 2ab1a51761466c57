"""Benchmark: the problem map at 1,000 and 1,000,000 problems — what the browser downloads and how
soon it draws, against a plain folium page with every marker embedded as GeoJSON — and the vector
tile server's tiles/s against the same ST_AsMVT statements run bare.

    .venv/bin/python bench/map.py [--sizes 1000,1000000] [--plain-sizes 1000,10000,100000]
                                  [--clients 3] [--workers 3] [--seconds 10]

In a throwaway database `patrol_bench_map` on the local cluster (CREATE DATABASE from template1,
`manage.py migrate`, `manage.py load_demo`; dropped at the end, also after an error or Ctrl-C; the
dev database is never written). Problems are inserted in SQL (`INSERT … SELECT generate_series`,
seeded): uniformly over the demo road network's extent (≈2.6 × 3.8 km, what the map's first view
frames), categories and statuses in turn, created over the last year, in 学院路街道 (the
jurisdiction of `supervisor1`, whose session the browser and the HTTP clients use). Then
VACUUM ANALYZE. The 1,000,000 are the first 1,000 plus 999,000 more.

Per size, in headless Chromium at 1280×800 with an empty cache (a fresh context each time):
- *project*: gunicorn (`--workers`, DEBUG off, static files through WhiteNoise from the apps'
  folders) serves `/maps/problems/`: the folium page, vendored Leaflet + VectorGrid +
  problem-tiles.js, and the road and problem tiles of the view. `first_draw` is
  `PatrolMaps.stats.firstDrawMs` (performance.now() when the first cluster or problem marker
  was added, from navigation start); `view` is when the last problem tile of the first view was
  drawn; `bytes` is the navigation's and every resource's transferSize (Resource Timing) once the
  network is idle.
- *plain*: a folium page made by `folium.GeoJson` of every problem (point, id, category, status;
  default Leaflet markers), Leaflet from the same vendored files, served by a static file server;
  `first_draw` is performance.now() when the first marker is in the DOM (folium adds them all in
  one script, so first and last are the same moment). Sizes from `--plain-sizes` up to the
  problem count; a page that does not draw within `--plain-timeout` seconds stops the series. For
  1,000,000 the plain page is never built: the largest size that loaded is extrapolated linearly
  (bytes and time ∝ markers) and printed as such.

Tiles/s at the largest size: the tiles of the first view (zoom 14, clusters) and of zooms 15–16
around the district centre, fetched round-robin by `--clients` threads for `--seconds` each way, in four alternating slices, over HTTP
(`requests`, session cookie, no cache headers) and bare (one psycopg2 connection per thread
running exactly the statements the view runs: `maps.tiles.problems_tile_queries`, the probe first
at zoom ≥ 15). Targets (issue 9): first view of the 1,000,000-problem map < 1 s and < 1 MB;
tiles/s ≥ 0.8 × bare. Last line:
RESULT first_draw_1m_s=… bytes_1m_kb=… ratio_to_plain_1k=… tiles_per_s=… tile_ratio_to_sql=…
(ratio_to_plain_1k: the project's bytes over the plain page's bytes at 1,000 problems.)
"""
from __future__ import annotations

import argparse
import functools
import http.server
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402
from bench.harness import admin, db_settings, free_port, pg_connect, stop_server  # noqa: E402

BENCH_DB = "patrol_bench_map"
DEFAULT_URL = "postgis://patrol:patrol@127.0.0.1:5432/patrol"
USER = "supervisor1"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# INSERT … SELECT generate_series: ids first..last, seeded positions over the road network's extent.
INSERT = """
SELECT setseed(%(seed)s);
INSERT INTO patrol_problem (status, geom, location_text, side, source, description, deadline, created_at, updated_at,
                            category_id, subdistrict_id, reporter_id)
SELECT (ARRAY['reported','dispatched','in_progress','rectified','verified','closed','reopened'])[1 + i %% 7],
       ST_SetSRID(ST_MakePoint(e.xmin + random() * (e.xmax - e.xmin), e.ymin + random() * (e.ymax - e.ymin)),
                  %(srid)s),
       '合成问题 ' || i, '', 'patrol', '', now() + ((i %% 11) - 5) * interval '1 day',
       now() - (i %% 365) * interval '1 day' - (i %% 86400) * interval '1 second', now(),
       c.ids[1 + i %% array_length(c.ids, 1)], %(subdistrict)s, %(reporter)s
FROM generate_series(%(first)s, %(last)s) AS i,
     (SELECT ST_XMin(x) AS xmin, ST_XMax(x) AS xmax, ST_YMin(x) AS ymin, ST_YMax(x) AS ymax
      FROM (SELECT ST_Extent(geom) AS x FROM geodata_road) AS t) AS e,
     (SELECT array_agg(id ORDER BY id) AS ids FROM patrol_category WHERE active) AS c
"""


def wsgi_app():
    """gunicorn's app (`bench.map:wsgi_app()`): config.wsgi's, serving static files from the apps'
    folders (WhiteNoise's finders), so no collectstatic into the working tree is needed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.WHITENOISE_USE_FINDERS = True
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# -- helpers ------------------------------------------------------------------------------------------


def manage(env: dict, *args: str) -> str:
    return harness.manage(ROOT, env, *args)


def start_server(env: dict, port: int, workers: int, log) -> subprocess.Popen:
    return harness.start_gunicorn(ROOT, env, app="bench.map:wsgi_app()", port=port, workers=workers, log=log, timeout_s=120)


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    harness.wait_ready(base + "/tiles/roads/0/0/0.pbf", proc, deadline_s=60, every_s=0.3)


def session_cookie(env: dict) -> str:
    """A session of USER in the bench database (written by a manage.py shell in its environment)."""
    code = ("from django.contrib.auth import get_user_model; from django.test import Client; "
            f"c = Client(); c.force_login(get_user_model().objects.get(username='{USER}')); "
            "from django.conf import settings; print(c.cookies[settings.SESSION_COOKIE_NAME].value)")
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def insert_problems(cfg: dict, first: int, last: int) -> float:
    from django.conf import settings

    conn = pg_connect(cfg, BENCH_DB)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM geodata_area WHERE kind = 'subdistrict' AND name = '学院路街道'")
            (subdistrict,) = cur.fetchone()
            cur.execute("SELECT id FROM auth_user WHERE username = 'officer1'")
            (reporter,) = cur.fetchone()
            t0 = time.perf_counter()
            cur.execute(INSERT, {"seed": 0.5 + first / 1e8, "srid": settings.STORAGE_SRID, "first": first, "last": last,
                                 "subdistrict": subdistrict, "reporter": reporter})
            cur.execute("VACUUM ANALYZE patrol_problem")
            return time.perf_counter() - t0
    finally:
        conn.close()


# -- the browser ------------------------------------------------------------------------------------------
BYTES_JS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return {bytes: (nav ? nav.transferSize : 0) + res.reduce((s, r) => s + r.transferSize, 0),
            resources: res.length};
}"""


def measure_project(browser, base: str, cookie: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script("""
        window.__lastDraw = null;
        document.addEventListener('patrolmaps:drawn', () => { window.__lastDraw = performance.now(); });
    """)
    page.goto(base + "/maps/problems/", wait_until="commit")
    first = page.wait_for_function("window.PatrolMaps && PatrolMaps.stats.firstDrawMs", timeout=120_000,
                                   polling="raf").json_value()
    page.wait_for_load_state("networkidle", timeout=120_000)
    last = page.evaluate("window.__lastDraw")
    out = page.evaluate(BYTES_JS)
    out.update(first_s=first / 1000, view_s=last / 1000, clusters=page.locator(".pm-cluster").count(),
               counted=sum(page.locator(".pm-cluster").evaluate_all("els => els.map(e => +e.dataset.count)")),
               errors=errors)
    context.close()
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_dir(directory: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def plain_page(cfg: dict, n: int, directory: Path) -> str:
    """A folium page of the first n problems as one GeoJSON layer (default markers); its file name."""
    import folium

    from maps.assets import folium_assets

    conn = pg_connect(cfg, BENCH_DB)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT p.id, c.code, p.status, ST_X(g), ST_Y(g) FROM (SELECT id, category_id, status, "
                        "ST_Transform(geom, 4326) AS g FROM patrol_problem ORDER BY id LIMIT %s) AS p "
                        "JOIN patrol_category c ON c.id = p.category_id", [n])
            rows = cur.fetchall()
    finally:
        conn.close()
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
                 "properties": {"id": i, "category": code, "status": status}} for i, code, status, x, y in rows]
    lons = [f["geometry"]["coordinates"][0] for f in features]
    lats = [f["geometry"]["coordinates"][1] for f in features]
    m = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], zoom_start=14, tiles=None)
    m.default_js, m.default_css = folium_assets(lambda p: "/static/" + p)
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="问题").add_to(m)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    name = f"plain_{n}.html"
    (directory / name).write_text(m.get_root().render(), encoding="utf-8")
    return name


def measure_plain(browser, url: str, timeout_s: float) -> dict | None:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        first = page.wait_for_function(
            "() => document.querySelector('.leaflet-marker-icon') ? performance.now() : null",
            timeout=timeout_s * 1000, polling="raf").json_value()
        page.wait_for_load_state("load", timeout=timeout_s * 1000)
        out = page.evaluate(BYTES_JS)
        out.update(first_s=first / 1000, markers=page.locator(".leaflet-marker-icon").count())
        return out
    except Exception as exc:  # noqa: BLE001 - a timeout ends the series, reported
        print(f"      plain page did not draw within {timeout_s:.0f} s ({type(exc).__name__})")
        return None
    finally:
        context.close()


# -- tiles/s ------------------------------------------------------------------------------------------------
def bench_tiles() -> list[tuple[int, int, int]]:
    """The first view's tiles (zoom 14 over the network's extent) and zooms 15–16 around its centre."""
    from geodata.selectors.layers import demo_extent

    west, south, east, north = demo_extent()

    def tile_of(lon, lat, z):
        n = 2 ** z
        return (int((lon + 180.0) / 360.0 * n),
                int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n))

    tiles = []
    x0, y0 = tile_of(west, north, 14)
    x1, y1 = tile_of(east, south, 14)
    tiles += [(14, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    cx, cy = (west + east) / 2, (south + north) / 2
    for z in (15, 16):
        x, y = tile_of(cx, cy, z)
        tiles += [(z, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    return tiles


def run_clients(clients: int, seconds: float, work) -> tuple[int, int]:
    """Threads calling work(i, k) for tile k in turn until time is up; (done, failed)."""
    done = [0] * clients
    failed = [0] * clients
    end = time.monotonic() + seconds

    def loop(i):
        k = i
        while time.monotonic() < end:
            try:
                work(i, k)
                done[i] += 1
            except Exception:  # noqa: BLE001 - counted and reported
                failed[i] += 1
            k += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), sum(failed)


def tiles_per_second(cfg: dict, base: str, cookie: str, clients: int, seconds: float, rounds: int = 4) -> dict:
    import requests
    from django.contrib.auth import get_user_model

    from maps.filters import ProblemFilters
    from maps.tiles import problems_tile_queries
    from maps.tiling import MAX_POINTS_PER_TILE, Tile
    from org.selectors import user_jurisdiction_area_ids

    tiles = bench_tiles()
    jurisdiction = user_jurisdiction_area_ids(get_user_model().objects.get(username=USER))
    queries = [problems_tile_queries(Tile(*t), jurisdiction=jurisdiction, filters=ProblemFilters()) for t in tiles]

    sessions = [requests.Session() for _ in range(clients)]
    for s in sessions:
        s.cookies.set("sessionid", cookie)
    sizes = {}

    def http_work(i, k):
        z, x, y = tiles[k % len(tiles)]
        r = sessions[i].get(f"{base}/tiles/problems/{z}/{x}/{y}.pbf", timeout=60)
        r.raise_for_status()
        sizes[(z, x, y)] = len(r.content)

    conns = [pg_connect(cfg, BENCH_DB) for _ in range(clients)]
    for c in conns:
        c.autocommit = True

    def sql_work(i, k):
        q = queries[k % len(queries)]
        with conns[i].cursor() as cur:
            if "probe" in q:
                cur.execute(q["probe"].sql, q["probe"].params)
                chosen = q["problems"] if cur.fetchone()[0] <= MAX_POINTS_PER_TILE else q["clusters"]
            else:
                chosen = q["clusters"]
            cur.execute(chosen.sql, chosen.params)
            bytes(cur.fetchone()[0])

    run_clients(clients, 2, sql_work)  # warm both paths' caches the same way
    run_clients(clients, 2, http_work)
    # alternating slices, so that a change in the machine's load (it is shared) falls on both alike
    sql_done = sql_failed = http_done = http_failed = 0
    for _ in range(rounds):
        done, failed = run_clients(clients, seconds / rounds, sql_work)
        sql_done, sql_failed = sql_done + done, sql_failed + failed
        done, failed = run_clients(clients, seconds / rounds, http_work)
        http_done, http_failed = http_done + done, http_failed + failed
    for c in conns:
        c.close()
    return {"tiles": len(tiles), "http": http_done / seconds, "sql": sql_done / seconds, "http_failed": http_failed,
            "sql_failed": sql_failed, "mean_kb": sum(sizes.values()) / max(1, len(sizes)) / 1024}


# -- main ------------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--plain-sizes", default="1000,10000,100000")
    parser.add_argument("--plain-timeout", type=float, default=180.0)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    plain_sizes = sorted(int(s) for s in args.plain_sizes.split(","))

    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    cfg = db_settings(base_url)
    if cfg["NAME"] == BENCH_DB:
        sys.exit(f"DATABASE_URL already names {BENCH_DB}; point it at the dev database")
    url = (f"postgis://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}"
           f"/{BENCH_DB}")
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING",
               DJANGO_SETTINGS_MODULE="config.settings")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    tmp = Path(tempfile.mkdtemp(prefix="patrol_bench_map_"))
    server = static_server = log = None
    print(f"1. bench database {BENCH_DB} (dev database {cfg['NAME']} is not touched)")
    admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin(cfg, f"CREATE DATABASE {BENCH_DB}")
    try:
        t0 = time.perf_counter()
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_demo")
        cookie = session_cookie(env)
        print(f"   migrate + load_demo: {time.perf_counter() - t0:.1f} s")
        import django

        django.setup()

        # the plain pages' static files: the same vendored Leaflet
        shutil.copytree(ROOT / "maps" / "static" / "maps", tmp / "static" / "maps")
        static_server, static_base = serve_dir(str(tmp))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115 - closed in the finally below
        server = start_server(env, port, args.workers, log)
        wait_ready(base, server)
        print(f"2. gunicorn on {base} ({args.workers} workers), plain pages on {static_base}")

        from playwright.sync_api import sync_playwright

        results: dict[int, dict] = {}
        plain: dict[int, dict] = {}
        inserted = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for n in sizes:
                    took = insert_problems(cfg, inserted + 1, n)
                    inserted = n
                    print(f"3. {n:,} problems (inserted and analysed in {took:.1f} s)")
                    measure_project(browser, base, cookie)  # warm gunicorn's workers and PostgreSQL's cache
                    r = results[n] = measure_project(browser, base, cookie)
                    print(f"   project map: first features drawn {r['first_s']:.3f} s, first view complete "
                          f"{r['view_s']:.3f} s, {r['bytes'] / 1024:.0f} KiB in {r['resources'] + 1} requests, "
                          f"{r['clusters']} clusters counting {r['counted']:,} problems"
                          + (f", page errors: {r['errors']}" if r["errors"] else ""))
                    for m in [s for s in plain_sizes if s <= n and s not in plain]:
                        if plain and plain[max(plain)] is None:
                            break
                        t1 = time.perf_counter()
                        name = plain_page(cfg, m, tmp)
                        build = time.perf_counter() - t1
                        r = plain[m] = measure_plain(browser, f"{static_base}/{name}", args.plain_timeout)
                        if r is not None:
                            print(f"   plain folium page, {m:,} markers (built in {build:.1f} s): first drawn "
                                  f"{r['first_s']:.3f} s, {r['bytes'] / 1024:.0f} KiB, {r['markers']:,} markers")
            finally:
                browser.close()

        largest = max(results)
        ok_plain = {m: r for m, r in plain.items() if r is not None}
        top = max(ok_plain)
        scale = largest / top
        print(f"   plain page at {largest:,}: extrapolated from {top:,} markers (×{scale:g}, linear): "
              f"~{ok_plain[top]['first_s'] * scale:.1f} s, ~{ok_plain[top]['bytes'] * scale / 1024 / 1024:.0f} MiB")

        print(f"4. tiles/s at {largest:,} problems, {args.clients} clients, {args.seconds:g} s each way (4 alternating slices)")
        t = tiles_per_second(cfg, base, cookie, args.clients, args.seconds)
        print(f"   {t['tiles']} tiles (mean {t['mean_kb']:.1f} KiB): HTTP {t['http']:.1f} tiles/s "
              f"({t['http_failed']} failed), bare SQL {t['sql']:.1f} tiles/s ({t['sql_failed']} failed)")

        small, big = results[min(results)], results[largest]
        ratio_plain = small["bytes"] / plain[min(results)]["bytes"] if plain.get(min(results)) else float("nan")
        print(f"RESULT first_draw_1m_s={big['first_s']:.3f} bytes_1m_kb={big['bytes'] / 1024:.0f} "
              f"ratio_to_plain_1k={ratio_plain:.2f} tiles_per_s={t['http']:.1f} "
              f"tile_ratio_to_sql={t['http'] / t['sql']:.2f}")
    finally:
        if server is not None:
            stop_server(server)
        if static_server is not None:
            static_server.shutdown()
        if log is not None:
            log.close()
        from django.db import connections

        connections.close_all()
        admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"   {BENCH_DB} dropped, gunicorn stopped, {tmp} removed")


if __name__ == "__main__":
    main()
