"""scripts/worker.sh, the worker `make run` starts: a db_worker killed (SIGKILL, the OOM killer)
is started again, the job it left RUNNING is put back in the queue by the sweep and run, and a
stop (SIGTERM, as run.sh sends when gunicorn stops) ends both the loop and the worker.

Before it, `make run` started db_worker once: killed, it left its job RUNNING and no job ran any
more until someone ran `jobs_requeue_stale` by hand."""
import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True)  # the worker is another process

ROOT = Path(__file__).resolve().parents[2]


def _until(check, seconds=90.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"not within {seconds} s")


def _workers_of(pid: int) -> list[int]:
    """The running db_worker processes whose parent is `pid` (read from /proc: no procps needed)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, …
        if fields[0] != "Z" and int(fields[1]) == pid and b"db_worker" in cmdline:
            found.append(int(proc.name))
    return found


def _status(job_id) -> str:
    return DBTaskResult.objects.get(pk=job_id).status


def test_a_killed_worker_is_started_again_and_its_job_run_and_a_stop_ends_both():
    from hotline.tasks import link_complaints

    # a job a worker that died took: RUNNING for two minutes
    left = link_complaints.enqueue(10**9)
    DBTaskResult.objects.filter(pk=left.id).update(status="RUNNING", worker_ids=["dead-worker"],
                                                   started_at=timezone.now() - dt.timedelta(minutes=2))
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "JOBS_STALE_MINUTES": "1", "JOBS_SWEEP_SECONDS": "1",
           "WORKER_VERBOSITY": "0"}
    script = subprocess.Popen(["bash", "scripts/worker.sh"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        _until(lambda: _status(left.id) == "SUCCESSFUL")  # swept back to READY, then run
        first = _until(lambda: _workers_of(script.pid))[0]
        os.kill(first, signal.SIGKILL)
        second = _until(lambda: [p for p in _workers_of(script.pid) if p != first])[0]
        assert second != first
        after = link_complaints.enqueue(10**9 + 1)
        _until(lambda: _status(after.id) == "SUCCESSFUL")  # the worker started again runs jobs
        script.send_signal(signal.SIGTERM)
        assert script.wait(timeout=60) == 0
        assert _workers_of(script.pid) == []
        with pytest.raises(ProcessLookupError):
            os.kill(second, 0)
        assert "starting it again" in script.stderr.read()
    finally:
        if script.poll() is None:
            for pid in _workers_of(script.pid):
                os.kill(pid, signal.SIGKILL)
            script.kill()
            script.wait()
