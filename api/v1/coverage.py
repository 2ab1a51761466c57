"""A shift's coverage over HTTP: the covered intervals as GeoJSON lines (WGS84) with a
summary of the planned segments (shifts/selectors/coverage.py builds it; the shapes below
declare it for the contract, closed like the other GeoJSON shapes); and coverage over a day
or a week, a team, an area: totals, groups and the ranked uncovered segments
(shifts/selectors/aggregates.py)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound, ServiceError
from shifts.selectors.aggregates import FIRST_DAY, LAST_DAY, CoverageChoice, coverage_report, default_day
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


# -- coverage over a day, a week, a team, an area (shifts.selectors.aggregates) -----------------
MAX_ID = 2**31 - 1


class CoverageReportQuery(serializers.Serializer):
    day = serializers.DateField(required=False, help_text=f"日期（含该日，或该日所在 ISO 周）；缺省为最近一个有班次的日期；"
                                                          f"{FIRST_DAY} 至 {LAST_DAY} 之外为 422")
    scope = serializers.ChoiceField(choices=[("day", "当天"), ("week", "所在周")], default="day",
                                    help_text="day：当天；week：所在 ISO 周（周一至周日）")
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="班组编号")
    area = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    help_text="区域编号（街道或网格）；不存在或不在辖区内为 422")
    shift = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                     help_text="单个班次编号（给出时忽略日期与班组）；不存在或不可见为 422")


class CoverageTotalsOut(ClosedShape):
    segments_planned = serializers.IntegerField(min_value=0, help_text="计划路段数")
    segments_covered = serializers.IntegerField(min_value=0, help_text="已覆盖（多次巡查取并集后 ≥80%）的计划路段数")
    planned_km = serializers.FloatField(min_value=0, help_text="计划路段总长（千米）")
    covered_km = serializers.FloatField(min_value=0, help_text="计划路段中已覆盖的长度（千米）")
    covered_share = serializers.FloatField(min_value=0, max_value=1, allow_null=True,
                                           help_text="计划长度覆盖率；没有计划路段时为 null")
    km_patrolled = serializers.FloatField(min_value=0, allow_null=True, help_text="巡查里程（千米）；按网格汇总时为 null")
    shifts = serializers.IntegerField(min_value=0, allow_null=True, help_text="班次数；按网格汇总、单个班次行时为 null")


class CoverageGroupOut(CoverageTotalsOut):
    key = serializers.CharField(help_text="班组名、日期（YYYY-MM-DD）、ISO 周（2026年第42周）或网格名")
    area = serializers.IntegerField(required=False, help_text="网格编号（仅按网格汇总）")


class CoverageShiftOut(CoverageTotalsOut):
    id = serializers.IntegerField()
    date = serializers.DateField()
    period = serializers.CharField(help_text="早班/晚班")
    team = serializers.CharField()
    status = serializers.CharField(help_text="在岗/已结束")
    members = serializers.IntegerField(min_value=0)


class CoverageSegmentOut(ClosedShape):
    segment = serializers.IntegerField()
    road = serializers.CharField()
    highway = serializers.CharField(help_text="OSM 道路等级")
    length_m = serializers.FloatField(min_value=0)
    covered_m = serializers.FloatField(min_value=0, help_text="所选班次覆盖长度（并集，米）")
    share = serializers.FloatField(min_value=0, max_value=1)
    covered = serializers.BooleanField()
    last_covered_at = serializers.DateTimeField(allow_null=True, help_text="最近一次巡查走过该路段一半以上的时间")
    hours_since = serializers.FloatField(allow_null=True, help_text="距上次巡查（小时，至所选范围的终点）；从未为 null")
    open_problems = serializers.IntegerField(min_value=0, help_text="路段上或 30 米内的未结问题")
    complaints = serializers.IntegerField(min_value=0, help_text="近 30 天该路段的 12345 诉求（无热线模块时为 0）")
    last_pass_in_choice = serializers.DateTimeField(allow_null=True, help_text="所选班次中最后经过的时间")


class CoverageReportOut(ClosedShape):
    """所选班次（一天或一周、班组、区域，或单个班次）的覆盖汇总与未覆盖路段排序。"""

    date_from = serializers.DateField()
    date_to = serializers.DateField()
    scope = serializers.CharField()
    totals = CoverageTotalsOut()
    shifts = CoverageShiftOut(many=True)
    by_team = CoverageGroupOut(many=True)
    by_day = CoverageGroupOut(many=True)
    by_week = CoverageGroupOut(many=True)
    by_area = CoverageGroupOut(many=True)
    uncovered = CoverageSegmentOut(many=True, help_text="未覆盖的计划路段：道路等级高者在前，再按附近未结问题与诉求、"
                                                        "距上次巡查时长")
    complaints_counted = serializers.BooleanField(help_text="是否计入了 12345 诉求（热线模块已安装）")


class CoverageReport(APIView):
    @extend_schema(summary="巡查覆盖汇总：按班组、日、周、网格，未覆盖路段排序", parameters=[CoverageReportQuery],
                   responses={200: CoverageReportOut}, operation_id="coverage_report")
    def get(self, request):
        q = CoverageReportQuery(data=request.query_params.dict())  # a plain dict: "" is no value to default
        q.is_valid(raise_exception=True)
        v = q.validated_data
        choice = CoverageChoice(day=v.get("day") or default_day(request.user), scope=v["scope"],
                                team_id=v.get("team"), area_id=v.get("area"), shift_id=v.get("shift"))
        try:
            report = coverage_report(request.user, choice)
        except NotFound as exc:  # an id in the query, not the path: the request cannot be carried out
            raise ServiceError(exc.message, field=exc.field) from None
        lo, hi = choice.dates
        return Response(CoverageReportOut({
            "date_from": lo, "date_to": hi, "scope": choice.scope, "totals": report.totals, "shifts": report.shifts,
            "by_team": report.by_team, "by_day": report.by_day, "by_week": report.by_week,
            "by_area": report.by_area, "uncovered": report.uncovered,
            "complaints_counted": report.complaints_source}).data)
