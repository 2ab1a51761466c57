"""Shifts and their GPS fixes over HTTP: plan, list, read, start, end, and the tablets'
batches of fixes. Views validate input, call one service or selector, and render."""
from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.models import Period, Shift, ShiftStatus
from shifts.selectors.shifts import shift_fix_counts, shift_get, shifts_visible
from shifts.services import fixes as fixes_service
from shifts.services import shifts as shifts_service

from .idempotency import IDEMPOTENCY_PARAMETER, exactly_once

DEVICE_PATTERN = r"^[!-~]{1,64}$"  # visible ASCII: a device's serial or app install id


# -- input --------------------------------------------------------------------------------
class ShiftCreateInput(serializers.Serializer):
    team = serializers.IntegerField(min_value=1, max_value=2**53)
    date = serializers.DateField(help_text="日期（2000-01-01 至 2099-12-31）")
    period = serializers.ChoiceField(choices=Period.choices)
    areas = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
                                  default=list, max_length=shifts_service.MAX_AREAS, help_text="计划巡查区域")
    segments = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
                                     default=list, max_length=shifts_service.MAX_SEGMENTS, help_text="计划巡查路段")
    members = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
                                    max_length=shifts_service.MAX_MEMBERS,
                                    help_text="成员（人员编号）；不填：班组全部在岗人员")


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that says its offset (a device time without one is ambiguous)."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip()) if len(value) <= 64 else None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("invalid", format="ISO 8601，带时区（如 2026-11-30T08:00:05+08:00）")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false, nothing else: DRF's own field also takes "yes", "on", 1 and "0",
    so a device sending the wrong thing would have its fixes cut or joined by a guess."""

    default_error_messages = {"invalid": "须为 true 或 false（JSON 布尔值），或不填",
                              "null": "须为 true 或 false（JSON 布尔值），或不填"}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class FixInput(serializers.Serializer):
    t = OffsetDateTimeField(help_text="设备定位时间，ISO 8601，带时区")
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(min_value=0, max_value=100_000, required=False, allow_null=True,
                                        help_text="水平精度（米）")
    speed_mps = serializers.FloatField(min_value=0, max_value=1000, required=False, allow_null=True,
                                       help_text="速度（米/秒）")
    heading_deg = serializers.FloatField(min_value=0, max_value=360, required=False, allow_null=True,
                                         help_text="方向（度，正北为 0）")
    starts_piece = StrictBooleanField(
        required=False, default=False,
        help_text="新轨迹段起点：平板暂停记录（或页面转入后台、停止定位）后恢复时的第一个定位点为 true，"
                  "轨迹不与此前的定位点相连，中断处不计入覆盖与巡查里程；不填为 false（与 GPX 的 trkseg、"
                  "CSV 的分段列相同）")


class FixBatchInput(serializers.Serializer):
    device_id = serializers.RegexField(DEVICE_PATTERN, max_length=64, help_text="设备编号（可见 ASCII，≤64）")
    fixes = serializers.ListField(child=FixInput(), min_length=1, max_length=fixes_service.MAX_BATCH,
                                  help_text=f"定位点，每批 1–{fixes_service.MAX_BATCH} 个，顺序不限")


# -- output -------------------------------------------------------------------------------
class ShiftMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ShiftOut(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    date = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    period_label = serializers.CharField()
    starts_at = serializers.DateTimeField(help_text="计划开始")
    ends_at = serializers.DateTimeField(help_text="计划结束")
    status = serializers.ChoiceField(choices=ShiftStatus.choices)
    status_label = serializers.CharField()
    areas = serializers.ListField(child=serializers.IntegerField())
    segments = serializers.ListField(child=serializers.IntegerField())
    members = ShiftMemberOut(many=True)
    created_by = serializers.CharField()
    started_by = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_by = serializers.CharField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    fixes_stored = serializers.IntegerField(help_text="已存储的定位点")
    fixes_flagged = serializers.IntegerField(help_text="其中被标记（精度差、速度不可能、时钟错误、重复）的")


class FixBatchOut(serializers.Serializer):
    batch = serializers.IntegerField(help_text="批次编号")
    received = serializers.IntegerField()
    stored = serializers.IntegerField(help_text="本次存储；同一批次再次上传时为 0")
    flagged = serializers.IntegerField(help_text="被标记的定位点（仍然存储，但不计入覆盖）")
    duplicate = serializers.BooleanField(help_text="该批次此前已存储")
    flags_computed = serializers.BooleanField(help_text="是否已判定定位质量")


class ShiftListQuery(serializers.Serializer):
    date = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ShiftStatus.choices, required=False)
    team = serializers.IntegerField(min_value=1, max_value=2**53, required=False)


def shift_data(s: Shift, counts: dict | None = None) -> dict:
    stored, flagged = (counts if counts is not None else shift_fix_counts([s.pk])).get(s.pk, (0, 0))
    return {"id": s.id, "team": s.team_id, "team_name": s.team.name, "date": s.date.isoformat(),
            "period": s.period, "period_label": s.get_period_display(), "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(), "status": s.status, "status_label": s.get_status_display(),
            "areas": sorted(a.pk for a in s.areas.all()), "segments": sorted(g.pk for g in s.segments.all()),
            "members": [{"id": m.pk, "name": m.name} for m in sorted(s.members.all(), key=lambda m: m.pk)],
            "created_by": s.created_by.username,
            "started_by": s.started_by.username if s.started_by else None,
            "started_at": s.started_at.isoformat() if s.started_at else None,
            "ended_by": s.ended_by.username if s.ended_by else None,
            "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            "fixes_stored": stored, "fixes_flagged": flagged}


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class ShiftList(APIView):
    @extend_schema(summary="班次列表（本人辖区，最近 200 个）", parameters=[ShiftListQuery],
                   responses={200: ShiftOut(many=True)}, operation_id="shifts_list")
    def get(self, request):
        q = _valid(ShiftListQuery, request.query_params.dict())
        shifts = list(shifts_visible(request.user, date=q.get("date"), status=q.get("status"),
                                     team_id=q.get("team"))[:200])
        counts = shift_fix_counts([s.pk for s in shifts])
        return Response([shift_data(s, counts) for s in shifts])

    @extend_schema(summary="安排班次（早班/晚班）", request=ShiftCreateInput, responses={201: ShiftOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request):
        d = _valid(ShiftCreateInput, request.data)
        s = shifts_service.shift_create(actor=request.user, team_id=d["team"], date=d["date"], period=d["period"],
                                        area_ids=d["areas"], segment_ids=d["segments"],
                                        member_ids=d.get("members"))
        return Response(shift_data(shift_get(request.user, s.pk)), status=status.HTTP_201_CREATED)


class ShiftDetail(APIView):
    @extend_schema(summary="班次详情", responses={200: ShiftOut})
    def get(self, request, pk: int):
        return Response(shift_data(shift_get(request.user, pk)))


class ShiftStart(APIView):
    @extend_schema(summary="班次开始（上岗）", request=None, responses={200: ShiftOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        shifts_service.shift_start(actor=request.user, shift_id=pk)
        return Response(shift_data(shift_get(request.user, pk)))


class ShiftEnd(APIView):
    @extend_schema(summary="班次结束（下岗）", request=None, responses={200: ShiftOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        shifts_service.shift_end(actor=request.user, shift_id=pk)
        return Response(shift_data(shift_get(request.user, pk)))


class ShiftFixes(APIView):
    @extend_schema(summary="上传一批定位点（本人所在、在岗的班次；同一批次重传不会重复存储）",
                   request=FixBatchInput, responses={201: FixBatchOut, 200: FixBatchOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        d = _valid(FixBatchInput, request.data)
        fixes = [fixes_service.FixIn(t=f["t"], lat=f["lat"], lon=f["lon"], accuracy_m=f.get("accuracy_m"),
                                     speed_mps=f.get("speed_mps"), heading_deg=f.get("heading_deg"),
                                     starts_piece=f["starts_piece"])
                 for f in d["fixes"]]
        r = fixes_service.fixes_receive(actor=request.user, shift_id=pk, device_id=d["device_id"], fixes=fixes)
        return Response({"batch": r.batch_id, "received": r.received, "stored": r.stored, "flagged": r.flagged,
                         "duplicate": r.duplicate, "flags_computed": r.flags_computed},
                        status=status.HTTP_200_OK if r.duplicate else status.HTTP_201_CREATED)


class UncoveredSegmentOut(serializers.Serializer):
    segment = serializers.IntegerField()
    road = serializers.CharField()
    highway = serializers.CharField(help_text="OSM 道路等级")
    length_m = serializers.FloatField()
    covered_share = serializers.FloatField(help_text="已覆盖的比例（不足覆盖标准）")


class HandoverOut(serializers.Serializer):
    shift = serializers.IntegerField()
    team = serializers.CharField()
    date = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    status = serializers.ChoiceField(choices=ShiftStatus.choices)
    # "from"/"to" are Python keywords: declared through the fields' source names below
    members = serializers.IntegerField()
    km_patrolled = serializers.FloatField(help_text="巡查里程（公里；合格定位点去噪后的轨迹长度，信号中断处不计）")
    planned_segments = serializers.IntegerField()
    planned_km = serializers.FloatField()
    covered_segments = serializers.IntegerField()
    covered_km = serializers.FloatField()
    covered_share = serializers.FloatField(allow_null=True, help_text="计划路段的覆盖比例；未计划路段时为空")
    problems_found = serializers.IntegerField()
    outcomes_recorded = serializers.IntegerField()
    open_problems_left = serializers.IntegerField(help_text="班组责任区域内仍未办结的问题")
    uncovered = UncoveredSegmentOut(many=True, help_text="未覆盖的计划路段，主干道与长路段在前")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField(help_text="报告起点：开始时间")
        fields["to"] = serializers.DateTimeField(help_text="报告终点：结束时间，未结束时为当前时间")
        return fields


class ShiftHandover(APIView):
    @extend_schema(summary="交接班报告：巡查里程、覆盖、发现问题、处置结果、遗留问题、未覆盖路段",
                   responses={200: HandoverOut})
    def get(self, request, pk: int):
        from shifts.selectors.handover import shift_handover

        return Response(HandoverOut(shift_handover(shift_get(request.user, pk))).data)
