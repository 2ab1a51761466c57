"""`manage.py db_worker`: django-tasks-db's worker, made to outlive what a job or the database
does to it (README "Background jobs"). Same options; this command takes the name because
`core` is listed before `django_tasks_db` in INSTALLED_APPS.

The backend's worker records a job that raised by saving its whole traceback, and lets any
error of that save out of its loop: the process exits with the job left RUNNING, and since
`make run` starts one worker, no job runs any more. That happened when

- the traceback held a NUL character (PostgreSQL text cannot) — a job failing on a value
  read from a file;
- the job failed because the database connection was lost (a restart, a failover): the save
  met the same closed connection;
- the database could not be reached while the worker looked for its next job.

Here the failure is recorded as text the column can hold, bounded (`storable_text`, the head and
the tail kept), on a connection opened again when the job's one broke; a job whose outcome cannot
be recorded at all (the database still away) is left as the backend left it, for the stale sweep
(`jobs_requeue_stale`), and the worker goes on. A database that cannot be reached is waited for.
"""
from __future__ import annotations

import logging
import os
import time
from traceback import format_exception

from django.db import Error, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.models import DBTaskResult

from core.domain.jobs import storable_text

logger = logging.getLogger("django_tasks_db")

#: The longest traceback stored (characters): a job failing on a huge message (a whole file in
#: an exception) would otherwise write it all, once per attempt.
TRACEBACK_MAX_CHARS = 64_000
#: Seconds between attempts to reach a database that went away.
DATABASE_WAIT_SECONDS = 5


def _drop_broken_connections() -> None:
    """Close connections the server has closed, so that the next query opens a new one (outside
    a transaction only: a test's transaction is not the worker's to end)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def job_record_failure(job: DBTaskResult, exc: BaseException) -> None:
    """The backend's `set_failed`, storing a traceback the column can hold, on a working
    connection (opened again when the job's one was lost)."""
    job.status, job.finished_at, job.return_value = TaskResultStatus.FAILED, timezone.now(), None
    job.exception_class_path = storable_text(f"{type(exc).__module__}.{type(exc).__qualname__}", limit=1000)
    job.traceback = storable_text("".join(format_exception(exc)), limit=TRACEBACK_MAX_CHARS)
    fields = ["status", "return_value", "finished_at", "exception_class_path", "traceback"]
    try:
        job.save(update_fields=fields)
    except Error:
        _drop_broken_connections()
        job.save(update_fields=fields)


class Worker(upstream.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except Error as exc:  # the database away between jobs: wait for it
                if not self.running or self.batch:
                    raise
                logger.warning("Database unavailable (%s); trying again in %s s", exc, DATABASE_WAIT_SECONDS)
                _drop_broken_connections()
                time.sleep(DATABASE_WAIT_SECONDS)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        db_task_result.set_failed = lambda exc: job_record_failure(db_task_result, exc)
        try:
            super().run_task(db_task_result)
        except Error:
            # its outcome, or the retry step after it, could not be written: the row stays as it
            # is (RUNNING, or FAILED without its step), which the stale sweep takes in hand
            logger.exception("Task id=%s: its outcome could not be recorded", db_task_result.id)
            _drop_broken_connections()


class Command(upstream.Command):
    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise upstream.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                        startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded)
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
