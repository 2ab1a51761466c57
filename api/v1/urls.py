from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import geodata, location

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("roads/", geodata.RoadsLayer.as_view(), name="roads-layer"),
    path("intersections/", geodata.IntersectionsLayer.as_view(), name="intersections-layer"),
    path("areas/", geodata.AreasLayer.as_view(), name="areas-layer"),
    path("locate", location.Locate.as_view(), name="locate"),
    path("locate/batch", location.LocateMany.as_view(), name="locate-batch"),
    path("describe", location.Describe.as_view(), name="describe"),
]
