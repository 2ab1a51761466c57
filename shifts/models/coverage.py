"""Coverage of a shift's planned network: per (shift, segment), the covered intervals along
the segment and what they add up to (shifts.domain.coverage computes them from the good
fixes; shifts.services.coverage stores them, batch by batch, merged).

`intervals` is a JSON list of [start_m, end_m, first_t, last_t, passes]: measures in
metres from the segment's start (storage CRS), times as UTC epoch seconds. The other
fields are the segment's summary (`coverage_summary`), kept on the row so that lists and
maps need no JSON work.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class SegmentCoverage(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE,
                              related_name="coverage")
    # PROTECT: coverage is history; a re-import retires a segment that has some instead of
    # deleting it (geodata.services.network_import), and nothing else may take it away
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", on_delete=models.PROTECT,
                                related_name="+")
    intervals = models.JSONField("覆盖区间", default=list,
                                 help_text="[起点米, 终点米, 首次时间, 末次时间, 遍数]，时间为 UTC 秒")
    covered_m = models.FloatField("覆盖长度(米)")
    share = models.FloatField("覆盖比例")
    first_pass_at = models.DateTimeField("首次经过", null=True, blank=True)
    last_pass_at = models.DateTimeField("最近经过", null=True, blank=True)
    passes = models.PositiveIntegerField("遍数", default=0)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "路段覆盖"
        verbose_name_plural = "路段覆盖"
        constraints = [
            models.UniqueConstraint(fields=["shift", "segment"], name="segmentcoverage_shift_segment_unique"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="segmentcoverage_share_range"),
            models.CheckConstraint(condition=Q(covered_m__gte=0), name="segmentcoverage_covered_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.segment_id} {self.share:.0%}"


class EndedCoverageLine(models.Model):
    """The line a segment had when an ended shift covered it outside its plan, kept when a
    network import moves the segment (shifts.services.network.coverage_follows_network): the
    intervals were measured along it, and an ended shift's coverage is history. A segment of the
    plan has its line in `EndedPlanSegment`, frozen when the shift ends; one outside the plan
    is known only once the shift's coverage is measured, so it is kept when it first moves."""
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", on_delete=models.PROTECT,
                                related_name="+")
    geom = models.LineStringField("几何", srid=settings.STORAGE_SRID, help_text="覆盖记录所沿的路段几何（路网重新导入前）")

    class Meta:
        verbose_name = "已结束班次计划外覆盖路段的原几何"
        verbose_name_plural = "已结束班次计划外覆盖路段的原几何"
        constraints = [
            models.UniqueConstraint(fields=["shift", "segment"], name="endedcoverageline_shift_segment_unique"),
        ]

    def __str__(self) -> str:
        return f"班次 {self.shift_id} 计划外覆盖的路段 {self.segment_id}"
