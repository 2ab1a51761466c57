"""Background jobs of the shifts app (django-tasks; README "Background jobs"). They only
call services: a job is a function a worker (`manage.py db_worker`) runs with arguments
read from the database's queue table."""
from __future__ import annotations

from django_tasks import task

from .models import FixBatch
from .services.coverage import coverage_update
from .services.distance import shift_distances_measure


@task()
def coverage_for_batch(batch_id: int) -> dict:
    """A batch's fixes painted onto its shift's stored coverage (idempotent: a job run
    twice, or a batch computed again, changes nothing). A batch of a shift that has ended (a
    tablet's last one, a GPS file read out later) cleared its member's stored km patrolled
    (shifts.services.fixes._claim, which queued this job in the same statement): measured
    and stored again here, off the request path, so reports go on reading no fix of the shift."""
    batch = FixBatch.objects.filter(pk=batch_id).only("shift_id").first()
    if batch is None:  # its shift was deleted meanwhile
        return {"batch": batch_id, "skipped": True}
    r = coverage_update(shift_id=batch.shift_id, batch_id=batch_id)
    shift_distances_measure(shift_id=batch.shift_id)  # nothing while on duty (its end's job measures it)
    return {"batch": batch_id, "shift": r.shift_id, "fixes": r.fixes, "rows_written": r.rows_written}


@task()
def coverage_for_shift(shift_id: int) -> dict:
    """The whole shift recomputed from all its good fixes (queued when it ends: paints the
    last minutes the batch jobs held back, and joins every batch boundary exactly), and its
    members' km patrolled measured and stored (the coverage report then reads no fix of it)."""
    r = coverage_update(shift_id=shift_id)
    shift_distances_measure(shift_id=shift_id)
    return {"shift": r.shift_id, "fixes": r.fixes, "rows_written": r.rows_written, "rows_deleted": r.rows_deleted}


@task()
def coverage_for_segments(shift_id: int, segment_ids: list[int]) -> dict:
    """The shift's coverage of `segment_ids` measured again from its good fixes (queued when
    a network import moved those segments: the stored intervals were measured along the old
    geometry; or added them to the live network beside the shift's track: nothing was
    measured on them); its other rows are left as they are."""
    r = coverage_update(shift_id=shift_id, segment_ids=segment_ids)
    return {"shift": r.shift_id, "segments": len(segment_ids), "fixes": r.fixes, "rows_written": r.rows_written,
            "rows_deleted": r.rows_deleted}
