from django.contrib import admin
from django.db import transaction

from core import audit
from core.admin_lookups import NulRefusingChangelist
from core.domain.verbs import Verb
from geodata.highways import highway_rank
from maps.builders import road_label
from maps.widgets import LocalGISModelAdmin

from .models import Area, Intersection, Landmark, Road, RoadSegment


def _changes(form) -> dict:
    return {name: audit.form_value(form.cleaned_data.get(name)) for name in form.changed_data}


class AuditedGISAdmin(NulRefusingChangelist, LocalGISModelAdmin):
    """Every edit of the ground through the admin is one audit event (the admin's change
    view runs in one transaction, so the event is written with the edit or not at all)."""

    def save_model(self, request, obj, form, change):
        before = {name: audit.form_value(form.initial.get(name)) for name in form.changed_data} if change else {}
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, verb=Verb.UPDATED if change else Verb.CREATED, subject=obj,
                     before=before, after=_changes(form))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj, fields in getattr(formset, "changed_objects", []):
            audit.record(actor=request.user, verb=Verb.UPDATED, subject=obj, context=form.instance,
                         after={name: audit.form_value(getattr(obj, name, None)) for name in fields})
        for obj in getattr(formset, "new_objects", []):
            audit.record(actor=request.user, verb=Verb.CREATED, subject=obj, context=form.instance)
        for obj in getattr(formset, "deleted_objects", []):
            audit.record(actor=request.user, verb=Verb.DELETED, subject=("geodata." + obj._meta.model_name,
                                                                         obj.pk or "?"), context=form.instance)

    def delete_model(self, request, obj):
        subject = (obj._meta.label_lower, obj.pk)
        super().delete_model(request, obj)
        audit.record(actor=request.user, verb=Verb.DELETED, subject=subject, before={"name": str(obj)})

    def delete_queryset(self, request, queryset):
        # the list's "delete selected" runs outside any transaction (Django wraps only the
        # add, change and delete views): the rows and their events go together or not at all
        with transaction.atomic():
            gone = [(obj._meta.label_lower, obj.pk, str(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for label, pk, name in gone:
                audit.record(actor=request.user, verb=Verb.DELETED, subject=(label, pk), before={"name": name})


@admin.register(Area)
class AreaAdmin(AuditedGISAdmin):
    list_display = ("name", "kind", "code", "parent", "generated")
    list_filter = ("kind", "generated")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)

    def get_queryset(self, request):
        # the parent column: a nullable key, which the changelist's select_related() leaves out
        # (one query per row, each with the parent's boundary)
        return super().get_queryset(request).select_related("parent").defer("parent__geom")


def highway_label(highway: str) -> str:
    """An OSM class as the admin shows it: its Chinese name, the tag kept for who edits OSM
    ("主干路（primary_link）")."""
    return f"{road_label(highway)}（{highway}）" if highway else "—"


class HighwayFilter(admin.SimpleListFilter):
    """道路等级 listed by Chinese name (Django's own filter on the column listed the raw OSM tags)."""
    title = "道路等级"
    parameter_name = "highway"

    def lookups(self, request, model_admin):
        kinds = model_admin.model._default_manager.order_by().values_list("highway", flat=True).distinct()
        return [(kind, highway_label(kind)) for kind in sorted(kinds, key=highway_rank)]

    def queryset(self, request, queryset):
        return queryset.filter(highway=self.value()) if self.value() else queryset


class HighwayShown:
    @admin.display(description="道路等级", ordering="highway")
    def highway_shown(self, obj):
        return highway_label(obj.highway)


class SegmentInline(HighwayShown, admin.TabularInline):
    model = RoadSegment
    fields = ("key", "length_m", "start_node", "end_node", "highway_shown", "oneway", "retired_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Road)
class RoadAdmin(HighwayShown, AuditedGISAdmin):
    list_display = ("name", "highway_shown", "length_m", "source", "retired_at")
    list_filter = (HighwayFilter, "source", ("retired_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "name_normalized")
    inlines = [SegmentInline]


@admin.register(RoadSegment)
class RoadSegmentAdmin(HighwayShown, AuditedGISAdmin):
    list_display = ("key", "road", "length_m", "highway_shown", "oneway", "retired_at")
    list_filter = (HighwayFilter, "oneway", ("retired_at", admin.EmptyFieldListFilter))
    search_fields = ("road__name", "key")
    raw_id_fields = ("road",)


@admin.register(Intersection)
class IntersectionAdmin(AuditedGISAdmin):
    list_display = ("name", "roundabout", "source")
    search_fields = ("name",)
    filter_horizontal = ("roads",)


@admin.register(Landmark)
class LandmarkAdmin(AuditedGISAdmin):
    list_display = ("name", "kind", "category", "source")
    list_filter = ("kind",)
    search_fields = ("name",)
