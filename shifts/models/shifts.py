"""Shifts (班次): a team on the street for one period of one day (每日两班倒: 早班, 晚班).

A shift is planned (areas and road segments to cover, the members who go), then started
and ended by a lead; who did each and when is on the row and in the audit log. The
period's clock times come from settings.SHIFT_PERIODS and are copied onto the shift when
it is planned (`starts_at`, `ends_at`), so changing the setting never moves past shifts.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Period(models.TextChoices):
    MORNING = "morning", "早班"
    EVENING = "evening", "晚班"


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    ON_DUTY = "on_duty", "在岗"
    ENDED = "ended", "已结束"


class Shift(models.Model):
    team = models.ForeignKey("org.Team", verbose_name="班组", on_delete=models.PROTECT, related_name="shifts")
    date = models.DateField("日期")
    period = models.CharField("班次", max_length=10, choices=Period.choices)
    starts_at = models.DateTimeField("计划开始")
    ends_at = models.DateTimeField("计划结束")
    areas = models.ManyToManyField("geodata.Area", verbose_name="计划区域", blank=True, related_name="planned_shifts",
                                   through="shifts.ShiftArea")
    segments = models.ManyToManyField("geodata.RoadSegment", verbose_name="计划路段", blank=True,
                                      related_name="planned_shifts", through="shifts.ShiftSegment")
    members = models.ManyToManyField("org.Officer", verbose_name="成员", blank=True, related_name="shifts")
    status = models.CharField("状态", max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("安排时间", auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开始人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结束人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = "班次"
        ordering = ["-date", "period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "date", "period"], name="shift_team_date_period_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_period_positive"),
            # who started and ended it is there exactly when the status says so
            models.CheckConstraint(
                condition=(Q(status="planned", started_at__isnull=True, ended_at__isnull=True)
                           | Q(status="on_duty", started_at__isnull=False, started_by__isnull=False,
                               ended_at__isnull=True)
                           | Q(status="ended", started_at__isnull=False, ended_at__isnull=False,
                               ended_by__isnull=False)),
                name="shift_status_consistent"),
        ]
        indexes = [models.Index(fields=["date", "status"], name="shift_date_status")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_period_display()} {self.team_id}"
