"""管理后台 pages of shifts: read-only lists of shifts and of the fix batches that arrived.

Shifts change only through their services (the API: plan, start, end), where the
permission rules and the audit log live; here they are searched and read, limited to the
viewer's jurisdiction. The fixes themselves are too many for an admin list: a shift's
batches say how many arrived, from which device, how many were flagged.
"""
from __future__ import annotations

from django.contrib import admin

from org.admin import RoleAdmin

from .models import FixBatch, Shift


class _ReadOnly(RoleAdmin):
    view_action = "view_shift"
    edit_action = None
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(Shift)
class ShiftAdmin(_ReadOnly):
    list_display = ("date", "period", "team", "status", "starts_at", "ends_at", "started_by", "ended_by")
    list_filter = ("status", "period", ("team", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("=id", "team__name")
    list_select_related = ("team", "started_by", "ended_by")
    fields = ("team", "date", "period", "starts_at", "ends_at", "status", "members", "created_by", "created_at",
              "started_by", "started_at", "ended_by", "ended_at")
    scope_lookups = ("team__area_id",)


@admin.register(FixBatch)
class FixBatchAdmin(_ReadOnly):
    list_display = ("received_at", "shift", "officer", "device_id", "source", "received", "stored", "flagged",
                    "t_min", "t_max")
    list_filter = ("source",)
    date_hierarchy = "received_at"
    search_fields = ("=shift__id", "device_id", "officer__name")
    list_select_related = ("shift__team", "officer")
    fields = ("shift", "officer", "device_id", "source", "received", "stored", "flagged", "flags_computed",
              "t_min", "t_max", "received_at", "received_by", "key")
    scope_lookups = ("shift__team__area_id",)
