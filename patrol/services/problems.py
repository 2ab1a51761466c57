"""Writing problems: create (idempotent), change status, edit. Each writes its audit row
in the same transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from geodata.geocoding import describe_point, locate, network_index
from geodata.location.parse import parse
from geodata.models import AreaKind, Road, RoadSegment
from geodata.selectors.areas import areas_covering
from org.domain import permissions
from org.domain.roles import FIELD
from org.selectors import in_jurisdiction, officer_of, team_named, team_serves

from ..domain.workflow import FINAL_STATES, STATUS_LABELS, Status, check_transition
from ..models import Category, Inspection, Problem
from ..models.problems import Source
from ..selectors.problems import deadline_clock_start, open_problems_near
from ..signals import problem_created

DUPLICATE_RADIUS_M = 30.0


@dataclass(frozen=True)
class Placement:
    point: object  # GEOS point, storage CRS
    text: str
    uncertainty_m: float | None
    segment_id: int | None
    measure_m: float | None
    side: str


def place(*, lon: float | None, lat: float | None, text: str | None) -> Placement:
    """Where a new problem is: from the GPS point (described in words), or from the text
    (geocoded). Bad coordinates or unreadable text raise ServiceError naming the field."""
    net = network_index()
    if lon is not None or lat is not None:
        if lon is None or lat is None:
            raise ServiceError("需要同时提供经度和纬度", field="location")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ServiceError(f"坐标超出范围: 经度 {lon}, 纬度 {lat}", field="location")
        try:
            p, desc = describe_point(lon, lat, with_landmark=True, index=net)
        except ValueError as exc:
            raise ServiceError(str(exc), field="location") from exc
        hit = net.segment_at(desc.road_id, p) if desc.road_id else None
        return Placement(_geos(p), text.strip() if text else desc.text, 5.0,
                         hit[0].id if hit else None, round(hit[1], 2) if hit else None, desc.side or "")
    if not text or not text.strip():
        raise ServiceError("请提供位置：坐标或位置描述", field="location")
    result = locate(text, index=net).result
    if result is None or result.point is None:
        why = result.error if result is not None else "无法解析"
        raise ServiceError(f"无法根据位置描述定位：{why}", field="location_text")
    return Placement(_geos(result.point), text.strip(), result.uncertainty_m, result.segment_id, result.measure_m,
                     result.side or "")


RESNAP_M = 50.0  # a problem further than this from every segment is on no segment


def problems_resnap(*, segment_ids=()) -> int:
    """Put problems back on the road network after it changed under them: those whose
    segment was deleted (the foreign key went NULL; a measure is left) and those on
    `segment_ids` (segments whose geometry changed, or that left the live network). Each
    gets the nearest live segment within
    RESNAP_M of its point, of the road it was on (or the roads its text names) if one is
    that close, else of any road, and the measure along it (or none). The point itself,
    the text and the side as written are left alone. Returns how many problems changed."""
    stale = Q(segment__isnull=True, measure_m__isnull=False)
    if segment_ids:
        stale |= Q(segment_id__in=list(segment_ids))
    changed = 0
    problems = Problem.objects.filter(stale).select_related("segment").only(
        "id", "geom", "location_text", "segment_id", "measure_m", "segment__road_id")
    for p in problems.iterator(chunk_size=500):
        near = (RoadSegment.objects.live().filter(geom__dwithin=(p.geom, RESNAP_M))
                .annotate(d=Distance("geom", p.geom)).order_by("d", "id").only("id", "geom", "road_id"))
        own = _roads_of(p)
        seg = (near.filter(road_id__in=own).first() if own else None) or near.first()
        new = (seg.id, round(seg.geom.project(p.geom), 2)) if seg else (None, None)
        if new != (p.segment_id, p.measure_m):
            with transaction.atomic():
                Problem.objects.filter(pk=p.pk).update(segment_id=new[0], measure_m=new[1])
                audit.record(actor=None, verb=Verb.RESNAPPED, subject=p,
                             before={"segment": p.segment_id, "measure_m": p.measure_m},
                             after={"segment": new[0], "measure_m": new[1]})
            changed += 1
    return changed


def _roads_of(p: Problem) -> set[int]:
    """The road a problem was on: its segment's, or those its location text names."""
    if p.segment_id is not None:
        return {p.segment.road_id}
    parsed = parse(p.location_text)
    names = {n for n in (parsed.side_road, parsed.road_a, parsed.road) if n}
    names |= {n.removesuffix("辅路") for n in names}  # 学清路辅路 is a line of 学清路
    if not names:
        return set()
    return set(Road.objects.live().filter(name__in=names).values_list("id", flat=True))


