"""Background jobs run again, boundedly: a job that raised is retried after a growing wait,
a job whose worker died is requeued, and after JOBS_MAX_ATTEMPTS both stay FAILED with the
reason in the row (where the admin shows jobs), a queued import's page saying so too."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.jobs import WORKER_LOST, jobs_requeue_stale, jobs_retry_failed
from core.management.commands import db_worker
from hotline.models import QueuedImport
from hotline.services.queued import import_or_queue

pytestmark = pytest.mark.django_db


def _worker(monkeypatch):
    # the worker closes stale connections between jobs; the test's one holds its transaction
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _due(job):
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())


@override_settings(JOBS_MAX_ATTEMPTS=3, JOBS_RETRY_BACKOFF_SECONDS=60, JOBS_RETRY_BACKOFF_MAX_SECONDS=3600)
def test_a_job_that_failed_on_a_transient_error_runs_again_after_a_backoff(monkeypatch):
    from hotline.tasks import link_complaints

    calls = {"n": 0}

    def flaky(problem_id):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return [7]
    monkeypatch.setattr("hotline.tasks.complaints_link_to_problem", flaky)
    link_complaints.enqueue(41)
    _worker(monkeypatch)
    job = DBTaskResult.objects.get()
    assert job.status == "READY" and calls["n"] == 1  # not run again at once: it waits
    assert 50 <= (job.run_after - timezone.now()).total_seconds() <= 60
    assert "第 1 次运行失败，60 秒后自动重试" in job.traceback and "OperationalError" in job.traceback
    _due(job)
    _worker(monkeypatch)
    job.refresh_from_db()
    assert (job.status, job.return_value, calls["n"], len(job.worker_ids)) == ("SUCCESSFUL", {"problem": 41, "linked": [7]},
                                                                                2, 2)


@override_settings(JOBS_MAX_ATTEMPTS=3, JOBS_RETRY_BACKOFF_SECONDS=60, JOBS_RETRY_BACKOFF_MAX_SECONDS=3600)
def test_a_job_that_always_fails_stops_after_the_maximum_with_the_reason(monkeypatch):
    from hotline.tasks import link_complaints

    def broken(problem_id):
        raise OperationalError("still down")
    monkeypatch.setattr("hotline.tasks.complaints_link_to_problem", broken)
    link_complaints.enqueue(42)
    waits = []
    for _ in range(3):
        job = DBTaskResult.objects.get()
        _due(job)
        _worker(monkeypatch)
        job.refresh_from_db()
        if job.status == "READY":
            waits.append(round((job.run_after - timezone.now()).total_seconds() / 60))
    assert waits == [1, 2]  # 60 s, then 120 s
    assert job.status == "FAILED" and len(job.worker_ids) == 3
    assert "已运行 3 次均失败，不再自动重试" in job.traceback
    _worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == "FAILED" and len(job.worker_ids) == 3  # not taken again


@override_settings(JOBS_MAX_ATTEMPTS=3, HOTLINE_INLINE_MAX_ROWS=3)
def test_a_job_that_kills_its_worker_is_requeued_a_bounded_number_of_times():
    from django.contrib.auth import get_user_model

    from tests.hotline.conftest import csv_bytes, order

    user = get_user_model().objects.get(username="admin")
    q = import_or_queue(data=csv_bytes([order(f"Q{i}", f"2026-11-2{i} 09:00") for i in range(1, 6)]),
                        filename="big.csv", actor=user)
    job = DBTaskResult.objects.get()
    requeued = 0
    for i in range(10):
        job.refresh_from_db()
        if job.status != "READY":
            break
        job.claim(f"worker-{i}")  # taken, and the worker is killed (OOM) mid-import
        QueuedImport.objects.filter(pk=q.pk).update(status="running", message="")  # as the run does
        DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(minutes=30))
        assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == [str(job.pk)]
        requeued += 1
        q.refresh_from_db()
        if requeued < 3:  # back in the queue, at once: the import waits for that run, it is not running
            assert (q.status, q.retry_at) == ("retry", None)
            assert f"第 {requeued} 次运行时工作进程退出（未结束），已重新排队" in q.message
    job.refresh_from_db()
    assert requeued == 3 and job.status == "FAILED" and job.exception_class_path == WORKER_LOST
    assert "工作进程在运行该任务时退出 3 次" in job.traceback
    q.refresh_from_db()
    assert q.status == "failed" and "工作进程在运行该任务时退出 3 次" in q.message
    assert bytes(q.data)  # the file is kept: it can be queued again by hand


def _worker_killed_after_recording_the_failure(monkeypatch):
    # the process dies (SIGKILL, OOM) once the job's FAILED row is saved, before task_finished
    # sends it to core.jobs' retry step
    set_failed = db_worker.job_record_failure  # how the worker records a failure

    def then_killed(job, exc):
        set_failed(job, exc)
        raise SystemExit("killed")

    monkeypatch.setattr(db_worker, "job_record_failure", then_killed)
    with pytest.raises(SystemExit):
        _worker(monkeypatch)
    monkeypatch.setattr(db_worker, "job_record_failure", set_failed)


def _failed_ago(job, minutes):
    DBTaskResult.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(minutes=minutes))


@override_settings(JOBS_MAX_ATTEMPTS=2, JOBS_RETRY_BACKOFF_SECONDS=600, HOTLINE_INLINE_MAX_ROWS=3)
def test_a_job_whose_worker_died_before_its_retry_step_is_retried_then_given_up_by_the_sweep(monkeypatch):
    from django.contrib.auth import get_user_model

    from tests.hotline.conftest import csv_bytes, order

    user = get_user_model().objects.get(username="admin")
    data = csv_bytes([order(f"K{i}", f"2026-11-2{i} 09:00") for i in range(1, 6)])
    q = import_or_queue(data=data, filename="big.csv", actor=user)

    def boom(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    error = "系统错误（OperationalError: server closed the connection unexpectedly）"
    _worker_killed_after_recording_the_failure(monkeypatch)  # attempt 1 of 2
    job = DBTaskResult.objects.get()
    q.refresh_from_db()
    assert (job.status, q.status, q.message) == ("FAILED", "retry", error)  # says 即将自动重试, and nothing retries it
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == []  # just failed: a live worker's step is due
    _failed_ago(job, 30)
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10), dry_run=True) == [str(job.pk)]
    job.refresh_from_db()
    assert job.status == "FAILED"  # a dry run changes nothing

    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == [str(job.pk)]
    job.refresh_from_db()
    q.refresh_from_db()
    assert job.status == "READY" and DBTaskResult.objects.ready().filter(pk=job.pk).exists()  # 600 s after a failure 30 min ago: now
    assert "第 1 次运行失败后工作进程未及安排重试即退出，已重新排队" in job.traceback
    assert (q.status, q.retry_at, q.message) == ("retry", None, error)
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == []  # retried once, not again

    _worker_killed_after_recording_the_failure(monkeypatch)  # the last attempt, killed the same way
    job.refresh_from_db()
    q.refresh_from_db()
    assert (job.status, len(job.worker_ids), q.status, q.message) == ("FAILED", 2, "failed", error)
    _failed_ago(job, 30)
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == [str(job.pk)]
    job.refresh_from_db()
    q.refresh_from_db()
    reason = "已运行 2 次均失败，不再自动重试（JOBS_MAX_ATTEMPTS=2）"
    assert job.status == "FAILED" and job.traceback.rstrip().endswith(reason) and job.traceback.count(reason) == 1
    assert (q.status, q.message, q.retry_at) == ("failed", f"{error}；{reason}", None) and q.finished_at
    assert bytes(q.data) == data  # its file kept, to be queued again by hand

    # given up: neither the next sweep nor the worker's step, should it come late, gives it up again
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == []
    assert jobs_retry_failed(job_id=job.pk) is None
    job.refresh_from_db()
    q.refresh_from_db()
    assert job.traceback.count(reason) == 1 and q.message == f"{error}；{reason}"


@override_settings(JOBS_MAX_ATTEMPTS=5, JOBS_RETRY_BACKOFF_SECONDS=3600, JOBS_RETRY_BACKOFF_MAX_SECONDS=3600)
def test_the_sweep_takes_only_failed_jobs_left_without_their_step_and_keeps_their_backoff():
    def failed(n, minutes_ago, traceback="Traceback …\nOperationalError: down\n", **extra):
        return DBTaskResult.objects.create(
            task_path="shifts.tasks.coverage_for_batch", args_kwargs={"args": [n], "kwargs": {}}, status="FAILED",
            started_at=timezone.now() - dt.timedelta(minutes=minutes_ago + 1),
            finished_at=timezone.now() - dt.timedelta(minutes=minutes_ago), worker_ids=["w1"], priority=0,
            queue_name="default", backend_name="default", run_after=timezone.now() - dt.timedelta(hours=2),
            exception_class_path="django.db.utils.OperationalError", traceback=traceback, **extra)

    left = failed(1, 30)  # its worker died before the step
    fresh = failed(2, 1)  # a live worker is about to take its step
    given_up = failed(3, 30, traceback="OperationalError: down\n已运行 5 次均失败，不再自动重试（JOBS_MAX_ATTEMPTS=5）\n")
    lost = failed(4, 30, traceback="工作进程在运行该任务时退出 5 次，不再重新排队（JOBS_MAX_ATTEMPTS=5）\n")
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == [str(left.pk)]
    for job in (left, fresh, given_up, lost):
        job.refresh_from_db()
    assert (left.status, fresh.status, given_up.status, lost.status) == ("READY", "FAILED", "FAILED", "FAILED")
    # the hour's backoff counts from the failure, half an hour ago: it runs in half an hour
    assert 29 <= (left.run_after - timezone.now()).total_seconds() / 60 <= 30
    assert not DBTaskResult.objects.ready().filter(pk=left.pk).exists()


@override_settings(JOBS_MAX_ATTEMPTS=5, JOBS_RETRY_BACKOFF_SECONDS=60)
def test_jobs_that_failed_before_the_retries_stay_failed_after_the_upgrade():
    """Found in review: a job that FAILED under a release without retries (its traceback has no
    given-up mark) was taken by the first sweep after the upgrade as one whose worker died
    before its retry step, and ran again days later. The migration marks such rows given up."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("core.migrations.0005_failed_jobs_before_retries_given_up")

    def failed(n, traceback):
        return DBTaskResult.objects.create(
            task_path="shifts.tasks.coverage_for_batch", args_kwargs={"args": [n], "kwargs": {}}, status="FAILED",
            started_at=timezone.now() - dt.timedelta(days=3, minutes=1), finished_at=timezone.now() - dt.timedelta(days=3),
            worker_ids=["w1"], priority=0, queue_name="default", backend_name="default",
            run_after=timezone.now() - dt.timedelta(days=3), exception_class_path="django.db.utils.OperationalError",
            traceback=traceback)

    old = failed(1, "Traceback …\nOperationalError: down\n")
    marked = failed(2, "OperationalError: down\n已运行 5 次均失败，不再自动重试（JOBS_MAX_ATTEMPTS=5）\n")
    migration.mark_failed_given_up(apps, None)
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10)) == []
    old.refresh_from_db()
    marked.refresh_from_db()
    assert old.status == "FAILED" and old.traceback == (
        "Traceback …\nOperationalError: down\n在升级到自动重试的版本之前已失败，不自动重试（JOBS_MAX_ATTEMPTS=5）\n")
    assert marked.traceback.count("JOBS_MAX_ATTEMPTS") == 1  # marked once, not again
    assert jobs_retry_failed(job_id=old.pk) is None  # a worker's late step does not retry it either
