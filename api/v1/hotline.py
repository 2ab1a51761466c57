"""12345 hotline complaints (接诉即办) over HTTP: the list and one complaint, the ranking the
/hotline/ page shows, and the import of an export with its validation report.

Who may: any active officer reads (as the /hotline/ pages: web/access.py `officer_page()`),
the list and detail only the complaints of their jurisdiction (hotline/selectors/complaints.py);
importing needs `import_complaints` (supervisors, district admins), as /hotline/import/ does,
and a street office's supervisor writes only orders of the offices of their jurisdiction (other
rows are errors of the report: hotline/selectors/complaints.py `importable_area_ids`).
Views validate the query or form, call one selector or the import service, and render; the
shapes below declare every answer for /api/v1/schema/ (closed: no undeclared key).
"""
from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import MultiPartParser
from core.audit import current_request_id
from core.errors import Forbidden, ServiceError
from hotline.domain.metrics import PERIOD_KINDS, RATES, Period, UnitMetrics, parse_period_key
from hotline.models import Complaint, QueuedImport, QueuedImportStatus
from hotline.selectors.complaints import ComplaintFilter, complaint_get, complaint_list
from hotline.selectors.metrics import (
    GROUP_LABELS,
    Ranking,
    default_period,
    ranking,
    unit_exists,
    units_ranked_inside_for,
)
from hotline.selectors.queued import queued_imports_visible_to, queued_status_text
from hotline.services.imports import ImportResult
from hotline.services.queued import import_or_queue, queued_result
from org.domain.permissions import ACTION_LABELS, can
from org.selectors import officer_of

from .errors import CODES, PROBLEM_JSON, TITLES, ProblemResponse
from .geojson_shapes import ClosedShape, _choices, _enum
from .idempotency import IDEMPOTENCY_PARAMETER, exactly_once
from .problems import Pages

MAX_ID = 2**31 - 1
YES_NO = [("true", "是"), ("false", "否")]  # the schema's TrueFalseEnum (settings.SPECTACULAR_SETTINGS)


# -- shapes -----------------------------------------------------------------------------------
class ComplaintOut(ClosedShape):
    id = serializers.IntegerField()
    order_no = serializers.CharField(help_text="工单编号")
    received_at = serializers.DateTimeField(help_text="受理时间")
    content = serializers.CharField(help_text="诉求内容")
    address = serializers.CharField(allow_blank=True, help_text="诉求地址（导出文件原文）")
    category = serializers.CharField(allow_blank=True, help_text="诉求类别")
    unit = serializers.CharField(help_text="承办单位（导出文件原文）")
    unit_area = serializers.IntegerField(allow_null=True, help_text="同名街道区域编号；平台无该街道边界时为 null")
    unit_agency = serializers.IntegerField(allow_null=True, help_text="同名单位（机构）编号；无则为 null")
    team = serializers.CharField(allow_blank=True, help_text="承办科室")
    handler = serializers.CharField(allow_blank=True, help_text="承办人")
    responded = serializers.BooleanField(allow_null=True, help_text="已响应；null：未参评")
    resolved = serializers.BooleanField(allow_null=True, help_text="已解决；null：未参评")
    satisfied = serializers.BooleanField(allow_null=True, help_text="满意；null：未参评")
    difficult = serializers.BooleanField(help_text="疑难件")
    location = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True,
                                     help_text="定位点 [经度, 纬度]（WGS84）；未能定位为 null")
    location_precision = serializers.CharField(allow_blank=True, help_text="定位精度（offset / intersection / "
                                                                           "landmark / road）；未定位为空")
    location_uncertainty_m = serializers.FloatField(allow_null=True, help_text="位置误差（米）")
    area = serializers.IntegerField(allow_null=True, help_text="定位点所在街道的区域编号")
    segment = serializers.IntegerField(allow_null=True, help_text="定位点所在路段编号")
    problem = serializers.IntegerField(allow_null=True, help_text="附近同类巡查问题编号（50 米、前后 7 天内）")
    batch = serializers.IntegerField(help_text="导入批次编号")
    updated_at = serializers.DateTimeField(help_text="最近一次导入改动的时间")


class ComplaintBatchOut(ClosedShape):
    id = serializers.IntegerField()
    filename = serializers.CharField(help_text="导入的文件名")
    imported_at = serializers.DateTimeField(help_text="导入时间")
    source = serializers.CharField(help_text="upload / command / demo")


