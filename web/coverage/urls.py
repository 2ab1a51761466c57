from django.urls import path

from . import views

urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("map/", views.coverage_map_frame, name="coverage-map"),
    path("shifts/<int:shift_id>/handover/", views.handover_page, name="coverage-handover"),
]
