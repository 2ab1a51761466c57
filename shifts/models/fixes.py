"""GPS fixes (one point of a member's track) and the batches they arrive in.

Fixes are many (5,000 officers at one fix per 5 s is ~60 M a day), so their table is not
Django's: `shifts_fix` is a PostgreSQL table partitioned by day on the device time `t`
(migration 0002, RunSQL), filled by COPY (shifts.services.fixes) and emptied by dropping
whole day partitions (`manage.py fixes_prune`). `Fix` maps it read-only (managed=False).
It has no foreign keys and no primary-key index on purpose: each would cost every COPY
a lookup per row and the table gigabytes a day; the ingestion service checks the shift
and the officer once per batch, and ids come from an identity column.

`FixBatch` is one batch as it arrived (an API request, an imported file): its `key` is a
hash of what it carried, unique, so the same batch sent again (a retry under a new
Idempotency-Key, a file imported twice) stores nothing the second time.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField


class FixSource(models.TextChoices):
    API = "api", "平板上传"
    IMPORT = "import", "文件导入"


class FixBatch(models.Model):
    shift = models.ForeignKey("shifts.Shift", verbose_name="班次", on_delete=models.PROTECT,
                              related_name="fix_batches")
    officer = models.ForeignKey("org.Officer", verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    device_id = models.CharField("设备", max_length=100)
    source = models.CharField("来源", max_length=10, choices=FixSource.choices)
    key = models.CharField("内容指纹", max_length=64, unique=True, help_text="批次内容的 SHA-256")
    received = models.PositiveIntegerField("收到")
    stored = models.PositiveIntegerField("存储")
    flagged = models.PositiveIntegerField("标记")
    flags_computed = models.BooleanField("已判定质量", default=True)
    t_min = models.DateTimeField("最早定位时间", null=True, blank=True)
    t_max = models.DateTimeField("最晚定位时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", help_text="空：系统（导入命令）")

    class Meta:
        verbose_name = "定位批次"
        verbose_name_plural = "定位批次"
        indexes = [models.Index(fields=["shift", "officer", "t_min"], name="fixbatch_shift_officer")]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.officer_id} {self.device_id} ×{self.received}"


class Fix(models.Model):
    id = models.BigIntegerField(primary_key=True)
    shift = models.ForeignKey("shifts.Shift", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    officer = models.ForeignKey("org.Officer", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    batch = models.ForeignKey(FixBatch, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    device_id = models.TextField()
    t = models.DateTimeField("定位时间", help_text="设备时间")
    received_at = models.DateTimeField()
    geom = models.PointField(srid=settings.STORAGE_SRID, null=True, help_text="空：不在存储坐标系适用范围内")
    accuracy_m = models.FloatField(null=True)
    speed_mps = models.FloatField(null=True)
    heading_deg = models.FloatField(null=True)
    flags = ArrayField(models.TextField(), null=True, help_text="空：无标记")
    # true: the path is not joined from the member's fix before this one (the device stopped
    # recording: a file's next GPX trkseg, set on the first good fix after the stop; a
    # tablet's first fix after tracking resumed, kept where the tablet put it, and a flagged
    # one's mark read onto the next good fix); null otherwise, which costs the other rows nothing
    starts_piece = models.BooleanField("新轨迹段起点", null=True, help_text="是：设备在此前停止过记录，轨迹不与前一点相连")

    class Meta:
        managed = False
        db_table = "shifts_fix"
        verbose_name = "定位点"
        verbose_name_plural = "定位点"

    def __str__(self) -> str:
        return f"{self.officer_id}@{self.t:%Y-%m-%d %H:%M:%S}"