class ComplaintDetailOut(ComplaintOut):
    callback = serializers.CharField(allow_blank=True, help_text="回访情况")
    imported_in = ComplaintBatchOut(help_text="最近一次写入该工单的导入批次")


class ComplaintPage(ClosedShape):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ComplaintOut(many=True)


class PeriodOut(ClosedShape):
    kind = _choices(list(PERIOD_KINDS.items()), help_text="week：ISO 周；month：自然月；year：自然年")
    key = serializers.CharField(help_text="2026-W48 / 2026-11 / 2026（可作 at 参数）")
    label = serializers.CharField(help_text="如 2026年第48周（11月23日至11月29日）")
    start = serializers.DateField(help_text="首日")
    end = serializers.DateField(help_text="末日（含）")
    partial = serializers.BooleanField(help_text="尚未结束的一期只统计到 to_date（截至今天）；去年同期同样只统计同日数")
    to_date = serializers.DateField(allow_null=True, help_text="统计截至的日期（含）；整期统计时为 null")


def _rates_shape(name: str, doc: str, help_text: str) -> type[ClosedShape]:
    fields = {k: serializers.FloatField(allow_null=True, help_text=help_text) for k in RATES}
    return type(name, (ClosedShape,), {"__doc__": doc, "__module__": __name__, **fields})


RatesOut = _rates_shape("RatesOut", "响应率、解决率、满意率（%，两位小数，四舍五入）", "%；无参评工单为 null")
RateChangesOut = _rates_shape("RateChangesOut", "三率同比变化（百分点：两个印出的比率之差）",
                              "百分点；本期或去年同期无参评工单为 null")


class RankingMetricsOut(ClosedShape):
    name = serializers.CharField(help_text="承办单位（或科室、承办人）；全部时为“全部”或所指定的承办单位")
    volume = serializers.IntegerField(min_value=0, help_text="诉求量")
    volume_change = serializers.IntegerField(help_text="诉求量同比增减（件）")
    volume_change_percent = serializers.FloatField(allow_null=True, help_text="同比增减占去年同期的百分比；去年同期为 0 时为 null")
    rates = RatesOut()
    changes = RateChangesOut()
    score = serializers.FloatField(allow_null=True, help_text="综合得分（三率加权平均）；无参评工单为 null")
    score_change = serializers.FloatField(allow_null=True, help_text="综合得分同比变化（分）")
    difficult = serializers.IntegerField(min_value=0, help_text="疑难件数")


class RankingRowOut(RankingMetricsOut):
    rank = serializers.IntegerField(min_value=1, allow_null=True, help_text="名次（同分同名次）；无得分不排名为 null")
    flagged = serializers.BooleanField(help_text="列为重点治理")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="列为重点治理的原因")


class WeightsOut(ClosedShape):
    response = serializers.FloatField(help_text="响应率权重")
    resolution = serializers.FloatField(help_text="解决率权重")
    satisfaction = serializers.FloatField(help_text="满意率权重")


class RankingOut(ClosedShape):
    """接诉即办排名：与 /hotline/ranking/ 页面相同的数据。"""

    period = PeriodOut()
    last_year = PeriodOut(help_text="去年同期")
    group = _enum(*GROUP_LABELS, help_text="unit：承办单位；team：承办科室；handler：承办人")
    group_label = serializers.CharField()
    unit = serializers.CharField(allow_null=True, help_text="按科室、承办人排名时所在的承办单位")
    rows = RankingRowOut(many=True, help_text="按综合得分从高到低；无得分的排在最后")
    total = RankingMetricsOut(help_text="合计")
    previous_volume = serializers.IntegerField(min_value=0, help_text="上一周期（环比）的诉求量；本期尚未结束时为上一周期同日数的诉求量")
    note = serializers.CharField(allow_null=True, help_text="本期尚未结束时的说明，如“本周截至12月2日（周三），同比按去年同期同日数"
                                                            "（2025年12月1日至12月3日），环比按上周同日数。”；整期为 null")
    weights = WeightsOut()
    flag_bottom = serializers.IntegerField(min_value=0, help_text="排名后几位列为重点治理（至多一半）")
    flag_below = serializers.FloatField(allow_null=True, help_text="低于该得分列为重点治理")


class ImportRowErrorOut(ClosedShape):
    row = serializers.IntegerField(help_text="行号（与 Excel 一致）")
    column = serializers.CharField(allow_blank=True, help_text="列名（文件中的写法）；整行的问题为空")
    message = serializers.CharField(help_text="问题")
    value = serializers.CharField(allow_blank=True, help_text="单元格的值")
    text = serializers.CharField(help_text="完整说明，如：第3行，“受理时间”列：不是有效的日期时间（值：“2026-02-30”）")


