"""Receiving GPS fixes: a batch (from a tablet, or a track file) → flags → COPY into the
day partitions of `shifts_fix`, exactly once.

- Exactly once: the API runs each request under its Idempotency-Key (core.commands); and
  every batch is recorded in `FixBatch` under a hash of its content (shift, member,
  device and the fixes in time order), unique in the database, so the same fixes sent
  again, under another key or none, or a file imported twice, store nothing the second
  time. Two identical batches at once: the second waits on the first's unique entry and
  then finds it.
- Out of order: fixes are stored with their device time; storage has no order, and the
  flags are computed over the batch in track order (shifts.domain.fixes), so a shuffled
  batch is flagged the same.
- Kept: a fix with poor accuracy, an impossible speed, a clock error or a duplicate
  timestamp is stored with its flags (coverage ignores flagged fixes). A fix outside the
  storage CRS's area of use (the classic 0,0 glitch) is stored with no geometry and
  flagged poor_accuracy. A fix whose time is far from its shift's days goes to the
  default partition instead of creating a partition of its own.
- Coverage: the batch's job (shifts.tasks.coverage_for_batch), which paints it onto the
  shift's coverage, is written in the batch's own transaction, by the statement that
  claims the batch and appends its audit event; a worker sees it once the batch commits.
- COPY: rows are written as PostgreSQL text format, the point as hex EWKB, straight into
  the partitioned parent (PostgreSQL routes each row to its day).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import math
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from core.rows import insert_values
from org.domain import permissions
from org.models import Officer
from org.selectors import in_jurisdiction, officer_of

from ..models import FixBatch, Shift, ShiftMemberDistance, ShiftStatus
from .partitions import EXISTS_SQL, fixes_partition_ensure, local_day, partition_name

MAX_BATCH = 2000  # fixes per API request
AREA_MARGIN_DEG = 1.0
# A fix counts for its shift when recorded from GRACE before the shift's start to GRACE
# after its end (planned or actual, whichever is wider): device clocks drift, members log
# on early, and tablets buffer and go offline, so the last fixes arrive after the end.
SHIFT_GRACE = dt.timedelta(minutes=30)
# A fix counts when within this distance of the shift's district (GPS noise at the border,
# a member stepping across it); beyond, it is flagged outside_area.
DISTRICT_MARGIN_M = 2000.0
FLAG_LABELS = {"off_shift": "不在班次时段内", "outside_area": "超出辖区范围", "clock": "设备时间错误",
               "duplicate": "重复", "poor_accuracy": "定位精度差", "impossible_speed": "速度不可能"}


@dataclass(frozen=True)
class FixIn:
    """One fix as sent: device time (aware), WGS84 position, what the device said, and for
    a file's fix the track segment it was recorded in (`trkseg`: GPX ``trkseg``, a CSV's
    segment column; None from a tablet): where it changes the device stopped recording,
    and coverage does not join the path across (`fixes.path_breaks`). A tablet says so
    itself: `starts_piece` on its first fix after tracking resumed (a pause, the page
    hidden), stored as sent."""
    t: dt.datetime
    lat: float
    lon: float
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading_deg: float | None = None
    trkseg: int | None = None
    starts_piece: bool = False


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    received: int
    stored: int  # new fixes stored (a fix stored before for the member is not stored again)
    flagged: int
    duplicate: bool
    flags_computed: bool
    flag_counts: dict[str, int] = field(default_factory=dict)  # of the stored fixes, by flag


def shift_window(shift: Shift, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The times a fix of `shift` may be recorded at: its planned and actual times, the
    wider of each, with SHIFT_GRACE either side (a shift on duty lasts until now)."""
    start = min(shift.starts_at, shift.started_at or shift.starts_at)
    end = max(shift.ends_at, shift.ended_at or shift.ends_at)
    if shift.status == ShiftStatus.ON_DUTY:
        end = max(end, now or timezone.now())
    return start - SHIFT_GRACE, end + SHIFT_GRACE


# How long a process trusts the district it looked up for a team's area: a boundary is
# changed by an import a few times a year, a batch arrives every few seconds per tablet, and
# the lookup (a walk up the areas and the polygon's digest) cost a third of ingestion.
DISTRICT_TTL_S = 300.0
_districts: dict[int, tuple[float, object]] = {}


