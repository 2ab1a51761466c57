"""The problems map layer over HTTP: GeoJSON (WGS84) of the problems in a box.

GET /api/v1/problems/layer?bbox=west,south,east,north[&category=…][&status=…][&area=…]
[&since=…][&until=…][&limit=…]. The body comes from PostGIS as bytes and is sent as is
(application/geo+json); it is never parsed in Python. Only signed-in users with an
officer profile, and only problems in their jurisdiction.

A parameter outside what the schema allows is a 400; a request the schema allows that
cannot be answered (a bbox that is not a box, an area that does not exist, a period that
ends before it starts) is a 422.
"""
import json

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from api.v1.errors import problem
from geodata.models import Area
from org.selectors import user_jurisdiction_area_ids
from patrol.domain.categories import all_categories
from patrol.domain.workflow import STATUS_LABELS
from patrol.selectors.layers import COUNT_CAP, DEFAULT_LIMIT, MAX_LIMIT, problems_layer_geojson

from .fields import DayOrDateTimeField
from .geodata import BBOX_HELP, BBOX_NOT_A_BOX, BBoxField, bbox_order_problem, clip_to_storage
from .geojson_shapes import ProblemCollection, unprocessable

LIST_PARAMS = ("category", "status")
CATALOGUE_CODES = frozenset(c.code for c in all_categories())


@extend_schema_field({"type": "string", "enum": sorted(CATALOGUE_CODES)})
class CategoryCodeField(serializers.CharField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(STATUS_LABELS)}})
class StatusesField(serializers.MultipleChoiceField):
    pass


class ProblemLayerQuery(serializers.Serializer):
    bbox = BBoxField(help_text=BBOX_HELP)
    category = serializers.ListField(child=CategoryCodeField(max_length=10), required=False,
                                     help_text="类别代码，可重复（?category=a&category=b），或以逗号分隔")
    status = StatusesField(choices=list(STATUS_LABELS.items()), required=False, help_text="状态，可重复，或以逗号分隔")
    area = serializers.IntegerField(required=False, help_text="区域编号：街道、社区或网格（含其下级）；"
                                                              "不存在的编号为 422")
    since = DayOrDateTimeField(bound="start", required=False, help_text="上报时间起（含）：日期或日期时间")
    until = DayOrDateTimeField(bound="end_exclusive", required=False,
                               help_text="上报时间止：日期含当天；日期时间不含该时刻；不晚于 since 时为 422")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT,
                                     help_text=f"最多返回条数（1–{MAX_LIMIT}），按上报时间从新到旧")

    def validate_category(self, codes):
        codes = sorted(set(codes))
        # The database's categories are loaded from this catalogue: check against it in memory.
        unknown = [c for c in codes if c not in CATALOGUE_CODES]
        if unknown:
            raise serializers.ValidationError(f"未知类别代码：{'、'.join(unknown)}")
        return codes


def _query_data(params) -> dict:
    """Query params as serializer data: list params repeat (?status=a&status=b) or use commas.
    An empty item ("", "a,,b") is kept, and refused: it is no code the schema allows."""
    data = {k: v for k, v in params.items() if k not in LIST_PARAMS}
    for name in LIST_PARAMS:
        if name in params:
            data[name] = [v.strip() for raw in params.getlist(name) for v in raw.split(",")]
    return data


def semantic_problem(v: dict):
    """The 422 for a query the schema allows that cannot be answered, or None."""
    if "area" in v and not Area.objects.filter(pk=v["area"]).exists():
        return problem(422, {"area": [f"区域 {v['area']} 不存在"]})
    if "since" in v and "until" in v and v["since"] >= v["until"]:
        return problem(422, {"until": ["until 必须晚于 since"]})
    return None


class GeoJSONRenderer(JSONRenderer):
    """Lets `Accept: application/geo+json`, the media type the schema declares for the layer,
    be negotiated (DRF answered it 406); the layer itself is sent as PostGIS wrote it."""

    media_type = "application/geo+json"
    format = "json"  # no ?format= value of its own (the schema would list one)


class ProblemLayer(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, GeoJSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[ProblemLayerQuery],
        responses={(200, "application/geo+json"): OpenApiResponse(
            ProblemCollection, description="GeoJSON FeatureCollection（WGS84），从新到旧；顶层含 numberReturned、"
                                           "truncated、limit 和 numberMatched（超过 numberMatchedCap 时为 null）"),
                   **unprocessable(f"{BBOX_NOT_A_BOX}；area 不存在；或 until 不晚于 since")},
        summary="问题图层 (GeoJSON)",
    )
    def get(self, request):
        q = ProblemLayerQuery(data=_query_data(request.query_params))
        q.is_valid(raise_exception=True)
        v = q.validated_data
        refused = bbox_order_problem(v["bbox"]) or semantic_problem(v)
        if refused:
            return refused
        bbox = clip_to_storage(v["bbox"])
        if bbox is None:  # where nothing can be stored: what the selector would answer, without the query
            user_jurisdiction_area_ids(request.user)  # still a 403 for an account without an officer profile
            return HttpResponse(json.dumps(_empty_layer(v["limit"])), content_type="application/geo+json")
        body = problems_layer_geojson(
            user=request.user, bbox=bbox, category=v.get("category"),
            status=sorted(set(v["status"])) if v.get("status") else None, area_id=v.get("area"),
            since=v.get("since"), until=v.get("until"), limit=v["limit"])
        return HttpResponse(body, content_type="application/geo+json")


def _empty_layer(limit: int) -> dict:
    return {"type": "FeatureCollection", "numberMatched": 0, "numberMatchedCap": COUNT_CAP, "numberReturned": 0,
            "truncated": False, "limit": limit, "features": []}
