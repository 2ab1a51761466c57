"""A shift's coverage over HTTP: the covered intervals as GeoJSON lines (WGS84) with a
summary of the planned segments (shifts/selectors/coverage.py builds it; the shapes below
declare it for the contract, closed like the other GeoJSON shapes)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors.coverage import shift_coverage_geojson
from shifts.selectors.shifts import shift_get

from .geojson_shapes import ClosedShape, _const, _position


class CoverageLineGeometry(ClosedShape):
    type = _const("LineString")
    coordinates = serializers.ListField(child=_position(), min_length=2)


class CoverageProperties(ClosedShape):
    segment = serializers.IntegerField(help_text="路段编号")
    road = serializers.CharField(help_text="道路名称")
    start_m = serializers.FloatField(min_value=0, help_text="区间起点，距路段起点（米）")
    end_m = serializers.FloatField(min_value=0, help_text="区间终点（米）")
    segment_share = serializers.FloatField(min_value=0, max_value=1, help_text="该路段已覆盖的比例")
    passes = serializers.IntegerField(min_value=1, help_text="经过遍数")
    first_at = serializers.DateTimeField(help_text="首次经过")
    last_at = serializers.DateTimeField(help_text="最近经过")


class CoverageFeature(ClosedShape):
    type = _const("Feature")
    geometry = CoverageLineGeometry()
    properties = CoverageProperties()


class CoverageSummaryOut(ClosedShape):
    segments_planned = serializers.IntegerField(min_value=0, help_text="计划路段数")
    planned_m = serializers.FloatField(min_value=0, help_text="计划路段总长（米）")
    segments_covered = serializers.IntegerField(min_value=0, help_text="计划路段中已覆盖（≥80%）的")
    covered_share = serializers.FloatField(min_value=0, max_value=1, allow_null=True,
                                           help_text="计划路段长度的覆盖比例；没有计划路段时为 null")
    segments_touched = serializers.IntegerField(min_value=0, help_text="有覆盖区间的路段（含计划外）")
    covered_m = serializers.FloatField(min_value=0, help_text="覆盖总长（米，含计划外）")


class ShiftCoverageCollection(ClosedShape):
    """班次的覆盖区间（线，WGS84），带计划路段的覆盖汇总。"""

    type = _const("FeatureCollection")
    features = CoverageFeature(many=True)
    summary = CoverageSummaryOut()


class ShiftCoverage(APIView):
    @extend_schema(summary="班次路段覆盖（GeoJSON：已覆盖区间，及计划路段覆盖汇总）",
                   responses={200: ShiftCoverageCollection}, operation_id="shifts_coverage")
    def get(self, request, pk: int):
        return Response(shift_coverage_geojson(shift_get(request.user, pk)))
