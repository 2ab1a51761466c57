"""The problems map layer over HTTP: GeoJSON (WGS84) of the problems in a box.

GET /api/v1/problems/layer?bbox=west,south,east,north[&category=…][&status=…][&area=…]
[&since=…][&until=…][&limit=…]. The body comes from PostGIS as bytes and is sent as is
(application/geo+json); it is never parsed in Python. Only signed-in users with an
officer profile, and only problems in their jurisdiction.
"""
from datetime import date, datetime, time, timedelta

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from geodata.models import Area
from patrol.domain.categories import all_categories
from patrol.domain.workflow import STATUS_LABELS
from patrol.selectors.layers import DEFAULT_LIMIT, MAX_LIMIT, problems_layer_geojson

from .geodata import BBoxField

LIST_PARAMS = ("category", "status")
CATALOGUE_CODES = frozenset(c.code for c in all_categories())


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """An ISO date (a whole local day) or an ISO datetime (naive = local time)."""

    default_error_messages = {"invalid": "需要 ISO 日期（2025-03-01）或日期时间（2025-03-01T08:00:00+08:00）"}

    def to_internal_value(self, data):
        text = str(data).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def to_representation(self, value):
        return value.isoformat()


def _start(value: date | datetime) -> datetime:
    """The first instant a date or datetime stands for."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _end(value: date | datetime) -> datetime:
    """The first instant after the period: a date includes its whole day."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min))


class ProblemLayerQuery(serializers.Serializer):
    bbox = BBoxField(help_text="west,south,east,north（WGS84 经纬度）")
    category = serializers.ListField(child=serializers.CharField(max_length=10), required=False,
                                     help_text="类别代码，可重复")
    status = serializers.MultipleChoiceField(choices=list(STATUS_LABELS.items()), required=False,
                                             help_text="状态，可重复")
    area = serializers.IntegerField(required=False, help_text="区域编号：街道、社区或网格（含其下级）")
    since = DateOrDateTimeField(required=False, help_text="上报时间起（含）：日期或日期时间")
    until = DateOrDateTimeField(required=False, help_text="上报时间止：日期含当天；日期时间不含该时刻")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT,
                                     help_text=f"最多返回条数（1–{MAX_LIMIT}），按上报时间从新到旧")

    def validate_category(self, codes):
        codes = sorted(set(codes))
        # The database's categories are loaded from this catalogue: check against it in memory.
        unknown = [c for c in codes if c not in CATALOGUE_CODES]
        if unknown:
            raise serializers.ValidationError(f"未知类别代码：{'、'.join(unknown)}")
        return codes

    def validate_area(self, area_id):
        if not Area.objects.filter(pk=area_id).exists():
            raise serializers.ValidationError(f"区域 {area_id} 不存在")
        return area_id

    def validate(self, attrs):
        for name in ("since", "until"):
            if name in attrs and not 2000 <= attrs[name].year <= 2100:
                raise serializers.ValidationError({name: "年份应在 2000–2100 之间"})
        if "since" in attrs:
            attrs["since"] = _start(attrs["since"])
        if "until" in attrs:
            attrs["until"] = _end(attrs["until"])
        if "since" in attrs and "until" in attrs and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": "until 必须晚于 since"})
        return attrs


def _query_data(params) -> dict:
    """Query params as serializer data: list params repeat (?status=a&status=b) or use commas."""
    data = {k: v for k, v in params.items() if k not in LIST_PARAMS}
    for name in LIST_PARAMS:
        if name in params:
            data[name] = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
    return data


class ProblemLayer(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ProblemLayerQuery,
                    OpenApiParameter("category", OpenApiTypes.STR, many=True, description="类别代码，可重复"),
                    OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=list(STATUS_LABELS),
                                     description="状态，可重复")],
        responses={(200, "application/geo+json"): OpenApiResponse(
                       OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection (WGS84)，顶层含 numberReturned、"
                                                        "truncated、limit 和 numberMatched（超过 "
                                                        "numberMatchedCap 时为 null）"),
                   400: OpenApiResponse(OpenApiTypes.OBJECT, description="参数错误：键为出错的参数名"),
                   401: OpenApiResponse(description="未登录"),
                   403: OpenApiResponse(description="账号没有人员档案")},
        summary="问题图层 (GeoJSON)",
    )
    def get(self, request):
        q = ProblemLayerQuery(data=_query_data(request.query_params))
        q.is_valid(raise_exception=True)
        v = q.validated_data
        body = problems_layer_geojson(
            user=request.user, bbox=v["bbox"], category=v.get("category"),
            status=sorted(v["status"]) if v.get("status") else None, area_id=v.get("area"),
            since=v.get("since"), until=v.get("until"), limit=v["limit"])
        return HttpResponse(body, content_type="application/geo+json")
