"""How hotline records follow what other apps do."""
from django.dispatch import receiver

from core.jobs import job_given_up, job_retried
from geodata.signals import network_changed
from patrol.signals import problem_created

from .services.network import complaints_resnap
from .services.queued import queued_given_up, queued_retry_waiting
from .tasks import link_complaints


@receiver(problem_created, dispatch_uid="hotline.link_complaints")
def _link_complaints(sender, problem_id: int, **kwargs):
    # a job, not the request: the request that reported the problem is already answered
    link_complaints.enqueue(problem_id)


@receiver(network_changed, dispatch_uid="hotline.complaints_resnap")
def _resnap_complaints(sender, moved_segment_ids=(), removed_segment_ids=(), **kwargs):
    n = complaints_resnap(segment_ids=[*moved_segment_ids, *removed_segment_ids])
    return f"12345诉求重新关联路段 {n} 条（路段被删除或几何改变）" if n else None


@receiver(job_given_up, dispatch_uid="hotline.queued_given_up")
def _import_given_up(sender, job, reason: str, **kwargs):
    # the status page shows the import, not the job: it must not say "running" for ever
    if job.task_path == "hotline.tasks.import_queued" and job.args_kwargs.get("args"):
        queued_given_up(job.args_kwargs["args"][0], reason, job=job)


@receiver(job_retried, dispatch_uid="hotline.queued_retry_waiting")
def _import_retried(sender, job, run_after, note: str, **kwargs):
    # the job runs again later: the page says 等待重试 (when, the last error), not 失败
    if job.task_path == "hotline.tasks.import_queued" and job.args_kwargs.get("args"):
        queued_retry_waiting(job.args_kwargs["args"][0], retry_at=run_after, note=note)
