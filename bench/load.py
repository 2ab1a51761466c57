"""Load benchmark: many tablets and supervisors at once against gunicorn, with the database
connection cut during the run; then a reconciliation of what clients were told against
what the database holds.

    .venv/bin/python bench/load.py [--duration 40] [--tablets 16] [--supervisors 3]
                                   [--workers 3] [--cuts 1] [--cut-seconds 3] [--max-iterations N]
                                   [--middleware DOTTED.PATH] [--server-log FILE]

About a minute on a 2-core machine with the defaults (setup ~15 s, load 40 s).

Setup, all in a throwaway database `patrol_bench_load` on the same server (dropped at the
end, also after an error or Ctrl-C): CREATE DATABASE, `manage.py migrate`, `manage.py
load_demo`, one token per demo user (`manage.py create_token`). gunicorn serves the app
(config.settings, DEBUG off, sync workers) on 127.0.0.1 and a free port; uploaded photos
go to a temporary MEDIA_ROOT, removed at the end (the app is config.wsgi's, built by
`wsgi_app()` below only to change that directory). All traffic is loopback.

Clients (threads, each its own requests.Session):
- tablets (officer1, officer2, lead1, supervisor1, admin, round robin) loop: report a
  problem (POST problems/, a new uuid as `client_id` and as `Idempotency-Key`, a point a few
  metres around 学院路 × 清华东路); half of them dispatched by lead1 (POST …/transition);
  half get an outcome (POST …/outcomes) with an evidence photo (POST outcomes/{id}/photos, a
  small JPEG). Every write has its own key; on a connection error, a timeout or a 5xx the
  very same request is sent again with the same key (bounded, with backoff, Retry-After
  honoured). A write counts as acknowledged only on a 2xx. 20 % of acknowledged writes are
  sent once more on purpose: the answer must be the first one, marked Idempotent-Replayed.
- supervisors (supervisor1, admin) loop: GET problems/layer?bbox=… and GET problems/?page_size=50
  (not retried; after a failure they wait Retry-After, else 0.5 s).
- the cut: at 1/3 of the run (with --cuts N: N cuts, evenly spaced) every backend of the
  bench database is terminated (pg_terminate_backend), again every 50 ms, for --cut-seconds.
  Done as the app's own role (a role may signal its own backends), else as the postgres
  superuser through runuser.

Figures: rps = HTTP answers (any status) per second of the run; p50/p95 per route template,
per attempt that got an answer; errors by kind (conn_error, timeout, 4xx/5xx by status).
Reconciliation (psycopg2, after the run): acknowledged = distinct client ids answered 2xx;
stored = problems in the database with those client ids; duplicates = problems stored twice
for one client id + second 'created'/'transitioned' audit events of one problem + second
outcomes of one problem + second photos of one outcome (the clients write at most one of
each); lost = acknowledged writes of every kind (problems, dispatches, outcomes, photos)
that the database does not hold; server_errors = answers 500–599 other than 503 (the app
failed: an unhandled exception, a worker that died); unavailable = 503 answers with
Retry-After (the database was cut under a request in flight: the designed answer to an
outage, which the client retries under the same Idempotency-Key). Above the last line: the 5xx by status, how many overlapped a cut (a request
in flight when its connection is killed fails whatever the app does: it should be a 503
with Retry-After, which clients retry) and how many came after the cut was over (should be
0: CONN_HEALTH_CHECKS replaces a pooled connection that died), and the final exception of
each traceback in gunicorn's log (--server-log keeps the whole log). --middleware tries a
middleware before it is in settings.MIDDLEWARE (e.g. core.db_unavailable's).

Last line: RESULT rps=… p95_write_ms=… p95_read_ms=… acknowledged=… stored=… duplicates=… lost=… server_errors=…
unavailable=…
"""
from __future__ import annotations

import argparse
import io
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402
from bench.harness import admin, db_settings, free_port, pg_connect, stop_server  # noqa: E402

