"""A shift's plan of areas and road segments, kept as history.

`ShiftArea` is an area planned (the rows of `Shift.areas`), `ShiftSegment` a segment planned
explicitly (the rows of `Shift.segments`). `EndedPlanSegment`
is the plan as it stood when the shift ended, with each segment's length then: the explicit
segments, or those its planned areas held on the live network (and the retired ones it had
covered), frozen by `shift_end` so that a later network import changes neither an ended
shift's planned segments and km nor its covered share (shifts.selectors.coverage.planned_segments),
and with each segment's geometry then, along which its covered intervals are drawn: a re-import
that moved a segment would otherwise draw the ended shift's walk where it did not walk.

Both PROTECT their segment, as coverage does: a network import moves the plans of shifts not
yet ended onto the live network (shifts.services.network) and retires a segment that a plan
still refers to instead of deleting it (geodata.signals.segments_in_use); nothing else may
delete it from under a plan (the admin names the plans that keep it). An area in a plan is
PROTECTed likewise: deleting it took it out of every shift's plan without a word, ended
shifts' included; the admin's delete page names the plans that keep it instead.
"""
from django.conf import settings
from django.contrib.gis.db import models


class ShiftArea(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("geodata.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "shifts_shift_areas"  # the table Django made for Shift.areas before it had this model
        unique_together = [("shift", "area")]
        verbose_name = "班次计划区域"
        verbose_name_plural = "班次计划区域"

    def __str__(self) -> str:
        return f"班次 {self.shift_id} 的计划区域 {self.area_id}"


class ShiftSegment(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", on_delete=models.PROTECT,
                                db_column="roadsegment_id", related_name="+")

    class Meta:
        db_table = "shifts_shift_segments"  # the table Django made for Shift.segments before it had this model
        unique_together = [("shift", "segment")]
        verbose_name = "班次计划路段"
        verbose_name_plural = "班次计划路段"

    def __str__(self) -> str:
        return f"班次 {self.shift_id} 的计划路段 {self.segment_id}"


class EndedPlanSegment(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE,
                              related_name="ended_plan")
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", on_delete=models.PROTECT,
                                related_name="+")
    length_m = models.FloatField("长度(米)", help_text="班次结束时路段的长度")
    # null only for a plan frozen before geometries were (shifts 0009 filled those with the
    # geometry of the day it ran); readers then take the segment's own
    geom = models.LineStringField("几何", srid=settings.STORAGE_SRID, null=True, blank=True,
                                  help_text="班次结束时路段的几何")

    class Meta:
        verbose_name = "班次结束时的计划路段"
        verbose_name_plural = "班次结束时的计划路段"
        constraints = [
            models.UniqueConstraint(fields=["shift", "segment"], name="endedplansegment_shift_segment_unique"),
            models.CheckConstraint(condition=models.Q(length_m__gte=0), name="endedplansegment_length_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"班次 {self.shift_id} 结束时的计划路段 {self.segment_id}"
