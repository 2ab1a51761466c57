"""The supervisors' dashboard: today at a glance, the problem list beside its map, a problem's page.

Thin: read the filter from the URL (patrol.domain.filters), ask the selectors, render.
"""
import dataclasses
import json
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.domain.verbs import VERB_LABELS
from core.errors import ServiceError
from core.models import AuditEvent
from geodata.models import Area
from geodata.selectors.layers import demo_extent
from geodata.services.geometry import to_wgs84
from org.selectors import teams_serving
from patrol.domain.filters import SORTS, SOURCES, parse, to_query
from patrol.domain.workflow import (
    OPEN_STATES,
    STATUS_LABELS,
    Status,
    is_overdue,
    transition_for,
)
from patrol.models import Category
from patrol.selectors import problem_list as selectors
from patrol.selectors.problems import allowed_steps, problems_visible_to
from patrol.services.problems import problem_transition, problem_version
from publishing.selectors.publications import problem_exposures
from shifts.selectors.shifts import shifts_visible
from web.access import officer_page
from web.charts import paired_bars
from web.dashboard.trail import describe_changes


def _filter(request):
    codes = set(Category.objects.values_list("code", flat=True))
    f, errors = parse(dict(request.GET.lists()), categories=codes)
    if f.area is not None and not Area.objects.filter(pk=f.area).exists():
        # said, as the map's tiles say it (they refuse the filter), not an empty list
        errors = [*errors, f"区域 {f.area} 不存在，已忽略"]
        f = dataclasses.replace(f, area=None)
    return f, errors


def _query(pairs) -> str:
    return urlencode(pairs)


ROAD_TILES = "/tiles/roads/{z}/{x}/{y}.pbf"


def _map(request) -> dict:
    """What a page's map element needs: the tile URL templates, the problem API, the extent."""
    extent = demo_extent()
    return {
        "problem_tiles_url": "/tiles/problems/{z}/{x}/{y}.pbf",
        "road_tiles_url": ROAD_TILES,
        "problem_api_url": reverse("problem", args=[0]),
        "extent_json": json.dumps(list(extent)) if extent else "",
    }


@officer_page("view_problem")
def today(request):
    figures = selectors.today(request.user)
    on_duty = shifts_visible(request.user, status="on_duty")
    open_by_category_max = max((row[2] for row in figures.by_category), default=0)
    context = {
        **_map(request),
        "nav": "dashboard",
        "t": figures,
        "shifts_on_duty": list(on_duty.order_by("starts_at")[:20]),
        "shifts_on_duty_count": on_duty.count(),
        "category_max": open_by_category_max or 1,
        "status_max": max((row[2] for row in figures.by_status), default=0) or 1,
        "daily_chart": paired_bars([(d[5:], a, b) for d, a, b in figures.daily], labels=("上报", "办结"),
                                   title="近14日上报与办结"),
        "map_query": _query([("status", s) for s in sorted(OPEN_STATES)]),
        "extra_tiles": _hotline_tiles(request.officer),
    }
    return render(request, "web/dashboard/today.html", context)


def _hotline_tiles(officer) -> list[dict]:
    """12345 figures of the latest complete week (that of the newest complaint once it has ended,
    else the week before: a week so far set against a whole week last year reads as a fall): the
    officer's street office when the work orders name it, else the whole district
    (hotline.selectors.metrics)."""
    from hotline.selectors import metrics

    period = metrics.default_period("week")
    name = officer.jurisdiction.name if officer.jurisdiction_id else None
    unit = name if name and metrics.unit_exists(name) else None
    total = metrics.ranking(period, unit=unit).total
    if not total.volume:
        return []
    url = reverse("hotline-ranking") + f"?period=week&at={period.key}"
    change = total.volume_change.percent

    def pct(value):
        return "—" if value is None else f"{value:.1f}%"

    where = unit or "全区"
    return [
        {"label": f"12345诉求 · {where} · {period.key}" + ("" if change is None else f" · 同比{change:+.1f}%"),
         "url": url, "value": f"{total.volume}"},
        {"label": f"解决率（{where}）", "url": url, "value": pct(total.rates["resolution"])},
        {"label": f"满意率（{where}）", "url": url, "value": pct(total.rates["satisfaction"])},
    ]


