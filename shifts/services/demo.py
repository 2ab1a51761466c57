"""The demo week: a week of patrols in the demo district, so that the coverage map, the
handover reports and the dashboard have something to show on `make run`.

For each demo team with members (patrol.services.demo: 执法一队 = 王队员 + 张班长, 执法二队 =
李队员), two shifts a day (早班, 晚班) on the 7 days up to today (Beijing time), those
already over: planned on the team's half of the demo grids (west / east), started, the
members' walks or rides simulated on the planned segments (shifts.domain.simulate, seeded
by team, day and period), the fixes stored through the ingestion service (COPY, in
batches of 2,000 as a GPS device's file would come), coverage computed here and now (not by
the worker: the page is ready at once), and ended. Along the way the members report the
problems they pass (patrol.services: 积存垃圾, 堆物堆料, 机动车乱停, 非机动车乱停, 店外经营 …, a
few metres beside the road they walked), and those move on through the workflow (派遣, 处置,
整改, 核查, 办结) with outcomes recorded, older ones further than recent ones, a few left
open past their deadline.

Every write goes through the services (audit events included). The services stamp "now",
so afterwards the loader moves the times of what it made (a shift's start and end, a
problem's report time and deadline, an outcome's time) back into the simulated week; the
audit events keep the time the loader ran.

Idempotent per shift: a shift of a team, day and period that exists is left alone, so a
second run the same day does nothing, and a run on the next day adds that day. Each shift
(with its fixes, coverage and problems) is one transaction.
"""
from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.prepared
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from pyproj import Transformer

from core import audit
from geodata.models import Area, AreaKind, RoadSegment
from geodata.services.demo import DEMO_SUBDISTRICT
from org.models import Officer, Team
from patrol.models import Category, Outcome, Problem
from patrol.services.outcomes import outcome_record
from patrol.services.problems import problem_create, problem_transition
from shifts.domain.simulate import segment_graph, simulate_member

from ..models import Shift
from ..selectors.coverage import segment_index
from .coverage import coverage_update
from .distance import shift_distances_measure
from .fixes import FixIn, fixes_ingest
from .shifts import period_times, shift_create, shift_end, shift_start

DEMO_SEED = 20261130
DAYS = 7
BATCH = 2000  # fixes per stored batch (the API's maximum)
# team name → (who starts and ends its shifts, which half of the grids it patrols)
TEAMS = {"执法一队": ("lead1", "west"), "执法二队": ("supervisor1", "east")}
SUPERVISOR = "supervisor1"
INSIDE_MARGIN_M = 15.0  # problems are reported this far inside the subdistrict's edge
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class ProblemKind:
    category: str  # catalogue code
    texts: tuple[str, ...]
    outcome: tuple[tuple[str, ...], str]  # (outcome kinds, target kind)


# What members find on the street, with the words they write and what they do about it.
PROBLEM_KINDS = (
    ProblemKind("0103", ("路边积存生活垃圾约{n}袋，已有异味", "绿化带内积存建筑渣土约{n}立方米，未苫盖",
                         "垃圾桶满溢，周边散落垃圾约{n}处"), (("整改",), "其他")),
    ProblemKind("0107", ("门店前堆放纸箱杂物，占用人行道约{n}平方米", "楼门外墙根堆放废旧家具{n}件",
                         "施工材料堆放在便道上，长约{n}米"), (("劝阻", "整改"), "商户")),
    ProblemKind("0504", ("{n}辆机动车停放在人行道上，影响行人通行", "机动车占用盲道停放{n}辆",
                         "路口转角处违章停车{n}辆，遮挡视线"), (("劝离",), "违章停车")),
    ProblemKind("0505", ("共享单车{n}辆堆积在路口，阻挡行人", "电动自行车{n}辆乱停在公交站台",
                         "地铁口外非机动车乱停约{n}辆"), (("规范",), "电动自行车停放")),
    ProblemKind("0502", ("餐馆在门前摆放桌椅{n}张经营", "水果店出店摆摊，占道约{n}米",
                         "便利店门外摆放货架{n}个"), (("劝阻", "整改"), "店外经营")),
)

