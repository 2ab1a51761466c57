"""Background jobs of the hotline app (django-tasks; README "Background jobs"): a 12345
export too large to import inside the request (hotline.services.queued), and the complaints
near a new patrol problem linked to it (hotline.services.linking)."""
from __future__ import annotations

from django_tasks import TaskContext, task

from .services.linking import complaints_link_to_problem
from .services.queued import queued_run


@task(takes_context=True)
def import_queued(context: TaskContext, queued_id: int) -> dict:
    """The stored upload imported, all or nothing, and its report kept (run twice: imports once).
    The attempt tells a failed run whether the job runs again (等待重试, not 失败)."""
    return queued_run(queued_id, attempt=context.attempt)


@task()
def link_complaints(problem_id: int) -> dict:
    """The 12345 complaints near a new patrol problem linked to it (run twice: links once)."""
    return {"problem": problem_id, "linked": complaints_link_to_problem(problem_id)}
