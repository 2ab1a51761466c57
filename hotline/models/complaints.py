"""12345 hotline work orders (诉求, a `complaint` in code) and the imports they came from.

A complaint is dispatched to a responsible unit (承办单位), usually a street office: the
unit that is ranked. The export names it in words; `unit_area` / `unit_agency` link the
name to the subdistrict area or agency of that name when there is one (a district's file
names every street office, while the platform may hold boundaries for only some).
The three rates are read from `responded`, `resolved`, `satisfied`: null = not assessed.
Where the address or the text could be read by the location language, the complaint has
a point (storage SRID), the subdistrict it falls in, the road segment, and the patrol
problem of the same category found nearby at about the same time, if any.
"""
from django.conf import settings
from django.contrib.gis.db import models

# Where a batch came from: the upload page or the API, `manage.py import_hotline`, the demo.
IMPORT_SOURCES = [("upload", "上传"), ("command", "命令行"), ("demo", "演示数据")]
# How the location language placed a complaint (geodata.location.geocode: `precision`; a reading
# at area level or none leaves the complaint unlocated, precision blank).
LOCATION_PRECISIONS = [("offset", "路口方位距离"), ("intersection", "路口"), ("landmark", "地标"),
                       ("road", "道路")]


class ImportBatch(models.Model):
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    source = models.CharField("来源", max_length=20, default="upload", choices=IMPORT_SOURCES)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    partial = models.BooleanField("部分导入", default=False, help_text="跳过了有错误的行")
    total = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    skipped = models.PositiveIntegerField("跳过的错误行", default=0)
    located = models.PositiveIntegerField("已定位", default=0)
    errors = models.JSONField("校验问题", default=list, blank=True)

    class Meta:
        verbose_name = "诉求导入批次"
        verbose_name_plural = "诉求导入批次"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.imported_at:%Y-%m-%d %H:%M}）"


class Complaint(models.Model):
    order_no = models.CharField("工单编号", max_length=40, unique=True)
    received_at = models.DateTimeField("受理时间", db_index=True)
    content = models.TextField("诉求内容")
    address = models.CharField("诉求地址", max_length=300, blank=True)
    category = models.CharField("诉求类别", max_length=100, blank=True)
    unit_name = models.CharField("承办单位", max_length=100, db_index=True)
    unit_area = models.ForeignKey("geodata.Area", verbose_name="承办街道", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    unit_agency = models.ForeignKey("org.Agency", verbose_name="承办单位（机构）", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    team_name = models.CharField("承办科室", max_length=100, blank=True)
    handler_name = models.CharField("承办人", max_length=100, blank=True)
    responded = models.BooleanField("已响应", null=True, blank=True)
    resolved = models.BooleanField("已解决", null=True, blank=True)
    satisfied = models.BooleanField("满意", null=True, blank=True)
    callback = models.TextField("回访情况", blank=True)
    difficult = models.BooleanField("疑难", default=False)
    # Where the location language put it (null: not located).
    geom = models.PointField("位置", srid=settings.STORAGE_SRID, null=True, blank=True)
    location_precision = models.CharField("定位精度", max_length=16, blank=True, choices=LOCATION_PRECISIONS)
    location_uncertainty_m = models.FloatField("位置误差(米)", null=True, blank=True)
    area = models.ForeignKey("geodata.Area", verbose_name="所在街道", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    problem = models.ForeignKey("patrol.Problem", verbose_name="对应巡查问题", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="complaints")
    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", on_delete=models.PROTECT,
                              related_name="complaints")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "12345诉求"
        verbose_name_plural = "12345诉求"
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["unit_name", "received_at"]), models.Index(fields=["received_at", "unit_name"])]

    def __str__(self) -> str:
        return f"{self.order_no} {self.unit_name}"