# The status a problem reaches, by how many days ago it was found (weights).
_STATUS_PLAN = ("reported", "dispatched", "in_progress", "rectified", "verified", "closed")
# Minutes from one step to the next (the audit log's times): dispatched within the hour, handled
# within hours, verified and closed within a day.
_STEP_MINUTES = {"dispatched": (10, 60), "in_progress": (20, 240), "rectified": (30, 480),
                 "verified": (60, 720), "closed": (30, 1440)}
PLANNED_AHEAD_H = 12  # shifts are planned the evening or morning before
_STATUS_WEIGHTS = {
    "old": (0.05, 0.05, 0.08, 0.10, 0.15, 0.57),  # 4 days and more
    "mid": (0.08, 0.12, 0.15, 0.20, 0.15, 0.30),  # 2–3 days
    "new": (0.30, 0.25, 0.20, 0.15, 0.05, 0.05),  # today and yesterday
}


@dataclass
class DemoWeekReport:
    shifts: int = 0
    skipped: int = 0
    fixes: int = 0
    problems: int = 0
    outcomes: int = 0
    lines: list[str] = field(default_factory=list)


def _seed(*parts: int) -> int:
    return int(np.random.SeedSequence([DEMO_SEED, *parts]).generate_state(1)[0])


def _halves(sub: Area) -> dict[str, list[int]]:
    """The demo grids split at the median of their centres' x: {"west": ids, "east": ids}."""
    grids = sorted((g.geom.centroid.x, g.pk) for g in Area.objects.filter(kind=AreaKind.GRID, parent=sub))
    if not grids:
        grids = [(0.0, sub.pk)]
    mid = max(1, len(grids) // 2)
    return {"west": [pk for _, pk in grids[:mid]], "east": [pk for _, pk in grids[mid:]] or [pk for _, pk in grids]}


def _planned_segments(area_ids: list[int], patrolled: set[int]) -> list[int]:
    ids: set[int] = set()
    for area in Area.objects.filter(pk__in=area_ids):
        ids |= set(RoadSegment.objects.live().filter(geom__intersects=area.geom).values_list("id", flat=True))
    return sorted(ids & patrolled)


def _backdate(model, pk: int, **fields) -> None:
    # the demo's times: services stamp "now", the simulated week lies in the past
    model.objects.filter(pk=pk).update(**fields)


def demo_week_load(*, now: dt.datetime | None = None, days: int = DAYS) -> DemoWeekReport:
    """Load the demo week (see the module docstring). `now` fixes "today" (tests)."""
    now = now or timezone.now()
    today = now.astimezone(BJ).date()
    report = DemoWeekReport()
    User = get_user_model()
    sub = Area.objects.filter(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT).first()
    teams = {t.name: t for t in Team.objects.filter(name__in=TEAMS, area=sub)}
    if sub is None or not teams:
        report.lines.append("演示班次: 未载入（缺少演示街道或班组）")
        return report
    index = segment_index()
    network = dict(zip(index.ids.tolist(), index.geoms, strict=True))
    halves = _halves(sub)
    inside = shapely.prepared.prep(shapely.from_wkb(bytes(sub.geom.wkb)).buffer(-INSIDE_MARGIN_M))
    to_wgs84 = Transformer.from_crs(settings.STORAGE_SRID, 4326, always_xy=True)
    categories = {c.code: c for c in Category.objects.filter(code__in=[k.category for k in PROBLEM_KINDS])}
    kinds = [k for k in PROBLEM_KINDS if k.category in categories]
    supervisor = User.objects.get(username=SUPERVISOR)
    plans = {}
    for name, team in sorted(teams.items()):
        manager_name, half = TEAMS[name]
        areas = halves[half]
        segs = _planned_segments(areas, set(network))
        members = list(Officer.objects.filter(team=team, active=True).select_related("user").order_by("user__username"))
        if not segs or not members:
            continue
        sub_net = {sid: network[sid] for sid in segs}
        plans[name] = (team, User.objects.get(username=manager_name), areas, segs, members, sub_net,
                       segment_graph(sub_net))

    for day_offset in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=day_offset)
        for period in ("morning", "evening"):
            for ti, name in enumerate(sorted(plans)):
                team, manager, areas, segs, members, sub_net, graph = plans[name]
                if period_times(day, period)[1] > now:  # not over yet
                    continue
                if Shift.objects.filter(team=team, date=day, period=period).exists():
                    report.skipped += 1
                    continue
                planned_at = period_times(day, period)[0] - dt.timedelta(hours=PLANNED_AHEAD_H)
                with transaction.atomic(), audit.replaying(planned_at):
                    shift = shift_create(actor=manager, team_id=team.pk, date=day, period=period, area_ids=areas,
                                         segment_ids=segs, member_ids=[m.pk for m in members])
                    _one_shift(shift=shift, inside=inside, manager=manager, members=members, sub_net=sub_net, graph=graph,
                               seed=_seed(day.toordinal(), ti, period == "evening"), today=today, now=now,
                               supervisor=supervisor, kinds=kinds, categories=categories, to_wgs84=to_wgs84,
                               report=report)
                    report.shifts += 1
    report.lines.append(f"演示班次: 新建 {report.shifts}（已有 {report.skipped}），定位点 {report.fixes}，"
                        f"问题 {report.problems}，处置结果 {report.outcomes}")
    return report


