"""A large 12345 export imported in the background (README "12345 hotline").

An import costs about 1.3 ms a row (reading, checking, locating, saving): tens of thousands of
rows would outlast gunicorn's 30 s worker timeout. `import_or_queue(...)` reads the file once
and counts its data rows: a file that cannot be read, or whose header is wrong, is refused at
once, and a file of at most `HOTLINE_INLINE_MAX_ROWS` rows is imported in the request as
before (both by `complaints_import`, with the table already read). A larger one is stored
(`QueuedImport`) and a job queued in the same transaction (`hotline.tasks.import_queued`,
run by `manage.py db_worker`).

`queued_run(id)` is the job: it marks the row running (visible to the status page), then, in
one transaction with the row locked, imports the file with the same service (all or nothing)
and stores the outcome: status done, the whole report as JSON, the batch; the file's bytes
are cleared. The import and "done" commit together, so a job run twice (requeued, or two
workers) imports once: a second run finds the row done, or locked by the first, and does
nothing. An exception is written on the row with its message (the file is kept) and raised
again, so the worker records the job as failed with its traceback; core.jobs then either puts
the job back for a later attempt (`queued_retry_waiting`: the row says 等待重试, when, and the
last error) or gives it up (`queued_given_up`: failed for good, to be queued again by hand).
The row's state at the exception is already the one that follows (core.jobs.job_next_step
for the job's attempt): 等待重试 when the job will run again, 失败 only after its last attempt,
so that nobody reading the page between the failure and the retry sees 失败 and uploads again.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, Left, Now
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.domain.jobs import storable_text
from core.jobs import job_next_step

from ..domain.columns import header_score, parse_mapping, resolve_mapping
from ..domain.validation import RowError, split_header
from ..importers.tables import TableError, read_table
from ..models import QueuedImport, QueuedImportStatus
from .imports import ImportResult, complaints_import

Status = QueuedImportStatus


class QueuedFileGone(ValueError):
    """The stored upload is no longer there (cleared by hand): said to the uploader as it is."""


def import_or_queue(*, data: bytes, filename: str, actor=None, mapping: str | None = None, partial: bool = False,
                    dry_run: bool = False, source: str = "upload") -> ImportResult | QueuedImport:
    """The import's result when done in the request; the queued import when the file is left to
    the worker."""
    now = dict(data=data, filename=filename, actor=actor, mapping=mapping or None, partial=partial,
               dry_run=dry_run, source=source)
    try:
        explicit = parse_mapping(mapping or "")
        table = read_table(data, filename, max_bytes=settings.HOTLINE_MAX_UPLOAD_MB * 1024 * 1024,
                           header_score=header_score)
    except (TableError, ValueError):
        return complaints_import(**now)  # refused at once, with its message
    header, rows = split_header(table.rows, header_score)
    if len(rows) <= settings.HOTLINE_INLINE_MAX_ROWS or not header or resolve_mapping(header, explicit).errors:
        return complaints_import(**now, table=table)
    return queue_import(data=data, filename=filename, actor=actor, mapping=mapping or "", partial=partial,
                        dry_run=dry_run, source=source, rows=len(rows))


def queue_import(*, data: bytes, filename: str, actor=None, mapping: str = "", partial: bool = False,
                 dry_run: bool = False, source: str = "upload", rows: int = 0) -> QueuedImport:
    from ..tasks import import_queued

    with transaction.atomic():  # the job exists exactly when its row does
        q = QueuedImport.objects.create(
            filename=(filename or "upload")[:255], data=data, size=len(data), rows=rows, mapping=mapping[:1000],
            partial=partial, dry_run=dry_run, source=source,
            created_by=actor if getattr(actor, "pk", None) else None)
        import_queued.enqueue(q.pk)
    return q


def queued_run(queued_id: int, *, attempt: int | None = None) -> dict:
    """The job's body (hotline.tasks.import_queued); what it returns is the job's result.
    `attempt`: the job's run this is (its context's), to say on a failure whether it runs again;
    None: run outside the job engine (a shell), where nothing retries a failure."""
    with transaction.atomic():
        q = QueuedImport.objects.select_for_update(skip_locked=True).defer("data").filter(pk=queued_id).first()
        if q is None:
            gone = not QueuedImport.objects.filter(pk=queued_id).exists()
            return {"import": queued_id, "skipped": "deleted" if gone else "running elsewhere"}
        if q.status == Status.DONE:
            return {"import": queued_id, "skipped": "done"}
        QueuedImport.objects.filter(pk=queued_id).update(status=Status.RUNNING, started_at=timezone.now(),
                                                         finished_at=None, retry_at=None, message="",
                                                         attempts=F("attempts") + 1)
    try:
        with transaction.atomic():
            q = (QueuedImport.objects.select_for_update(skip_locked=True, of=("self",)).select_related("created_by")
                 .filter(pk=queued_id, status=Status.RUNNING).first())
            if q is None:  # another run took it meanwhile, or finished it
                return {"import": queued_id, "skipped": "running elsewhere"}
            if q.data is None:
                raise QueuedFileGone("文件内容已被清除，请重新上传")
            result = complaints_import(data=bytes(q.data), filename=q.filename, actor=q.created_by,
                                       mapping=q.mapping or None, partial=q.partial, dry_run=q.dry_run,
                                       source=q.source)
            q.status, q.finished_at, q.result = Status.DONE, timezone.now(), result_json(result)
            q.batch_id, q.data = result.batch_id, None
            q.save(update_fields=["status", "finished_at", "result", "batch", "data"])
    except Exception as exc:
        # the page shows it to the uploader: our own reason as it is; anything else is the
        # system's, in its own words (for the administrator), said to be one
        message = storable_text(str(exc) if isinstance(exc, QueuedFileGone) else f"系统错误（{type(exc).__name__}: {exc}）",
                                limit=2000)
        step, delay = job_next_step(attempt) if attempt is not None else ("give_up", 0)
        now = timezone.now()
        if step == "retry":  # core.jobs puts the job back after the worker records it failed (retry_at then exact)
            state = dict(status=Status.RETRY, retry_at=now + dt.timedelta(seconds=delay), finished_at=None)
        else:
            state = dict(status=Status.FAILED, retry_at=None, finished_at=now)
        QueuedImport.objects.filter(pk=queued_id).update(message=message, **state)
        raise
    return {"import": queued_id, "ok": result.ok, "batch": result.batch_id, "total": result.total,
            "created": result.created, "updated": result.updated}


def queued_requeue(q: QueuedImport) -> QueuedImport:
    """A failed import queued again (its file was kept), as a new job with its own attempts."""
    from ..tasks import import_queued

    with transaction.atomic():
        n = QueuedImport.objects.filter(pk=q.pk, status=Status.FAILED, data__isnull=False).update(
            status=Status.QUEUED, started_at=None, finished_at=None, retry_at=None, message="", attempts=0)
        if not n:
            raise ValueError("只有出错且文件仍保留的导入可以重新排队")
        import_queued.enqueue(q.pk)
    q.refresh_from_db()
    return q


def _superseded(queued_id: int, job: DBTaskResult | None) -> bool:
    # queued again by hand (queued_requeue: a new job) after `job` was enqueued: what core.jobs
    # says of the old job, late (its stale sweep), is no longer the import's state
    return job is not None and DBTaskResult.objects.filter(
        task_path=job.task_path, args_kwargs__args=[queued_id], enqueued_at__gt=job.enqueued_at).exists()


def queued_retry_waiting(queued_id: int, *, retry_at: dt.datetime | None, note: str) -> int:
    """The import's job failed (or its worker died) and core.jobs put it back to run again at
    `retry_at` (None: at once): the import waits for that retry, it has not failed. The last
    error stays in `message` (`note` when the run left none: its worker died). Returns the rows
    changed (none once the import is done)."""
    return QueuedImport.objects.filter(
        pk=queued_id, status__in=[Status.QUEUED, Status.RUNNING, Status.FAILED, Status.RETRY]).update(
        status=Status.RETRY, retry_at=retry_at, finished_at=None,
        message=Case(When(message="", then=Value(note[:2000])), default=F("message"), output_field=TextField()))


def queued_given_up(queued_id: int, reason: str, *, job: DBTaskResult | None = None) -> int:
    """The import's job will not run again (core.jobs gave up: its last attempt failed, or its
    worker died too often): the import is failed with why, after the last run's error if it left
    one (its file kept, so it can be queued again). Returns the rows changed: none when the import
    was queued again by hand since `job` (the stale sweep gives an old job up late), as its new
    job decides."""
    if _superseded(queued_id, job):
        return 0
    return QueuedImport.objects.filter(
        pk=queued_id, status__in=[Status.QUEUED, Status.RUNNING, Status.RETRY, Status.FAILED]).update(
        status=Status.FAILED, finished_at=Coalesce(F("finished_at"), Now()), retry_at=None,
        message=Left(Case(When(message="", then=Value(reason)),
                          default=Concat(F("message"), Value("；"), Value(reason), output_field=TextField()),
                          output_field=TextField()), 2000))


def queued_prune(*, older_than: dt.timedelta, dry_run: bool = False) -> int:
    """Queued imports uploaded longer ago than `older_than` and finished (done or failed)
    deleted, with any file they still hold; their batches and complaints stay."""
    old = QueuedImport.objects.filter(created_at__lt=timezone.now() - older_than,
                                      status__in=[Status.DONE, Status.FAILED])
    if dry_run:
        return old.count()
    return old.delete()[0]


def queued_result(q: QueuedImport) -> ImportResult | None:
    """The report of a finished job, as the page and the API show a synchronous import's."""
    return result_from_json(q.result) if q.result else None


# -- the report kept as JSON ------------------------------------------------------------------------
_COUNTS = ("ok", "filename", "fatal", "fatal_field", "total", "created", "updated", "unchanged", "skipped", "located",
           "attempted_location", "dry_run", "partial", "batch_id")


def result_json(r: ImportResult) -> dict:
    out = {k: getattr(r, k) for k in _COUNTS}
    out["errors"] = [[e.row, e.column, e.message, e.value] for e in r.errors]
    out["warnings"] = list(r.warnings)
    return out


def result_from_json(d: dict) -> ImportResult:
    return ImportResult(**{k: d[k] for k in _COUNTS if k in d},
                        errors=tuple(RowError(row, column, message, value) for row, column, message, value
                                     in d.get("errors", [])),
                        warnings=list(d.get("warnings", [])))
