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

from core.jobs import WORKER_LOST, jobs_requeue_stale
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
