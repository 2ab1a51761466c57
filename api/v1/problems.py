"""Problems over HTTP: create (idempotent by client_id), read, edit, change status,
photos, outcomes, escalations and re-inspections. Views validate input, call one
service or selector, and render."""
from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import MultiPartParser
from core.domain.verbs import VERB_LABELS
from core.models import AuditEvent
from geodata.services.geometry import to_wgs84
from org.selectors import officer_of
from patrol.domain.outcomes import FINE_DECIMAL_PLACES, FINE_MAX_DIGITS, MAX_CASE_NUMBER, MAX_SEIZED_ITEMS
from patrol.domain.workflow import STATUS_LABELS, is_overdue
from patrol.models import Category, Outcome, Problem, ProblemPhoto
from patrol.models.problems import PhotoKind, Source
from patrol.selectors.problems import allowed_steps, problems_listed, problems_visible_to
from patrol.services import followups, outcomes, photos, problems

from .fields import DayOrDateTimeField, QueryIntegerField
from .idempotency import IDEMPOTENCY_PARAMETER, exactly_once
from .problem_layer import CategoryCodeField, semantic_problem
from .shapes import (
    CategoryOut,
    EscalationAnswerOut,
    EscalationOut,
    EvidencePhotoOut,
    OutcomeOut,
    PhotoOut,
    ProblemDetailOut,
    ProblemPage,
    ReinspectionOut,
)


# -- output -------------------------------------------------------------------------------
def event_data(e: AuditEvent) -> dict:
    return {"id": e.id, "at": e.at.isoformat(), "actor": e.actor.username if e.actor else None, "verb": e.verb,
            "verb_label": VERB_LABELS[e.verb], "subject_type": e.subject_type, "subject_id": e.subject_id,
            "before": e.before, "after": e.after, "reason": e.reason}


def outcome_data(o: Outcome) -> dict:
    return {"id": o.id, "problem": o.problem_id, "inspection": o.inspection_id, "kinds": o.kinds,
            "target_kind": o.target_kind, "count": o.count,
            "fine_amount": str(o.fine_amount) if o.fine_amount is not None else None, "points": o.points,
            "seized_items": o.seized_items, "case_number": o.case_number, "notes": o.notes,
            "corrects": o.corrects_id, "recorded_by": o.recorded_by.username,
            "recorded_at": o.recorded_at.isoformat(), "photos": [p.id for p in o.photos.all()]}


def outcome_detail(request, o: Outcome) -> dict:
    data = outcome_data(o)
    data["photos"] = [{"id": p.id, "url": request.build_absolute_uri(p.image.url),
                       "thumbnail": request.build_absolute_uri(p.thumbnail.url)} for p in o.photos.all()]
    return data


def photo_data(request, p: ProblemPhoto) -> dict:
    return {"id": p.id, "kind": p.kind, "width": p.width, "height": p.height,
            "url": request.build_absolute_uri(p.image.url), "thumbnail": request.build_absolute_uri(p.thumbnail.url)}


def problem_data(request, p: Problem, *, detail: bool = False) -> dict:
    point = to_wgs84(p.geom)
    data = {
        "id": p.id, "client_id": str(p.client_id) if p.client_id else None,
        "category": p.category.code, "category_name": p.category.name,
        "status": p.status, "status_label": STATUS_LABELS[p.status],
        "overdue": is_overdue(p.status, p.deadline, timezone.now()),
        "lon": round(point.x, 7), "lat": round(point.y, 7), "location_text": p.location_text,
        "location_uncertainty_m": p.location_uncertainty_m,
        "subdistrict": p.subdistrict.name, "community": p.community.name if p.community else None,
        "grid": p.grid.name if p.grid else None, "segment": p.segment_id, "measure_m": p.measure_m, "side": p.side,
        "source": p.source, "description": p.description, "reporter": p.reporter.username,
        "team": p.team.name if p.team else None, "deadline": p.deadline.isoformat() if p.deadline else None,
        "affected_households": p.affected_households, "duplicate_of": p.duplicate_of_id,
        "created_at": p.created_at.isoformat(), "updated_at": p.updated_at.isoformat(),
    }
    if detail:
        data["allowed_transitions"] = allowed_steps(officer_of(request.user), p)
        data["events"] = [event_data(e) for e in AuditEvent.objects.for_subject("patrol.problem", p.pk)
                          .select_related("actor").order_by("id")]
        data["outcomes"] = [outcome_detail(request, o)
                            for o in p.outcomes.select_related("recorded_by").prefetch_related("photos")]
        data["photos"] = [photo_data(request, ph) for ph in p.photos.all()]
        data["duplicate_candidates"] = [c.id for c in problems.duplicate_candidates(p)[:10]]
    return data


