"""Read-only GeoJSON layers of the ground (roads, intersections, areas), WGS84.

`?bbox=west,south,east,north` (WGS84 degrees) limits a layer; `?kind=` filters areas.
Every answer is one page of at most `limit` features (default DEFAULT_LIMIT, at most MAX_LIMIT,
in id order), bbox or not: a whole district (or a box around it) is read page by page, following
`next`, the URL of the page after this one (null on the last). The counters are the problems
layer's (OGC API Features): numberMatched, numberMatchedCap, numberReturned, truncated, limit.
A bbox that is not four numbers within range is a 400; four such numbers that do not
make a box (west ≥ east or south ≥ north) are a 422: the request is well formed, the
box is empty. A box is cut to where the storage CRS is defined before PostGIS transforms
it (a Gauss-Krüger zone has no coordinates for a point on the far side of the earth);
nothing stored lies outside that, so the answer is the same.
"""
import functools
import re

import pyproj
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import AnonymousThrottle
from api.v1.errors import problem
from geodata.models import AreaKind
from geodata.selectors.layers import (
    COUNT_CAP,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    areas_geojson,
    intersections_geojson,
    roads_geojson,
)

from .fields import QueryIntegerField
from .geojson_shapes import AreaCollection, IntersectionCollection, RoadCollection, unprocessable

# Decimal degrees within range, written plainly (no exponent, no sign but "-"): the pattern
# the schema declares is the one the server holds the value to.
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"
_BBOX_RE = re.compile(BBOX_PATTERN.removeprefix("^").removesuffix("$"))
BBOX_HELP = "west,south,east,north（WGS84 十进制度，west<east，south<north），如 116.34,39.99,116.365,40.015"


BBOX_MAX_LENGTH = 200  # any number of decimals the pattern allows, within a request line gunicorn takes


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN, "maxLength": BBOX_MAX_LENGTH,
                      "example": "116.34,39.99,116.365,40.015"})
class BBoxField(serializers.CharField):
    """Four numbers within range; whether they make a box is `bbox_order_problem`'s question."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if len(text) > BBOX_MAX_LENGTH:  # checked here: the validators would see the parsed tuple
            raise serializers.ValidationError(f"bbox 不能超过 {BBOX_MAX_LENGTH} 个字符")
        if not _BBOX_RE.fullmatch(text):
            raise serializers.ValidationError("bbox 需要 4 个经纬度范围内的十进制数：west,south,east,north")
        west, south, east, north = (float(v) for v in text.split(","))
        return (west, south, east, north)


def bbox_order_problem(bbox):
    """The 422 for a well-formed bbox that is not a box, or None."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    if west < east and south < north:
        return None
    return problem(422, {"bbox": ["bbox 不是一个框：需要 west<east 且 south<north"]})


BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84)
DOMAIN_MARGIN = 10.0  # degrees around the storage CRS's area of use


@functools.cache
def storage_domain(srid: int) -> BBox:
    """Where geometries in `srid` can be: its area of use (WGS84) and DOMAIN_MARGIN around it.

    >>> [round(v, 2) for v in storage_domain(4548)]  # CGCS2000 3-degree GK CM 117E: 115.5–118.5 E, 22.6–49.88 N
    [105.5, 12.6, 128.5, 59.88]
    """
    area = pyproj.CRS.from_epsg(srid).area_of_use
    if area is None or area.west > area.east:  # unknown, or across the antimeridian: the world
        return (-180.0, -90.0, 180.0, 90.0)
    return (max(area.west - DOMAIN_MARGIN, -180.0), max(area.south - DOMAIN_MARGIN, -90.0),
            min(area.east + DOMAIN_MARGIN, 180.0), min(area.north + DOMAIN_MARGIN, 90.0))


def clip_to_storage(bbox: BBox) -> BBox | None:
    """The part of `bbox` where stored geometries can be, or None when there is none."""
    d_west, d_south, d_east, d_north = storage_domain(settings.STORAGE_SRID)
    west, south, east, north = bbox
    clipped = (max(west, d_west), max(south, d_south), min(east, d_east), min(north, d_north))
    return clipped if clipped[0] < clipped[2] and clipped[1] < clipped[3] else None


