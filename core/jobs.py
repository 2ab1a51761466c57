"""Background jobs' housekeeping (django-tasks' database backend, README "Background jobs").

A worker claims a job by setting its row to RUNNING (in a transaction, with the row locked
and skipped by the other workers) and sets it to SUCCESSFUL or FAILED when done. A worker
that dies in between (killed, the machine lost) leaves the row RUNNING, and the backend
never looks at it again: no job is lost from the table, but none is retried by itself.
`jobs_requeue_stale` puts such rows back to READY, so that the next free worker runs them.
A job still running on a live worker longer than the limit would run twice; the jobs of
this project are idempotent (coverage merges), so that costs time, not correctness.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult


def jobs_requeue_stale(*, older_than: dt.timedelta, dry_run: bool = False) -> list[str]:
    """Ids of the jobs RUNNING since longer than `older_than`, set back to READY (unless
    `dry_run`)."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = (DBTaskResult.objects.select_for_update(skip_locked=True)
                 .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff))
        ids = [str(pk) for pk in stale.values_list("id", flat=True)]
        if ids and not dry_run:
            DBTaskResult.objects.filter(id__in=ids).update(status=TaskResultStatus.READY)
    return ids


def job_row(task, *args) -> DBTaskResult:
    """The queue row `task.enqueue(*args)` writes (django-tasks-db's DatabaseBackend builds
    the same), not saved: for a service that writes it inside a larger statement of its
    transaction (core.rows.insert_values; shifts.services.fixes). The backend's
    `task_enqueued` signal (a debug log line) is not sent."""
    backend = task.get_backend()
    backend.validate_task(task)
    return DBTaskResult(id=backend._get_id(), args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
                        priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
                        run_after=task.run_after, backend_name=backend.alias)