class ImportReportOut(ClosedShape):
    """导入结果或校验报告。"""

    ok = serializers.BooleanField(help_text="已导入（试运行：可以导入）")
    filename = serializers.CharField(allow_blank=True)
    headline = serializers.CharField(help_text="一句话结论，与导入页面相同")
    fatal = serializers.CharField(allow_null=True, help_text="整个文件被拒绝的原因（非表格、表头不对、过大……）")
    dry_run = serializers.BooleanField(help_text="只校验，未写入")
    partial = serializers.BooleanField(help_text="跳过错误行导入")
    total = serializers.IntegerField(min_value=0, help_text="数据行数")
    created = serializers.IntegerField(min_value=0, help_text="新增工单")
    updated = serializers.IntegerField(min_value=0, help_text="有改动而更新的工单")
    unchanged = serializers.IntegerField(min_value=0, help_text="未变的工单")
    skipped = serializers.IntegerField(min_value=0, help_text="校验出错的行数（部分导入时即跳过的行）")
    bad_rows = serializers.IntegerField(min_value=0, help_text="有错误的行数")
    located = serializers.IntegerField(min_value=0, allow_null=True, help_text="本次定位成功的工单；未写入时为 null")
    attempted_location = serializers.IntegerField(min_value=0, help_text="本次尝试定位的工单（新增或地址改动的）")
    batch = serializers.IntegerField(allow_null=True, help_text="导入批次编号；未写入时为 null")
    errors = ImportRowErrorOut(many=True, help_text="每个有问题的单元格")
    warnings = serializers.ListField(child=serializers.CharField())


class ImportRejectedOut(ClosedShape):
    """文件未被导入（application/problem+json，另附完整的校验报告）。"""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="unprocessable")
    detail = serializers.CharField(help_text="一句话结论")
    field = serializers.CharField(allow_null=True, help_text="file")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="{\"file\": [每个问题的完整说明]}")
    request_id = serializers.CharField(allow_null=True)
    report = ImportReportOut()


class ImportAcceptedOut(ClosedShape):
    """文件较大，已排队由后台任务导入：用 url 查询进度和结果。"""

    id = serializers.IntegerField(help_text="排队导入编号")
    status = _choices(QueuedImportStatus.choices, help_text="queued：排队中；running：导入中；retry：上次运行失败，等待自动重试；done：已完成；"
                                                                "failed：失败（已不再自动重试）")
    url = serializers.URLField(help_text="查询进度和结果：GET /api/v1/complaints/imports/{id}")


class QueuedImportOut(ImportAcceptedOut):
    """后台导入的进度；完成后附与同步导入相同的结果或校验报告。"""

    filename = serializers.CharField(help_text="上传的文件名")
    rows = serializers.IntegerField(min_value=0, help_text="上传时读出的数据行数")
    dry_run = serializers.BooleanField(help_text="只校验，不写入")
    partial = serializers.BooleanField(help_text="跳过错误行导入")
    uploaded_by = serializers.CharField(allow_null=True, help_text="上传人的用户名")
    created_at = serializers.DateTimeField(help_text="上传时间")
    started_at = serializers.DateTimeField(allow_null=True, help_text="开始导入的时间")
    finished_at = serializers.DateTimeField(allow_null=True, help_text="结束的时间")
    status_text = serializers.CharField(help_text="状态的一句中文说明，与状态页相同（如“等待重试：第 1 次运行失败，将于 14:05:12 自动重试（最多运行 5 次）…”）")
    attempts = serializers.IntegerField(min_value=0, help_text="后台任务本次排队以来已运行的次数")
    max_attempts = serializers.IntegerField(min_value=1, help_text="后台任务最多运行的次数（JOBS_MAX_ATTEMPTS）")
    retry_at = serializers.DateTimeField(allow_null=True, help_text="等待重试（retry）时再次运行的时间；null：尽快或不在等待重试")
    message = serializers.CharField(allow_null=True, help_text="失败（failed）时的原因，等待重试（retry）时上次的错误；此时未导入任何数据")
    report = ImportReportOut(allow_null=True, help_text="完成（done）后的结果或校验报告，与同步导入的应答相同；"
                                                        "report.ok 为 false 时未导入任何数据。未完成为 null")