@officer_page("view_problem")
def problem_list(request):
    f, errors = _filter(request)
    page = selectors.problem_page(request.user, f)
    choices = selectors.filter_choices(request.user)
    base = to_query(f)
    context = {
        **_map(request),
        "nav": "problems",
        "f": f,
        "errors": errors,
        "more_selected": len(f.category) + len(f.source),
        "page": page,
        "choices": choices,
        "sources": list(SOURCES.items()),
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "query": _query(base),
        "map_query": _query(to_query(f, sort=False)),
        "prev_url": "?" + _query(to_query(f.with_page(page.number - 1), page=True)) if page.number > 1 else None,
        "next_url": "?" + _query(to_query(f.with_page(page.number + 1), page=True)) if page.number < page.pages else None,
        "rows": [_row(p) for p in page.rows],
    }
    return render(request, "web/dashboard/problems.html", context)


def _row(p):
    return {
        "p": p,
        "url": reverse("dashboard-problem", args=[p.id]),
        "status_label": STATUS_LABELS.get(p.status, p.status),
        "overdue": is_overdue(p.status, p.deadline, timezone.now()),
    }


@officer_page("view_problem")
def problem_detail(request, problem_id: int):
    problem = (problems_visible_to(request.user).select_related("category", "subdistrict", "grid", "segment__road",
                                                               "reporter", "team", "agency")
               .filter(pk=problem_id).first())
    if problem is None:
        raise Http404("没有这个问题，或它不在您的辖区内")
    events = (AuditEvent.objects.for_subject("patrol.problem", problem.id).select_related("actor")
              .order_by("at", "id"))
    names = _trail_names(events)
    trail = [{
        "at": e.at, "actor": e.actor.get_username() if e.actor else "系统", "verb": VERB_LABELS.get(e.verb, e.verb),
        "changes": describe_changes(e.before, e.after, names=names, tz=timezone.get_current_timezone()),
        "reason": e.reason,
    } for e in events]
    context = {
        **_map(request),
        "nav": "problems",
        "p": problem,
        "status_label": STATUS_LABELS.get(problem.status, problem.status),
        "overdue": is_overdue(problem.status, problem.deadline, timezone.now()),
        "photos": list(problem.photos.order_by("uploaded_at", "id")),
        "outcomes": list(problem.outcomes.order_by("id")),
        "trail": trail,
        "point": _wgs84(problem.geom),
        "steps": _steps(request.officer, problem),
        "version": problem_version(problem),  # sent back with a step: refused if the problem changed since
        # what the service accepts (org.selectors.team_serves): teams whose area holds the problem's subdistrict
        "teams": list(teams_serving(problem.subdistrict)),
        # 曝光: the published 未诉先办 lists that named it, with their follow-up (复查)
        "exposures": list(problem_exposures(problem)),
    }
    return render(request, "web/dashboard/problem.html", context)


def _steps(officer, problem) -> list[dict]:
    """The workflow steps this person may take from the problem's status (patrol.domain.workflow)."""
    steps = []
    for target in allowed_steps(officer, problem):
        if target == Status.DUPLICATE:
            continue  # needs the original's number: the API and the admin do it
        t = transition_for(problem.status, target)
        steps.append({"to": target, "label": t.label, "needs_reason": t.needs_reason,
                      "needs_team": target == Status.DISPATCHED})
    return steps


@require_POST
@officer_page("view_problem")
def problem_step(request, problem_id: int):
    """Take one workflow step from the problem's page; the service decides whether it may."""
    if not problems_visible_to(request.user).filter(pk=problem_id).exists():
        raise Http404("没有这个问题，或它不在您的辖区内")
    team = request.POST.get("team", "")
    reason = request.POST.get("reason", "").strip()[:1000]
    if "\0" in reason:  # the database refuses NUL in a text (the API's field refuses it too)
        messages.error(request, "原因不能含空字符（NUL）")
        return redirect("dashboard-problem", problem_id=problem_id)
    try:
        problem = problem_transition(
            actor=request.user, problem_id=problem_id, target=request.POST.get("to", ""),
            reason=reason,
            team_id=int(team) if team.isascii() and team.isdigit() else None,
            expected_status=request.POST.get("expected_status") or None,
            expected_version=request.POST.get("expected_version") or None)
    except ServiceError as exc:  # Forbidden and Conflict are ServiceErrors too
        messages.error(request, exc.message)
    else:
        messages.success(request, f"状态已变为“{STATUS_LABELS.get(problem.status, problem.status)}”")
    return redirect("dashboard-problem", problem_id=problem_id)


def _wgs84(geom):
    g = to_wgs84(geom)  # (pyproj, cached: GDAL's transform by SRID costs ~27 ms a call)
    return {"lon": round(g.x, 6), "lat": round(g.y, 6)}