def _geos(point) -> GEOSGeometry:
    """A shapely point of the (storage-CRS) network index as a GEOS point for the ORM."""
    return GEOSGeometry(memoryview(point.wkb), srid=settings.STORAGE_SRID)


def problem_create(*, actor, category_code: str, lon: float | None = None, lat: float | None = None,
                   location_text: str | None = None, description: str = "", source: str = Source.PATROL,
                   client_id: uuid.UUID | None = None, affected_households: int | None = None,
                   inspection_id: int | None = None) -> tuple[Problem, bool]:
    """Report a problem. Returns (problem, created): a repeated client_id returns the
    problem the first request created, so a tablet that retries never makes two."""
    officer = officer_of(actor)
    why = permissions.denial(officer.role, "create_problem")
    if why:
        raise Forbidden(why)
    if client_id is not None:
        existing = Problem.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _same_author(existing, actor), False
    category = _category(category_code)
    if source not in Source.values:
        raise ServiceError(f"未知来源 {source!r}", field="source")
    inspection = None
    if inspection_id is not None:
        inspection = Inspection.objects.select_related("area").filter(pk=inspection_id).first()
        # one outside the jurisdiction is answered as one that is not there: its id is not confirmed
        if inspection is None or not in_jurisdiction(officer, inspection.area):
            raise ServiceError(f"联合检查 {inspection_id} 不存在或不在您的辖区内", field="inspection")
    placement = place(lon=lon, lat=lat, text=location_text)
    areas = areas_covering(placement.point)
    subdistrict = areas.get(AreaKind.SUBDISTRICT)
    if subdistrict is None:
        raise ServiceError("位置不在任何已载入的街道辖区内", field="location")
    if not in_jurisdiction(officer, subdistrict):
        raise Forbidden(f"位置在{subdistrict.name}，不在您的辖区内", field="location")
    now = timezone.now()
    try:
        with transaction.atomic():
            problem = Problem.objects.create(
                client_id=client_id, category=category, geom=placement.point, location_text=placement.text[:300],
                location_uncertainty_m=placement.uncertainty_m, subdistrict=subdistrict,
                community=areas.get(AreaKind.COMMUNITY), grid=areas.get(AreaKind.GRID),
                segment_id=placement.segment_id, measure_m=placement.measure_m, side=placement.side,
                source=source, description=description, reporter=actor,
                team=officer.team if officer.role in FIELD else None,
                deadline=now + timedelta(hours=category.deadline_hours), affected_households=affected_households,
                inspection=inspection,
            )
            audit.record(actor=actor, verb=Verb.CREATED, subject=problem, after={
                "status": problem.status, "category": category.code, "location_text": problem.location_text,
                "source": source, "client_id": str(client_id) if client_id else None})
            pk = problem.pk
            transaction.on_commit(lambda: problem_created.send(sender=Problem, problem_id=pk))
    except IntegrityError:
        # Two retries of one client_id raced: the other one won; answer with its problem.
        if client_id is not None:
            existing = Problem.objects.filter(client_id=client_id).first()
            if existing is not None:
                return _same_author(existing, actor), False
        raise
    return problem, True


