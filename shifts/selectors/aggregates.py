"""Coverage over a chosen set of shifts (one shift, a day or an ISO week; a team; an area),
for supervisors: totals, the same per team, day, week and grid, and the planned segments
nobody covered, ranked (road class first, then open problems on or near them and recent
complaints, then the longest time since the last patrol). Plus the map's data: segments with
their covered share and time since last patrol, the gaps, and the members' tracks, as
WGS84 GeoJSON, bounded by the choice.

What a "planned segment" is: the union of the chosen shifts' planned segments (explicit,
else those inside their planned areas), cut to the chosen area. Coverage of a segment over
several shifts is the union of their covered intervals (shifts.domain.aggregates).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.gis.geos import Polygon as GEOSPolygon
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Max, OuterRef, Q
from django.utils import timezone
from shapely import LineString, STRtree, from_wkb, points
from shapely.ops import substring

from core.errors import NotFound, ServiceError
from geodata.highways import highway_rank
from geodata.models import Area, AreaKind, RoadSegment
from org.selectors import jurisdiction_area_ids, officer_of
from patrol.domain.workflow import OPEN_STATES
from patrol.models import Problem
from shifts.domain.aggregates import SegmentFacts, carry, covered_length, gaps, group_totals, union
from shifts.domain.intervals import is_covered

from ..models import SegmentCoverage, Shift, ShiftStatus
from .coverage import _to_wgs84, ended_plan_lines, good_fixes_of, planned_segment_ids
from .distance import EVER, patrolled_m_by_shift
from .shifts import shifts_visible

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # as shifts are planned (services.shifts)
LAST_PATROL_SHARE = 0.5  # a shift that walked half a segment patrolled it (GPS noise brushing one does not)
NEAR_M = 30.0  # an open problem this close to a segment counts for it
COMPLAINT_DAYS = 30  # "recent" complaints
MAX_TRACK_SHIFTS = 6  # tracks are drawn for at most this many shifts (one day of one team, or one shift)
SIMPLIFY_M = 2.0  # geometry sent to the map is simplified by this much (storage CRS)
TRACK_EVERY = 6  # tracks drawn from one good fix in six (30 s at one fix per 5 s)
TRACK_SIMPLIFY_M = 8.0  # tracks more: their GPS noise is 10-15 m anyway


@dataclass(frozen=True)
class CoverageChoice:
    """What the supervisor chose: a period (a day or the ISO week of `day`), or one shift;
    optionally a team and an area."""
    day: dt.date
    scope: str = "day"  # "day" | "week"
    team_id: int | None = None
    area_id: int | None = None
    shift_id: int | None = None

    def __post_init__(self):
        if not FIRST_DAY <= self.day <= LAST_DAY:
            raise ServiceError(f"日期须在 {FIRST_DAY} 至 {LAST_DAY} 之间", field="day")
        if self.scope not in ("day", "week"):
            raise ServiceError("范围只能是 day（当天）或 week（所在周）", field="scope")

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        if self.scope == "week":
            monday = self.day - dt.timedelta(days=self.day.weekday())
            return monday, monday + dt.timedelta(days=6)
        return self.day, self.day


@dataclass
class CoverageReport:
    choice: CoverageChoice
    shifts: list[dict]
    totals: dict
    by_team: list[dict]
    by_day: list[dict]
    by_week: list[dict]
    by_area: list[dict]
    uncovered: list[dict]
    segments: dict[int, dict] = field(repr=False)  # segment id → facts (for the map)
    complaints_source: bool = False
    # segment id → the line its intervals are measured along here and its length (storage CRS),
    # and the union of the chosen shifts' intervals along it (for the map)
    lines: dict[int, tuple[LineString, float]] = field(default_factory=dict, repr=False)
    covered: dict[int, list[tuple[float, float]]] = field(default_factory=dict, repr=False)


def recent_complaints(segment_ids, *, since: dt.datetime) -> dict[int, int]:
    """Hotline complaints (12345 诉求) per road segment received since `since`, read from the
    hotline app's `Complaint` (its `segment` and `received_at`) when that app is installed;
    without it, empty (every count 0). Read through the app registry, so that shifts works
    with or without the hotline app."""
    try:
        complaint = apps.get_model("hotline", "Complaint")
    except LookupError:
        return {}
    rows = (complaint.objects.filter(segment_id__in=list(segment_ids), received_at__gte=since)
            .values("segment_id").annotate(n=Count("id")).values_list("segment_id", "n"))
    return dict(rows)


def _visible_area(officer, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id, pk__in=jurisdiction_area_ids(officer)).first()
    if area is None:
        raise NotFound("区域不存在或不在您的辖区内", field="area")
    return area


def default_day(user) -> dt.date:
    """The last day with a visible shift on duty or ended, else today: what a page shows first."""
    last = shifts_visible(user).filter(status__in=[ShiftStatus.ON_DUTY, ShiftStatus.ENDED]) \
        .order_by("-date").values_list("date", flat=True).first()
    return last or timezone.localdate()


def chosen_shifts(user, choice: CoverageChoice) -> list[Shift]:
    qs = shifts_visible(user).filter(status__in=[ShiftStatus.ON_DUTY, ShiftStatus.ENDED])
    if choice.shift_id is not None:
        shift = qs.filter(pk=choice.shift_id).first()
        if shift is None:
            raise NotFound("班次不存在", field="shift")
        return [shift]
    lo, hi = choice.dates
    qs = qs.filter(date__gte=lo, date__lte=hi)
    if choice.team_id is not None:
        qs = qs.filter(team_id=choice.team_id)
    return list(qs.select_related("team__agency").order_by("date", "period", "team__name"))


def _totals(facts: list[SegmentFacts], km: float | None = None, shifts: int | None = None) -> dict:
    g = group_totals(facts)
    return {"segments_planned": g.segments_planned, "segments_covered": g.segments_covered,
            "planned_km": round(g.planned_m / 1000, 2), "covered_km": round(g.covered_m / 1000, 2),
            "covered_share": None if g.covered_share is None else round(g.covered_share, 4),
            "km_patrolled": None if km is None else round(km, 2), "shifts": shifts}


def coverage_report(user, choice: CoverageChoice, *, now: dt.datetime | None = None) -> CoverageReport:
    officer = officer_of(user)
    now = now or timezone.now()
    area = _visible_area(officer, choice.area_id)
    shifts = chosen_shifts(user, choice)
    planned_by_shift = planned_segment_ids(shifts)
    in_area = set(RoadSegment.objects.filter(geom__intersects=area.geom).values_list("id", flat=True)) \
        if area is not None else None
    if in_area is not None:
        planned_by_shift = {k: v & in_area for k, v in planned_by_shift.items()}
    planned = set().union(*planned_by_shift.values()) if planned_by_shift else set()
    segs = {s.pk: s for s in RoadSegment.objects.filter(pk__in=planned).select_related("road")}
    live = {sid: (from_wkb(bytes(s.geom.wkb)), float(s.length_m)) for sid, s in segs.items()}
    frozen = ended_plan_lines(planned_by_shift)
    lines = _lines(planned_by_shift, live, frozen)
    geoms = {sid: line for sid, (line, _) in lines.items()}  # storage CRS: what intervals measure

    # covered intervals per (shift, segment), carried onto the segment's line here
    rows = SegmentCoverage.objects.filter(shift_id__in=list(planned_by_shift), segment_id__in=planned) \
        .values_list("shift_id", "segment_id", "intervals", "last_pass_at")
    pairs: dict[tuple[int, int], list] = defaultdict(list)
    per_segment: dict[int, list] = defaultdict(list)
    last_in_choice: dict[int, dt.datetime] = {}
    for shift_id, sid, ivs, last in rows:
        walked = frozen.get((shift_id, sid), live[sid])[0]  # the line they were measured along
        pairs[(shift_id, sid)] = carry([(iv[0], iv[1]) for iv in ivs], walked, geoms[sid])
        per_segment[sid].extend(pairs[(shift_id, sid)])
        if last is not None and (sid not in last_in_choice or last > last_in_choice[sid]):
            last_in_choice[sid] = last

    def facts_for(shift_ids, segment_ids) -> list[SegmentFacts]:
        out = []
        for sid in sorted(segment_ids):
            length = float(geoms[sid].length)
            ivs = [p for shift_id in shift_ids for p in pairs.get((shift_id, sid), ())]
            out.append(SegmentFacts(sid, length, covered_length(ivs, length)))
        return out

    all_ids = list(planned_by_shift)
    seg_facts = {f.segment: f for f in facts_for(all_ids, planned)}
    # km patrolled per shift: an ended shift's stored per member, read in one query (selectors.distance)
    km = {shift_id: metres / 1000 for shift_id, metres in patrolled_m_by_shift(shifts).items()}
    totals = _totals(list(seg_facts.values()), sum(km[s.pk] for s in shifts), len(shifts))

    def grouped(key) -> list[dict]:
        groups: dict = defaultdict(list)
        for s in shifts:
            groups[key(s)].append(s)
        out = []
        for k, members in sorted(groups.items(), key=lambda kv: kv[0]):
            ids = [s.pk for s in members]
            segment_ids = set().union(*(planned_by_shift[i] for i in ids))
            out.append({"key": k, **_totals(facts_for(ids, segment_ids), sum(km[s.pk] for s in members),
                                             len(members))})
        return out

    # by team, not by its name: names are unique per agency only (two agencies' 执法一队 are two
    # teams); a name two chosen teams share is told apart by the agency's
    names: dict[str, set[int]] = defaultdict(set)
    for s in shifts:
        names[s.team.name].add(s.team_id)
    by_team = grouped(lambda s: s.team.name if len(names[s.team.name]) == 1
                      else f"{s.team.name}（{s.team.agency.name}）")
    by_day = grouped(lambda s: s.date.isoformat())
    by_week = grouped(lambda s: "{}年第{:02d}周".format(*s.date.isocalendar()[:2]))
    by_area = []
    parent = area if area is not None else officer.jurisdiction
    grids = Area.objects.filter(kind=AreaKind.GRID, pk__in=jurisdiction_area_ids(officer))
    grids = grids.filter(geom__intersects=parent.geom) if parent.kind != AreaKind.GRID else grids.filter(pk=parent.pk)
    if planned:
        # each grid's planned segments in one query (a district has thousands of grids: not one
        # query per grid, nor their boundaries read into Python)
        in_grid = RoadSegment.objects.filter(pk__in=planned, geom__intersects=OuterRef("geom")).order_by().values("id")
        for grid_id, name, ids in (grids.annotate(segment_ids=ArraySubquery(in_grid)).order_by("name")
                                   .values_list("pk", "name", "segment_ids")):
            if ids:
                by_area.append({"key": name, "area": grid_id, **_totals([seg_facts[i] for i in sorted(set(ids))])})

    # time since the last patrol along the segment (any visible shift, up to the choice's end)
    lo, hi = choice.dates
    end = min(now, dt.datetime.combine(hi + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone()))
    if choice.shift_id is not None and shifts:
        end = min(now, shifts[0].ended_at or now)
    elif last_in_choice:
        # a shift of the chosen days that ran past their last midnight (an evening shift ended
        # late, a night shift) patrolled then too: its passes are not "never"
        end = min(now, max(end, max(last_in_choice.values())))
    visible_shift_ids = shifts_visible(user).values("id")
    last_covered = dict(SegmentCoverage.objects.filter(
        segment_id__in=planned, shift_id__in=visible_shift_ids, share__gte=LAST_PATROL_SHARE, last_pass_at__lte=end)
        .values("segment_id").annotate(t=Max("last_pass_at")).values_list("segment_id", "t"))

    # open problems on or near each planned segment (storage CRS distances)
    open_near: dict[int, int] = defaultdict(int)
    if geoms:
        # every open problem that can count: on a planned segment or within NEAR_M of the planned
        # lines' extent (the GiST index finds them; no cap, which dropped all but the newest)
        boxes = [g.bounds for g in geoms.values()]
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
        reach = GEOSPolygon.from_bbox((west - NEAR_M, south - NEAR_M, east + NEAR_M, north + NEAR_M))
        reach.srid = settings.STORAGE_SRID
        problems = Problem.objects.filter(status__in=OPEN_STATES, subdistrict_id__in=jurisdiction_area_ids(officer)) \
            .filter(Q(geom__bboverlaps=reach) | Q(segment_id__in=list(geoms))).order_by().values_list("segment_id", "geom")
        # each problem once per segment it is on or within NEAR_M of: a spatial index over the
        # planned lines, not every line against every problem (thousands of each in a district)
        rows = list(problems)
        if rows:
            sids = list(geoms)
            tree = STRtree([geoms[sid] for sid in sids])
            near = tree.query(points([(g.x, g.y) for _, g in rows]), predicate="dwithin", distance=NEAR_M)
            hits: dict[int, set[int]] = defaultdict(set)
            for i, j in zip(*near, strict=True):
                hits[int(i)].add(sids[int(j)])
            for i, (seg_id, _) in enumerate(rows):
                if seg_id in geoms:
                    hits[i].add(seg_id)
            for found in hits.values():
                for sid in found:
                    open_near[sid] += 1
    complaints = recent_complaints(planned, since=now - dt.timedelta(days=COMPLAINT_DAYS))

    segments: dict[int, dict] = {}
    for sid, f in seg_facts.items():
        s = segs[sid]
        last = last_covered.get(sid)
        segments[sid] = {
            "segment": sid, "road": s.road.name, "highway": s.highway, "length_m": round(lines[sid][1], 1),
            "covered_m": round(f.covered_m, 1), "share": round(f.share, 4), "covered": is_covered(f.share),
            "last_covered_at": last, "hours_since": None if last is None else round((end - last).total_seconds()
                                                                                     / 3600, 1),
            "open_problems": open_near.get(sid, 0), "complaints": int(complaints.get(sid, 0)),
            "last_pass_in_choice": last_in_choice.get(sid)}
    uncovered = sorted((v for v in segments.values() if not v["covered"]), key=lambda v: (
        highway_rank(v["highway"]), -(v["open_problems"] + v["complaints"]),
        -(v["hours_since"] if v["hours_since"] is not None else 1e9), -v["length_m"], v["segment"]))

    shift_rows = []
    for s in shifts:
        facts = facts_for([s.pk], planned_by_shift[s.pk])
        shift_rows.append({"id": s.pk, "date": s.date, "period": s.get_period_display(), "team": s.team.name,
                           "status": s.get_status_display(), "members": len(s.members.all()),
                           **_totals(facts, km[s.pk])})
    return CoverageReport(choice=choice, shifts=shift_rows, totals=totals, by_team=by_team, by_day=by_day,
                          by_week=by_week, by_area=by_area, uncovered=uncovered, segments=segments,
                          complaints_source=apps.is_installed("hotline"), lines=lines,
                          covered={sid: union(ps) for sid, ps in per_segment.items()})


def _lines(planned_by_shift: dict[int, set[int]], live: dict[int, tuple[LineString, float]],
           frozen: dict[tuple[int, int], tuple[LineString, float]]) -> dict[int, tuple[LineString, float]]:
    """Segment id → the line (storage CRS) and length the choice measures and draws it along:
    the one frozen when the chosen shifts planning it ended, when they all ended with that same
    line (one ended shift: exactly as it walked it, whatever a re-import moved since); else the
    segment as it is now, which shifts not yet ended are measured along."""
    out = {}
    for sid, now in live.items():
        kept = [frozen.get((shift_id, sid)) for shift_id, ids in planned_by_shift.items() if sid in ids]
        first = kept[0] if kept else None
        if first is not None and all(k is not None and k[0].equals_exact(first[0], 0.0) for k in kept):
            out[sid] = first
        else:
            out[sid] = now
    return out


# -- the map's data -----------------------------------------------------------------------------
def _line_wgs84(line: LineString, tolerance_m: float = SIMPLIFY_M) -> list[list[float]]:
    line = line.simplify(tolerance_m) if len(line.coords) > 2 else line
    lon, lat = _to_wgs84(settings.STORAGE_SRID).transform(*line.xy)
    return [[round(a, 6), round(b, 6)] for a, b in zip(lon, lat, strict=True)]


def coverage_map_data(user, report: CoverageReport) -> dict:
    """{"segments", "gaps", "tracks"}: WGS84 FeatureCollections for maps.coverage. Tracks only
    when the choice holds at most MAX_TRACK_SHIFTS shifts (one shift, or a day of a team)."""
    seg_features, gap_features = [], []
    shift_ids = [r["id"] for r in report.shifts]
    for sid in sorted(report.segments):
        facts = report.segments[sid]
        geom, length_m = report.lines[sid]  # the line the report measured the intervals along
        props = {k: facts[k] for k in ("segment", "road", "highway", "length_m", "covered_m", "share",
                                        "hours_since", "open_problems")}
        seg_features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": _line_wgs84(geom)},
                             "properties": props})
        scale = geom.length / length_m if length_m else 1.0
        for a, b in gaps(report.covered.get(sid, ()), geom.length):
            piece = substring(geom, a, b)
            if piece.geom_type != "LineString" or piece.length < 1.0:
                continue
            gap_features.append({"type": "Feature", "geometry": {"type": "LineString",
                                                                 "coordinates": _line_wgs84(piece)},
                                 "properties": {"segment": sid, "road": facts["road"],
                                                "length_m": round((b - a) / scale, 1)}})
    tracks = []
    if 0 < len(shift_ids) <= MAX_TRACK_SHIFTS:
        shifts = Shift.objects.filter(pk__in=shift_ids).prefetch_related("members").select_related("team")
        for shift in shifts.order_by("date", "period"):
            for m in shift.members.all():
                fixes = good_fixes_of(shift_id=shift.pk, officer_id=m.pk, t_from=EVER[0], t_to=EVER[1])
                if len(fixes) < 2:
                    continue
                line = LineString([(f.x, f.y) for f in fixes[::TRACK_EVERY]] + [(fixes[-1].x, fixes[-1].y)])
                tracks.append({"type": "Feature",
                               "geometry": {"type": "LineString", "coordinates": _line_wgs84(line, TRACK_SIMPLIFY_M)},
                               "properties": {"member": m.name, "shift": shift.pk,
                                              "label": f"{shift.date} {shift.get_period_display()} {m.name}"}})
    fc = lambda feats: {"type": "FeatureCollection", "features": feats}  # noqa: E731
    return {"segments": fc(seg_features), "gaps": fc(gap_features), "tracks": fc(tracks)}