def district_outline(shift: Shift):
    """The district of the shift's team, widened by DISTRICT_MARGIN_M (shapely, storage
    CRS, prepared), or None when the team's area hangs under no district. Looked up again
    after DISTRICT_TTL_S."""
    area_id = shift.team.area_id
    hit = _districts.get(area_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    with connection.cursor() as cur:
        cur.execute(
            "WITH RECURSIVE up AS (SELECT id, parent_id, kind FROM geodata_area WHERE id = %s "
            "UNION ALL SELECT a.id, a.parent_id, a.kind FROM geodata_area a JOIN up ON a.id = up.parent_id) "
            "SELECT a.id, md5(ST_AsBinary(a.geom)) FROM up JOIN geodata_area a ON a.id = up.id "
            "WHERE up.parent_id IS NULL AND up.kind = 'district'", [area_id])
        row = cur.fetchone()
    outline = None if row is None else _outline(row[0], row[1])
    _districts[area_id] = (time.monotonic() + DISTRICT_TTL_S, outline)
    return outline


@functools.lru_cache(maxsize=8)
def _outline(area_id: int, digest: str):
    import shapely

    from geodata.models import Area

    geom = shapely.from_wkb(bytes(Area.objects.values_list("geom", flat=True).get(pk=area_id).wkb))
    outline = geom.buffer(DISTRICT_MARGIN_M, quad_segs=4)
    shapely.prepare(outline)
    return outline


@functools.lru_cache(maxsize=4)
def _projection(srid: int):
    from pyproj import CRS, Transformer

    crs = CRS.from_epsg(srid)
    bounds = crs.area_of_use.bounds if crs.area_of_use else (-180.0, -90.0, 180.0, 90.0)
    return Transformer.from_crs(4326, srid, always_xy=True), bounds


def project(fixes: Sequence[FixIn]) -> list[tuple[float, float] | None]:
    """Each fix in the storage CRS (metres), or None outside the CRS's area of use."""
    transformer, (west, south, east, north) = _projection(settings.STORAGE_SRID)
    inside = [west - AREA_MARGIN_DEG <= f.lon <= east + AREA_MARGIN_DEG
              and south - AREA_MARGIN_DEG <= f.lat <= north + AREA_MARGIN_DEG for f in fixes]
    xs, ys = transformer.transform([f.lon for f in fixes], [f.lat for f in fixes])
    return [(x, y) if ok and math.isfinite(x) and math.isfinite(y) else None
            for ok, x, y in zip(inside, xs, ys, strict=True)]


def compute_flags(fixes: Sequence[FixIn], xy: Sequence[tuple[float, float] | None], *,
                  now: float | None = None, window: tuple[float, float] | None = None,
                  area=None) -> list[frozenset[str]] | None:
    """shifts.domain.fixes.flag_fixes over the batch, or None when that module is absent.
    (Its `flag_columns`, on arrays made straight from the batch: no `Fix` per row.)"""
    try:
        from shifts.domain.fixes import flag_columns
    except ImportError:
        return None
    inf = math.inf

    def column(values) -> np.ndarray:  # None and NaN as +inf, as flag_fixes reads them
        col = np.array(values, dtype=float)
        col[np.isnan(col)] = inf
        return col

    t = np.array([f.t.timestamp() for f in fixes], dtype=float)
    x = np.array([p[0] if p is not None else inf for p in xy], dtype=float)
    y = np.array([p[1] if p is not None else inf for p in xy], dtype=float)
    return flag_columns(column(t), x, y, column([f.accuracy_m for f in fixes]),
                        column([f.speed_mps for f in fixes]), column([f.heading_deg for f in fixes]),
                        now=time.time() if now is None else now, window=window, area=area)


def compute_breaks(fixes: Sequence[FixIn], flags: Sequence[frozenset[str]] | None) -> list[bool] | None:
    """Per fix, whether the path breaks before it: where a fix says so itself (a tablet's
    `starts_piece`, kept on that fix whatever its flags: coverage carries a flagged fix's
    mark on to the next good fix, in this batch or the next, shifts.selectors.coverage),
    and shifts.domain.fixes.path_breaks over the fixes' `trkseg`, put on good fixes by
    `flags`. None when no fix says either (a tablet's batch without a pause: nothing to
    write)."""
    sent = [f.starts_piece for f in fixes]
    if all(f.trkseg is None for f in fixes):
        return sent if any(sent) else None
    try:
        from shifts.domain.fixes import path_breaks
    except ImportError:
        return sent if any(sent) else None
    t = np.array([f.t.timestamp() for f in fixes], dtype=float)
    part = np.array([-1 if f.trkseg is None else f.trkseg for f in fixes], dtype=np.int64)
    good = np.ones(len(fixes), dtype=bool) if flags is None else np.array([not f for f in flags], dtype=bool)
    return [a or bool(b) for a, b in zip(sent, path_breaks(t, part, good).tolist(), strict=True)]


def _none_first(row: tuple) -> tuple:
    """A sort key for rows whose optional fields may be None: None before any number (the
    plain tuples' order wherever that order is defined, so the keys of batches stored
    before are unchanged; comparing None with a number would raise)."""
    return tuple((v is not None, 0.0 if v is None else v) for v in row)


def batch_key(*, shift_id: int, officer_id: int, device_id: str, fixes: Sequence[FixIn]) -> str:
    """The content hash a batch is known by: its fixes in time order, so a shuffled copy
    of a batch is the same batch. A fix sent as starting a piece is another fix than the same
    one without: a copy sent again with the flag (a client that learnt of its pause late) is
    stored, and coverage reads the instant once, with the mark (selectors.coverage.good_fixes_of);
    the flag is hashed only where set, so the keys of batches without it stay as they were."""
    rows = sorted(((f.t.timestamp(), f.lat, f.lon, f.accuracy_m, f.speed_mps, f.heading_deg,
                    *((True,) if f.starts_piece else ())) for f in fixes), key=_none_first)
    text = json.dumps([shift_id, officer_id, device_id, rows], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def _number(value: float | None) -> str:
    return "\\N" if value is None or not math.isfinite(value) else repr(float(value))


_EWKB_POINT = struct.Struct("<BIIdd")


def _ewkb(x: float, y: float, srid: int) -> str:
    return _EWKB_POINT.pack(1, 0x20000001, srid, x, y).hex()


COPY_COLUMNS = ("shift_id", "officer_id", "batch_id", "device_id", "t", "geom", "accuracy_m", "speed_mps",
                "heading_deg", "flags", "starts_piece")


def copy_buffer(*, shift_id: int, officer_id: int, batch_id: int, device_id: str, fixes: Sequence[FixIn],
                xy: Sequence[tuple[float, float] | None], flags: Sequence[frozenset[str]] | None,
                srid: int, breaks: Sequence[bool] | None = None) -> io.StringIO:
    """The rows of a batch in COPY's text format (tab-separated, \\N for null; `starts_piece`
    is true where `breaks` says so, else null)."""
    head = f"{int(shift_id)}\t{int(officer_id)}\t{int(batch_id)}\t{_text(device_id)}\t"
    out = io.StringIO()
    write = out.write
    for i, f in enumerate(fixes):
        p = xy[i]
        geom = _ewkb(p[0], p[1], srid) if p is not None else "\\N"
        fl = flags[i] if flags is not None else None
        flag_text = "{" + ",".join(sorted(fl)) + "}" if fl else "\\N"
        starts = "t" if breaks is not None and breaks[i] else "\\N"
        write(f"{head}{f.t.isoformat()}\t{geom}\t{_number(f.accuracy_m)}\t{_number(f.speed_mps)}\t"
              f"{_number(f.heading_deg)}\t{flag_text}\t{starts}\n")
    out.seek(0)
    return out


def copy_into_fixes(buf: io.StringIO) -> None:
    """COPY the rows of `buf` into the partitioned parent, with psycopg2 or psycopg 3."""
    statement = f"COPY shifts_fix ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cur:
        raw = cur.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(statement, buf)
        else:  # psycopg 3 (Django picks it when installed)
            with raw.copy(statement) as copy:
                copy.write(buf.getvalue())


_CLAIM = (f"INSERT INTO {FixBatch._meta.db_table} (shift_id, officer_id, device_id, source, key, received, "
          "stored, flagged, flags_computed, t_min, t_max, received_at, received_by_id) "
          "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now(), %s) ON CONFLICT (key) DO NOTHING RETURNING id")


def _insert_select(table: str, values: dict[str, object], computed: dict[str, str]) -> tuple[str, list]:
    """`INSERT INTO table (…) SELECT … FROM claim` of one row: `values` as parameters, the
    columns of `computed` as SQL over the claimed batch (`claim.id`), where a `%s` stands for
    the column's own value."""
    q = connection.ops.quote_name
    cols, exprs, params = [], [], []
    for col, value in values.items():
        cols.append(q(col))
        exprs.append(computed.get(col, "%s"))
        if "%s" in exprs[-1]:
            params.append(value)
    return f"INSERT INTO {q(table)} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM claim", params


def _claim(*, actor, shift: Shift, officer: Officer, device_id: str, source: str, key: str, received: int,
           stored: int | None = None, flagged: int, flags_computed: bool, t_min: dt.datetime, t_max: dt.datetime, after: dict,
           partitions: Sequence[str], queue_coverage: bool) -> tuple[int, list[str]] | None:
    """Claim the batch by its key and, in the same statement, append its audit event and
    queue its coverage job, and say which of `partitions` do not exist: one round trip
    instead of six (claim, event, job, and a partition check of three: savepoint, lookup,
    release). None when the key
    was claimed before (nothing written). The event and the job are the rows `audit.record`
    and `coverage_for_batch.enqueue` write (core.audit.event, core.jobs.job_row), with the
    batch's id filled in by the statement. When it stores fixes, it also clears the member's
    stored km patrolled of the shift (`ShiftMemberDistance`); the batch's job stores it again
    if the shift has ended (shifts.tasks.coverage_for_batch), and until then a report measures
    it from the fixes without storing it."""
    from core.jobs import job_row

    from ..tasks import coverage_for_batch

    params: list = [shift.pk, officer.pk, device_id, source, key, received, received if stored is None else stored,
                    flagged, flags_computed,
                    t_min, t_max, getattr(actor, "pk", None)]
    ev = audit.event(actor=actor, verb=Verb.FIXES_RECEIVED, subject=(FixBatch._meta.label_lower, 0),
                     context=shift, after=after)
    sql, p = _insert_select(ev._meta.db_table, insert_values(ev), {"subject_id": "claim.id::text"})
    parts = [f"WITH claim AS ({_CLAIM}), event AS ({sql})"]
    params += p
    if stored != 0:
        # The member's km patrolled of the shift, if stored, no longer holds: cleared, and its
        # version bumped, in the batch's own statement (models.distance: a measurement taken
        # meanwhile is stored only against the version it read, so it cannot outlive the batch)
        table = connection.ops.quote_name(ShiftMemberDistance._meta.db_table)
        parts.append(f", measured AS (INSERT INTO {table} (shift_id, officer_id, metres, version, computed_at) "
                     f"SELECT %s, %s, NULL, 1, NULL FROM claim ON CONFLICT (shift_id, officer_id) DO UPDATE "
                     f"SET metres = NULL, computed_at = NULL, version = {table}.version + 1)")
        params += [shift.pk, officer.pk]
    if queue_coverage:
        # The job is a row of this database, written in the batch's own statement: a worker
        # sees it only once the fixes are committed, and a batch is never stored without its
        # job (a failure rolls both back; the tablet sends the batch again).
        job = job_row(coverage_for_batch, 0)
        sql, p = _insert_select(job._meta.db_table, insert_values(job),
                                {"args_kwargs": "jsonb_set(%s::jsonb, '{args,0}', to_jsonb(claim.id))"})
        parts.append(f", job AS ({sql})")
        params += p
    parts.append(" SELECT claim.id, ARRAY(SELECT p FROM unnest(%s::text[]) AS p WHERE NOT "
                 + EXISTS_SQL.format(name="p") + ") FROM claim")
    params.append(list(partitions))
    with connection.cursor() as cur:
        cur.execute("".join(parts), params)
        row = cur.fetchone()
    return None if row is None else (row[0], row[1])


def fixes_ingest(*, actor, shift: Shift, officer: Officer, device_id: str, fixes: Sequence[FixIn], source: str,
                 now: float | None = None, queue_coverage: bool = True) -> BatchResult:
    """Store a batch for `officer` on `shift` (no permission check: the callers make it).
    `queue_coverage=False` queues no coverage job: for a caller that computes the shift's
    coverage itself (the demo week).

    Per batch: one statement claims it, appends its audit event, queues its coverage job and
    checks its day partitions (`_claim`); a COPY writes its rows; one commit (statements per
    batch: bench/coverage_day.py)."""
    if not fixes:
        raise ServiceError("批次中没有定位点", field="fixes")
    if any(f.t.tzinfo is None for f in fixes):
        raise ServiceError("定位时间须带时区", field="fixes")
    received = len(fixes)
    key = batch_key(shift_id=shift.pk, officer_id=officer.pk, device_id=device_id, fixes=fixes)
    xy = project(fixes)
    lo, hi = shift_window(shift, None if now is None else dt.datetime.fromtimestamp(now, dt.UTC))
    flags = compute_flags(fixes, xy, now=now, window=(lo.timestamp(), hi.timestamp()),
                          area=district_outline(shift))
    if flags is not None:
        _refuse_if_none_counts(fixes, flags, lo, hi)
    breaks = compute_breaks(fixes, flags)
    t_min, t_max = min(f.t for f in fixes), max(f.t for f in fixes)
    # partitions for the shift's days only; a wild device time lands in the default one
    near = {local_day(shift.starts_at) + dt.timedelta(days=d) for d in (-1, 0)} | {
        local_day(shift.ends_at) + dt.timedelta(days=d) for d in (0, 1)}
    days = {partition_name(day): day for day in sorted({local_day(f.t) for f in fixes} & near)}
    with transaction.atomic():
        # A file can hold fixes stored before (the same track as GPX and as CSV, or under another
        # name); a tablet's batches cannot (the outbox sends each batch, with its key, until it
        # is stored: a re-sent batch is the same batch, caught by its key in _claim). So only
        # imports are compared with what is stored, which costs a round trip per batch, a
        # quarter of the API's ingestion (bench/coverage_day.py).
        new = (_not_stored_before(shift=shift, officer=officer, fixes=fixes, xy=xy, t_min=t_min, t_max=t_max)
               if source == "import" else None)
        if new is not None:  # some were: only the others are stored
            fixes, xy = [fixes[i] for i in new], [xy[i] for i in new]
            flags = None if flags is None else [flags[i] for i in new]
            breaks = None if breaks is None else [breaks[i] for i in new]
        counts: dict[str, int] = {}
        for f in flags or ():
            for name in f:
                counts[name] = counts.get(name, 0) + 1
        flagged = sum(1 for f in flags if f) if flags is not None else 0
        after = {"officer": officer.pk, "device_id": device_id, "source": source, "received": received,
                 "stored": len(fixes), "flagged": flagged, "flags_computed": flags is not None,
                 "t_min": t_min.isoformat(), "t_max": t_max.isoformat()}
        claimed = _claim(actor=actor, shift=shift, officer=officer, device_id=device_id, source=source, key=key,
                         received=received, stored=len(fixes), flagged=flagged, flags_computed=flags is not None,
                         t_min=t_min, t_max=t_max, after=after, partitions=list(days), queue_coverage=queue_coverage)
        if claimed is None:  # this very batch was stored before
            first = FixBatch.objects.get(key=key)
            return BatchResult(first.pk, received, 0, first.flagged, True, first.flags_computed)
        batch_id, missing = claimed
        for name in missing:  # the day's first batch (or a day made ahead was dropped)
            fixes_partition_ensure(days[name])
        if fixes:
            buf = copy_buffer(shift_id=shift.pk, officer_id=officer.pk, batch_id=batch_id, device_id=device_id,
                              fixes=fixes, xy=xy, flags=flags, srid=settings.STORAGE_SRID, breaks=breaks)
            copy_into_fixes(buf)
    return BatchResult(batch_id, received, len(fixes), flagged, False, flags is not None, counts)


def _not_stored_before(*, shift: Shift, officer: Officer, fixes: Sequence[FixIn],
                       xy: Sequence[tuple[float, float] | None], t_min: dt.datetime,
                       t_max: dt.datetime) -> list[int] | None:
    """Indices of the fixes the member has not stored for the shift before (same device
    time and position, to the microsecond and the millimetre, from any batch or device:
    an overlapping re-send, the same file under another name or format), or None when
    none was. Holds a lock on (shift, member) to the end of the transaction, so two
    overlapping batches at once are compared one after the other. Fixes are read only
    when an earlier batch of the member overlaps this one's time span (a tablet's next
    batch does not)."""
    lock = (int(shift.pk) * 1_000_003 + int(officer.pk)) % (1 << 62)
    with connection.cursor() as cur:
        cur.execute(f"SELECT pg_advisory_xact_lock(%s), EXISTS (SELECT 1 FROM {FixBatch._meta.db_table} "
                    "WHERE shift_id = %s AND officer_id = %s AND t_min <= %s AND t_max >= %s)",
                    [lock, shift.pk, officer.pk, t_max, t_min])
        if not cur.fetchone()[1]:
            return None
        cur.execute("SELECT extract(epoch FROM t)::float8, ST_X(geom), ST_Y(geom) FROM shifts_fix "
                    "WHERE shift_id = %s AND officer_id = %s AND t >= %s AND t <= %s",
                    [shift.pk, officer.pk, t_min, t_max])
        seen = {_fix_key(t, None if x is None else (x, y)) for t, x, y in cur.fetchall()}
    if not seen:
        return None
    new = [i for i, f in enumerate(fixes) if _fix_key(f.t.timestamp(), xy[i]) not in seen]
    return None if len(new) == len(fixes) else new


def _fix_key(t: float, p: tuple[float, float] | None) -> tuple:
    return (round(t, 6), None if p is None else (round(p[0], 3), round(p[1], 3)))


def _refuse_if_none_counts(fixes: Sequence[FixIn], flags: Sequence[frozenset[str]], lo: dt.datetime,
                           hi: dt.datetime) -> None:
    """A batch wholly outside the district, or wholly recorded outside the shift, is a
    mistake (another city's file, another day's track, the wrong shift): refused, with
    what is wrong, rather than stored as fixes that can never count."""
    if all("outside_area" in f for f in flags):
        raise ServiceError(f"定位点不在本班组所在区范围内（距区界超过 {DISTRICT_MARGIN_M / 1000:g} 公里），未接收",
                           field="fixes.0.lat")
    if all("off_shift" in f for f in flags):
        local = timezone.localtime
        first, last = min(f.t for f in fixes), max(f.t for f in fixes)
        raise Conflict(f"定位时间（{local(first):%Y-%m-%d %H:%M}–{local(last):%H:%M}）不在班次时段内"
                       f"（{local(lo):%Y-%m-%d %H:%M}–{local(hi):%Y-%m-%d %H:%M}，含前后 "
                       f"{int(SHIFT_GRACE.total_seconds() // 60)} 分钟），未接收", field="fixes")


def fixes_receive(*, actor, shift_id: int, device_id: str, fixes: Sequence[FixIn]) -> BatchResult:
    """A member's tablet sends a batch of their shift's fixes (the API)."""
    officer = officer_of(actor)
    shift = Shift.objects.select_related("team__area").filter(pk=shift_id).first()
    if shift is None:
        raise NotFound("班次不存在", field="id")
    member = shift.members.filter(pk=officer.pk).exists()
    if not member and not in_jurisdiction(officer, shift.team.area):
        raise NotFound("班次不存在", field="id")
    why = permissions.denial(officer.role, "send_fixes")
    if why:
        raise Forbidden(why)
    if not member:
        raise ServiceError("您不是该班次的成员，不能上传该班次的轨迹", field="id")
    # an ended shift still takes the fixes recorded during it (a tablet's last batches,
    # sent after the lead ended the shift); fixes recorded outside it are flagged, and a
    # batch of nothing else is refused (fixes_ingest)
    if shift.status == ShiftStatus.PLANNED:
        raise Conflict(f"班次{shift.get_status_display()}，不接收定位点", field="status")
    if len(fixes) > MAX_BATCH:
        raise ServiceError(f"每批最多 {MAX_BATCH} 个定位点", field="fixes")
    return fixes_ingest(actor=actor, shift=shift, officer=officer, device_id=device_id, fixes=fixes, source="api")


def track_import(*, shift_id: int, username: str, device_id: str, fixes: Sequence[FixIn]) -> BatchResult:
    """A track file from a dedicated GPS device, for one member of a shift that has started
    (on duty or ended: the file is often read out after the shift). The system is the actor."""
    shift = Shift.objects.select_related("team").filter(pk=shift_id).first()
    if shift is None:
        raise NotFound(f"班次 {shift_id} 不存在", field="shift")
    officer = Officer.objects.filter(user__username=username).first()
    if officer is None:
        raise ServiceError(f"用户 {username} 没有人员档案", field="officer")
    if not shift.members.filter(pk=officer.pk).exists():
        raise ServiceError(f"{officer.name} 不是班次 {shift_id} 的成员", field="officer")
    if shift.status == ShiftStatus.PLANNED:
        raise Conflict("班次尚未开始，不能导入轨迹", field="shift")
    return fixes_ingest(actor=None, shift=shift, officer=officer, device_id=device_id, fixes=fixes,
                        source="import")
