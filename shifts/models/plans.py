"""A shift's plan of road segments, kept as history.

`ShiftSegment` is a segment planned explicitly (the rows of `Shift.segments`). It PROTECTs its
segment, as coverage does: a network import moves the plans of shifts not yet ended onto
the live network (shifts.services.network) and retires a segment that a plan still refers to
instead of deleting it (geodata.signals.segments_in_use); nothing else may delete it from
under a plan (the admin names the plans that keep it).
"""
from django.db import models


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