MAX_ID = 2**63 - 1  # ids are bigint


@extend_schema_field({"type": "string", "enum": AreaKind.values})
class AreaKindField(serializers.ChoiceField):
    pass


class LayerQuery(serializers.Serializer):
    bbox = BBoxField(required=False, help_text=BBOX_HELP)
    limit = QueryIntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT,
                              help_text=f"每页最多条数（1–{MAX_LIMIT}），按编号从小到大")
    after = QueryIntegerField(min_value=0, max_value=MAX_ID, required=False,
                              help_text="从该编号之后开始（上一页最后一条的编号）；通常直接使用响应中的 next")


class AreasQuery(LayerQuery):
    kind = serializers.ListField(child=AreaKindField(choices=AreaKind.choices), required=False,
                                 help_text="级别，可重复（?kind=subdistrict&kind=community）")


def _query(request, query=LayerQuery) -> dict:
    data = {k: v for k, v in request.query_params.items() if k in ("bbox", "limit", "after")}
    if "kind" in request.query_params and query is AreasQuery:
        data["kind"] = request.query_params.getlist("kind")
    q = query(data=data)
    q.is_valid(raise_exception=True)
    return q.validated_data


BBOX_NOT_A_BOX = "bbox 不是一个框（west≥east 或 south≥north）：field 为 bbox"


def _layer(shape, doc: str) -> dict:
    return {200: OpenApiResponse(shape, description=(
        f"GeoJSON FeatureCollection（WGS84）：{doc}。一次最多 limit 条（默认 {DEFAULT_LIMIT}，"
        f"最多 {MAX_LIMIT}），按编号从小到大；truncated 为 true 时其余的在 next 所指的下一页")),
            **unprocessable(BBOX_NOT_A_BOX)}


def _next_url(request, collection: dict) -> str | None:
    """The URL of the page after `collection`: the same request, continuing after its last id."""
    if not collection["truncated"]:
        return None
    params = request.query_params.copy()
    params["after"] = str(collection["features"][-1]["id"])
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _with_next(collection: dict, next_url: str | None) -> dict:
    """The page as answered: the counters, `next`, then the features."""
    head = {k: v for k, v in collection.items() if k != "features"}
    return {**head, "next": next_url, "features": collection["features"]}


def _layer_response(request, q: dict, build):
    """The page of the layer for a well-formed query: a 422 when its bbox is not a box, an
    empty page when the box lies where nothing can be stored, else `build(bbox=…, limit=…,
    after=…)` with the link to the next page."""
    bbox = q.get("bbox")
    refused = bbox_order_problem(bbox)
    if refused:
        return refused
    if bbox is not None:
        bbox = clip_to_storage(bbox)
        if bbox is None:
            empty = {"type": "FeatureCollection", "numberMatched": 0, "numberMatchedCap": COUNT_CAP,
                     "numberReturned": 0, "truncated": False, "limit": q["limit"], "features": []}
            return Response(_with_next(empty, None))
    collection = build(bbox=bbox, limit=q["limit"], after=q.get("after"))
    return Response(_with_next(collection, _next_url(request, collection)))


class RoadsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LayerQuery], responses=_layer(RoadCollection, "道路"), summary="道路 (GeoJSON)")
    def get(self, request):
        return _layer_response(request, _query(request), roads_geojson)


class IntersectionsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LayerQuery], responses=_layer(IntersectionCollection, "路口"),
                   summary="路口 (GeoJSON)")
    def get(self, request):
        return _layer_response(request, _query(request), intersections_geojson)


class AreasLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[AreasQuery], responses=_layer(AreaCollection, "行政区划"),
                   summary="行政区划 (GeoJSON)")
    def get(self, request):
        q = _query(request, AreasQuery)
        kinds = sorted(set(q.get("kind", []))) or None
        return _layer_response(request, q, lambda **page: areas_geojson(kinds=kinds, **page))
