"""管理后台 for 12345 complaints and their imports: read-only (imports go through the upload
page or `manage.py import_hotline`, one audit event each), open to those who import them."""
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


@admin.register(ImportBatch)
class ImportBatchAdmin(RoleAdmin):
    view_action = "import_complaints"
    edit_action = None
    list_display = ("imported_at", "filename", "source", "imported_by", "total", "created", "updated", "unchanged",
                    "skipped", "located")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(QueuedImport)
class QueuedImportAdmin(RoleAdmin):
    view_action = "import_complaints"
    edit_action = None
    list_display = ("created_at", "filename", "created_by", "rows", "status", "started_at", "finished_at", "batch")
    list_filter = ("status",)
    exclude = ("data",)  # the file itself: up to 10 MB
    readonly_fields = [f.name for f in QueuedImport._meta.fields if f.name != "data"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")
