from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("maps/network/", views.network_map_page, name="network-map"),
]