# -- output ---------------------------------------------------------------------------------------
def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def complaint_data(c: Complaint, *, detail: bool = False) -> dict:
    point = getattr(c, "wgs84", None)
    data = {
        "id": c.id, "order_no": c.order_no, "received_at": c.received_at.isoformat(), "content": c.content,
        "address": c.address, "category": c.category, "unit": c.unit_name, "unit_area": c.unit_area_id,
        "unit_agency": c.unit_agency_id, "team": c.team_name, "handler": c.handler_name,
        "responded": c.responded, "resolved": c.resolved, "satisfied": c.satisfied, "difficult": c.difficult,
        "location": [round(point.x, 7), round(point.y, 7)] if point is not None else None,
        "location_precision": c.location_precision, "location_uncertainty_m": c.location_uncertainty_m,
        "area": c.area_id, "segment": c.segment_id, "problem": c.problem_id, "batch": c.batch_id,
        "updated_at": c.updated_at.isoformat(),
    }
    if detail:
        b = c.batch
        data["callback"] = c.callback
        data["imported_in"] = {"id": b.id, "filename": b.filename, "imported_at": b.imported_at.isoformat(),
                               "source": b.source}
    return data


def _period(p: Period) -> dict:
    return {"kind": p.kind, "key": p.key, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
            "partial": p.partial, "to_date": p.to_date.isoformat() if p.to_date else None}


def _metrics(m: UnitMetrics) -> dict:
    return {"name": m.name, "volume": m.volume, "volume_change": m.volume_change.count,
            "volume_change_percent": _number(m.volume_change.percent),
            "rates": {k: _number(m.rates.get(k)) for k in RATES},
            "changes": {k: _number(m.changes.get(k)) for k in RATES},
            "score": _number(m.score), "score_change": _number(m.score_change), "difficult": m.difficult}


def ranking_data(r: Ranking) -> dict:
    return {
        "period": _period(r.period), "last_year": _period(r.last_year), "group": r.group,
        "group_label": GROUP_LABELS[r.group], "unit": r.unit,
        "rows": [{**_metrics(row.metrics), "rank": row.rank, "flagged": row.flagged, "reasons": list(row.reasons)}
                 for row in r.rows],
        "total": _metrics(r.total), "previous_volume": r.previous_volume,
        "weights": {k: float(r.weights.get(k, 0)) for k in RATES},
        "flag_bottom": r.flag_bottom, "flag_below": _number(r.flag_below), "note": r.note,
    }


def import_data(result: ImportResult) -> dict:
    return {
        "ok": result.ok, "filename": result.filename, "headline": result.headline, "fatal": result.fatal or None,
        "dry_run": result.dry_run, "partial": result.partial, "total": result.total, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged, "skipped": result.skipped,
        "bad_rows": result.bad_rows, "located": result.located, "attempted_location": result.attempted_location,
        "batch": result.batch_id,
        "errors": [{"row": e.row, "column": e.column, "message": e.message, "value": e.value, "text": e.text}
                   for e in result.errors],
        "warnings": list(result.warnings),
    }


def queued_data(q: QueuedImport, request) -> dict:
    result = queued_result(q) if q.status == QueuedImportStatus.DONE else None
    return {
        "id": q.pk, "status": q.status, "url": request.build_absolute_uri(reverse("complaints-import-status",
                                                                                  args=[q.pk])),
        "filename": q.filename, "rows": q.rows, "dry_run": q.dry_run, "partial": q.partial,
        "uploaded_by": q.created_by.username if q.created_by else None, "created_at": q.created_at.isoformat(),
        "started_at": q.started_at.isoformat() if q.started_at else None,
        "finished_at": q.finished_at.isoformat() if q.finished_at else None,
        "status_text": queued_status_text(q), "attempts": q.attempts, "max_attempts": settings.JOBS_MAX_ATTEMPTS,
        "retry_at": q.retry_at.isoformat() if q.retry_at and q.status == QueuedImportStatus.RETRY else None,
        "message": q.message or None if q.status in (QueuedImportStatus.FAILED, QueuedImportStatus.RETRY) else None,
        "report": import_data(result) if result is not None else None,
    }


def _may_import(request) -> None:
    officer = officer_of(request.user)
    if not can(officer.role, "import_complaints"):
        raise Forbidden(f"您的角色无权{ACTION_LABELS['import_complaints']}")


def _rejected(result: ImportResult) -> Response:
    """A refused file: problem+json (as every /api/v1/ error) carrying the whole report."""
    messages = [result.fatal] if result.fatal else [e.text for e in result.errors]
    body = {"type": "about:blank", "title": TITLES[422], "status": 422, "code": CODES[422],
            "detail": result.headline, "field": result.fatal_field,
            "errors": {result.fatal_field: messages or [result.headline]},
            "request_id": current_request_id() or None, "report": import_data(result)}
    return ProblemResponse(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY, content_type=PROBLEM_JSON)


