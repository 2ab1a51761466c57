"""Read-only GeoJSON layers of the ground (roads, intersections, areas), WGS84.

`?bbox=west,south,east,north` (WGS84 degrees) limits a layer; `?kind=` filters areas.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import AnonymousThrottle
from geodata.models import AreaKind
from geodata.selectors.layers import areas_geojson, intersections_geojson, roads_geojson

BBOX_PARAM = OpenApiParameter("bbox", OpenApiTypes.STR, description="west,south,east,north（WGS84 经纬度）")


class BBoxField(serializers.CharField):
    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            west, south, east, north = (float(v) for v in text.split(","))
        except ValueError as exc:
            raise serializers.ValidationError("bbox 需要 4 个数字：west,south,east,north") from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError("bbox 超出经纬度范围，或 west≥east / south≥north")
        return (west, south, east, north)


class LayerQuery(serializers.Serializer):
    bbox = BBoxField(required=False)
    kind = serializers.MultipleChoiceField(choices=AreaKind.choices, required=False)


def _query(request) -> dict:
    data = {k: v for k, v in request.query_params.items() if k == "bbox"}
    if "kind" in request.query_params:
        data["kind"] = request.query_params.getlist("kind")
    q = LayerQuery(data=data)
    q.is_valid(raise_exception=True)
    return q.validated_data


class RoadsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[BBOX_PARAM], responses={200: OpenApiTypes.OBJECT}, summary="道路 (GeoJSON)")
    def get(self, request):
        return Response(roads_geojson(bbox=_query(request).get("bbox")))


class IntersectionsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[BBOX_PARAM], responses={200: OpenApiTypes.OBJECT}, summary="路口 (GeoJSON)")
    def get(self, request):
        return Response(intersections_geojson(bbox=_query(request).get("bbox")))


class AreasLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[BBOX_PARAM, OpenApiParameter("kind", OpenApiTypes.STR, many=True,
                                                            enum=AreaKind.values)],
                   responses={200: OpenApiTypes.OBJECT}, summary="行政区划 (GeoJSON)")
    def get(self, request):
        q = _query(request)
        return Response(areas_geojson(bbox=q.get("bbox"), kinds=sorted(q.get("kind", [])) or None))
