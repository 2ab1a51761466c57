"""The worker (`manage.py db_worker`, core's) outlives a job whose failure the backend's own
worker could not record — it let the error out of its loop, the process exited with the job
RUNNING, and under `make run` (one worker) no job ran any more: a traceback with a NUL character,
one of many megabytes, a job that lost its database connection. Each job here is recorded, the
worker goes on to the next, and the retries of core.jobs follow."""
import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's transactions are its own


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _jobs():
    return {job.args_kwargs["args"][0]: job for job in DBTaskResult.objects.all()}


@override_settings(JOBS_MAX_ATTEMPTS=3)
def test_a_job_failing_with_a_nul_character_or_a_huge_message_is_recorded_and_the_worker_goes_on(monkeypatch):
    from hotline.tasks import link_complaints

    def link(problem_id):
        if problem_id == 1:
            raise ValueError("诉求内容“积存\x00垃圾”无法读取")  # a value read from a file, as it was
        if problem_id == 2:
            raise ValueError("大" * 5_000_000)
        return []
    monkeypatch.setattr("hotline.tasks.complaints_link_to_problem", link)
    for problem_id in (1, 2, 3):
        link_complaints.enqueue(problem_id)
    _worker()  # the backend's worker raised "A string literal cannot contain NUL (0x00) characters"
    jobs = _jobs()
    assert [jobs[i].status for i in (1, 2, 3)] == ["READY", "READY", "SUCCESSFUL"]  # retried later; the next ran
    assert "诉求内容“积存\\x00垃圾”无法读取" in jobs[1].traceback
    assert "第 1 次运行失败" in jobs[1].traceback
    assert len(jobs[2].traceback) < 70_000 and "中间省略" in jobs[2].traceback
    assert jobs[2].traceback.rstrip().endswith("自动重试") and "ValueError: 大大大" in jobs[2].traceback


def _terminate_own_connection():
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    db = settings.DATABASES["default"]
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                             port=db["PORT"])
    try:
        other.autocommit = True
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@override_settings(JOBS_MAX_ATTEMPTS=3)
def test_a_job_that_lost_its_database_connection_is_retried_and_the_worker_goes_on(monkeypatch):
    from hotline.tasks import link_complaints

    def link(problem_id):
        if problem_id == 1:  # the server restarted, failed over, or a DBA ended the session
            _terminate_own_connection()
            with connection.cursor() as cur:
                cur.execute("SELECT 1")
        return []
    monkeypatch.setattr("hotline.tasks.complaints_link_to_problem", link)
    link_complaints.enqueue(1)
    link_complaints.enqueue(2)
    _worker()  # the backend's worker raised "connection already closed" recording the failure
    jobs = _jobs()
    assert jobs[1].status == "READY" and "OperationalError" in jobs[1].traceback
    assert "第 1 次运行失败" in jobs[1].traceback
    assert jobs[2].status == "SUCCESSFUL"


def test_a_worker_waits_for_a_database_that_went_away_instead_of_exiting(monkeypatch):
    from hotline.tasks import link_complaints

    monkeypatch.setattr("hotline.tasks.complaints_link_to_problem", lambda problem_id: [])
    link_complaints.enqueue(1)
    db = settings.DATABASES["default"]
    admin = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                             port=db["PORT"])
    admin.autocommit = True
    waits = []

    def database_back(seconds):  # while the worker waits, the database comes back
        waits.append(seconds)
        admin.cursor().execute(f'ALTER DATABASE "{db["NAME"]}" CONNECTION LIMIT -1')
    monkeypatch.setattr("core.management.commands.db_worker.time.sleep", database_back)
    try:
        # the database refuses the worker (restarting, failing over): no new connection, the old one gone
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        admin.cursor().execute(f'ALTER DATABASE "{db["NAME"]}" CONNECTION LIMIT 0')
        admin.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
        # not --batch: a worker that serves; the backend's exited on the first refused connection
        call_command("db_worker", "--max-tasks", "1", "--interval", "0", "--no-startup-delay", "--no-reload",
                     verbosity=0)
    finally:
        admin.cursor().execute(f'ALTER DATABASE "{db["NAME"]}" CONNECTION LIMIT -1')
        admin.close()
    assert waits and DBTaskResult.objects.get().status == "SUCCESSFUL"