# -- input ----------------------------------------------------------------------------------------
class ComplaintListQuery(serializers.Serializer):
    received_from = serializers.DateField(required=False, help_text="受理日期起（含），YYYY-MM-DD",
                                          error_messages={"invalid": "日期格式应为 YYYY-MM-DD，如 2026-11-23"})
    received_to = serializers.DateField(required=False, help_text="受理日期止（含），YYYY-MM-DD；早于起始日期时结果为空",
                                        error_messages={"invalid": "日期格式应为 YYYY-MM-DD，如 2026-11-29"})
    unit = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="承办单位：排名中的单位名称（含导出文件对该单位的其他写法），"
                                           "或导出文件的原文写法，如 学院路街道")
    category = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     help_text="诉求类别包含的文字，如 积存垃圾")
    located = serializers.ChoiceField(choices=[("true", "已定位"), ("false", "未定位")], required=False,
                                      help_text="true：只要已定位的；false：只要未定位的",
                                      error_messages={"invalid_choice": "located 应为 true 或 false"})
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="诉求内容或地址中的文字")
    area = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                    help_text="区域编号：定位在该区域内、或由该区域的街道或其下属单位承办的诉求"
                                              "（区：另含平台无边界的街道承办的诉求，与不加筛选时的可见范围相同）；"
                                              "不存在或不在辖区内为 422")
    page = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="页码")
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, help_text="每页条数（≤500）")


PERIOD_KEY = r"^[0-9]{4}(-[0-9]{2}|-[Ww][0-9]{2})?$"  # the schema's pattern: ASCII digits only


def _whole_period_key(value: str) -> None:
    # Python's "$" also matches before a final newline, the schema's does not.
    if not re.fullmatch(PERIOD_KEY[1:-1], value):
        raise serializers.ValidationError("at 应写成 2026-W48、2026-11 或 2026")


class RankingQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIOD_KINDS.items()), default="week",
                                     help_text="统计周期：week（周）、month（月）、year（年）")
    at = serializers.RegexField(PERIOD_KEY, required=False, max_length=8, trim_whitespace=False,
                                validators=[_whole_period_key],
                                help_text="哪一期：2026-W48（周）、2026-11（月）、2026（年）；缺省为最近一个已结束的一期"
                                          "（最新诉求所在的一期已结束时为该期，否则为其前一期）；尚未结束的一期"
                                          "统计到今天，同比、环比按同日数（见 period.partial、note）。"
                                          "与 period 不符、或年份不在 2000—2100 之间为 422",
                                error_messages={"invalid": "at 应写成 2026-W48、2026-11 或 2026"})
    group = serializers.ChoiceField(choices=list(GROUP_LABELS.items()), default="unit",
                                    help_text="排名对象：unit（承办单位）、team（承办科室）、handler（承办人）")
    unit = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="承办单位：按科室或承办人排名时必填（缺少为 422），按承办单位排名时忽略")


class ImportInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="12345 导出文件（.xlsx，或 UTF-8 / GBK 编码的 .csv）",
                                 error_messages={"required": "请选择要导入的文件", "invalid": "没有收到文件"})
    mapping = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="",
                                    help_text="列映射（文件列名与常用列名不同时），如：工单编号=编号,受理时间=来电时间")
    partial = serializers.ChoiceField(choices=YES_NO, required=False, default="false",
                                      help_text="true：跳过错误行导入，其余行照常导入，错误行列在报告中")
    dry_run = serializers.ChoiceField(choices=YES_NO, required=False, default="false",
                                      help_text="true：只校验、统计，不写入")


def _query(serializer_class, params) -> dict:
    q = serializer_class(data=params.dict())  # a plain dict: an absent key is no value, not False
    q.is_valid(raise_exception=True)
    return q.validated_data


# -- views ----------------------------------------------------------------------------------------
class ComplaintList(APIView):
    @extend_schema(summary="12345 诉求列表（本人辖区，受理时间新者在前，分页）", parameters=[ComplaintListQuery],
                   responses={200: ComplaintPage}, operation_id="complaints_list")
    def get(self, request):
        q = _query(ComplaintListQuery, request.query_params)
        f = ComplaintFilter(received_from=q.get("received_from"), received_to=q.get("received_to"),
                            unit=q.get("unit", ""), category=q.get("category", ""), located={"true": True, "false": False}.get(q.get("located", "")),
                            q=q.get("q", ""), area=q.get("area"))
        pager = Pages()
        page = pager.paginate_queryset(complaint_list(request.user, f), request, view=self)
        return pager.get_paginated_response([complaint_data(c) for c in page])


