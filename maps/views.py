"""Pages. Thin: read the layers through selectors, hand plain GeoJSON to a builder."""
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.clickjacking import xframe_options_sameorigin

from geodata.models import Area, AreaKind, Intersection, Landmark, Road, RoadSegment
from geodata.selectors.layers import areas_geojson, demo_extent, intersections_geojson, roads_geojson

from .builders import network_map, render_html


def home(request):
    context = {
        "counts": [
            ("道路", Road.objects.count()),
            ("路段", RoadSegment.objects.count()),
            ("路口", Intersection.objects.count()),
            ("地标", Landmark.objects.count()),
            ("街道", Area.objects.filter(kind=AreaKind.SUBDISTRICT).count()),
            ("网格", Area.objects.filter(kind=AreaKind.GRID).count()),
        ],
        "tiles_configured": bool(settings.MAP_TILE_URL),
    }
    return render(request, "maps/home.html", context)


@xframe_options_sameorigin
def network_map_page(request):
    """The road network, intersections and areas of the loaded district as a full map page."""
    extent = demo_extent()
    m = network_map(
        roads=roads_geojson(),
        intersections=intersections_geojson(),
        areas=areas_geojson(bbox=extent) if extent else areas_geojson(),
        static_url=static,
        tiles_url=settings.MAP_TILE_URL or None,
        tiles_attribution=settings.MAP_TILE_ATTRIBUTION or None,
    )
    return HttpResponse(render_html(m), content_type="text/html; charset=utf-8")
