"""How hotline records follow what other apps do."""
from django.dispatch import receiver

from patrol.signals import problem_created

from .tasks import link_complaints


@receiver(problem_created, dispatch_uid="hotline.link_complaints")
def _link_complaints(sender, problem_id: int, **kwargs):
    # a job, not the request: the request that reported the problem is already answered
    link_complaints.enqueue(problem_id)