BENCH_DB = "patrol_bench_load"
DEFAULT_URL = "postgis://patrol:patrol@127.0.0.1:5432/patrol"
USERS = ["officer1", "officer2", "lead1", "supervisor1", "admin"]
DISPATCHER = "lead1"
READERS = ["supervisor1", "admin"]
CATEGORY = "积存垃圾渣土"
LAT, LON = 39.99912, 116.34636  # 学院路 × 清华东路, inside the demo subdistrict 学院路街道
BBOX = "116.33,39.99,116.36,40.01"
REPLAY_SHARE = 0.2
WRITE_LABELS = ("POST problems/", "POST problems/{id}/transition", "POST problems/{id}/outcomes",
                "POST outcomes/{id}/photos")
READ_LABELS = ("GET problems/layer", "GET problems/")


def wsgi_app():
    """gunicorn's app (`bench.load:wsgi_app()`): config.wsgi's, with MEDIA_ROOT in a temporary
    directory so that the run's photos never land in the working tree's var/media (and with
    the --middleware given, if any)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.MEDIA_ROOT = os.environ["BENCH_MEDIA_ROOT"]
    extra = [m for m in os.environ.get("BENCH_EXTRA_MIDDLEWARE", "").split(",") if m and m not in settings.MIDDLEWARE]
    if extra:  # --middleware: tried right after the request id, before it is in settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.MIDDLEWARE[:1] + extra + settings.MIDDLEWARE[1:]
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# -- measurements -------------------------------------------------------------------------------
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)  # label -> ms, one per attempt that got an answer
        self.errors = Counter()  # (label, kind)
        self.answers = 0
        self.events = Counter()  # free-form counters: replays, retries, …
        self.acked = defaultdict(dict)  # kind -> {key: (user, id from the answer)}
        self.unacked = defaultdict(set)  # kind -> keys given up on (the server may or may not hold them)
        self.statuses_5xx = Counter()
        self.samples = {}  # (label, status) -> the first body of an error answer
        self.when_5xx = []  # (sent, answered), monotonic: inside a cut or not
        self.cuts = []  # (start, end), monotonic

    def answer(self, label: str, t0: float, status: int, retry_after: bool, body: str) -> None:
        t1 = time.monotonic()
        ms = (t1 - t0) * 1000
        with self.lock:
            self.answers += 1
            self.latency[label].append(ms)
            if status >= 400:
                self.errors[(label, f"{status // 100}xx:{status}")] += 1
                self.samples.setdefault((label, status), body[:160])
            if status >= 500:
                self.statuses_5xx[f"{status}{' (Retry-After)' if retry_after else ''}"] += 1
                self.when_5xx.append((t0, t1))

    def error(self, label: str, kind: str) -> None:
        with self.lock:
            self.errors[(label, kind)] += 1

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.events[name] += n


def pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- clients ---------------------------------------------------------------------------------------
class Client:
    def __init__(self, base: str, tokens: dict, team: int, stats: Stats, args, rng: random.Random):
        import requests

        self.requests = requests
        self.base, self.tokens, self.team, self.stats, self.args, self.rng = base, tokens, team, stats, args, rng
        self.session = requests.Session()

    def send(self, method: str, path: str, label: str, user: str, *, key: str | None = None, json=None,
             files=None, params=None):
        """One attempt: the response, or None after a connection error or timeout."""
        headers = {"Authorization": f"Token {self.tokens[user]}"}
        if key:
            headers["Idempotency-Key"] = key
        t0 = time.monotonic()
        try:
            r = self.session.request(method, self.base + path, headers=headers, json=json, files=files,
                                     params=params, timeout=(3, self.args.timeout))
        except self.requests.Timeout:
            self.stats.error(label, "timeout")
            return None
        except self.requests.ConnectionError:
            self.stats.error(label, "conn_error")
            return None
        self.stats.answer(label, t0, r.status_code, "Retry-After" in r.headers,
                          r.text if r.status_code >= 400 else "")
        return r

    def write(self, kind: str, path: str, label: str, user: str, *, json=None, files=None):
        """A write under a new key, retried with the same key until a 2xx or a 4xx, within
        --retries attempts. Returns the 2xx response or None."""
        key = str(uuid.uuid4())
        if kind == "problem":
            json = dict(json, client_id=key)
        r = None
        for attempt in range(self.args.retries):
            if attempt:
                self.stats.count("retries")
                wait = min(0.25 * 2 ** (attempt - 1), 4.0) * (0.5 + self.rng.random())
                if r is not None and r.headers.get("Retry-After", "").isdigit():
                    wait = max(wait, min(float(r.headers["Retry-After"]), 5.0))
                time.sleep(wait)
            r = self.send("POST", path, label, user, key=key, json=json, files=files() if files else None)
            if r is None or r.status_code >= 500:
                continue
            break
        else:
            self.stats.count(f"gave_up:{kind}")
            with self.stats.lock:
                self.stats.unacked[kind].add((user, key))
            return None
        if not 200 <= r.status_code < 300:
            with self.stats.lock:
                self.stats.unacked[kind].add((user, key))
            return None
        body = r.json()
        if attempt and r.headers.get("Idempotent-Replayed") == "true":
            self.stats.count("retry_answered_by_replay")  # the first attempt had committed; its answer got lost
        with self.stats.lock:
            self.stats.acked[kind][key] = (user, body.get("id"))
        if self.rng.random() < REPLAY_SHARE:  # the same request once more, on purpose
            again = self.send("POST", path, label, user, key=key, json=json, files=files() if files else None)
            self.stats.count("replays_sent")
            if again is not None and again.status_code == r.status_code and again.json() == body \
                    and again.headers.get("Idempotent-Replayed") == "true":
                self.stats.count("replays_same_answer")
            elif again is None or again.status_code >= 500:
                self.stats.count("replays_unanswered")  # the cut; nothing to judge
            else:
                self.stats.count("replays_different_answer")
        return r

    def tablet(self, user: str, stop: threading.Event, jpeg: bytes) -> None:
        n = 0
        while not stop.is_set() and (not self.args.max_iterations or n < self.args.max_iterations):
            n += 1
            # A few metres around the intersection (1e-5 degrees ≈ 1 m).
            lat = LAT + self.rng.uniform(-3e-5, 3e-5)
            lon = LON + self.rng.uniform(-3e-5, 3e-5)
            r = self.write("problem", "/api/v1/problems/", "POST problems/", user,
                           json={"category": CATEGORY, "lat": round(lat, 7), "lon": round(lon, 7),
                                 "description": "负载测试"})
            if r is None:
                continue
            pid = r.json()["id"]
            if self.rng.random() < 0.5:
                self.write("transition", f"/api/v1/problems/{pid}/transition", "POST problems/{id}/transition",
                           DISPATCHER, json={"to": "dispatched", "team": self.team})
            if self.rng.random() < 0.5:
                o = self.write("outcome", f"/api/v1/problems/{pid}/outcomes", "POST problems/{id}/outcomes", user,
                               json={"kinds": ["劝阻"], "target_kind": "商户", "count": 1})
                if o is not None:
                    self.write("photo", f"/api/v1/outcomes/{o.json()['id']}/photos", "POST outcomes/{id}/photos",
                               user, files=lambda: {"photo": ("evidence.jpg", jpeg, "image/jpeg")})

    def supervisor(self, user: str, stop: threading.Event) -> None:
        """Reads are not retried (the next refresh will do), but a failed one makes the
        screen wait: Retry-After when given, else half a second."""
        reads = [("/api/v1/problems/layer", "GET problems/layer", {"bbox": BBOX}),
                 ("/api/v1/problems/", "GET problems/", {"page_size": 50})]
        n = 0
        while not stop.is_set():
            path, label, params = reads[n % 2]
            n += 1
            r = self.send("GET", path, label, user, params=params)
            if r is None or r.status_code >= 500:
                after = r.headers.get("Retry-After", "") if r is not None else ""
                stop.wait(min(float(after), 5.0) if after.isdigit() else 0.5)


def guarded(stats: Stats, loop):
    """A client loop that reports its own crash (a bug in the bench or an answer it cannot
    read) instead of dying silently."""
    def run(*args):
        try:
            loop(*args)
        except Exception as exc:  # noqa: BLE001
            stats.count("client_crashes")
            print(f"   client {threading.current_thread().name} crashed: {exc!r:.200}")
    return run


def small_jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    img = Image.new("RGB", (64, 48), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


# -- the cut -----------------------------------------------------------------------------------------
TERMINATE = ("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = %s AND pid <> pg_backend_pid()")


class Cutter:
    """Terminates every backend of the bench database, repeatedly, for a few seconds."""

    def __init__(self, cfg: dict):
        self.cfg, self.conn = cfg, None
        try:
            self.conn = pg_connect(cfg, "postgres")
            self.conn.autocommit = True
            self._terminate()  # nothing to kill yet: proves the role may do it
        except Exception as exc:  # noqa: BLE001 - fall back to the superuser below
            print(f"   (terminating as {cfg['USER']} failed: {exc!s:.80}; using postgres via runuser)")
            if self.conn is not None:
                self.conn.close()
            self.conn = None

    def _terminate(self) -> int:
        if self.conn is not None:
            with self.conn.cursor() as cur:
                cur.execute(TERMINATE, [BENCH_DB])
                return cur.fetchone()[0]
        sql = TERMINATE.replace("%s", f"'{BENCH_DB}'")
        out = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-Atq", "-d", "postgres", "-c", sql],
                             capture_output=True, text=True, timeout=10, check=True)
        return int(out.stdout.strip() or 0)

    def cut(self, seconds: float) -> int:
        killed = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            killed += self._terminate()
            time.sleep(0.05)
        return killed

    def close(self):
        if self.conn is not None:
            self.conn.close()


# -- setup and teardown ---------------------------------------------------------------------------------


def manage(env: dict, *args: str) -> str:
    return harness.manage(ROOT, env, *args)


def start_server(env: dict, port: int, workers: int, log) -> subprocess.Popen:
    return harness.start_gunicorn(ROOT, env, app="bench.load:wsgi_app()", port=port, workers=workers, log=log, timeout_s=60)


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    harness.wait_ready(base + "/api/v1/categories/", proc, deadline_s=30, every_s=0.2)


def server_log_summary(text: str) -> Counter:
    """Each 500's traceback by its last exception (the one Django answered for), and the
    warnings of core.db_unavailable."""
    found = Counter()
    for chunk in text.split("Internal Server Error: ")[1:]:
        raised = re.findall(r"^([\w.]+(?:Error|Exception|Exit)): ?(.*)$", chunk, re.M)
        if raised:
            kind, message = raised[-1]
            found[f"500 {kind}: {message[:50]}"] += 1
    for message in re.findall(r"database unavailable during \S+ \S+: (.*)", text):
        found[f"503 {message[:50]}"] += 1
    return found


# -- reconciliation -----------------------------------------------------------------------------------------
def reconcile(cfg: dict, stats: Stats) -> dict:
    """What the database holds against what the clients were told."""
    conn = pg_connect(cfg, BENCH_DB)
    conn.autocommit = True
    acked, unacked = stats.acked, stats.unacked
    problem_keys = list(acked["problem"])
    out = {}
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), count(DISTINCT client_id) FROM patrol_problem "
                        "WHERE client_id = ANY(%s::uuid[])", [problem_keys])
            rows, distinct = cur.fetchone()
            out["stored"] = distinct
            out["dup_problems"] = rows - distinct
            cur.execute("SELECT count(*) FROM patrol_problem WHERE client_id = ANY(%s::uuid[])",
                        [[k for _, k in unacked["problem"]]])
            out["stored_unacked_problems"] = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM patrol_problem WHERE client_id IS NOT NULL")
            out["problems_total"] = cur.fetchone()[0]
            # Second audit events of one problem: 'created' (once per problem) and 'transitioned'
            # (the clients dispatch a problem at most once).
            cur.execute("SELECT verb, coalesce(sum(n - 1), 0) FROM (SELECT verb, subject_id, count(*) AS n "
                        "FROM core_auditevent WHERE subject_type = 'patrol.problem' "
                        "AND verb IN ('created', 'transitioned') GROUP BY verb, subject_id) s GROUP BY verb")
            extra = dict(cur.fetchall())
            out["dup_created_events"] = int(extra.get("created", 0))
            out["dup_transitions"] = int(extra.get("transitioned", 0))
            cur.execute("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM patrol_outcome "
                        "GROUP BY problem_id) s")
            out["dup_outcomes"] = int(cur.fetchone()[0])
            cur.execute("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM patrol_outcomephoto "
                        "GROUP BY outcome_id) s")
            out["dup_photos"] = int(cur.fetchone()[0])
            # Lost: acknowledged but not in the database, each kind by the id its answer gave.
            dispatched = [pid for _, pid in acked["transition"].values()]
            cur.execute("SELECT count(DISTINCT subject_id) FROM core_auditevent WHERE subject_type = 'patrol.problem' "
                        "AND verb = 'transitioned' AND subject_id = ANY(%s)", [[str(p) for p in dispatched]])
            out["lost_transitions"] = len(set(dispatched)) - cur.fetchone()[0]
            outcome_ids = [oid for _, oid in acked["outcome"].values()]
            cur.execute("SELECT count(*) FROM patrol_outcome WHERE id = ANY(%s)", [outcome_ids])
            out["lost_outcomes"] = len(set(outcome_ids)) - cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM patrol_outcome")
            out["outcomes_total"] = cur.fetchone()[0]
            photo_ids = [pid for _, pid in acked["photo"].values()]
            cur.execute("SELECT count(*) FROM patrol_outcomephoto WHERE id = ANY(%s)", [photo_ids])
            out["lost_photos"] = len(set(photo_ids)) - cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM patrol_outcomephoto")
            out["photos_total"] = cur.fetchone()[0]
            # Every acknowledged write has its command row (actor, key) with a 2xx answer.
            keys = [(user, key) for kind in acked for key, (user, _) in acked[kind].items()]
            cur.execute("SELECT count(*) FROM core_clientcommand c JOIN auth_user u ON u.id = c.actor_id "
                        "WHERE (u.username, c.key) IN (SELECT * FROM unnest(%s::text[], %s::text[])) "
                        "AND c.status_code BETWEEN 200 AND 299",
                        [[u for u, _ in keys] or [""], [k for _, k in keys] or [""]])
            out["commands_missing"] = len(keys) - cur.fetchone()[0]
    finally:
        conn.close()
    out["lost_problems"] = len(problem_keys) - out["stored"]
    out["acknowledged"] = len(problem_keys)
    out["duplicates"] = (out["dup_problems"] + out["dup_created_events"] + out["dup_transitions"]
                         + out["dup_outcomes"] + out["dup_photos"])
    out["lost"] = out["lost_problems"] + out["lost_transitions"] + out["lost_outcomes"] + out["lost_photos"]
    return out


# -- main ---------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=40, help="seconds of load (default 40)")
    parser.add_argument("--tablets", type=int, default=16, help="tablet threads (default 16)")
    parser.add_argument("--supervisors", type=int, default=3, help="supervisor threads (default 3)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--max-iterations", type=int, default=0,
                        help="problems each tablet reports at most (default 0: until the time is up)")
    parser.add_argument("--cuts", type=int, default=1, help="database cuts, evenly spaced (default 1, at 1/3)")
    parser.add_argument("--cut-seconds", type=float, default=3, help="length of each cut (default 3)")
    parser.add_argument("--retries", type=int, default=8, help="attempts per write at most (default 8)")
    parser.add_argument("--timeout", type=float, default=15, help="read timeout per attempt, seconds (default 15)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--middleware", action="append", default=[], metavar="DOTTED.PATH",
                        help="try a middleware not yet in settings.MIDDLEWARE (inserted after the request id), "
                             "e.g. core.db_unavailable.DatabaseUnavailableMiddleware")
    parser.add_argument("--server-log", type=Path, help="copy gunicorn's output (tracebacks) to this file")
    args = parser.parse_args()
    # Ctrl-C and a plain kill both end in the finally below (a shell may have started us with
    # SIGINT ignored; the default SIGTERM would skip the clean-up).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.cuts < 1:
        parser.error("--cuts must be at least 1: the run is about surviving a cut")

    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    cfg = db_settings(base_url)
    if cfg["NAME"] == BENCH_DB:
        sys.exit(f"DATABASE_URL already names {BENCH_DB}; point it at the dev database")
    url = (f"postgis://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}"
           f"/{BENCH_DB}")
    media = tempfile.mkdtemp(prefix="patrol_bench_load_media_")
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING",
               BENCH_MEDIA_ROOT=media, BENCH_EXTRA_MIDDLEWARE=",".join(args.middleware),
               DJANGO_SETTINGS_MODULE="config.settings")
    server = cutter = log = None
    stop = threading.Event()
    threads: list[threading.Thread] = []
    print(f"1. bench database {BENCH_DB} (dev database {cfg['NAME']} is not touched)")
    admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")  # left over from an interrupted run
    admin(cfg, f"CREATE DATABASE {BENCH_DB}")
    try:
        t0 = time.perf_counter()
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_demo", "--no-week")  # the load reconciles its own problems only
        tokens = {u: manage(env, "create_token", u, "--quiet", "--name", "bench/load.py").strip() for u in USERS}
        conn = pg_connect(cfg, BENCH_DB)
        try:
            with conn.cursor() as cur:  # lead1's team: a problem reported by someone without one needs it
                cur.execute("SELECT o.team_id FROM org_officer o JOIN auth_user u ON u.id = o.user_id "
                            "WHERE u.username = %s", [DISPATCHER])
                team = cur.fetchone()[0]
        finally:
            conn.close()
        print(f"   migrate + load_demo + {len(tokens)} tokens: {time.perf_counter() - t0:.1f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(media) / "gunicorn.log", "w+")  # noqa: SIM115 - closed in the finally below
        server = start_server(env, port, args.workers, log)
        wait_ready(base, server)
        cutter = Cutter(cfg)
        if args.middleware:
            print(f"   with middleware not in settings: {', '.join(args.middleware)}")
        print(f"2. gunicorn on {base} ({args.workers} workers); {args.tablets} tablets, {args.supervisors} "
              f"supervisors for {args.duration:.0f} s; {args.cuts} cut(s) of {args.cut_seconds:.0f} s")

        stats = Stats()
        rng = random.Random(args.seed)
        for i in range(args.tablets):
            c = Client(base, tokens, team, stats, args, random.Random(rng.random()))
            threads.append(threading.Thread(target=guarded(stats, c.tablet), args=(USERS[i % len(USERS)], stop, small_jpeg(i)),
                                            name=f"tablet-{i}", daemon=True))
        for i in range(args.supervisors):
            c = Client(base, tokens, team, stats, args, random.Random(rng.random()))
            threads.append(threading.Thread(target=guarded(stats, c.supervisor), args=(READERS[i % len(READERS)], stop),
                                            name=f"supervisor-{i}", daemon=True))
        start = time.monotonic()
        for t in threads:
            t.start()
        cut_times = [args.duration * (k + 1) / (args.cuts + 2) for k in range(args.cuts)]
        for at in cut_times:
            time.sleep(max(0.0, start + at - time.monotonic()))
            c0 = time.monotonic()
            killed = cutter.cut(args.cut_seconds)
            stats.cuts.append((c0, time.monotonic()))
            print(f"   cut at {time.strftime('%H:%M:%S', time.gmtime(time.time() - (time.monotonic() - c0)))} UTC: "
                  f"t={c0 - start:.1f}–{time.monotonic() - start:.1f} s of the run, {killed} backends terminated")
        time.sleep(max(0.0, start + args.duration - time.monotonic()))
        stop.set()
        # Writes under way finish their retries (bounded: --retries attempts, backoff ≤ 5 s each).
        for t in threads:
            t.join(timeout=max(60.0, args.retries * (args.timeout + 5)))
        elapsed = time.monotonic() - start
        if any(t.is_alive() for t in threads):
            print("   warning: some clients did not finish; their writes count as not acknowledged")

        print(f"3. {stats.answers} answers in {elapsed:.1f} s")
        print(f"   {'route':32} {'answers':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for label in WRITE_LABELS + READ_LABELS:
            lat = stats.latency.get(label, [])
            print(f"   {label:32} {len(lat):8} {pct(lat, 0.5):8.1f} {pct(lat, 0.95):8.1f}")
        if stats.errors:
            print("   errors (route, kind: count; first answer):")
            for (label, kind), n in sorted(stats.errors.items()):
                sample = stats.samples.get((label, int(kind[4:]))) if kind[:1] in "45" else None
                print(f"     {label:32} {kind:12} {n:5}" + (f"  {' '.join(sample.split())[:90]}" if sample else ""))
        else:
            print("   errors: none")
        ev = stats.events
        print(f"   retries {ev['retries']}; retries answered by a replay (first attempt had committed) "
              f"{ev['retry_answered_by_replay']}; deliberate replays {ev['replays_sent']}: same answer "
              f"{ev['replays_same_answer']}, different {ev['replays_different_answer']}, unanswered "
              f"{ev['replays_unanswered']}; gave up: " + (", ".join(f"{k[8:]} {n}" for k, n in ev.items()
                                                               if k.startswith("gave_up:")) or "none"))

        rec = reconcile(cfg, stats)
        acked = {k: len(v) for k, v in stats.acked.items()}
        print("4. reconciliation (acknowledged to clients vs stored):")
        print(f"   problems: acknowledged {rec['acknowledged']}, stored {rec['stored']}, lost {rec['lost_problems']}, "
              f"stored twice {rec['dup_problems']}, second 'created' events {rec['dup_created_events']}; "
              f"given up but stored {rec['stored_unacked_problems']}; all problems {rec['problems_total']}")
        print(f"   dispatches: acknowledged {acked.get('transition', 0)}, lost {rec['lost_transitions']}, "
              f"second transitions {rec['dup_transitions']}")
        print(f"   outcomes: acknowledged {acked.get('outcome', 0)}, stored {rec['outcomes_total']}, "
              f"lost {rec['lost_outcomes']}, second of one problem {rec['dup_outcomes']}")
        print(f"   photos: acknowledged {acked.get('photo', 0)}, stored {rec['photos_total']}, "
              f"lost {rec['lost_photos']}, second of one outcome {rec['dup_photos']}")
        print(f"   acknowledged writes without their command row: {rec['commands_missing']}")
        server_errors = sum(n for code, n in stats.statuses_5xx.items() if code != "503 (Retry-After)")
        unavailable = sum(n for code, n in stats.statuses_5xx.items() if code == "503 (Retry-After)")
        log.flush()
        log.seek(0)
        print("   server log: " + (", ".join(f"{k} ×{n}" for k, n in server_log_summary(log.read()).most_common(6))
                                   or "nothing"))
        print("   5xx answers: " + (", ".join(f"{k}: {n}" for k, n in sorted(stats.statuses_5xx.items())) or "none"))
        if stats.when_5xx:
            # A request overlapping a cut may fail whatever the app does; one sent after the
            # cut ended should not (a stale pooled connection is the app's to replace).
            during = sum(any(t0 <= e and t1 >= s for s, e in stats.cuts) for t0, t1 in stats.when_5xx)
            print(f"   of those, overlapping a cut: {during}; after a cut was over: {len(stats.when_5xx) - during}")

        writes = [ms for label in WRITE_LABELS for ms in stats.latency.get(label, [])]
        reads = [ms for label in READ_LABELS for ms in stats.latency.get(label, [])]
        print(f"RESULT rps={stats.answers / elapsed:.1f} p95_write_ms={pct(writes, 0.95):.1f} "
              f"p95_read_ms={pct(reads, 0.95):.1f} acknowledged={rec['acknowledged']} stored={rec['stored']} "
              f"duplicates={rec['duplicates']} lost={rec['lost']} server_errors={server_errors} "
              f"unavailable={unavailable}")
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        if cutter is not None:
            cutter.close()
        if log is not None:
            log.close()
            if args.server_log:
                shutil.copyfile(log.name, args.server_log)
        shutil.rmtree(media, ignore_errors=True)
        admin(cfg, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        print(f"   {BENCH_DB} dropped, gunicorn stopped, {media} removed")


if __name__ == "__main__":
    main()
