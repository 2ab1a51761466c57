"""Pages and vector tiles. Thin: read through selectors, hand plain data to a builder, send bytes on."""
import hashlib
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET
from rest_framework.exceptions import AuthenticationFailed

from api.auth import HashedTokenAuthentication
from core.errors import Forbidden
from geodata.models import Area, AreaKind, Intersection, Landmark, Road, RoadSegment
from geodata.selectors.layers import demo_extent
from org.selectors import user_jurisdiction_area_ids
from patrol.domain.workflow import STATUS_LABELS
from patrol.models import Category

from .builders import network_tiles_map, render_html
from .filters import FilterError, ProblemFilters, parse_problem_filters
from .problems import problem_map
from .tiles import problems_tile, roads_tile
from .tiling import TileError, tile_from_path

MVT = "application/vnd.mapbox-vector-tile"
PROBLEM_JSON = "application/problem+json"
#: The network changes rarely (an import, an edit in the admin); problems change all day.
ROADS_MAX_AGE = 300
PROBLEMS_MAX_AGE = 15


def home(request):
    context = {
        "counts": [
            ("道路", Road.objects.live().count()),
            ("路段", RoadSegment.objects.live().count()),
            ("路口", Intersection.objects.count()),
            ("地标", Landmark.objects.count()),
            ("街道", Area.objects.filter(kind=AreaKind.SUBDISTRICT).count()),
            ("网格", Area.objects.filter(kind=AreaKind.GRID).count()),
        ],
        "tiles_configured": bool(settings.MAP_TILE_URL),
    }
    return render(request, "maps/home.html", context)


def _tile_url(name: str) -> str:
    """``/tiles/<name>/{z}/{x}/{y}.pbf`` (the URL template Leaflet fills in)."""
    return reverse(f"tiles-{name}", kwargs={"z": 0, "x": 0, "y": 0}).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")


@xframe_options_sameorigin
def network_map_page(request):
    """The road network and areas of the loaded district as a full map page, drawn from the road
    tiles (the page itself carries no geometry: the whole network as GeoJSON was 22 MB at district
    size); the view opens on the roads' extent."""
    m = network_tiles_map(
        bounds=demo_extent(),
        road_tiles_url=_tile_url("roads"),
        static_url=static,
        tiles_url=settings.MAP_TILE_URL or None,
        tiles_attribution=settings.MAP_TILE_ATTRIBUTION or None,
    )
    return HttpResponse(render_html(m), content_type="text/html; charset=utf-8")


# --------------------------------------------------------------------------- tiles


def _problem(status: int, detail: str, field: str | None = None) -> HttpResponse:
    """An error in the API's format (application/problem+json, RFC 9457), Chinese detail."""
    titles = {400: "请求有误", 401: "未登录", 403: "无权访问"}
    body = {"type": "about:blank", "title": titles.get(status, "错误"), "status": status, "detail": detail}
    if field:
        body["field"] = field
        body["errors"] = {field: [detail]}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON)
    response["Cache-Control"] = "no-store"
    return response


def _tile_response(request, body: bytes, *, public: bool, max_age: int) -> HttpResponse:
    """The tile, 204 when empty; an ETag of its bytes, 304 when the client holds them already."""
    etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    elif not body:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(body, content_type=MVT)
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
        response["Vary"] = "Cookie, Authorization"
    return response


@require_GET
def roads_tile_view(request, z: int, x: int, y: int):
    """GET /tiles/roads/{z}/{x}/{y}.pbf: layers ``roads`` and ``areas`` (maps.tiles.TILE_LAYERS), public."""
    try:
        tile = tile_from_path(z, x, y)
    except TileError as exc:
        return _problem(400, str(exc), "tile")
    return _tile_response(request, roads_tile(tile), public=True, max_age=ROADS_MAX_AGE)


def _known_category_codes() -> frozenset[str]:
    """The category codes the database holds, an older catalogue's too: old problems carry
    them, and the dashboard's list takes them (one small query; a cache would refuse a
    category the admin has just added)."""
    return frozenset(Category.objects.values_list("code", flat=True))


def read_problem_filters(query) -> ProblemFilters:
    """The filters of a request's query string (raises FilterError)."""
    return parse_problem_filters(dict(query.lists()), categories=_known_category_codes(), statuses=STATUS_LABELS,
                                 tz=ZoneInfo(settings.TIME_ZONE))


@require_GET
def problems_tile_view(request, z: int, x: int, y: int):
    """GET /tiles/problems/{z}/{x}/{y}.pbf[?category=…&status=…&area=…&since=…&until=…&overdue=1]:
    layer ``clusters`` or ``problems`` (maps.tiles.TILE_LAYERS) of the signed-in user's jurisdiction:
    signed in (the pages' session) or with an API token (`Authorization: Token …`, as
    /api/v1/problems/layer takes it)."""
    if not request.user.is_authenticated:
        try:
            found = HashedTokenAuthentication().authenticate(request)
        except AuthenticationFailed as exc:
            return _problem(401, str(exc.detail))
        if found is None:
            return _problem(401, "请先登录，或带上 API 令牌（Authorization: Token …）")
        request.user = found[0]
    try:
        tile = tile_from_path(z, x, y)
    except TileError as exc:
        return _problem(400, str(exc), "tile")
    try:
        filters = read_problem_filters(request.GET)
    except FilterError as exc:
        return _problem(400, exc.message, exc.field)
    try:
        jurisdiction = user_jurisdiction_area_ids(request.user)
    except Forbidden as exc:
        return _problem(403, str(exc))
    if filters.area is not None and not Area.objects.filter(pk=filters.area).exists():
        return _problem(400, f"区域 {filters.area} 不存在", "area")
    body = problems_tile(tile, jurisdiction=jurisdiction, filters=filters)
    return _tile_response(request, body, public=False, max_age=PROBLEMS_MAX_AGE)


# --------------------------------------------------------------------------- problem map page


@login_required
@xframe_options_sameorigin
def problem_map_page(request):
    """/maps/problems/?<filters>: the problem map (roads and problems from the tiles) for signed-in
    users; the filters in the URL are those of the problems tiles."""
    try:
        filters = read_problem_filters(request.GET)
    except FilterError as exc:
        return HttpResponse(f"筛选条件有误：{exc.message}", status=400, content_type="text/plain; charset=utf-8")
    try:
        user_jurisdiction_area_ids(request.user)
    except Forbidden as exc:
        return HttpResponse(str(exc), status=403, content_type="text/plain; charset=utf-8")
    m = problem_map(
        bounds=demo_extent(),
        road_tiles_url=_tile_url("roads"),
        problem_tiles_url=_tile_url("problems"),
        problem_detail_url=reverse("problem", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
        query=filters.query_string(),
        static_url=static,
        tiles_url=settings.MAP_TILE_URL or None,
        tiles_attribution=settings.MAP_TILE_ATTRIBUTION or None,
    )
    return HttpResponse(render_html(m), content_type="text/html; charset=utf-8")
