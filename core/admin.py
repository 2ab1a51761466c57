"""管理后台 page of the audit log (操作日志): searched and read by the roles that may view
it (org.domain.permissions: "view_audit"), never added to, changed or deleted here (the
database refuses that too: core.0001's triggers).

A viewer sees the events said of records in their jurisdiction (core.selectors
.events_in_areas); a district-wide viewer also those said of what lies in no area (the
catalogue, the ground, the system's imports); a superuser the whole log.
"""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin  # registers it: replaced below
from django_tasks_db.models import DBTaskResult

from org.admin import RoleAdmin, district_wide_viewer, scope_ids

from .domain.verbs import VERB_LABELS
from .models import AuditEvent
from .selectors import events_in_areas
from .subjects import subject_label


class SubjectTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "subject_type"

    def lookups(self, request, model_admin):
        # every type in the log, as Django's own filter on the column listed them (a type is no secret)
        kinds = AuditEvent.objects.order_by().values_list("subject_type", flat=True).distinct()
        return sorted(((kind, subject_label(kind)) for kind in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(subject_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(RoleAdmin):
    view_action = "view_audit"
    edit_action = None
    actions = None
    list_display = ("at", "actor", "verb_label", "subject", "context", "reason", "request_id")
    list_filter = ("verb", SubjectTypeFilter)
    search_fields = ("=subject_id", "subject_type", "=context_id", "reason", "=request_id", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    ordering = ("-at", "-id")
    fields = ("at", "actor", "verb", "subject_type", "subject_id", "context_type", "context_id", "before", "after",
              "reason", "request_id")
    readonly_fields = fields
    show_full_result_count = False  # the log grows without end: no second COUNT(*) per page

    def in_scope(self, request, queryset):
        ids = scope_ids(request)
        if ids is None:
            return queryset
        return events_in_areas(ids, queryset, unlinked=district_wide_viewer(request))

    @admin.display(description="操作", ordering="verb")
    def verb_label(self, obj):
        return VERB_LABELS.get(obj.verb, obj.verb)

    @admin.display(description="对象")
    def subject(self, obj):
        return format_html("{} #{}", subject_label(obj.subject_type), obj.subject_id)

    @admin.display(description="所属对象")
    def context(self, obj):
        return format_html("{} #{}", subject_label(obj.context_type), obj.context_id) if obj.context_type else "—"


# The background jobs (django_tasks_db) as the package shows them, with the three labels no
# catalogue reaches (a property's name, two plain descriptions) in Chinese; the rest is
# translated in locale/zh_Hans.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = tuple("task" if name == "task_name" else name for name in DBTaskResultAdmin.list_display)

    @admin.display(description="任务名称")
    def task(self, obj):
        return obj.task_name

    @admin.display(description="异常回溯")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="最早执行时间")
    def display_run_after(self, obj):
        return super().display_run_after(obj)
