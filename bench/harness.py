"""What the benchmarks share: throwaway databases, free ports, stopping a gunicorn they started,
and the hand-written PostGIS statement that locate benches compare the project against.

Imported as ``bench.harness`` (each bench puts the repository root on ``sys.path`` first; gunicorn
imports ``bench.<name>`` from the root).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess


def db_settings(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url)


def pg_connect(cfg: dict, dbname: str):
    import psycopg2

    return psycopg2.connect(dbname=dbname, user=cfg["USER"], password=cfg["PASSWORD"], host=cfg["HOST"] or None,
                            port=cfg["PORT"] or None)


def admin(cfg: dict, sql: str) -> None:
    """Run `sql` on the server's maintenance database (CREATE / DROP DATABASE), autocommit."""
    conn = pg_connect(cfg, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True``: the master and its workers only."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# A batch of "A与B交叉路口向<dir><n>米" texts as one statement: anchor = the first intersection (by
# id) of the two named roads; the road lines there (each road's merged geometry, dumped) within
# 60 m; both ways along each for the distance; the walk ending closest to the stated bearing wins.
INTERSECTION_OFFSET_SQL = """
WITH q AS (
    SELECT t.ord, t.a, t.b, t.brg, t.dist
    FROM unnest(%s::text[], %s::text[], %s::float8[], %s::float8[]) WITH ORDINALITY AS t(a, b, brg, dist, ord)
), anchor AS (
    SELECT DISTINCT ON (q.ord) q.ord, q.brg, q.dist, i.id AS inter_id, i.geom AS ig
    FROM q
    JOIN geodata_road ra ON ra.name_normalized = q.a AND ra.retired_at IS NULL
    JOIN geodata_road rb ON rb.name_normalized = q.b AND rb.retired_at IS NULL
    JOIN geodata_intersection_roads ia ON ia.road_id = ra.id
    JOIN geodata_intersection_roads ib ON ib.road_id = rb.id AND ib.intersection_id = ia.intersection_id
    JOIN geodata_intersection i ON i.id = ia.intersection_id
    ORDER BY q.ord, i.id
), lines AS (
    SELECT an.ord, an.brg, an.dist, an.ig, d.geom AS line
    FROM anchor an
    JOIN geodata_intersection_roads ir ON ir.intersection_id = an.inter_id
    JOIN geodata_road r ON r.id = ir.road_id
    CROSS JOIN LATERAL ST_Dump(ST_LineMerge(r.geom)) AS d
    WHERE ST_DWithin(d.geom, an.ig, 60)
), walk AS (
    SELECT l.ord, l.brg, l.line, ST_Length(l.line) AS len,
           ST_LineLocatePoint(l.line, l.ig) * ST_Length(l.line) AS s0, s.sg, l.dist
    FROM lines l CROSS JOIN (VALUES (1.0::float8), (-1.0::float8)) AS s(sg)
), pts AS (
    SELECT w.ord, w.brg,
           ST_LineInterpolatePoint(w.line, w.s0 / w.len) AS a,
           ST_LineInterpolatePoint(w.line, (w.s0 + w.sg * w.dist) / w.len) AS p
    FROM walk w
    WHERE w.s0 + w.sg * w.dist BETWEEN 0 AND w.len
)
SELECT DISTINCT ON (ord) ord, ST_X(ST_Transform(p, 4326)), ST_Y(ST_Transform(p, 4326))
FROM pts
WHERE NOT ST_Equals(a, p)
ORDER BY ord, abs(mod((degrees(ST_Azimuth(a, p)) - brg + 540)::numeric, 360) - 180) DESC
"""


def manage(root, env: dict, *args: str) -> str:
    """Run ``manage.py`` of the repository at `root` in `env`; its stdout (its stderr on failure)."""
    import sys

    out = subprocess.run([sys.executable, str(root / "manage.py"), *args], env=env, cwd=root,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return out.stdout


def start_gunicorn(root, env: dict, *, app: str, port: int, workers: int, log, timeout_s: int) -> subprocess.Popen:
    """gunicorn serving `app` (``bench.<name>:wsgi_app()``) in a session of its own (stop_server)."""
    return subprocess.Popen(
        [str(root / ".venv" / "bin" / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--chdir", str(root), "--timeout", str(timeout_s), "--log-level", "warning"],
        env=env, cwd=root, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(url: str, proc: subprocess.Popen, *, deadline_s: float, every_s: float = 0.2) -> None:
    """Until `url` answers 2xx; fails when the server exits or the deadline passes."""
    import time

    import requests

    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            requests.get(url, timeout=5).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(every_s)
    raise RuntimeError(f"gunicorn did not answer within {deadline_s:.0f} s")