def _one_shift(*, shift, inside, manager, members, sub_net, graph, seed, today, now, supervisor, kinds, categories,
               to_wgs84, report: DemoWeekReport) -> None:
    rng = np.random.default_rng(seed)
    start = shift.starts_at.timestamp()
    started = shift.starts_at + dt.timedelta(minutes=int(rng.integers(0, 10)))
    ended = shift.ends_at - dt.timedelta(minutes=int(rng.integers(0, 15)))
    with audit.replaying(started):
        shift_start(actor=manager, shift_id=shift.pk)
    segment_ids = sorted(sub_net)
    geoms = [sub_net[s] for s in segment_ids]
    found: list[tuple[Officer, float, float, float]] = []  # (member, t, x, y) where problems are
    for mi, member in enumerate(members):
        begin = start + float(rng.uniform(20, 60)) * 60
        mode = "walk" if rng.random() < 0.6 else "ride"
        hours = float(rng.uniform(1.5, 3.5)) if mode == "walk" else float(rng.uniform(1.0, 2.0))
        track = simulate_member(sub_net, start_t=begin, end_t=begin + hours * 3600, seed=_seed(seed, mi),
                                mode=mode, graph=graph)
        if not track.fixes:
            continue
        lon, lat = to_wgs84.transform([f.x for f in track.fixes], [f.y for f in track.fixes])
        fixes = [FixIn(t=dt.datetime.fromtimestamp(f.t, dt.UTC), lat=la, lon=lo, accuracy_m=f.accuracy_m,
                       speed_mps=f.speed_mps, heading_deg=f.heading_deg)
                 for f, lo, la in zip(track.fixes, lon, lat, strict=True)]
        for i in range(0, len(fixes), BATCH):
            with audit.replaying(fixes[min(i + BATCH, len(fixes)) - 1].t):  # sent with its last fix
                fixes_ingest(actor=member.user, shift=shift, officer=member, device_id=f"demo-{member.user.username}",
                             fixes=fixes[i:i + BATCH], source="import", now=now.timestamp(), queue_coverage=False)
        report.fixes += len(fixes)
        for _ in range(int(rng.integers(0, 3)) + (1 if mi == 0 else 0)):
            for _attempt in range(20):  # the walk leaves the subdistrict now and then: report inside it
                f = track.fixes[int(rng.integers(len(track.fixes)))]
                x, y = _beside_road(f.x, f.y, rng=rng, geoms=geoms)
                if inside.contains(shapely.Point(x, y)):
                    found.append((member, f.t, x, y))
                    break
    with audit.replaying(ended):
        coverage_update(shift_id=shift.pk)
        shift_end(actor=manager, shift_id=shift.pk, queue_coverage=False)
        shift_distances_measure(shift_id=shift.pk)  # as the job queued at the end would
    _backdate(Shift, shift.pk, started_at=started, ended_at=ended)
    for member, t, x, y in sorted(found, key=lambda r: r[1]):
        _one_problem(member=member, t=t, x=x, y=y, rng=rng, manager=manager, supervisor=supervisor,
                     kinds=kinds, categories=categories, to_wgs84=to_wgs84, day=shift.date, today=today,
                     now=now, report=report)


