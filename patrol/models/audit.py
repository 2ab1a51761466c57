"""The audit trail: every change to a problem, who made it, when and why. Append-only."""
from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class ProblemEvent(models.Model):
    problem = models.ForeignKey("patrol.Problem", on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=30)  # created / transition / updated / outcome / escalated / ...
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        # The trail is evidence: rows are written once and never changed.
        if self.pk is not None:
            raise AppendOnlyError("操作记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("操作记录不能删除")
