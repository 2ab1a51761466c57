"""Background jobs' housekeeping (django-tasks' database backend, README "Background jobs").

A worker claims a job by setting its row to RUNNING (in a transaction, with the row locked
and skipped by the other workers, its id appended to ``worker_ids``) and sets it to
SUCCESSFUL or FAILED when done. The backend never retries by itself; this module does,
boundedly (core.domain.jobs: an attempt is a claim, ``len(worker_ids)``):

- a job that raised is set back to READY with ``run_after`` a backoff later
  (`jobs_retry_failed`, on the backend's ``task_finished`` signal), until
  ``settings.JOBS_MAX_ATTEMPTS`` attempts; then it stays FAILED, its traceback ending with
  why it is not retried;
- a worker that dies mid-job (killed, the machine lost) leaves the row RUNNING;
  `jobs_requeue_stale` puts such rows back to READY (at once: they have waited its
  `older_than` already), and once the job has
  taken ``JOBS_MAX_ATTEMPTS`` workers with it, sets it FAILED (``core.jobs.WorkerLost``,
  with the count) instead of requeuing a job that kills its worker forever;
- a worker that dies after recording a job FAILED but before its ``task_finished`` step (or
  whose step itself broke) leaves a FAILED row that is neither retried nor given up: the same
  sweep takes such rows once their failure is older than `older_than` and gives them that step
  (retried, its backoff counted from the failure, or given up with the reason).

A FAILED job has been given up exactly when its traceback ends with the reason, the line
``…（JOBS_MAX_ATTEMPTS=N）`` (both reasons end so, as they did before the sweep took FAILED
rows): that is how the sweep, and a step that comes late, tell it from one still waiting for
its step, and why neither gives a job up twice. Rows that had failed before the retries
existed were given the mark on upgrade (migration core 0005), so the sweep leaves them failed.

A job still running on a live worker longer than the limit would run twice; the jobs of
this project are idempotent (coverage merges), so that costs time, not correctness.
`job_given_up` is sent when a job is finally FAILED, so that an app can mark its own record
(a queued 12345 import) failed too; `job_retried` when it is put back to READY to run again,
so that the record says it waits for a retry (when, after how many attempts), not that it failed.
For a job that raised, both come after the worker has recorded the job FAILED, in a later
transaction: a job that writes its own record's failure asks `job_next_step` whether a retry
follows and writes the waiting state itself, or a reader would see "failed" in between.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult

from .domain.jobs import next_step

#: Sent (sender=DBTaskResult) with `job` (the row, now FAILED for good) and `reason` (text).
job_given_up = Signal()
#: Sent (sender=DBTaskResult) with `job` (the row, now READY again), `attempts` (runs so far),
#: `run_after` (when it runs again; None: at once) and `note` (why), in the retry's transaction.
job_retried = Signal()

WORKER_LOST = "core.jobs.WorkerLost"

# the end of a given-up job's traceback: the reason's last words (`_give_up`); PostgreSQL regex
_GIVEN_UP = r"（JOBS_MAX_ATTEMPTS=[0-9]+）\s*$"


def job_next_step(attempts: int) -> tuple[str, int]:
    """What follows a job's `attempts`-th run if it fails: ("retry", seconds to wait) or
    ("give_up", 0) (core.domain.jobs.next_step with the settings). A job that takes its
    attempt from its context (``context.attempt``) can write its own record's state as it fails,
    in the same step: waiting for the retry, or failed for good (hotline.services.queued)."""
    return next_step(attempts=attempts, max_attempts=settings.JOBS_MAX_ATTEMPTS,
                     base_seconds=settings.JOBS_RETRY_BACKOFF_SECONDS, cap_seconds=settings.JOBS_RETRY_BACKOFF_MAX_SECONDS)


def _retry(job: DBTaskResult, run_after: dt.datetime, note: str) -> None:
    now = timezone.now()
    job.status, job.run_after, job.finished_at = TaskResultStatus.READY, max(run_after, now), None
    job.traceback = f"{job.traceback.rstrip()}\n{note}\n".lstrip()
    job.save(update_fields=["status", "run_after", "finished_at", "traceback"])
    job_retried.send(sender=DBTaskResult, job=job, attempts=len(job.worker_ids),
                     run_after=job.run_after if run_after > now else None, note=note)


def _give_up(job: DBTaskResult, reason: str) -> None:
    # the reason ends the traceback (_GIVEN_UP: the mark of a job given up), and it is sent in
    # the same transaction: the job's FAILED and the app's own record commit together
    job.traceback = f"{job.traceback.rstrip()}\n{reason}\n".lstrip()
    job.save(update_fields=["traceback"])
    job_given_up.send(sender=DBTaskResult, job=job, reason=reason)


def _after_failure(job: DBTaskResult, *, late: bool = False) -> str:
    """The step after a job's failure, on its FAILED row locked in the caller's transaction:
    "retry" (back to READY after the backoff) while attempts remain, else "give_up". `late`: the
    step the worker did not take (it died after recording the failure): the backoff counts from
    the failure, so a job that has waited it already is due at once."""
    attempts = len(job.worker_ids)
    step, delay = job_next_step(attempts)
    if step == "retry":
        if late:
            failed_at = job.finished_at or timezone.now()
            _retry(job, failed_at + dt.timedelta(seconds=delay),
                   f"第 {attempts} 次运行失败后工作进程未及安排重试即退出，已重新排队")
        else:
            _retry(job, timezone.now() + dt.timedelta(seconds=delay), f"第 {attempts} 次运行失败，{delay} 秒后自动重试")
        return step
    _give_up(job, f"已运行 {attempts} 次均失败，不再自动重试（JOBS_MAX_ATTEMPTS={settings.JOBS_MAX_ATTEMPTS}）")
    return step


def jobs_retry_failed(*, job_id) -> str | None:
    """A job that has just FAILED: back to READY after a backoff while attempts remain
    ("retry"), else left FAILED with the reason appended ("give_up"); None when the row is
    not FAILED (any more), or was given up already (by the stale sweep, before this step came)."""
    with transaction.atomic():
        job = (DBTaskResult.objects.select_for_update().filter(id=job_id, status=TaskResultStatus.FAILED)
               .exclude(traceback__regex=_GIVEN_UP).first())
        if job is None:
            return None
        return _after_failure(job)


def on_task_finished(sender, task_result, **kwargs) -> None:
    """django-tasks' task_finished receiver (core.apps): a failed job of the database backend is retried."""
    if task_result.status == TaskResultStatus.FAILED:
        jobs_retry_failed(job_id=task_result.id)


