"""管理后台 for 12345 complaints and their imports: read-only (imports go through the upload
page or `manage.py import_hotline`, one audit event each), open to those who import them.

Rows are limited to the viewer's jurisdiction as the API limits complaints
(hotline.selectors.complaints): a complaint whose street office or located subdistrict lies
in it, and, for a district-wide viewer, the complaints linked to no area. An import batch or
queued import is its importer's: a subdistrict's supervisor sees those imported by someone of
their jurisdiction; those of the command line, the demo or a superuser only the district's
viewers (their reports quote rows of the whole file)."""
from django.contrib.gis import admin

from org.admin import RoleAdmin

from .models import Complaint, ImportBatch, QueuedImport


@admin.register(Complaint)
class ComplaintAdmin(RoleAdmin, admin.GISModelAdmin):
    view_action = "import_complaints"
    edit_action = None
    list_display = ("order_no", "received_at", "unit_name", "category", "responded", "resolved", "satisfied",
                    "difficult", "location_precision", "area")
    list_filter = ("unit_name", "difficult", "resolved", "satisfied", "location_precision")
    search_fields = ("order_no", "content", "address", "unit_name")
    date_hierarchy = "received_at"
    raw_id_fields = ("problem", "segment", "batch", "unit_area", "unit_agency", "area")
    scope_lookups = ("unit_area_id", "area_id", "unit_agency__area_id")
    unlinked_to_district = True

    def get_queryset(self, request):
        # the area column: a nullable key, which the changelist's select_related() leaves out
        # (one query per row, each with the subdistrict's boundary)
        return super().get_queryset(request).select_related("area").defer("area__geom")


@admin.register(ImportBatch)
class ImportBatchAdmin(RoleAdmin):
    view_action = "import_complaints"
    edit_action = None
    list_display = ("imported_at", "filename", "source", "imported_by", "total", "created", "updated", "unchanged",
                    "skipped", "located")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    # nullable keys: the changelist's own select_related() leaves them out (a query per row)
    list_select_related = ("imported_by",)
    scope_lookups = ("imported_by__officer__jurisdiction_id",)
    unlinked_to_district = True


@admin.register(QueuedImport)
class QueuedImportAdmin(RoleAdmin):
    view_action = "import_complaints"
    edit_action = None
    list_display = ("created_at", "filename", "created_by", "rows", "status", "attempts", "retry_at", "started_at",
                    "finished_at", "batch")
    list_filter = ("status",)
    exclude = ("data",)  # the file itself: up to 10 MB
    readonly_fields = [f.name for f in QueuedImport._meta.fields if f.name != "data"]
    scope_lookups = ("created_by__officer__jurisdiction_id",)
    unlinked_to_district = True

    def get_queryset(self, request):
        # the uploader and batch columns are nullable keys, which the changelist's select_related()
        # leaves out (a query per row and column)
        return super().get_queryset(request).select_related("created_by", "batch").defer("data", "batch__errors")