def _trail_names(events) -> dict[str, dict]:
    """The labels of the codes and ids a problem's trail names (web.dashboard.trail)."""
    from geodata.models import RoadSegment
    from org.models import Team

    said = [e.before or {} for e in events] + [e.after or {} for e in events]
    codes = {v for d in said for v in [d.get("category")] if isinstance(v, str)}
    teams = {v for d in said for v in [d.get("team")] if isinstance(v, int)}
    segments = {v for d in said for v in [d.get("segment")] if isinstance(v, int)}
    return {
        "status": dict(STATUS_LABELS), "source": dict(SOURCES),
        "category": {c.code: f"{c.name}（{c.code}）" for c in Category.objects.filter(code__in=codes)},
        "team": dict(Team.objects.filter(pk__in=teams).values_list("pk", "name")),
        "segment": {s.pk: str(s) for s in RoadSegment.objects.filter(pk__in=segments).select_related("road")},
    }


@officer_page("view_shift")
def focus(request):
    """未诉先办: the segments where complaints are likely in the coming week, to walk first."""
    from hotline.selectors.hotspots import next_week_focus

    f = next_week_focus(request.user)
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": s.line},
         "properties": {"rank": i, "road": s.road, "reasons": "；".join(s.reasons)}}
        for i, s in enumerate(f.segments, start=1)]}
    ev = f.evaluated
    context = {
        **_map(request),
        "nav": "focus",
        "focus": f,
        "features": features,
        "evaluated": {key: (round(ev[key] * 100) if ev.get(key) is not None else None)
                      for key in ("model", "last_week", "most_often")} | {"weeks": ev["weeks"], "k": ev["k"]},
    }
    return render(request, "web/dashboard/focus.html", context)


#: The thematic maps (专题图): key → (title, what the map shows).
THEMES = {
    "problem-heat": ("问题热力", "近90天上报的问题，每50米一格"),
    "complaint-heat": ("12345诉求热力", "近90天已定位的12345诉求，每50米一格"),
    "grid-open": ("各网格未办结问题", "按网格统计的未办结问题数"),
    "grid-complaints": ("各网格12345诉求", "近90天已定位到网格内的12345诉求数"),
}
THEME_DAYS = 90


def _theme(request) -> tuple[str, list[str]]:
    key = request.GET.get("theme", "problem-heat")
    if key not in THEMES:
        return "problem-heat", [f"未知专题“{key}”，显示问题热力"]
    return key, []


@officer_page("view_problem")
def thematic(request):
    """专题图: a heat map of problems or complaints, a choropleth of grids, chosen in the URL."""
    key, errors = _theme(request)
    return render(request, "web/dashboard/thematic.html", {
        "nav": "thematic", "theme": key, "themes": [(k, t, d) for k, (t, d) in THEMES.items()], "errors": errors,
        "title": THEMES[key][0], "about": THEMES[key][1],
    })


@xframe_options_sameorigin
@officer_page("view_problem")
def thematic_frame(request):
    """The folium map of one theme (maps.heat / maps.choropleth: plain data in, a page out)."""
    from geodata.models import AreaKind
    from geodata.selectors.layers import areas_geojson
    from hotline.selectors.thematic import complaint_heat_cells, complaints_per_grid
    from maps.builders import render_html
    from maps.choropleth import choropleth_map
    from maps.heat import HeatPoint, heat_map
    from org.selectors import user_jurisdiction_area_ids
    from patrol.selectors.thematic import open_problems_per_grid, problem_heat_cells

    key, _ = _theme(request)
    since = timezone.now() - timedelta(days=THEME_DAYS)
    extent = demo_extent()
    if key in ("problem-heat", "complaint-heat"):
        cells = (problem_heat_cells if key == "problem-heat" else complaint_heat_cells)(request.user, since=since)
        m = heat_map(points=[HeatPoint(lat, lon, n) for lat, lon, n in cells], static_url=static,
                     title=THEMES[key][0], road_tiles_url=ROAD_TILES, bounds=list(extent) if extent else None)
    else:
        grids = areas_geojson(kinds=[AreaKind.GRID], ids=user_jurisdiction_area_ids(request.user))
        values = open_problems_per_grid(request.user) if key == "grid-open" else complaints_per_grid(request.user,
                                                                                                      since=since)
        ids = [f.get("id", (f.get("properties") or {}).get("id")) for f in grids["features"]]
        m = choropleth_map(areas=grids, values={i: values.get(i, 0) for i in ids}, label=THEMES[key][0],
                           static_url=static, road_tiles_url=ROAD_TILES, bounds=list(extent) if extent else None)
    return HttpResponse(render_html(m), content_type="text/html; charset=utf-8")