def _category(code_or_name: str) -> Category:
    """An active category by its code (0102) or its name (积存垃圾渣土), as a person types either."""
    category = Category.objects.filter(code=code_or_name, active=True).first() or \
        Category.objects.filter(name=code_or_name, active=True).first()
    if category is None:
        retired = Category.objects.filter(Q(code=code_or_name) | Q(name=code_or_name)).first()
        if retired is not None:  # known, but switched off: "unknown" would send the officer hunting a typo
            raise ServiceError(f"问题类别“{retired.name}”（{retired.code}）已停用，请选择其他类别", field="category")
        raise ServiceError(f"未知问题类别 {code_or_name!r}", field="category")
    return category


def _same_author(problem: Problem, actor) -> Problem:
    if problem.reporter_id != actor.pk:
        raise Conflict("该客户端编号已被其他人使用", field="client_id")
    return problem


def duplicate_candidates(problem: Problem):
    """Earlier open problems of the category within 30 m, in the same subdistrict."""
    return open_problems_near(point=problem.geom, radius_m=DUPLICATE_RADIUS_M, category_id=problem.category_id,
                              exclude_id=problem.pk).filter(created_at__lte=problem.created_at,
                                                            subdistrict_id=problem.subdistrict_id)


def problem_version(problem: Problem) -> str:
    """What a page that acts on a problem sends back to say which state of it it showed: the
    time of its last change (every transition and edit sets it)."""
    return problem.updated_at.isoformat()


def problem_transition(*, actor, problem_id: int, target: str, reason: str = "", team_id: int | None = None,
                       duplicate_of_id: int | None = None, expected_status: str | None = None,
                       expected_version: str | None = None) -> Problem:
    """Move a problem to `target`. The row is locked for the check and the write, so two
    people acting at once cannot both win from the same state.

    `expected_status` / `expected_version` (`problem_version`): the problem as the actor's page
    showed it. A status alone does not tell a problem that went away and came back to it
    (退回, then 派遣 to another team) from the one shown; its version does."""
    officer = officer_of(actor)
    with transaction.atomic():
        problem = Problem.objects.select_for_update().filter(pk=problem_id).first()
        if problem is None:
            raise NotFound("问题不存在", field="id")
        if expected_status and problem.status != expected_status:
            raise Conflict(f"问题状态已变为“{STATUS_LABELS[problem.status]}”，请刷新后再操作", field="status")
        if expected_version and problem_version(problem) != expected_version:
            raise Conflict(f"问题已被他人处理（现为“{STATUS_LABELS[problem.status]}”），请刷新后再操作", field="status")
        why = check_transition(
            problem.status, target, role=officer.role,
            same_jurisdiction=in_jurisdiction(officer, problem.subdistrict),
            assigned_to_own_team=officer.team_id is not None and officer.team_id == problem.team_id,
            reason=reason,
        )
        if why:
            error = {"forbidden": Forbidden, "conflict": Conflict}.get(why.kind, ServiceError)
            raise error(str(why), field=why.field)
        source = problem.status
        before, changes = {"status": source}, {}
        if target == Status.DISPATCHED:
            team = team_named(officer, team_id) if team_id else problem.team
            if team is None:
                raise ServiceError("派遣需要指定承办班组", field="team")
            if not team_serves(team, problem.subdistrict):
                raise ServiceError(f"{team.name}的责任区域不含{problem.subdistrict.name}", field="team")
            if team.pk != problem.team_id:
                before["team"] = problem.team_id
            problem.team = team
            changes["team"] = team.pk
        if target == Status.DUPLICATE:
            original = Problem.objects.filter(pk=duplicate_of_id).select_related("subdistrict").first() \
                if duplicate_of_id else None
            if original is None or original.pk == problem.pk or not in_jurisdiction(officer, original.subdistrict):
                raise ServiceError("标记重复需要指定本辖区内的原问题", field="duplicate_of")
            if original.status == Status.DUPLICATE:
                raise ServiceError(f"问题 {original.pk} 本身是重复上报，请指向最初的问题", field="duplicate_of")
            if problem.pk in _duplicate_chain(original):
                raise ServiceError(f"问题 {original.pk} 已指向本问题为原问题，不能互为重复", field="duplicate_of")
            problem.duplicate_of = original
            changes["duplicate_of"] = original.pk
        if source == Status.DUPLICATE and problem.duplicate_of_id is not None:
            # A reopened duplicate is a problem of its own again: it is no one's duplicate.
            before["duplicate_of"], changes["duplicate_of"] = problem.duplicate_of_id, None
            problem.duplicate_of = None
        if target == Status.REOPENED:
            # A reopened problem is on the street again: the category's time runs afresh from
            # now (the old deadline has long passed and would count it overdue at once).
            deadline = timezone.now() + timedelta(hours=problem.category.deadline_hours)
            before["deadline"], changes["deadline"] = problem.deadline, deadline
            problem.deadline = deadline
        problem.status = target
        problem.save(update_fields=["status", "team", "duplicate_of", "deadline", "updated_at"])
        audit.record(actor=actor, verb=Verb.TRANSITIONED, subject=problem, reason=reason,
                     before=before, after={"status": target, **changes})
    return problem


