"""GeoReport v2 under /open311/v2/: every resource ends in its format, .xml or .json."""
from django.urls import re_path

from . import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.Discovery.as_view(), name="open311-discovery"),
    re_path(r"^services" + FMT, views.ServiceList.as_view(), name="open311-services"),
    re_path(r"^services/(?P<code>[^/.]+)" + FMT, views.ServiceDefinition.as_view(), name="open311-service"),
    re_path(r"^requests" + FMT, views.Requests.as_view(), name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, views.RequestDetail.as_view(), name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, views.Token.as_view(), name="open311-token"),
    re_path(r"^(?P<path>.*)$", views.NotFound.as_view(), name="open311-not-found"),
]
