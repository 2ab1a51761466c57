"""管理后台 pages of patrol: the category catalogue (district administrators read it; those of
the whole district edit it, patrol.services.catalogue.may_edit_catalogue) and
read-only pages of problems, outcomes and joint inspections.

Problems, outcomes and inspections change only through their services (the API), where
the workflow and the audit trail live; here they are searched and read, limited to the
viewer's jurisdiction, and never edited or deleted. Access follows the role
(org.admin.RoleAdmin), not Django's model permissions.
"""
from __future__ import annotations

from django.contrib import admin

from geodata.services.geometry import to_wgs84
from org.admin import RoleAdmin

from .models import Category, Inspection, Outcome, Problem
from .services.catalogue import category_update, may_edit_catalogue

_CATEGORY_EDITABLE = ("name", "big_class", "big_class_code", "agency_name", "deadline_hours", "active")


@admin.register(Category)
class CategoryAdmin(RoleAdmin):
    view_action = edit_action = "manage_people"
    list_display = ("code", "name", "big_class", "agency_name", "deadline_hours", "source", "active")
    list_display_links = ("code", "name")
    list_filter = ("active", "source", "big_class")
    search_fields = ("code", "name", "big_class", "agency_name")
    # categories_load (run by load_demo) keeps these edits until a new catalogue version.
    fieldsets = ((None, {"fields": ("code", *_CATEGORY_EDITABLE, "source", "version"),
                         "description": "此处的修改会保留；发布新版类别目录时，目录中的类别更新为新版内容。"}),)
    readonly_fields = ("code", "source", "version")
    list_per_page = 200

    def has_add_permission(self, request):
        # The catalogue is versioned (patrol.domain.categories); new codes come with it.
        return False

    def has_change_permission(self, request, obj=None):
        # One catalogue serves the whole district: not for an admin of one subdistrict.
        return super().has_change_permission(request, obj) and may_edit_catalogue(request.user)

    def in_scope(self, request, queryset):
        return queryset  # the catalogue lies in no area and is public (/api/v1/categories/)

    def save_model(self, request, obj, form, change):
        # The changeform runs in a transaction: the edit and its event commit together.
        changed = [f for f in form.changed_data if f in _CATEGORY_EDITABLE]
        stored = Category.objects.get(pk=obj.pk)
        category_update(actor=request.user, category=stored, changes={f: getattr(obj, f) for f in changed})


class ReadOnlyAdmin(RoleAdmin):
    view_action = "view_problem"
    edit_action = None
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("id", "category", "status", "location_text", "subdistrict_name", "team", "reporter",
                    "created_at", "deadline")
    list_filter = ("status", "source", "category__big_class", ("team", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=id", "location_text", "description", "category__name", "category__code",
                     "reporter__username")
    date_hierarchy = "created_at"
    list_select_related = ("category", "subdistrict", "team", "reporter")
    fields = ("id", "category", "status", "source", "location_text", "coordinates", "location_uncertainty_m",
              "subdistrict_name", "side", "measure_m", "description", "reporter", "team", "agency", "deadline",
              "affected_households", "duplicate_of", "inspection", "created_at", "updated_at")
    scope_lookups = ("subdistrict_id",)

    def get_queryset(self, request):
        # the list's columns, named here: a queryset that already selects related rows makes the
        # changelist skip list_select_related (one query per row and column)
        return super().get_queryset(request).select_related(*self.list_select_related).defer("subdistrict__geom")

    @admin.display(description="街道", ordering="subdistrict__name")
    def subdistrict_name(self, obj):
        return obj.subdistrict.name

    @admin.display(description="坐标（WGS84 纬度, 经度）")
    def coordinates(self, obj):
        point = to_wgs84(obj.geom)  # (pyproj, cached: GDAL's transform by SRID costs ~27 ms a call)
        return f"{point.y:.6f}, {point.x:.6f}"


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ("id", "problem_id", "inspection", "kinds_text", "target_kind", "count", "fine_amount",
                    "case_number", "corrects", "recorded_by", "recorded_at")
    list_filter = ("target_kind",)
    search_fields = ("=id", "=problem__id", "target_kind", "case_number", "notes", "recorded_by__username")
    date_hierarchy = "recorded_at"
    list_select_related = ("inspection", "recorded_by", "corrects")
    fields = ("id", "problem", "inspection", "kinds", "target_kind", "count", "fine_amount", "points",
              "seized_items", "case_number", "notes", "corrects", "recorded_by", "recorded_at")
    scope_lookups = ("problem__subdistrict_id", "inspection__area_id")

    @admin.display(description="处置方式")
    def kinds_text(self, obj):
        return "、".join(obj.kinds or [])


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("date", "title", "area_name", "route_text", "lead_agency", "created_by", "created_at")
    search_fields = ("title", "route_text", "focus", "notes", "lead_agency__name")
    list_filter = (("lead_agency", admin.RelatedOnlyFieldListFilter),)
    date_hierarchy = "date"
    list_select_related = ("area", "lead_agency", "created_by")
    fields = ("date", "title", "area_name", "route_text", "lead_agency", "agencies", "focus", "notes",
              "created_by", "created_at")
    scope_lookups = ("area_id",)

    def get_queryset(self, request):
        # list_select_related named here: the changelist skips it for a queryset that selects already
        return super().get_queryset(request).select_related(*self.list_select_related).defer("area__geom", "route")

    @admin.display(description="区域", ordering="area__name")
    def area_name(self, obj):
        return obj.area.name
