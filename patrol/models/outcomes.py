"""Enforcement outcomes (处置结果): what was done about a problem or in an inspection.

Never deleted: a wrong record is corrected by a new one that points at it (`corrects`),
and reports count only records that no later record corrects.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from .problems import photo_path


class Outcome(models.Model):
    problem = models.ForeignKey("patrol.Problem", verbose_name="问题", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="outcomes")
    inspection = models.ForeignKey("patrol.Inspection", verbose_name="联合检查", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="outcomes")
    kinds = models.JSONField("处置方式", help_text='e.g. ["劝阻", "整改"]')
    target_kind = models.CharField("对象", max_length=30)
    count = models.PositiveIntegerField("数量", default=1)
    fine_amount = models.DecimalField("罚款金额(元)", max_digits=10, decimal_places=2, null=True, blank=True)
    points = models.PositiveIntegerField("扣分", null=True, blank=True)
    seized_items = models.TextField("暂扣物品", blank=True)
    case_number = models.CharField("案件编号", max_length=50, blank=True)
    notes = models.TextField("说明", blank=True)
    corrects = models.OneToOneField("self", verbose_name="更正的记录", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="corrected_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "处置结果"
        verbose_name_plural = "处置结果"
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(problem__isnull=False) | Q(inspection__isnull=False),
                                   name="outcome_has_problem_or_inspection"),
            models.CheckConstraint(condition=Q(count__gte=1), name="outcome_count_positive"),
        ]

    def __str__(self) -> str:
        of = f"问题 #{self.problem_id}" if self.problem_id else f"联合检查 #{self.inspection_id}"
        return f"处置结果 #{self.pk}（{of}）"

    def delete(self, *args, **kwargs):
        raise PermissionError("处置结果不能删除，请新增一条更正记录")


class OutcomePhoto(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField("证据照片", upload_to=photo_path)
    thumbnail = models.ImageField("缩略图", upload_to=photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
