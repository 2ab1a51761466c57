"""Photo files, served only to users who may see the problem (or inspection) they belong to."""
from django.db.models import Q
from django.http import FileResponse, Http404
from rest_framework.views import APIView

from org.selectors import jurisdiction_area_ids, officer_of
from patrol.models import OutcomePhoto, ProblemPhoto


class PhotoFile(APIView):
    def get(self, request, name: str):
        path = f"photos/{name}"
        areas = set(jurisdiction_area_ids(officer_of(request.user)))
        photo = ProblemPhoto.objects.filter(Q(image=path) | Q(thumbnail=path)).select_related("problem").first()
        if photo is not None:
            allowed = photo.problem.subdistrict_id in areas
            field = photo.image if photo.image.name == path else photo.thumbnail
        else:
            evidence = OutcomePhoto.objects.filter(Q(image=path) | Q(thumbnail=path)).select_related(
                "outcome__problem", "outcome__inspection").first()
            if evidence is None:
                raise Http404
            o = evidence.outcome
            allowed = (o.problem.subdistrict_id if o.problem_id else o.inspection.area_id) in areas
            field = evidence.image if evidence.image.name == path else evidence.thumbnail
        if not allowed:
            raise Http404  # not "forbidden": do not confirm the file exists
        try:
            return FileResponse(field.open("rb"), content_type="image/jpeg")
        except FileNotFoundError as exc:
            raise Http404 from exc
