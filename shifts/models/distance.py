"""How far each member of a shift patrolled, stored once the shift has ended.

The figure is `shifts.domain.distance.patrolled_m` of the member's good fixes of the shift
(shifts.selectors.distance): a shift of 8 hours is ~5,000 fixes a member, so a week's
coverage report of a district read millions of them on every view to say the same numbers
again. An ended shift's figure changes only when fixes still arrive for it (a tablet's last
batches, a GPS file read out later), so it is measured once and kept here.

`metres` null: not measured since the last batch. Every batch stored for the pair bumps
`version` and clears `metres`, in the statement that claims the batch
(shifts.services.fixes._claim); a measurement is stored only against the version it read
before reading the fixes (shifts.services.distance), so one taken while a batch was on its
way is never kept in place of the figure with that batch. Shifts still on duty are measured
live and have no figure here (their row, if any, only counts the batches).
"""
from django.db import models
from django.db.models import Q


class ShiftMemberDistance(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey("org.Officer", verbose_name="人员", on_delete=models.CASCADE, related_name="+")
    metres = models.FloatField("巡查里程(米)", null=True, blank=True, help_text="空：尚未计算，或之后又收到定位点")
    version = models.PositiveIntegerField("版本", default=0, help_text="每收到该人员该班次的一批定位点加一")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)

    class Meta:
        verbose_name = "班次人员巡查里程"
        verbose_name_plural = "班次人员巡查里程"
        constraints = [
            models.UniqueConstraint(fields=["shift", "officer"], name="shiftmemberdistance_shift_officer_unique"),
            models.CheckConstraint(condition=Q(metres__isnull=True) | Q(metres__gte=0),
                                   name="shiftmemberdistance_metres_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.officer_id} {'—' if self.metres is None else f'{self.metres:.0f} 米'}"
