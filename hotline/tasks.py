"""Background jobs of the hotline app (django-tasks; README "Background jobs"): a 12345
export too large to import inside the request (hotline.services.queued)."""
from __future__ import annotations

from django_tasks import task

from .services.queued import queued_run


@task()
def import_queued(queued_id: int) -> dict:
    """The stored upload imported, all or nothing, and its report kept (run twice: imports once)."""
    return queued_run(queued_id)
