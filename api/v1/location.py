"""The location language over HTTP: text → point (locate), point → text (describe).

Both answer with the GeoJSON Feature that `manage.py locate/describe --json` prints.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
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

MAX_TEXT = 500
MAX_BATCH = 5000


class LocateQuery(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True,
                              help_text="位置描述，如“学院路与清华东路交叉路口向南50米，学院路西侧”")
    parse_only = serializers.BooleanField(required=False, default=False)


class LocateBatch(serializers.Serializer):
    texts = serializers.ListField(child=serializers.CharField(max_length=MAX_TEXT, allow_blank=True),
                                  max_length=MAX_BATCH, allow_empty=False)
    parse_only = serializers.BooleanField(required=False, default=False)


class DescribeQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="纬度 (WGS84)")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="经度 (WGS84)")
    landmark = serializers.BooleanField(required=False, default=True, help_text="附加最近的地标")


class Locate(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LocateQuery], responses={200: OpenApiTypes.OBJECT}, summary="位置描述 → 坐标")
    def get(self, request):
        q = LocateQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        located = locate(q.validated_data["q"], parse_only=q.validated_data["parse_only"])
        return Response(located_feature(located))


class LocateMany(APIView):
    # One call may geocode thousands of texts: for signed-in users (systems use a token).

    @extend_schema(request=LocateBatch, responses={200: OpenApiTypes.OBJECT},
                   summary="批量定位：texts 列表 → FeatureCollection（顺序与输入相同）")
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

    @extend_schema(parameters=[DescribeQuery], responses={200: OpenApiTypes.OBJECT}, summary="坐标 → 位置描述")
    def get(self, request):
        q = DescribeQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        lat, lon = q.validated_data["lat"], q.validated_data["lon"]
        try:
            point, desc = describe_point(lon, lat, with_landmark=q.validated_data["landmark"])
        except OutsideDistrictError as exc:
            return problem(400, {"lat": [str(exc)], "lon": [str(exc)]})
        return Response(described_feature(lon, lat, point, desc))


__all__ = ["Locate", "LocateMany", "Describe", "OpenApiParameter"]
