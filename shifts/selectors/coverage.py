"""Reading what coverage is computed from and what it produced: the patrolled network as a
`SegmentIndex` (cached per process while the network is unchanged), a member's good fixes
in a time window, and a shift's stored coverage as GeoJSON (WGS84)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from shapely import LineString, from_wkb
from shapely.ops import substring

from geodata.geocoding import _fingerprint
from geodata.models import RoadSegment
from shifts.domain.coverage import SegmentIndex, index_as_then, is_covered
from shifts.domain.fixes import Fix

from ..models import EndedPlanSegment, SegmentCoverage, Shift, ShiftStatus

# Roads no street patrol walks or rides: the expressway (G6 京藏高速 in the demo district)
# runs 10-14 m beside its service roads, so counting it would only add what the service
# roads' patrols paint onto it by their GPS noise (the pure tests leave it out likewise).
NOT_PATROLLED = frozenset({"motorway", "motorway_link"})

_lock = threading.Lock()
_cache: dict[str, object] = {}


def segment_index() -> SegmentIndex:
    """The patrolled segments of the live network (storage CRS) with their STRtree, rebuilt when the network's
    change log says the network changed (geodata.geocoding's fingerprint)."""
    fp = _fingerprint()
    with _lock:
        if _cache.get("fp") == fp and "index" in _cache:
            return _cache["index"]  # type: ignore[return-value]
        rows = RoadSegment.objects.live().exclude(highway__in=NOT_PATROLLED).values_list("id", "geom")
        index = SegmentIndex({sid: from_wkb(bytes(g.wkb)) for sid, g in rows})
        _cache.update(index=index, fp=fp)
        return index


def segment_lengths(index: SegmentIndex) -> dict[int, float]:
    """Segment id → length in the storage CRS (what shares are measured against)."""
    return {int(k): float(v) for k, v in zip(index.ids, index.lengths, strict=True)}


# The good fixes, and the flagged ones that start a piece: a tablet marks its first fix
# after a pause, and that first fix is often a poor one (the receiver's cold start)
_FIX_COLUMNS = ("extract(epoch FROM t), ST_X(geom), ST_Y(geom), accuracy_m, speed_mps, heading_deg, "
                "starts_piece, flags IS NULL AND geom IS NOT NULL")
_GOOD_OR_STARTING = "(flags IS NULL AND geom IS NOT NULL OR starts_piece) AND t >= %s AND t <= %s"
_GOOD_FIXES = (f"SELECT {_FIX_COLUMNS} FROM shifts_fix WHERE shift_id = %s AND officer_id = %s "
               f"AND {_GOOD_OR_STARTING} ORDER BY t")
# The same for several (shift, member) pairs at once, each pair's rows together
_GOOD_FIXES_OF_PAIRS = (f"SELECT shift_id, officer_id, {_FIX_COLUMNS} FROM shifts_fix "
                        "WHERE (shift_id, officer_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[])) "
                        f"AND {_GOOD_OR_STARTING} ORDER BY shift_id, officer_id")
_FETCH = 20_000  # rows a round trip of the server-side cursor


def _row_order(row: tuple) -> tuple:
    """(t, good, x, y): a flagged fix before a good one of the same instant, so that its
    mark goes to that one; good fixes by (t, x, y) as ever."""
    return row[0], row[7], row[1] or 0.0, row[2] or 0.0


def good_fixes_of(*, shift_id: int, officer_id: int, t_from: dt.datetime, t_to: dt.datetime) -> list[Fix]:
    """A member's unflagged fixes of a shift within [t_from, t_to], in time order, one per
    device time (the same instant sent in two batches counts once: the one first by
    position, starting a piece when any copy does). A flagged fix that starts a piece
    (a tablet's poor first fix after a pause) passes its mark on to the next good fix,
    whichever batch that came in. Sorted on (t, x, y) only: the device's optional fields
    may be None in one copy of an instant and numbers in another, and comparing those
    would raise."""
    with connection.cursor() as cur:
        cur.execute(_GOOD_FIXES, [shift_id, officer_id, t_from, t_to])
        return _good_fixes(cur.fetchall())


def good_fixes_of_members(pairs: Collection[tuple[int, int]], *, t_from: dt.datetime,
                          t_to: dt.datetime) -> Iterator[tuple[tuple[int, int], list[Fix]]]:
    """((shift id, officer id), their fixes as `good_fixes_of` reads them) for each pair of
    `pairs` with a fix within [t_from, t_to], in one query however many pairs: read through a
    server-side cursor and handed out pair by pair, so that only one member's fixes (~5,000 a
    shift) are held at a time, not a week of a district's."""
    if not pairs:
        return
    shift_ids, officer_ids = zip(*pairs, strict=True)
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with (connection.chunked_cursor() if server_side else connection.cursor()) as cur:
        cur.execute(_GOOD_FIXES_OF_PAIRS, [list(shift_ids), list(officer_ids), t_from, t_to])
        pair, rows = None, []
        while chunk := cur.fetchmany(_FETCH):
            for row in chunk:
                if (row[0], row[1]) != pair:
                    if rows:
                        yield pair, _good_fixes(rows)
                    pair, rows = (row[0], row[1]), []
                rows.append(row[2:])
        if rows:
            yield pair, _good_fixes(rows)


def _good_fixes(rows: Iterable[tuple]) -> list[Fix]:
    """A member's fixes of a shift from their rows (`_FIX_COLUMNS`), as `good_fixes_of` says."""
    out: list[Fix] = []
    seen: set[float] = set()
    carried = False  # a flagged fix's mark, waiting for the next good fix
    for t, x, y, acc, spd, hdg, starts, good in sorted(((float(r[0]), *r[1:]) for r in rows), key=_row_order):
        if not good:
            carried = True
            continue
        starts, carried = bool(starts) or carried, False
        if t in seen:
            if starts and not out[-1].starts_piece:
                out[-1] = dataclasses.replace(out[-1], starts_piece=True)
            continue
        seen.add(t)
        out.append(Fix(t, x, y, accuracy_m=acc, speed_mps=spd, heading_deg=hdg, starts_piece=starts))
    return out


def shift_members_with_fixes(shift_id: int) -> list[int]:
    from ..models import FixBatch

    return sorted(set(FixBatch.objects.filter(shift_id=shift_id).values_list("officer_id", flat=True)))


def good_fix_span(*, shift_id: int, officer_id: int, batch_id: int, t_min: dt.datetime,
                  t_max: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last time of a batch's good fixes (a batch's own t_min/t_max include
    its flagged ones, e.g. a clock years off)."""
    with connection.cursor() as cur:
        cur.execute("SELECT min(t), max(t) FROM shifts_fix WHERE shift_id = %s AND officer_id = %s "
                    "AND batch_id = %s AND flags IS NULL AND geom IS NOT NULL AND t >= %s AND t <= %s",
                    [shift_id, officer_id, batch_id, t_min, t_max])
        lo, hi = cur.fetchone()
    return None if lo is None else (lo, hi)


# -- output ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _to_wgs84(srid: int):
    from pyproj import Transformer

    return Transformer.from_crs(srid, 4326, always_xy=True)


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat()


@dataclass(frozen=True)
class CoverageSummary:
    segments_planned: int
    planned_m: float
    segments_covered: int  # planned segments that count as covered (is_covered)
    covered_share: float | None  # covered length of the planned segments / their length
    segments_touched: int  # any segment with a covered interval, planned or not
    covered_m: float


def ended_plan_lines(shift_ids) -> dict[tuple[int, int], tuple[LineString, float]]:
    """(shift id, segment id) → the segment's geometry (storage CRS, shapely) and length as they
    stood when the shift ended, for the ended shifts among `shift_ids` (`EndedPlanSegment`; a
    plan frozen before geometries were has none, and its segments are read as they are now)."""
    rows = EndedPlanSegment.objects.filter(shift_id__in=list(shift_ids), shift__status=ShiftStatus.ENDED,
                                           geom__isnull=False).values_list("shift_id", "segment_id", "geom",
                                                                           "length_m")
    return {(shift_id, sid): (from_wkb(bytes(g.wkb)), float(length)) for shift_id, sid, g, length in rows}


# The lines an ended shift walked that are not the segments' lines today: its plan's, frozen when
# it ended, where they differ; for a segment it covered outside its plan, the first line a
# re-import replaced after it ended (MovedSegmentLine). Two CTEs, `planned` and `kept`, of
# (shift_id, segment_id, geom); the queries below read them.
_WALKED_ELSEWHERE = """
WITH s AS (SELECT id, COALESCE(ended_at, ends_at) AS ended FROM shifts_shift
           WHERE id = ANY(%(shifts)s) AND status = %(ended)s),
planned AS (
  SELECT e.shift_id, e.segment_id, e.geom FROM shifts_endedplansegment e
  JOIN s ON s.id = e.shift_id JOIN geodata_roadsegment g ON g.id = e.segment_id
  WHERE e.geom IS NOT NULL AND NOT ST_OrderingEquals(e.geom, g.geom)),
kept AS (
  SELECT DISTINCT ON (c.shift_id, c.segment_id) c.shift_id, c.segment_id, h.geom
  FROM shifts_segmentcoverage c JOIN s ON s.id = c.shift_id
  JOIN shifts_movedsegmentline h ON h.segment_id = c.segment_id AND h.replaced_at > s.ended
  WHERE NOT EXISTS (SELECT 1 FROM shifts_endedplansegment e WHERE e.shift_id = c.shift_id
                    AND e.segment_id = c.segment_id AND e.geom IS NOT NULL)
  ORDER BY c.shift_id, c.segment_id, h.replaced_at),
walked AS (SELECT * FROM planned UNION ALL SELECT * FROM kept)
"""
_WALKED_LINES = _WALKED_ELSEWHERE + "SELECT shift_id, segment_id, ST_AsBinary(geom) FROM walked"


def ended_walked_lines(shift_ids) -> dict[tuple[int, int], LineString]:
    """(shift id, segment id) → the line (storage CRS, shapely) an ended shift's covered intervals
    on the segment were measured along, where a network import has moved the segment since
    (`_WALKED_ELSEWHERE`). A segment missing here is read as it is now."""
    ids = list(shift_ids)
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_WALKED_LINES, {"shifts": ids, "ended": ShiftStatus.ENDED.value})
        return {(shift_id, sid): from_wkb(bytes(wkb)) for shift_id, sid, wkb in cur.fetchall()}


# The network as it stood when an ended shift ended, where it differs from the live one: each
# segment's line then, for a segment a re-import has re-drawn since (its plan's line, frozen
# when it ended; else the first line a re-import replaced after it ended, `MovedSegmentLine`,
# whether or not the shift had walked it yet) and for one retired since that it planned or
# covered. Where no line was kept (a segment nobody's ended shift had walked when it moved),
# today's stands. The lines are the very ones `ended_walked_lines` reads its intervals along.
_AS_ENDED = """
WITH s AS (SELECT id, COALESCE(ended_at, ends_at) AS ended FROM shifts_shift
           WHERE id = %(shift)s AND status = %(ended)s),
planned AS (
  SELECT e.segment_id, COALESCE(e.geom, g.geom) AS geom FROM shifts_endedplansegment e
  JOIN s ON s.id = e.shift_id JOIN geodata_roadsegment g ON g.id = e.segment_id),
moved AS (
  SELECT DISTINCT ON (h.segment_id) h.segment_id, h.geom FROM shifts_movedsegmentline h
  JOIN s ON h.replaced_at > s.ended
  WHERE h.segment_id NOT IN (SELECT segment_id FROM planned)
  ORDER BY h.segment_id, h.replaced_at),
covered AS (
  SELECT c.segment_id, g.geom FROM shifts_segmentcoverage c JOIN s ON s.id = c.shift_id
  JOIN geodata_roadsegment g ON g.id = c.segment_id
  WHERE c.segment_id NOT IN (SELECT segment_id FROM planned) AND c.segment_id NOT IN (SELECT segment_id FROM moved))
SELECT w.segment_id, ST_AsBinary(w.geom)
FROM (SELECT * FROM planned UNION ALL SELECT * FROM moved UNION ALL SELECT * FROM covered) w
JOIN geodata_roadsegment g ON g.id = w.segment_id CROSS JOIN s
WHERE NOT (g.highway = ANY(%(not_patrolled)s))
  AND (g.retired_at IS NULL AND NOT ST_OrderingEquals(w.geom, g.geom) OR g.retired_at > s.ended)
"""


def network_as_ended(shift_id: int) -> tuple[dict[int, LineString], set[int]]:
    """Where the patrolled network as it stood when the shift ended (it has) differs from the
    live one (`_AS_ENDED`): segment id → its line then (storage CRS, shapely), and the live
    segments drawn since along one of those lines (`segments_along`: the other piece of a way
    split, the new id of a way re-keyed), which were not there then. Both empty for a shift
    not ended, or when no import has changed what it walked."""
    from .network import segments_along  # it reads NOT_PATROLLED from here

    with connection.cursor() as cur:
        cur.execute(_AS_ENDED, {"shift": shift_id, "ended": ShiftStatus.ENDED.value,
                                "not_patrolled": sorted(NOT_PATROLLED)})
        rows = cur.fetchall()
    lines = {sid: from_wkb(bytes(wkb)) for sid, wkb in rows}
    since: set[int] = set()
    for sid, wkb in rows:
        since |= segments_along(GEOSGeometry(memoryview(wkb), srid=settings.STORAGE_SRID)) - {sid}
    return lines, since - set(lines)


def segment_index_as_ended(shift_id: int) -> SegmentIndex:
    """The patrolled network as it stood when the shift ended (`network_as_ended` over the
    live `segment_index`), which its fixes are measured on whenever they arrive: along the
    lines its plan and stored coverage are in, so that a GPS file read out after a re-import
    re-drew its roads lands on them, in the same frame as what is stored. The live index
    itself when nothing differs."""
    lines, since = network_as_ended(shift_id)
    return index_as_then(segment_index(), lines, replaced_by=sorted(since))


def shift_coverage_geojson(shift: Shift) -> dict:
    """The shift's covered intervals as GeoJSON lines (WGS84) with a summary of the planned
    segments. Lines are cut (shapely `substring`) from the segments' geometry that the
    intervals were measured along: the stored one, or for a shift that has ended, the one
    it walked (`ended_walked_lines`: a later re-import may have moved the segment)."""
    rows = list(SegmentCoverage.objects.filter(shift=shift).select_related("segment__road")
                .order_by("segment_id"))
    walked = ended_walked_lines([shift.pk])
    transform = _to_wgs84(settings.STORAGE_SRID).transform
    features = []
    for row in rows:
        kept = walked.get((shift.pk, row.segment_id))
        geom = kept if kept is not None else from_wkb(bytes(row.segment.geom.wkb))
        for start_m, end_m, first_t, last_t, passes in row.intervals:
            piece = substring(geom, start_m, end_m)
            if piece.geom_type == "Point":
                continue
            lon, lat = transform(*piece.xy)
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString",
                             "coordinates": [[round(a, 7), round(b, 7)] for a, b in zip(lon, lat, strict=True)]},
                "properties": {"segment": row.segment_id, "road": row.segment.road.name,
                               "start_m": round(float(start_m), 2), "end_m": round(float(end_m), 2),
                               "segment_share": round(row.share, 4), "passes": int(passes),
                               "first_at": _iso(first_t), "last_at": _iso(last_t)},
            })
    summary = coverage_summary_of(shift, rows)
    return {"type": "FeatureCollection", "features": features, "summary": {
        "segments_planned": summary.segments_planned, "planned_m": round(summary.planned_m, 1),
        "segments_covered": summary.segments_covered,
        "covered_share": None if summary.covered_share is None else round(summary.covered_share, 4),
        "segments_touched": summary.segments_touched, "covered_m": round(summary.covered_m, 1)}}


def planned_segments(shift: Shift):
    """The segments a shift was planned to cover, each annotated with `plan_length_m` (one
    answer for the coverage summary, the handover and the report). A shift that has ended:
    its plan as it stood then, with the lengths then (`EndedPlanSegment`, frozen by
    `shift_end`), whatever imports changed since; else `planned_segments_now`."""
    if shift.status == ShiftStatus.ENDED:
        frozen = EndedPlanSegment.objects.filter(shift=shift)
        return RoadSegment.objects.filter(pk__in=frozen.values("segment_id")).annotate(
            plan_length_m=Subquery(frozen.filter(segment_id=OuterRef("pk")).values("length_m")[:1]))
    return planned_segments_now(shift).annotate(plan_length_m=F("length_m"))


def planned_segment_ids(shifts) -> dict[int, set[int]]:
    """Shift id → the ids of `planned_segments(shift)`, for several shifts: the ended ones'
    frozen plans read in one query (a week of a district is hundreds of shifts), the others
    each as `planned_segments_now`."""
    out: dict[int, set[int]] = {s.pk: set() for s in shifts}
    ended = [s.pk for s in shifts if s.status == ShiftStatus.ENDED]
    if ended:
        for shift_id, sid in EndedPlanSegment.objects.filter(shift_id__in=ended).values_list("shift_id", "segment_id"):
            out[shift_id].add(sid)
    for s in shifts:
        if s.status != ShiftStatus.ENDED:
            out[s.pk] = set(planned_segments_now(s).values_list("id", flat=True))
    return out


def planned_segments_now(shift: Shift):
    """The segments of a shift's plan on the network as it is now: those planned
    explicitly, else the segments meeting its planned areas on the live network, and the
    retired segments there that this shift patrolled before a re-import took them out of it
    (unless live segments of the plan lie along them)."""
    planned = shift.segments.all()
    if planned.exists():
        return planned
    areas = list(shift.areas.all())
    if not areas:
        return RoadSegment.objects.none()
    from .network import segments_along  # it reads NOT_PATROLLED from here

    covered = SegmentCoverage.objects.filter(shift=shift).values("segment_id")
    live: set[int] = set()
    retired: set[int] = set()
    for area in areas:
        for sid, retired_at in (RoadSegment.objects.filter(geom__intersects=area.geom)
                                .filter(Q(retired_at__isnull=True) | Q(pk__in=covered))
                                .values_list("id", "retired_at")):
            (live if retired_at is None else retired).add(sid)
    # a retired segment whose stretch live segments of the plan now run along (merged into a
    # lengthened neighbour, re-drawn) is theirs: kept beside them it would count twice
    kept = {r.pk for r in RoadSegment.objects.filter(pk__in=retired).only("id", "geom")
            if not segments_along(r.geom, among=live)}
    return RoadSegment.objects.filter(id__in=live | kept)


def coverage_summary_of(shift: Shift, rows: list[SegmentCoverage] | None = None) -> CoverageSummary:
    if rows is None:
        rows = list(SegmentCoverage.objects.filter(shift=shift))
    by_segment = {r.segment_id: r for r in rows}
    planned = dict(planned_segments(shift).values_list("id", "plan_length_m"))
    planned_m = float(sum(planned.values()))
    covered_planned = 0.0
    covered_count = 0
    for sid, length in planned.items():
        r = by_segment.get(sid)
        if r is None:
            continue
        covered_planned += r.share * length  # share: storage-CRS lengths; length: the segment's, as planned
        covered_count += is_covered(r.share)
    return CoverageSummary(
        segments_planned=len(planned), planned_m=planned_m, segments_covered=covered_count,
        covered_share=(covered_planned / planned_m) if planned_m > 0 else None,
        segments_touched=len(rows), covered_m=float(sum(r.covered_m for r in rows)))