def _duplicate_chain(problem: Problem, limit: int = 100) -> set[int]:
    """The ids `problem` points at through duplicate_of, itself included (a link left by
    older data must not let two problems become each other's duplicate)."""
    seen = {problem.pk}
    next_id = problem.duplicate_of_id
    while next_id is not None and next_id not in seen and len(seen) < limit:
        seen.add(next_id)
        next_id = Problem.objects.filter(pk=next_id).values_list("duplicate_of_id", flat=True).first()
    return seen


# The location is not editable here: text and point must agree, so a moved problem is a new report.
EDITABLE = ("description", "category", "affected_households")


def problem_update(*, actor, problem_id: int, **fields) -> Problem:
    officer = officer_of(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"不能修改字段 {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    with transaction.atomic():
        problem = Problem.objects.select_for_update().filter(pk=problem_id).first()
        if problem is None:
            raise NotFound("问题不存在", field="id")
        why = permissions.denial(officer.role, "edit_problem", in_jurisdiction=in_jurisdiction(officer,
                                 problem.subdistrict), is_own_report=problem.reporter_id == actor.pk,
                                 status=problem.status)
        if why:
            raise Forbidden(why)
        if problem.status in FINAL_STATES:
            # What was closed, rejected or marked duplicate is on the record as it was decided
            # (published lists, reports); a correction goes through 重启, which the trail shows.
            raise Conflict(f"“{STATUS_LABELS[problem.status]}”的问题不能修改，如需修改请先重启", field="status")
        before, after = {}, {}
        if "category" in fields and fields["category"] in (problem.category.code, problem.category.name):
            # Its own category sent back unchanged (a whole form): no change. Not even when switched off
            # since, and not a new deadline: the hours a catalogue edit gave the category since the
            # report are for new reports, and an edit of the description must not re-time this one.
            fields.pop("category")
        if "category" in fields:
            category = _category(fields.pop("category"))
            before["category"], after["category"] = problem.category.code, category.code
            problem.category = category
            deadline = deadline_clock_start(problem) + timedelta(hours=category.deadline_hours)
            if deadline != problem.deadline:
                before["deadline"], after["deadline"] = problem.deadline, deadline
            problem.deadline = deadline
        for name, value in fields.items():
            before[name], after[name] = getattr(problem, name), value
            setattr(problem, name, value)
        problem.save()
        audit.record(actor=actor, verb=Verb.UPDATED, subject=problem, before=before, after=after)
    return problem


__all__ = ["problem_create", "problem_transition", "problem_update", "duplicate_candidates", "place",
           "DUPLICATE_RADIUS_M"]