def _beside_road(x: float, y: float, *, rng, geoms) -> tuple[float, float]:
    """Where a member standing at (x, y) finds a problem: on the road they walk (the
    nearest planned segment), 4–10 m to one side of it."""
    point = shapely.Point(x, y)
    road = min(geoms, key=lambda g: g.distance(point))
    m = road.project(point)
    a = road.interpolate(max(0.0, m - 1.0))
    b = road.interpolate(min(road.length, m + 1.0))
    dx, dy = b.x - a.x, b.y - a.y
    norm = float(np.hypot(dx, dy)) or 1.0
    side = (1 if rng.random() < 0.5 else -1) * float(rng.uniform(4, 10))
    on = road.interpolate(m)
    return on.x - dy / norm * side, on.y + dx / norm * side


def _one_problem(*, member, t, x, y, rng, manager, supervisor, kinds, categories, to_wgs84, day, today, now,
                 report: DemoWeekReport) -> None:
    lon, lat = to_wgs84.transform(x, y)
    kind = kinds[int(rng.integers(len(kinds)))]
    n = int(rng.integers(2, 9))
    text = kind.texts[int(rng.integers(len(kind.texts)))].format(n=n)
    stage = "new" if (today - day).days <= 1 else "mid" if (today - day).days <= 3 else "old"
    target = _STATUS_PLAN[int(rng.choice(len(_STATUS_PLAN), p=_STATUS_WEIGHTS[stage]))]
    found_at = dt.datetime.fromtimestamp(t, dt.UTC)
    user = member.user
    with audit.replaying(found_at):
        problem, _ = problem_create(actor=user, category_code=kind.category, lon=lon, lat=lat, description=text,
                                    client_id=uuid.UUID(int=int(rng.integers(2**62)) << 64 | int(t)))
    report.problems += 1
    deadline = found_at + dt.timedelta(hours=categories[kind.category].deadline_hours)
    _backdate(Problem, problem.pk, created_at=found_at, deadline=deadline)
    steps = _STATUS_PLAN[1:_STATUS_PLAN.index(target) + 1]
    on_the_spot = kind.category in ("0502", "0505") and "dispatched" in steps
    if on_the_spot:  # handled there and then: no dispatch
        steps = [s for s in steps if s != "dispatched"]
    at = found_at
    latest = now - dt.timedelta(minutes=1)
    for status in steps:
        # Each step some minutes or hours after the one before, never after "now".
        at = min(at + dt.timedelta(minutes=int(rng.integers(*_STEP_MINUTES[status]))), latest)
        actor = {"dispatched": manager, "in_progress": user, "rectified": user}.get(status, supervisor)
        with audit.replaying(at):
            problem_transition(actor=actor, problem_id=problem.pk, target=status,
                               team_id=member.team_id if status == "dispatched" else None)
        if status == "in_progress":
            kinds_done, target_kind = kind.outcome
            when = min(at + dt.timedelta(minutes=int(rng.integers(5, 40))), latest)
            with audit.replaying(when):
                outcome = outcome_record(actor=user, kinds=list(kinds_done), target_kind=target_kind,
                                         count=n if target_kind in ("违章停车", "电动自行车停放") else 1,
                                         problem_id=problem.pk, notes=f"现场{'、'.join(kinds_done)}")
            _backdate(Outcome, outcome.pk, recorded_at=when)
            report.outcomes += 1
