"""A large export imported by the background worker: stored and queued instead of imported in
the request, run by the job (once, whatever happens), its report kept, old rows pruned."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.management.commands import db_worker
from core.models import AuditEvent
from hotline.models import Complaint, ImportBatch, QueuedImport
from hotline.services.imports import ImportResult, complaints_import
from hotline.services.queued import import_or_queue, queued_prune, queued_requeue, queued_result, queued_run

from .conftest import csv_bytes, order, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [order(f"Q{i}", f"2026-11-2{i} 09:00") for i in range(1, 6)]  # five rows
BAD = [*GOOD[:2], order("Q9", "2026-02-30 08:00"), *GOOD[2:]]  # row 4 is bad


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_large_file_is_stored_and_queued_and_the_job_imports_it(user):
    q = import_or_queue(data=xlsx_bytes(GOOD), filename="big.xlsx", actor=user)
    assert isinstance(q, QueuedImport) and (q.status, q.rows, q.created_by) == ("queued", 5, user)
    job = DBTaskResult.objects.get()
    assert job.task_path == "hotline.tasks.import_queued" and job.args_kwargs["args"] == [q.pk]
    assert not Complaint.objects.exists()
    out = queued_run(q.pk)
    assert out["ok"] and out["created"] == 5
    q.refresh_from_db()
    assert (q.status, q.data, q.attempts) == ("done", None, 1) and q.started_at <= q.finished_at
    result = queued_result(q)
    assert isinstance(result, ImportResult) and result.headline.startswith("导入完成：新增 5 条")
    assert q.batch_id == result.batch_id and ImportBatch.objects.get().imported_by == user
    assert Complaint.objects.count() == 5


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_job_run_twice_imports_once(user):
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)
    queued_run(q.pk)
    events = AuditEvent.objects.count()
    assert queued_run(q.pk) == {"import": q.pk, "skipped": "done"}
    assert ImportBatch.objects.count() == 1 and Complaint.objects.count() == 5 and AuditEvent.objects.count() == events
    q.refresh_from_db()
    assert q.attempts == 1


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_job_left_running_by_a_dead_worker_runs_again_when_requeued(user):
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)
    # killed mid-import: its transaction rolled back, the row still says running (no lock held)
    QueuedImport.objects.filter(pk=q.pk).update(status="running", started_at=timezone.now(), attempts=1)
    assert queued_run(q.pk)["created"] == 5
    q.refresh_from_db()
    assert (q.status, q.attempts) == ("done", 2) and ImportBatch.objects.count() == 1


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_bad_file_queued_reports_its_rows_and_saves_nothing(user):
    q = import_or_queue(data=xlsx_bytes(BAD), filename="bad.xlsx", actor=user)
    queued_run(q.pk)
    q.refresh_from_db()
    result = queued_result(q)
    assert q.status == "done" and not result.ok and q.batch_id is None and q.data is None
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "受理时间", "2026-02-30 08:00")]
    assert "未导入任何数据" in result.headline and result.total == 6
    assert not Complaint.objects.exists() and not ImportBatch.objects.exists()


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_partial_queued_import_keeps_the_good_rows(user):
    q = import_or_queue(data=csv_bytes(BAD), filename="bad.csv", actor=user, partial=True)
    queued_run(q.pk)
    result = queued_result(QueuedImport.objects.get(pk=q.pk))
    assert result.ok and (result.created, result.skipped) == (5, 1) and result.errors[0].row == 4


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_small_unreadable_or_misheaded_files_are_not_queued(user):
    small = import_or_queue(data=csv_bytes(GOOD[:3]), filename="small.csv", actor=user)
    assert isinstance(small, ImportResult) and small.created == 3
    broken = import_or_queue(data=b"%PDF-1.4 not a workbook", filename="a.xlsx", actor=user)
    assert isinstance(broken, ImportResult) and "内容不是 Excel 文件" in broken.fatal
    headers = ["编号", "时间", "内容", "地址", "类别", "单位", "科室", "人", "响应", "解决", "满意", "回访", "疑难"]
    misheaded = import_or_queue(data=csv_bytes(GOOD, headers=headers), filename="m.csv", actor=user)
    assert isinstance(misheaded, ImportResult) and misheaded.fatal
    assert not QueuedImport.objects.exists() and not DBTaskResult.objects.exists()


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_failing_job_is_marked_failed_keeps_its_file_and_can_be_queued_again(user, monkeypatch):
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)

    def boom(**kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    with pytest.raises(RuntimeError):
        queued_run(q.pk)
    q.refresh_from_db()
    assert q.status == "failed" and "数据库连接中断" in q.message and bytes(q.data) == csv_bytes(GOOD)
    assert not Complaint.objects.exists()
    monkeypatch.undo()
    queued_requeue(q)
    assert q.status == "queued" and DBTaskResult.objects.filter(args_kwargs__args=[q.pk]).count() == 2
    queued_run(q.pk)
    q.refresh_from_db()
    assert (q.status, q.attempts, q.message) == ("done", 1, "") and Complaint.objects.count() == 5  # a new job, its own runs
    with pytest.raises(ValueError):
        queued_requeue(q)  # done: not again


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_the_worker_runs_the_queued_import(user, monkeypatch):
    q = import_or_queue(data=xlsx_bytes(GOOD), filename="big.xlsx", actor=user)
    # the worker closes stale connections between jobs; the test's one holds its transaction
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL", job.exception_class_path
    assert job.return_value["created"] == 5
    q.refresh_from_db()
    assert q.status == "done" and Complaint.objects.count() == 5


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_old_finished_imports_are_pruned(user):
    old_done = import_or_queue(data=csv_bytes(GOOD), filename="a.csv", actor=user)
    queued_run(old_done.pk)
    waiting = import_or_queue(data=csv_bytes(GOOD), filename="b.csv", actor=user)
    recent = import_or_queue(data=csv_bytes(GOOD), filename="c.csv", actor=user)
    queued_run(recent.pk)
    long_ago = timezone.now() - dt.timedelta(days=40)
    QueuedImport.objects.filter(pk__in=[old_done.pk, waiting.pk]).update(created_at=long_ago)
    assert queued_prune(older_than=dt.timedelta(days=30), dry_run=True) == 1
    out = io.StringIO()
    call_command("hotline_imports_prune", "--older-than-days", "30", stdout=out)
    assert "已删除 1 条" in out.getvalue()
    assert set(QueuedImport.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert ImportBatch.objects.count() == 2 and Complaint.objects.count() == 5  # batches and complaints stay


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_queued_imports_are_read_only_in_the_admin(user, client):
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)
    client.force_login(user)
    listing = client.get("/admin/hotline/queuedimport/")
    assert listing.status_code == 200 and "big.csv" in listing.content.decode()
    page = client.get(f"/admin/hotline/queuedimport/{q.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_what_a_failed_run_says_is_chinese_with_the_technical_cause_kept_for_the_administrator(user, monkeypatch):
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)
    QueuedImport.objects.filter(pk=q.pk).update(data=None)  # its file cleared by hand
    with pytest.raises(ValueError):
        queued_run(q.pk)
    q.refresh_from_db()
    assert q.message == "文件内容已被清除，请重新上传"  # no "ValueError:" before it

    q = import_or_queue(data=csv_bytes(GOOD), filename="big2.csv", actor=user)

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("hotline.services.queued.complaints_import", down)
    with pytest.raises(OperationalError):
        queued_run(q.pk)
    q.refresh_from_db()
    assert q.message == "系统错误（OperationalError: server closed the connection unexpectedly）"


@override_settings(HOTLINE_INLINE_MAX_ROWS=3, JOBS_MAX_ATTEMPTS=2, JOBS_RETRY_BACKOFF_SECONDS=600)
def test_a_failed_run_with_attempts_left_is_never_seen_failed_and_the_last_one_is(user, monkeypatch):
    # What a page (or the API) read between the run's failure and core.jobs' retry: the import as
    # it stood when the worker recorded the job FAILED, before task_finished put it back to READY.
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)
    seen = []
    set_failed = db_worker.job_record_failure  # how the worker records a failure

    def observed(job, exc):
        seen.append(QueuedImport.objects.values_list("status", "message").get(pk=q.pk))
        set_failed(job, exc)

    def boom(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(db_worker, "job_record_failure", observed)
    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    error = "系统错误（OperationalError: server closed the connection unexpectedly）"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)  # attempt 1 of 2
    assert seen == [("retry", error)]  # at the failure itself: waits for its retry, never 失败
    job = DBTaskResult.objects.get()
    q.refresh_from_db()
    assert (job.status, q.status, q.attempts, q.retry_at, q.finished_at) == ("READY", "retry", 1, job.run_after, None)

    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)  # the last attempt
    assert seen[1] == ("failed", error)
    job.refresh_from_db()
    q.refresh_from_db()
    assert (job.status, q.status, q.attempts, q.retry_at) == ("FAILED", "failed", 2, None) and q.finished_at
    assert q.message == f"{error}；已运行 2 次均失败，不再自动重试（JOBS_MAX_ATTEMPTS=2）"
    assert bytes(q.data) == csv_bytes(GOOD) and not Complaint.objects.exists()  # its file kept, nothing imported


@override_settings(HOTLINE_INLINE_MAX_ROWS=3, JOBS_MAX_ATTEMPTS=1)
def test_an_import_queued_again_by_hand_is_not_failed_by_its_old_jobs_late_give_up(user, monkeypatch):
    # The last attempt fails and the worker is killed before core.jobs' step: the run has written
    # 失败 itself, so the page offers 重新排队, and the uploader takes it. The stale sweep then
    # gives the old job up; the import, queued again as a new job, must not turn 失败 with it.
    from core.jobs import jobs_requeue_stale

    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)

    def boom(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    set_failed = db_worker.job_record_failure  # how the worker records a failure

    def then_killed(job, exc):
        set_failed(job, exc)
        raise SystemExit("killed")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    monkeypatch.setattr(db_worker, "job_record_failure", then_killed)
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with pytest.raises(SystemExit):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    monkeypatch.setattr(db_worker, "job_record_failure", set_failed)
    monkeypatch.setattr("hotline.services.queued.complaints_import", complaints_import)
    old = DBTaskResult.objects.get()
    q.refresh_from_db()
    assert (old.status, q.status) == ("FAILED", "failed")
    queued_requeue(q)
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(minutes=30))

    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == [str(old.pk)]
    old.refresh_from_db()
    q.refresh_from_db()
    assert old.traceback.rstrip().endswith("不再自动重试（JOBS_MAX_ATTEMPTS=1）")  # the old job is given up
    assert (q.status, q.message, q.finished_at) == ("queued", "", None)  # the import waits for its new job
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    q.refresh_from_db()
    assert q.status == "done" and Complaint.objects.count() == 5


@override_settings(HOTLINE_INLINE_MAX_ROWS=3, JOBS_MAX_ATTEMPTS=3)
def test_a_run_failing_with_a_nul_character_says_its_error_instead_of_losing_it(user, monkeypatch):
    # PostgreSQL text holds no NUL: writing the message as it was raised "A string literal cannot
    # contain NUL" in place of the run's own error, and the page kept saying 导入中
    q = import_or_queue(data=csv_bytes(GOOD), filename="big.csv", actor=user)

    def boom(**kwargs):
        raise RuntimeError("第 3 行“积存\x00垃圾”无法读取")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    with pytest.raises(RuntimeError):
        queued_run(q.pk, attempt=1)
    q.refresh_from_db()
    assert q.status == "retry" and "第 3 行“积存\\x00垃圾”无法读取" in q.message
