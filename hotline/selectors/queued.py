"""What a queued 12345 import's status says, in one line (README "12345 hotline"): the status
page, the import page's list and the API's `status_text` show the same words.

A run that failed is not a failed import while the job engine will run it again (core.jobs):
it is 等待重试, with the attempt, when it runs again and the last error; 失败 is said only
once the job is given up.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.domain.jobs import retry_wait_text
from org.selectors import district_wide, jurisdiction_area_ids

from ..models import ImportBatch, QueuedImport, QueuedImportStatus

Status = QueuedImportStatus


def queued_imports_visible_to(officer) -> QuerySet[QueuedImport]:
    """The queued imports `officer` may see, and queue again: those of importers within their
    jurisdiction; those of the command line, the demo or an account without an officer profile
    only for a district-wide officer (a report quotes rows of the whole file). The same rule as
    the 管理后台's (hotline.admin)."""
    return QueuedImport.objects.filter(_importer_in_scope(officer, "created_by"))


def import_batches_visible_to(officer) -> QuerySet[ImportBatch]:
    """The import batches `officer` may see (the same rule, by `imported_by`)."""
    return ImportBatch.objects.filter(_importer_in_scope(officer, "imported_by"))


def _importer_in_scope(officer, field: str) -> Q:
    seen = Q(**{f"{field}__officer__jurisdiction_id__in": jurisdiction_area_ids(officer)})
    if district_wide(officer):
        seen |= Q(**{f"{field}__officer__jurisdiction_id__isnull": True})
    return seen


def _local(when: dt.datetime | None, *, now: dt.datetime) -> str:
    if when is None:
        return ""
    local = timezone.localtime(when)
    return local.strftime("%H:%M:%S") if local.date() == timezone.localtime(now).date() \
        else local.strftime("%Y-%m-%d %H:%M:%S")


def queued_status_text(q: QueuedImport, *, now: dt.datetime | None = None) -> str:
    """The import's state as its pages say it (times in local time, the date only when not today)."""
    now = now or timezone.now()
    if q.status == Status.QUEUED:
        return "排队中：等待后台任务开始"
    if q.status == Status.RUNNING:
        again = f"（第 {q.attempts} 次运行）" if q.attempts > 1 else ""
        return f"导入中：{_local(q.started_at, now=now)} 开始{again}"
    if q.status == Status.RETRY:
        due = q.retry_at if q.retry_at and q.retry_at > now else None
        return retry_wait_text(attempts=q.attempts, max_attempts=settings.JOBS_MAX_ATTEMPTS,
                               retry_at=_local(due, now=now), error=q.message)
    if q.status == Status.DONE:
        return f"已完成（{_local(q.finished_at, now=now)}）"
    return f"失败（{_local(q.finished_at, now=now)}），未导入任何数据"