class ComplaintDetail(APIView):
    @extend_schema(summary="12345 诉求详情", responses={200: ComplaintDetailOut}, operation_id="complaints_retrieve")
    def get(self, request, pk: int):
        try:
            c = complaint_get(request.user, pk)
        except Complaint.DoesNotExist:
            raise Http404 from None
        return Response(complaint_data(c, detail=True))


class HotlineRanking(APIView):
    @extend_schema(summary="接诉即办排名（诉求量及同比、三率及变化、综合得分、名次、重点治理）",
                   parameters=[RankingQuery], responses={200: RankingOut}, operation_id="hotline_ranking")
    def get(self, request):
        officer = officer_of(request.user)  # as the page: any active officer (403 without a profile)
        q = _query(RankingQuery, request.query_params)
        kind, key, group = q["period"], q.get("at", "").strip(), q["group"]
        unit = q.get("unit", "").strip() or None
        try:
            period = parse_period_key(kind, key) if key else default_period(kind)
        except ValueError as exc:  # well formed, but no such period
            raise ServiceError(str(exc), field="at") from None
        if group != "unit" and unit is None:
            raise ServiceError("按科室或承办人排名时需要指定承办单位（unit=…）", field="unit")
        if group != "unit" and not unit_exists(unit):  # as the page: a misspelt office, not a quiet period
            raise ServiceError(f"没有承办单位“{unit}”的诉求，请从单位排名中选择", field="unit")
        if group != "unit" and (inside := units_ranked_inside_for(officer)) is not None and unit not in inside:
            raise Forbidden("只能查看本单位的科室和承办人排名")  # as the page (hotline.selectors.metrics)
        return Response(ranking_data(ranking(period, group=group, unit=unit if group != "unit" else None)))


class ComplaintImport(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="导入 12345 导出文件（全部校验通过才写入；可只校验或跳过错误行；大文件在后台导入）", request=ImportInput,
        responses={201: OpenApiResponse(ImportReportOut, description="已导入，有新增工单"),
                   200: OpenApiResponse(ImportReportOut, description="试运行，或没有新增工单（只有更新或未变）"),
                   202: OpenApiResponse(ImportAcceptedOut, description="文件超过 HOTLINE_INLINE_MAX_ROWS 行，已排队由后台"
                                                                       "任务导入：GET url 查询进度，完成后得到同样的结果"),
                   (422, PROBLEM_JSON): OpenApiResponse(ImportRejectedOut,
                                                        description="文件被拒绝，未写入任何数据：report 为校验报告")},
        parameters=[IDEMPOTENCY_PARAMETER], operation_id="complaints_import")
    @exactly_once()
    def post(self, request):
        _may_import(request)
        d = _query_body(request.data)
        upload = d["file"]
        data = upload.read(settings.HOTLINE_MAX_UPLOAD_MB * 1024 * 1024 + 1)  # the service refuses more
        result = import_or_queue(data=data, filename=upload.name or "upload", actor=request.user,
                                 mapping=d["mapping"] or None, partial=d["partial"] == "true",
                                 dry_run=d["dry_run"] == "true")
        if isinstance(result, QueuedImport):
            q = result
            return Response({"id": q.pk, "status": q.status,
                             "url": request.build_absolute_uri(reverse("complaints-import-status", args=[q.pk]))},
                            status=status.HTTP_202_ACCEPTED)
        if not result.ok:
            return _rejected(result)
        written = result.batch_id is not None and result.created > 0
        return Response(import_data(result), status=status.HTTP_201_CREATED if written else status.HTTP_200_OK)


class ComplaintImportStatus(APIView):
    @extend_schema(summary="后台导入的进度和结果（排队中、导入中、等待重试附上次的错误、已完成附结果或校验报告、失败附原因）",
                   responses={200: QueuedImportOut}, operation_id="complaints_import_status")
    def get(self, request, pk: int):
        _may_import(request)
        q = (queued_imports_visible_to(officer_of(request.user)).select_related("created_by").defer("data")
             .filter(pk=pk).first())
        if q is None:
            raise Http404
        return Response(queued_data(q, request))


def _query_body(data) -> dict:
    s = ImportInput(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data
