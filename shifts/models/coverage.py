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


class MovedSegmentLine(models.Model):
    """A segment's line until a network import replaced it (`replaced_at`), kept when an ended
    shift has coverage on the segment: its intervals were measured along the line in force when
    it ended, the first kept after that time (else the segment's own). One row per segment and
    import, whatever the number of shifts (shifts.services.network.coverage_follows_network). A
    segment of an ended shift's plan has that shift's line in `EndedPlanSegment` too, which
    comes first."""
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", on_delete=models.PROTECT,
                                related_name="+")
    geom = models.LineStringField("几何", srid=settings.STORAGE_SRID, help_text="路网重新导入前路段的几何")
    replaced_at = models.DateTimeField("被替换时间", help_text="路网重新导入改变该路段几何的时间")

    class Meta:
        verbose_name = "路段的原几何"
        verbose_name_plural = "路段的原几何"
        indexes = [models.Index(fields=["segment", "replaced_at"], name="movedsegmentline_seg_time")]

    def __str__(self) -> str:
        return f"路段 {self.segment_id} 在 {self.replaced_at:%Y-%m-%d %H:%M} 前的几何"
