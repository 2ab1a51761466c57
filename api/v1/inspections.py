"""Joint inspections over HTTP, with the generated newspaper-style summary."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from org.selectors import jurisdiction_area_ids, officer_of
from patrol.models import Inspection
from patrol.services.inspections import inspection_create, inspection_summary_text
from patrol.services.outcomes import current_outcomes

from .idempotency import IDEMPOTENCY_PARAMETER, exactly_once
from .problems import outcome_data
from .shapes import InspectionDetailOut, InspectionOut


class InspectionInput(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField(max_length=200)
    area = serializers.IntegerField()
    lead_agency = serializers.IntegerField()
    agencies = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    route_text = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    focus = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def inspection_data(i: Inspection, *, detail: bool = False) -> dict:
    data = {"id": i.id, "date": i.date.isoformat(), "title": i.title, "area": i.area.name,
            "route_text": i.route_text, "lead_agency": i.lead_agency.name,
            "agencies": [a.name for a in i.agencies.all()], "focus": i.focus}
    if detail:
        data["summary"] = inspection_summary_text(i.id)
        data["outcomes"] = [outcome_data(o) for o in current_outcomes(i.outcomes.select_related("recorded_by"))]
        data["problems"] = list(i.problems.values_list("id", flat=True))
    return data


def _visible(user):
    officer = officer_of(user)
    # the participants of every listed inspection in one query, not one per inspection; the
    # area's boundary is not answered
    return (Inspection.objects.filter(area_id__in=jurisdiction_area_ids(officer))
            .select_related("area", "lead_agency").defer("area__geom").prefetch_related("agencies"))


class InspectionList(APIView):
    @extend_schema(summary="联合检查列表", responses={200: InspectionOut(many=True)}, operation_id="inspections_list")
    def get(self, request):
        # newest first, ties by id: the same order on every call, and the same 200 kept
        return Response([inspection_data(i) for i in _visible(request.user).order_by("-date", "-id")[:200]])

    @extend_schema(summary="新建联合检查", request=InspectionInput, responses={201: InspectionDetailOut},
                   parameters=[IDEMPOTENCY_PARAMETER])
    @exactly_once()
    def post(self, request):
        s = InspectionInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        i = inspection_create(actor=request.user, date=d["date"], title=d["title"], area_id=d["area"],
                              lead_agency_id=d["lead_agency"], agency_ids=d["agencies"], route_text=d["route_text"],
                              focus=d["focus"], notes=d["notes"])
        return Response(inspection_data(i, detail=True), status=status.HTTP_201_CREATED)


class InspectionDetail(APIView):
    @extend_schema(summary="联合检查详情（含自动生成的通报段落）", responses={200: InspectionDetailOut})
    def get(self, request, pk: int):
        return Response(inspection_data(get_object_or_404(_visible(request.user), pk=pk), detail=True))
