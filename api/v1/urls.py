from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import geodata, inspections, location, problem_layer, problems

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("roads/", geodata.RoadsLayer.as_view(), name="roads-layer"),
    path("intersections/", geodata.IntersectionsLayer.as_view(), name="intersections-layer"),
    path("areas/", geodata.AreasLayer.as_view(), name="areas-layer"),
    path("locate", location.Locate.as_view(), name="locate"),
    path("locate/batch", location.LocateMany.as_view(), name="locate-batch"),
    path("describe", location.Describe.as_view(), name="describe"),
    path("categories/", problems.CategoryList.as_view(), name="categories"),
    path("problems/", problems.ProblemList.as_view(), name="problems"),
    path("problems/layer", problem_layer.ProblemLayer.as_view(), name="problems-layer"),
    path("problems/<int:pk>/", problems.ProblemDetail.as_view(), name="problem"),
    path("problems/<int:pk>/transition", problems.ProblemTransition.as_view(), name="problem-transition"),
    path("problems/<int:pk>/photos", problems.ProblemPhotos.as_view(), name="problem-photos"),
    path("problems/<int:pk>/outcomes", problems.OutcomeCreate.as_view(), name="problem-outcomes"),
    path("problems/<int:pk>/escalations", problems.ProblemEscalations.as_view(), name="problem-escalations"),
    path("problems/<int:pk>/reinspections", problems.ProblemReinspections.as_view(), name="problem-reinspections"),
    path("outcomes/", problems.OutcomeCreate.as_view(), name="outcomes"),
    path("outcomes/<int:pk>/photos", problems.OutcomePhotos.as_view(), name="outcome-photos"),
    path("escalations/<int:pk>/respond", problems.EscalationRespond.as_view(), name="escalation-respond"),
    path("teams/<int:pk>/reinspections", problems.TeamReinspections.as_view(), name="team-reinspections"),
    path("reinspections/<int:pk>/complete", problems.ReinspectionComplete.as_view(), name="reinspection-complete"),
    path("inspections/", inspections.InspectionList.as_view(), name="inspections"),
    path("inspections/<int:pk>/", inspections.InspectionDetail.as_view(), name="inspection"),
]
