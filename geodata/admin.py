from django.contrib import admin

from maps.widgets import LocalGISModelAdmin

from .models import Area, Intersection, Landmark, Road, RoadSegment


@admin.register(Area)
class AreaAdmin(LocalGISModelAdmin):
    list_display = ("name", "kind", "code", "parent", "generated")
    list_filter = ("kind", "generated")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


class SegmentInline(admin.TabularInline):
    model = RoadSegment
    fields = ("key", "length_m", "start_node", "end_node", "highway", "oneway")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Road)
class RoadAdmin(LocalGISModelAdmin):
    list_display = ("name", "highway", "length_m", "source")
    list_filter = ("highway", "source")
    search_fields = ("name", "name_normalized")
    inlines = [SegmentInline]


@admin.register(RoadSegment)
class RoadSegmentAdmin(LocalGISModelAdmin):
    list_display = ("key", "road", "length_m", "highway", "oneway")
    list_filter = ("highway", "oneway")
    search_fields = ("road__name", "key")
    raw_id_fields = ("road",)


@admin.register(Intersection)
class IntersectionAdmin(LocalGISModelAdmin):
    list_display = ("name", "roundabout", "source")
    search_fields = ("name",)
    filter_horizontal = ("roads",)


@admin.register(Landmark)
class LandmarkAdmin(LocalGISModelAdmin):
    list_display = ("name", "kind", "category", "source")
    list_filter = ("kind",)
    search_fields = ("name",)
