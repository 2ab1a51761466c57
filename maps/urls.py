from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("maps/network/", views.network_map_page, name="network-map"),
    path("maps/problems/", views.problem_map_page, name="problem-map"),
    # Mapbox vector tiles built by PostGIS (maps.tiles): the road network with area outlines, public;
    # the problems of the signed-in user's jurisdiction, clustered at low zoom.
    path("tiles/roads/<int:z>/<int:x>/<int:y>.pbf", views.roads_tile_view, name="tiles-roads"),
    path("tiles/problems/<int:z>/<int:x>/<int:y>.pbf", views.problems_tile_view, name="tiles-problems"),
]
