"""What of the shifts app refers to road segments: asked when a network import is about to
delete segments that are no longer in its file (geodata.signals.segments_in_use), and which
stored tracks pass by the segments an import added (shifts.services.network)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import shapely
from django.db import connection
from shapely import Point

from geodata.models import RoadSegment

from ..models import EndedPlanSegment, SegmentCoverage, ShiftSegment, ShiftStatus
from .coverage import NOT_PATROLLED

# Coverage paints a segment only from path samples within its tolerance (30 m,
# shifts.domain.coverage); the path is the fixes' straight lines smoothed, which can lie
# a little off the raw lines, hence the margin. Farther from every track, a segment would
# be measured for nothing.
TRACK_REACH_M = 50.0

# Each member's good fixes of a shift not yet ended, in the shift's window, as one line
# (across signal gaps too: that only makes it pass by more segments), and the segments
# among those given that it passes within reach of.
_SEGMENTS_NEAR_TRACKS = """
SELECT DISTINCT track.shift_id, seg.id
FROM (SELECT f.shift_id, ST_MakeLine(f.geom ORDER BY f.t) AS line
      FROM shifts_fix f JOIN shifts_shift s ON s.id = f.shift_id
      WHERE s.status <> %(ended)s AND f.flags IS NULL AND f.geom IS NOT NULL
        AND f.t >= s.starts_at - %(far)s AND f.t <= s.ends_at + %(far)s
      GROUP BY f.shift_id, f.officer_id HAVING count(*) > 1) AS track
JOIN geodata_roadsegment seg ON seg.id = ANY(%(segments)s) AND seg.retired_at IS NULL
     AND NOT (seg.highway = ANY(%(not_patrolled)s)) AND ST_DWithin(track.line, seg.geom, %(reach)s)
"""

# A path sample counts for a segment within the tolerance (30 m) that it runs nearest to:
# segments farther apart than twice that never compete for one sample.
COMPETE_M = 60.0

_COVERED_NEAR = """
SELECT DISTINCT c.shift_id, c.segment_id
FROM shifts_segmentcoverage c
JOIN geodata_roadsegment seg ON seg.id = c.segment_id AND seg.retired_at IS NULL
JOIN geodata_roadsegment other ON other.id = ANY(%(segments)s) AND other.id <> seg.id
     AND ST_DWithin(seg.geom, other.geom, %(reach)s)
WHERE c.shift_id = ANY(%(shifts)s)
"""


def covered_near(shift_ids: Iterable[int], segment_ids: Iterable[int]) -> dict[int, set[int]]:
    """Shift id → the live segments among those it has coverage on that lie within `COMPETE_M`
    of one of `segment_ids` (other than it): those whose samples the latter, new to the network
    or moved, may now be nearer to, so that their stored intervals may no longer be theirs."""
    shifts, ids = sorted(set(shift_ids)), sorted(set(segment_ids))
    if not shifts or not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_COVERED_NEAR, {"shifts": shifts, "segments": ids, "reach": COMPETE_M})
        rows = cur.fetchall()
    out: dict[int, set[int]] = {}
    for shift_id, sid in rows:
        out.setdefault(shift_id, set()).add(sid)
    return out


def live_segments_near(line, reach_m: float) -> set[int]:
    """The live segments within `reach_m` of `line` (storage CRS)."""
    return set(RoadSegment.objects.live().filter(geom__dwithin=(line, reach_m)).values_list("id", flat=True))


ALONG_M = 5.0  # a live segment within this of a line, along at least half of the shorter of the two, lies along it
ALONG_SHARE = 0.5
# ... and runs along it there: its part near the line advances along the line by at least this
# share of its length (a short crossing way, a few metres across the line, does not)
ALONG_RUN = 0.7


def _runs_along(part, line) -> bool:
    """Whether `part` (shapely, a segment's piece near `line`) advances along `line`."""
    pieces = getattr(part, "geoms", [part])
    run = sum(abs(line.project(Point(p.coords[-1])) - line.project(Point(p.coords[0])))
              for p in pieces if p.geom_type == "LineString" and not p.is_empty)
    return run >= ALONG_RUN * part.length


def segments_along(line, among: Iterable[int] | None = None) -> set[int]:
    """The live segments (of `among`, when given) that lie along `line`: within `ALONG_M` of
    it along at least `ALONG_SHARE` of the shorter of the two, running along it there (the
    pieces of a way split or re-drawn, the neighbour drawn over a segment merged into it; not
    a short way crossing it)."""
    zone = line.buffer(ALONG_M)
    segments = RoadSegment.objects.live().filter(geom__dwithin=(line, ALONG_M))
    if among is not None:
        segments = segments.filter(pk__in=list(among))
    target = shapely.from_wkb(bytes(line.wkb))
    out = set()
    for seg in segments.only("id", "geom"):
        part = seg.geom.intersection(zone)
        if part.length >= ALONG_SHARE * min(seg.geom.length, line.length) \
                and _runs_along(shapely.from_wkb(bytes(part.wkb)), target):
            out.add(seg.pk)
    return out


def segments_near_tracks(segment_ids: Iterable[int], *, far: dt.timedelta) -> dict[int, set[int]]:
    """Shift id → the live, patrolled segments among `segment_ids` that the stored track
    of that shift (not yet ended; good fixes from `far` before it starts to `far` after it
    ends, as its coverage reads them) passes within `TRACK_REACH_M` of."""
    ids = sorted(set(segment_ids))
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_SEGMENTS_NEAR_TRACKS, {"ended": ShiftStatus.ENDED.value, "far": far, "segments": ids,
                                            "not_patrolled": sorted(NOT_PATROLLED), "reach": TRACK_REACH_M})
        rows = cur.fetchall()
    out: dict[int, set[int]] = {}
    for shift_id, sid in rows:
        out.setdefault(shift_id, set()).add(sid)
    return out


def segments_with_history(segment_ids) -> tuple[set[int], str | None]:
    """The ids among `segment_ids` that coverage rows or shift plans (explicit, or frozen when
    a shift ended) refer to, and a line saying how many of each (None when there are none)."""
    ids = list(segment_ids)
    covered = list(SegmentCoverage.objects.filter(segment_id__in=ids).values_list("segment_id", flat=True))
    planned = set(ShiftSegment.objects.filter(segment_id__in=ids).values_list("segment_id", "shift_id"))
    planned |= set(EndedPlanSegment.objects.filter(segment_id__in=ids).values_list("segment_id", "shift_id"))
    kept = set(covered) | {sid for sid, _ in planned}
    if not kept:
        return set(), None
    return kept, (f"覆盖记录 {len(covered)} 条、班次计划中的路段 {len(planned)} 个"
                  f"（{len({shift for _, shift in planned})} 个班次）保留在停用路段上，没有删除")
