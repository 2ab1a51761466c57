"""The coverage job: queued when a batch commits, run by the database worker, and the
commands that work without one; a job left running by a dead worker is requeued."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from core.jobs import jobs_requeue_stale
from shifts.domain.simulate import simulate_member
from shifts.models import SegmentCoverage
from shifts.services.fixes import fixes_ingest
from shifts.tasks import coverage_for_batch

from .coverage_helpers import T0, batches_of, demo_network, fix_ins, members, on_duty_shift, send

pytestmark = pytest.mark.django_db


def _track(seed=61, minutes=30):
    return simulate_member(demo_network(), start_t=T0, end_t=T0 + 60 * minutes, seed=seed, mode="walk", gaps=0)


def test_a_committed_batch_queues_its_job_and_the_worker_runs_it(django_capture_on_commit_callbacks, monkeypatch):
    (officer,) = members(1)
    shift = on_duty_shift()
    with django_capture_on_commit_callbacks(execute=True):
        r = fixes_ingest(actor=None, shift=shift, officer=officer, device_id="sim", fixes=fix_ins(_track())[:120],
                         source="api", now=T0 + 30 * 86400)
    job = DBTaskResult.objects.get()
    assert job.status == "READY" and job.args_kwargs["args"] == [r.batch_id]
    assert job.task_path == "shifts.tasks.coverage_for_batch"
    # the worker closes stale connections between jobs; the test's one holds its transaction
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL", job.exception_class_path
    assert SegmentCoverage.objects.filter(shift=shift).exists()


def test_the_job_function_computes_the_batch():
    (officer,) = members(1)
    shift = on_duty_shift()
    (_, batch, *_) = send(shift, officer, batches_of(fix_ins(_track())), compute=False)  # the first: all held back
    out = coverage_for_batch.call(batch)
    assert out["batch"] == batch and out["rows_written"] > 0
    assert coverage_for_batch.call(batch)["rows_written"] == 0  # twice: nothing more


def test_a_job_left_running_by_a_dead_worker_is_requeued():
    job = DBTaskResult.objects.create(task_path="shifts.tasks.coverage_for_batch", args_kwargs={"args": [1], "kwargs": {}},
                                      status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=30),
                                      worker_ids=["dead"], priority=0, queue_name="default", backend_name="default")
    fresh = DBTaskResult.objects.create(task_path="shifts.tasks.coverage_for_batch", args_kwargs={"args": [2], "kwargs": {}},
                                        status="RUNNING", started_at=timezone.now(), worker_ids=["alive"], priority=0,
                                        queue_name="default", backend_name="default")
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=10), dry_run=True) == [str(job.pk)]
    out = io.StringIO()
    call_command("jobs_requeue_stale", "--older-than-minutes", "10", stdout=out)
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, fresh.status) == ("READY", "RUNNING")
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()


def test_commands_compute_and_print_the_same_geojson_as_the_api():
    network = demo_network()
    (officer,) = members(1)
    track = _track(seed=62, minutes=40)
    shift = on_duty_shift(segment_ids=sorted(track.truth)[:6] + [sorted(network)[0]])
    send(shift, officer, batches_of(fix_ins(track)), compute=False)
    out = io.StringIO()
    call_command("coverage_update", "--shift", str(shift.pk), stdout=out)
    assert "写入" in out.getvalue()
    out = io.StringIO()
    call_command("coverage", "--shift", str(shift.pk), "--geojson", stdout=out)
    printed = json.loads(out.getvalue())
    client = APIClient()
    from django.contrib.auth import get_user_model

    client.force_authenticate(get_user_model().objects.get(username="lead1"))
    r = client.get(f"/api/v1/shifts/{shift.pk}/coverage")
    assert r.status_code == 200
    assert r.json() == printed
    assert printed["type"] == "FeatureCollection" and printed["features"]
    f = printed["features"][0]
    assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) >= 2
    lon, lat = f["geometry"]["coordinates"][0]
    assert 116.3 < lon < 116.4 and 39.9 < lat < 40.1  # WGS84, the demo district
    assert set(f["properties"]) == {"segment", "road", "start_m", "end_m", "segment_share", "passes", "first_at",
                                    "last_at"}
    s = printed["summary"]
    assert s["segments_planned"] == 7 and 0 < s["covered_share"] <= 1 and s["segments_covered"] >= 1