def jobs_requeue_stale(*, older_than: dt.timedelta, dry_run: bool = False) -> list[str]:
    """Ids of the jobs left behind by a worker that died, longer than `older_than` ago
    (nothing changed when `dry_run`):

    - RUNNING since then (it died mid-job): set back to READY at once, or FAILED
      (``core.jobs.WorkerLost``) once they have taken JOBS_MAX_ATTEMPTS workers with them;
    - FAILED since then but neither retried nor given up (it died between recording the
      failure and the retry step): given that step now (`jobs_retry_failed`'s, the backoff
      counted from the failure).
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        running = Q(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        failed = Q(status=TaskResultStatus.FAILED, finished_at__lt=cutoff) & ~Q(traceback__regex=_GIVEN_UP)
        stale = list(DBTaskResult.objects.select_for_update(skip_locked=True).filter(running | failed)
                     .order_by("enqueued_at", "id"))
        if not dry_run:
            for job in stale:
                if job.status == TaskResultStatus.FAILED:
                    _after_failure(job, late=True)
                    continue
                attempts = len(job.worker_ids)
                step, delay = job_next_step(attempts)
                if step == "retry":  # the wait was `older_than` already: ready at once
                    note = f"第 {attempts} 次运行时工作进程退出（未结束），已重新排队"
                    job.status = TaskResultStatus.READY
                    job.traceback = f"{job.traceback.rstrip()}\n{note}\n".lstrip()
                    job.save(update_fields=["status", "traceback"])
                    job_retried.send(sender=DBTaskResult, job=job, attempts=attempts, run_after=None, note=note)
                    continue
                reason = (f"工作进程在运行该任务时退出 {attempts} 次，不再重新排队"
                          f"（JOBS_MAX_ATTEMPTS={settings.JOBS_MAX_ATTEMPTS}）")
                job.status, job.finished_at, job.exception_class_path = (TaskResultStatus.FAILED, timezone.now(),
                                                                         WORKER_LOST)
                job.save(update_fields=["status", "finished_at", "exception_class_path"])
                _give_up(job, reason)
    return [str(job.pk) for job in stale]


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
