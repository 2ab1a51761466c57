"""How patrol records follow changes in the apps they refer to."""
from django.dispatch import receiver

from geodata.signals import network_changed

from .services.problems import problems_resnap


@receiver(network_changed, dispatch_uid="patrol.problems_resnap")
def _resnap_problems(sender, moved_segment_ids=(), removed_segment_ids=(), **kwargs):
    n = problems_resnap(segment_ids=[*moved_segment_ids, *removed_segment_ids])
    return f"问题重新关联路段 {n} 个（路段被删除或几何改变）" if n else None
