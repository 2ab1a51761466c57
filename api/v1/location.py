"""The location language over HTTP: text → point (locate), point → text (describe).

Both answer with the GeoJSON Feature that `manage.py locate/describe --json` prints.
A point the describer cannot read (nothing loaded near it: outside the district) is a
422: the coordinates are well formed, there is just nothing there to describe.
"""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import AnonymousThrottle
from api.v1.errors import problem
from geodata.geocoding import (
    OutsideDistrictError,
    describe_point,
    described_feature,
    locate,
    located_feature,
    network_index,
)

from .geojson_shapes import DescribedFeature, LocatedCollection, LocatedFeature, unprocessable

MAX_TEXT = 500
MAX_BATCH = 5000
# GET /locate carries the text in the URL: 300 characters (a problem's location_text holds
# no more) percent-encode to at most 300 × 12 bytes, which keeps the request line under
# gunicorn's limit (4094 bytes, answered 414 past it) for any text the schema allows.
MAX_QUERY_TEXT = 300
# No NUL anywhere (DRF refuses it); for `q`, at least one character that is not whitespace.
_NO_NUL = "[^\\u0000]"
Q_PATTERN = f"^{_NO_NUL}*[^\\s\\u0000]{_NO_NUL}*$"
TEXT_PATTERN = f"^{_NO_NUL}+$"  # "" is allowed besides (allow_blank)


class TextField(serializers.CharField):
    """A CharField whose max_length holds for the text as sent, before whitespace is trimmed
    (the schema's maxLength speaks of the value as sent)."""

    def run_validation(self, data=serializers.empty):
        if data is not serializers.empty and data is not None and not isinstance(data, str):
            self.fail("invalid")  # a number or a list is not text (CharField would take 0 as "0")
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(data))
        return super().run_validation(data)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": MAX_QUERY_TEXT, "pattern": Q_PATTERN})
class QueryTextField(TextField):
    pass


@extend_schema_field({"type": "string", "maxLength": MAX_TEXT, "pattern": TEXT_PATTERN})
class BatchTextField(TextField):
    pass


class JsonBooleanField(serializers.BooleanField):
    """A JSON true or false (the schema's `boolean`), not DRF's 1/0/"yes"/"on"."""

    def to_internal_value(self, data):
        # `data in {True}` would hold for 1 as well (1 == True): compare by identity.
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class QueryBooleanField(serializers.BooleanField):
    """The words true or false in a query string (how the schema's `boolean` is sent there)."""

    def get_value(self, dictionary):
        # DRF reads "?landmark=" from a QueryDict as if the key were absent (the default);
        # present and empty is no boolean.
        if self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if data is True or data is False:  # the default, put in by DRF for a missing key of a QueryDict
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid", input=data)


class LocateQuery(serializers.Serializer):
    q = QueryTextField(max_length=MAX_QUERY_TEXT, trim_whitespace=True,
                       help_text="位置描述，如“学院路与清华东路交叉路口向南50米，学院路西侧”")
    parse_only = QueryBooleanField(required=False, default=False, help_text="只解析，不定位")


class LocateBatch(serializers.Serializer):
    texts = serializers.ListField(child=BatchTextField(max_length=MAX_TEXT, allow_blank=True),
                                  min_length=1, max_length=MAX_BATCH,
                                  help_text=f"位置描述，1–{MAX_BATCH} 条，每条不超过 {MAX_TEXT} 字")
    parse_only = JsonBooleanField(required=False, default=False, help_text="只解析，不定位")


class DescribeQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="纬度 (WGS84)")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="经度 (WGS84)")
    landmark = QueryBooleanField(required=False, default=True, help_text="附加最近的地标")


class Locate(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LocateQuery], summary="位置描述 → 坐标", responses={200: OpenApiResponse(
        LocatedFeature, description="GeoJSON Feature（WGS84）；未能定位时 geometry 为 null")})
    def get(self, request):
        q = LocateQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        located = locate(q.validated_data["q"], parse_only=q.validated_data["parse_only"])
        return Response(located_feature(located))


class LocateMany(APIView):
    # One call may geocode thousands of texts: for signed-in users (systems use a token).

    @extend_schema(request=LocateBatch, summary="批量定位：texts 列表 → FeatureCollection（顺序与输入相同）",
                   responses={200: OpenApiResponse(
                       LocatedCollection, description="GeoJSON FeatureCollection：每条输入一个 Feature，顺序相同")})
    def post(self, request):
        body = LocateBatch(data=request.data)
        body.is_valid(raise_exception=True)
        parse_only = body.validated_data["parse_only"]
        index = None if parse_only else network_index()
        features = [located_feature(locate(t, index=index, parse_only=parse_only))
                    for t in body.validated_data["texts"]]
        return Response({"type": "FeatureCollection", "features": features})


class Describe(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[DescribeQuery], summary="坐标 → 位置描述", responses={
        200: OpenApiResponse(DescribedFeature, description="GeoJSON Feature：该点及其位置描述"),
        **unprocessable("该点附近没有已载入的道路或地标（不在辖区内）：field 为 lat，errors 含 lat 和 lon")})
    def get(self, request):
        q = DescribeQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        lat, lon = q.validated_data["lat"], q.validated_data["lon"]
        try:
            point, desc = describe_point(lon, lat, with_landmark=q.validated_data["landmark"])
        except OutsideDistrictError as exc:
            return problem(422, {"lat": [str(exc)], "lon": [str(exc)]})
        return Response(described_feature(lon, lat, point, desc))


__all__ = ["Locate", "LocateMany", "Describe"]
