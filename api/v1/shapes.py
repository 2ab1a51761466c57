"""What the problems API answers, declared: one output serializer per answer shape.

The views build their answers as plain dicts (api/v1/problems.py, inspections.py); these
serializers name every key and its type for the OpenAPI schema, so that a client generated
from /api/v1/schema/ reads the answers right. The contract test (tests/api/test_contract.py,
schemathesis against a live server) fails when an answer and its shape disagree.
"""
from __future__ import annotations

from rest_framework import serializers

from core.domain.verbs import VERB_CHOICES
from patrol.domain.workflow import STATUS_CHOICES
from patrol.models.problems import PhotoKind, Source


class EventOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True, help_text="用户名；空：系统")
    verb = serializers.ChoiceField(choices=VERB_CHOICES)
    verb_label = serializers.CharField()
    subject_type = serializers.CharField(help_text="如 patrol.problem、patrol.outcome")
    subject_id = serializers.CharField()
    before = serializers.DictField()
    after = serializers.DictField()
    reason = serializers.CharField(allow_blank=True)


class PhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.URLField()
    thumbnail = serializers.URLField()


class EvidencePhotoRef(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    thumbnail = serializers.URLField()


class EvidencePhotoOut(EvidencePhotoRef):
    outcome = serializers.IntegerField()


class _OutcomeBase(serializers.Serializer):
    id = serializers.IntegerField()
    problem = serializers.IntegerField(allow_null=True)
    inspection = serializers.IntegerField(allow_null=True)
    kinds = serializers.ListField(child=serializers.CharField())
    target_kind = serializers.CharField()
    count = serializers.IntegerField()
    fine_amount = serializers.CharField(allow_null=True, help_text="罚款金额（元），十进制字符串")
    points = serializers.IntegerField(allow_null=True)
    seized_items = serializers.CharField(allow_blank=True)
    case_number = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    corrects = serializers.IntegerField(allow_null=True, help_text="被更正的记录")
    recorded_by = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class OutcomeOut(_OutcomeBase):
    photos = serializers.ListField(child=serializers.IntegerField(), help_text="证据照片编号")


class OutcomeDetailOut(_OutcomeBase):
    photos = EvidencePhotoRef(many=True)


class ProblemOut(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField(allow_null=True)
    category = serializers.CharField(help_text="类别代码")
    category_name = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    location_text = serializers.CharField()
    location_uncertainty_m = serializers.FloatField(allow_null=True)
    subdistrict = serializers.CharField()
    community = serializers.CharField(allow_null=True)
    grid = serializers.CharField(allow_null=True)
    segment = serializers.IntegerField(allow_null=True)
    measure_m = serializers.FloatField(allow_null=True)
    side = serializers.CharField(allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices)
    description = serializers.CharField(allow_blank=True)
    reporter = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    affected_households = serializers.IntegerField(allow_null=True)
    duplicate_of = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProblemDetailOut(ProblemOut):
    allowed_transitions = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_CHOICES),
                                                help_text="当前用户可执行的状态变更")
    events = EventOut(many=True)
    outcomes = OutcomeDetailOut(many=True)
    photos = PhotoOut(many=True)
    duplicate_candidates = serializers.ListField(child=serializers.IntegerField(),
                                                 help_text="30 米内同类未办结问题")


class ProblemPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProblemOut(many=True)


class EscalationOut(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField()
    deadline = serializers.DateTimeField()


class EscalationAnswerOut(serializers.Serializer):
    id = serializers.IntegerField()
    response = serializers.CharField()
    responded_at = serializers.DateTimeField()
    late = serializers.BooleanField()


class ReinspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    problem = serializers.IntegerField()
    team = serializers.CharField()
    due_date = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    location_text = serializers.CharField()


class CategoryOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    big_class = serializers.CharField()
    agency = serializers.CharField()
    deadline_hours = serializers.IntegerField()
    source = serializers.CharField()
    version = serializers.CharField()


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    title = serializers.CharField()
    area = serializers.CharField()
    route_text = serializers.CharField(allow_blank=True)
    lead_agency = serializers.CharField()
    agencies = serializers.ListField(child=serializers.CharField())
    focus = serializers.CharField(allow_blank=True)


class InspectionDetailOut(InspectionOut):
    summary = serializers.CharField(help_text="自动生成的通报段落")
    outcomes = OutcomeOut(many=True)
    problems = serializers.ListField(child=serializers.IntegerField())


class ProblemDetails(serializers.Serializer):
    """An error (RFC 9457), as every /api/v1/ endpoint answers one (api/v1/errors.py)."""
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="invalid / unprocessable / not_authenticated / forbidden / not_found / "
                                           "conflict / throttled …")
    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True, help_text="出错的字段；空：整个请求")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    request_id = serializers.CharField(allow_null=True)