# -- input ---------------------------------------------------------------------------------
class JsonNumberField(serializers.FloatField):
    """A number (the schema's `number`): DRF's FloatField also reads JSON true as 1.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ProblemCreateInput(serializers.Serializer):
    category = serializers.CharField(max_length=50, help_text="类别代码或名称，如 0102 / 积存垃圾渣土")
    lat = JsonNumberField(required=False, min_value=-90, max_value=90)
    lon = JsonNumberField(required=False, min_value=-180, max_value=180)
    location_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.PATROL)
    client_id = serializers.UUIDField(required=False, allow_null=True)
    affected_households = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1_000_000)
    inspection = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError({"lat" if "lat" not in attrs else "lon": "经纬度须同时提供"})
        if "lat" not in attrs and not (attrs.get("location_text") or "").strip():
            raise serializers.ValidationError({"location": "请提供坐标（lat/lon）或位置描述（location_text）"})
        return attrs


# Why a key a client may send elsewhere is not editable here (a PATCH that dropped it silently
# would look saved).
NOT_EDITABLE = {
    "status": "状态请通过 transition 接口变更",
    "lat": "位置不能修改：位置不同即为新问题，请重新上报",
    "lon": "位置不能修改：位置不同即为新问题，请重新上报",
    "location_text": "位置不能修改：位置不同即为新问题，请重新上报",
}


class ProblemUpdateInput(serializers.Serializer):
    category = serializers.CharField(required=False, max_length=50, help_text="类别代码或名称，如 0102 / 积存垃圾渣土")
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    affected_households = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1_000_000)

    def validate(self, attrs):
        unknown = sorted(set(getattr(self.initial_data, "keys", lambda: ())()) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({key: NOT_EDITABLE.get(key, f"不能修改字段 {key}") for key in unknown})
        return attrs


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=list(STATUS_LABELS.items()))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    team = serializers.IntegerField(required=False, allow_null=True)
    duplicate_of = serializers.IntegerField(required=False, allow_null=True)
    expected_status = serializers.ChoiceField(choices=list(STATUS_LABELS.items()), required=False)


class OnePhoto:
    """One photo a request: a form with several `photo` files is refused, not stored as its
    last file alone (the others were dropped without a word while the answer said 201)."""

    def validate(self, attrs):
        getlist = getattr(self.initial_data, "getlist", None)
        if getlist is not None and len(getlist("photo")) > 1:
            raise serializers.ValidationError({"photo": "每次只能上传一张照片，请逐张上传"})
        return attrs


class PhotoInput(OnePhoto, serializers.Serializer):
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    photo = serializers.FileField(allow_empty_file=True)  # the service refuses an empty one (422)


class OutcomeInput(serializers.Serializer):
    problem = serializers.IntegerField(required=False, allow_null=True)
    inspection = serializers.IntegerField(required=False, allow_null=True)
    kinds = serializers.ListField(child=serializers.CharField(max_length=10), min_length=1, max_length=4)
    target_kind = serializers.CharField(max_length=30)
    count = serializers.IntegerField(min_value=1, max_value=100000)
    fine_amount = serializers.DecimalField(max_digits=FINE_MAX_DIGITS, decimal_places=FINE_DECIMAL_PLACES,
                                           required=False, allow_null=True)
    points = serializers.IntegerField(required=False, allow_null=True)
    seized_items = serializers.CharField(required=False, allow_blank=True, max_length=MAX_SEIZED_ITEMS, default="")
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=MAX_CASE_NUMBER, default="")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    corrects = serializers.IntegerField(required=False, allow_null=True)


class EscalationInput(serializers.Serializer):
    department = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)
    deadline = DayOrDateTimeField(bound="end_inclusive", help_text="答复期限：日期时间，或只写日期（到当天结束，平台时区）")


class RespondInput(serializers.Serializer):
    response = serializers.CharField(max_length=2000)


class ReinspectionInput(serializers.Serializer):
    team = serializers.IntegerField()
    due_date = serializers.DateField()


class ReinspectionDoneInput(serializers.Serializer):
    passed = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def _valid(serializer_class, data):
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


# -- views -----------------------------------------------------------------------------------
class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ProblemListQuery(serializers.Serializer):
    """Read as the problem layer reads the same parameters (api.v1.problem_layer), so one query
    string gives the map and the list the same problems."""

    status = serializers.ListField(child=serializers.ChoiceField(choices=list(STATUS_LABELS.items())),
                                   required=False, help_text="状态，可重复，或以逗号分隔")
    category = serializers.ListField(child=CategoryCodeField(max_length=10), required=False,
                                     help_text="类别代码，可重复，或以逗号分隔；未知代码为 400")
    area = QueryIntegerField(required=False, min_value=1, max_value=2**31 - 1,
                             help_text="区域编号：街道、社区或网格（含其下级）；不存在的编号为 422")
    since = DayOrDateTimeField(bound="start", required=False, help_text="上报时间起（含）：日期或日期时间")
    until = DayOrDateTimeField(bound="end_exclusive", required=False,
                               help_text="上报时间止：日期含当天；日期时间不含该时刻；不晚于 since 时为 422")
    page = QueryIntegerField(min_value=1, required=False, help_text="页码")
    page_size = QueryIntegerField(min_value=1, max_value=500, required=False, help_text="每页条数（≤500）")

    def validate_category(self, codes):
        # a misspelt code is said, not answered as a category without problems
        known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise serializers.ValidationError(f"未知类别代码：{'、'.join(unknown)}")
        return sorted(set(codes))


def _list_query(params) -> dict:
    # ?status=a&status=b or ?status=a,b; an empty item ("a,,b") is kept, and refused
    data = {k: [v.strip() for raw in params.getlist(k) for v in raw.split(",")]
            for k in ("status", "category") if k in params}
    data.update({k: params[k] for k in ("area", "since", "until", "page", "page_size") if k in params})
    q = ProblemListQuery(data=data)
    q.is_valid(raise_exception=True)
    return q.validated_data


class ProblemList(APIView):
    @extend_schema(summary="问题列表（本人辖区）", responses={200: ProblemPage}, operation_id="problems_list",
                   parameters=[ProblemListQuery])
    def get(self, request):
        q = _list_query(request.query_params)
        refused = semantic_problem(q)  # an area that is not there, a period that ends before it starts
        if refused:
            return refused
        qs = problems_listed(request.user, status=q.get("status"), category=q.get("category"),
                             area_id=q.get("area"), since=q.get("since"), until=q.get("until"))
        pager = Pages()
        page = pager.paginate_queryset(qs.select_related("category", "subdistrict", "community", "grid", "reporter",
                                                         "team"), request, view=self)
        return pager.get_paginated_response([problem_data(request, p) for p in page])

    @extend_schema(summary="上报问题（client_id 相同的重试不会重复创建）", request=ProblemCreateInput,
                   responses={201: ProblemDetailOut, 200: ProblemDetailOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once(body_field="client_id")
    def post(self, request):
        d = _valid(ProblemCreateInput, request.data)
        problem, created = problems.problem_create(
            actor=request.user, category_code=d["category"], lon=d.get("lon"), lat=d.get("lat"),
            location_text=d.get("location_text") or None, description=d["description"], source=d["source"],
            client_id=d.get("client_id"), affected_households=d.get("affected_households"),
            inspection_id=d.get("inspection"))
        return Response(problem_data(request, _load(problem.pk), detail=True),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _load(pk: int) -> Problem:
    return Problem.objects.select_related("category", "subdistrict", "community", "grid", "reporter",
                                          "team").prefetch_related(
        Prefetch("photos", queryset=ProblemPhoto.objects.order_by("id"))).get(pk=pk)


class ProblemDetail(APIView):
    def _get(self, request, pk):
        return get_object_or_404(problems_visible_to(request.user), pk=pk)

    @extend_schema(summary="问题详情（含操作记录、处置结果、照片、可执行的状态变更）",
                   responses={200: ProblemDetailOut})
    def get(self, request, pk: int):
        self._get(request, pk)
        return Response(problem_data(request, _load(pk), detail=True))

    @extend_schema(summary="修改问题", request=ProblemUpdateInput, responses={200: ProblemDetailOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def patch(self, request, pk: int):
        self._get(request, pk)
        d = _valid(ProblemUpdateInput, request.data)
        problems.problem_update(actor=request.user, problem_id=pk, **d)
        return Response(problem_data(request, _load(pk), detail=True))


class ProblemTransition(APIView):
    @extend_schema(summary="变更问题状态", request=TransitionInput, responses={200: ProblemDetailOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        get_object_or_404(problems_visible_to(request.user), pk=pk)
        d = _valid(TransitionInput, request.data)
        problems.problem_transition(actor=request.user, problem_id=pk, target=d["to"], reason=d["reason"],
                                    team_id=d.get("team"), duplicate_of_id=d.get("duplicate_of"),
                                    expected_status=d.get("expected_status"))
        return Response(problem_data(request, _load(pk), detail=True))


def _read_upload(upload) -> bytes:
    # Read at most one byte past the limit: the service refuses it without reading a huge file.
    return upload.read(photos.MAX_BYTES + 1)


class ProblemPhotos(APIView):
    parser_classes = [MultiPartParser]
    @extend_schema(summary="上传照片（JPEG/PNG/WebP，≤10MB；自动转正、生成缩略图）", request=PhotoInput,
                   responses={201: PhotoOut}, parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        get_object_or_404(problems_visible_to(request.user), pk=pk)
        d = _valid(PhotoInput, request.data)
        photo = photos.photo_add(actor=request.user, problem_id=pk, kind=d["kind"], data=_read_upload(d["photo"]))
        return Response(photo_data(request, photo), status=status.HTTP_201_CREATED)


class OutcomeCreate(APIView):
    @extend_schema(summary="记录处置结果（不可删除；更正请新增一条 corrects 记录）", request=OutcomeInput,
                   responses={201: OutcomeOut}, parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int | None = None):
        d = dict(_valid(OutcomeInput, request.data))
        if pk is not None:
            get_object_or_404(problems_visible_to(request.user), pk=pk)
            d["problem"] = pk
        o = outcomes.outcome_record(
            actor=request.user, kinds=d["kinds"], target_kind=d["target_kind"], count=d["count"],
            problem_id=d.get("problem"), inspection_id=d.get("inspection"), fine_amount=d.get("fine_amount"),
            points=d.get("points"), seized_items=d["seized_items"], case_number=d["case_number"], notes=d["notes"],
            corrects_id=d.get("corrects"))
        return Response(outcome_data(o), status=status.HTTP_201_CREATED)


class EvidencePhotoInput(OnePhoto, serializers.Serializer):
    photo = serializers.FileField(allow_empty_file=True)


class OutcomePhotos(APIView):
    parser_classes = [MultiPartParser]
    @extend_schema(summary="上传处置结果的证据照片", request=EvidencePhotoInput, responses={201: EvidencePhotoOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        upload = _valid(EvidencePhotoInput, request.data)["photo"]
        p = photos.outcome_photo_add(actor=request.user, outcome_id=pk, data=_read_upload(upload))
        return Response({"id": p.id, "outcome": pk, "url": request.build_absolute_uri(p.image.url),
                         "thumbnail": request.build_absolute_uri(p.thumbnail.url)}, status=status.HTTP_201_CREATED)


class ProblemEscalations(APIView):
    @extend_schema(summary="吹哨：提交区级职能部门", request=EscalationInput, responses={201: EscalationOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        get_object_or_404(problems_visible_to(request.user), pk=pk)
        d = _valid(EscalationInput, request.data)
        e = followups.escalate(actor=request.user, problem_id=pk, department_id=d["department"], reason=d["reason"],
                               deadline=d["deadline"])
        return Response({"id": e.id, "department": e.department.name, "deadline": e.deadline.isoformat()},
                        status=status.HTTP_201_CREATED)


class EscalationRespond(APIView):
    @extend_schema(summary="职能部门答复吹哨", request=RespondInput, responses={200: EscalationAnswerOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        d = _valid(RespondInput, request.data)
        e = followups.escalation_respond(actor=request.user, escalation_id=pk, response=d["response"])
        return Response({"id": e.id, "response": e.response, "responded_at": e.responded_at.isoformat(),
                         "late": e.responded_at > e.deadline})


class ProblemReinspections(APIView):
    @extend_schema(summary="安排复查", request=ReinspectionInput, responses={201: ReinspectionOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        get_object_or_404(problems_visible_to(request.user), pk=pk)
        d = _valid(ReinspectionInput, request.data)
        r = followups.reinspection_schedule(actor=request.user, problem_id=pk, team_id=d["team"],
                                            due_date=d["due_date"])
        return Response(_reinspection(r), status=status.HTTP_201_CREATED)


def _reinspection(r) -> dict:
    return {"id": r.id, "problem": r.problem_id, "team": r.team.name, "due_date": r.due_date.isoformat(),
            "done_at": r.done_at.isoformat() if r.done_at else None, "passed": r.passed, "notes": r.notes,
            "location_text": r.problem.location_text}


class TeamReinspections(APIView):
    @extend_schema(summary="班组的复查清单（未完成；all=1 含已完成）", responses={200: ReinspectionOut(many=True)},
                   parameters=[OpenApiParameter("all", {"type": "string", "enum": ["0", "1"]})])
    def get(self, request, pk: int):
        items = followups.reinspections_for_team(actor=request.user, team_id=pk,
                                                 pending_only=request.query_params.get("all") != "1")
        return Response([_reinspection(r) for r in items])


class ReinspectionComplete(APIView):
    @extend_schema(summary="完成复查", request=ReinspectionDoneInput, responses={200: ReinspectionOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request, pk: int):
        d = _valid(ReinspectionDoneInput, request.data)
        r = followups.reinspection_complete(actor=request.user, reinspection_id=pk, passed=d["passed"],
                                            notes=d["notes"])
        return Response(_reinspection(r))


class CategoryList(APIView):
    permission_classes = [AllowAny]  # the catalogue is public, like the road network

    @extend_schema(summary="问题类别目录", responses={200: CategoryOut(many=True)})
    def get(self, request):
        return Response([{"code": c.code, "name": c.name, "big_class": c.big_class, "agency": c.agency_name,
                          "deadline_hours": c.deadline_hours, "source": c.source, "version": c.version}
                         for c in Category.objects.filter(active=True)])
