"""Problems (问题) found on the street, their photos, escalations (吹哨) and re-inspections (复查).

A problem is pinned to the network: a point (storage CRS), the location text in the
published style, the areas covering it, and the road segment + measure + side. Status
changes only through patrol.services.problems.problem_transition, which writes the
audit event (core.audit) in the same transaction.
"""
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q

from ..domain.workflow import STATUS_LABELS, Status


class Source(models.TextChoices):
    PATROL = "patrol", "巡查发现"
    INSPECTION = "inspection", "联合检查"
    HOTLINE = "hotline", "12345热线"
    RESIDENT = "resident", "居民反映"
    MEDIA = "media", "媒体曝光"
    OPEN311 = "open311", "外部系统(Open311)"


class Problem(models.Model):
    client_id = models.UUIDField("客户端编号", null=True, blank=True, unique=True,
                                 help_text="平板生成的唯一编号：重试提交不会重复创建")
    category = models.ForeignKey("patrol.Category", verbose_name="类别", on_delete=models.PROTECT)
    status = models.CharField("状态", max_length=16, choices=list(STATUS_LABELS.items()), default=Status.REPORTED,
                              db_index=True)
    geom = models.PointField("位置", srid=settings.STORAGE_SRID)
    location_text = models.CharField("位置描述", max_length=300)
    location_uncertainty_m = models.FloatField("位置误差(米)", null=True, blank=True)
    subdistrict = models.ForeignKey("geodata.Area", verbose_name="街道", on_delete=models.PROTECT,
                                    related_name="+")
    community = models.ForeignKey("geodata.Area", verbose_name="社区", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("geodata.Area", verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    segment = models.ForeignKey("geodata.RoadSegment", verbose_name="路段", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    measure_m = models.FloatField("路段里程(米)", null=True, blank=True)
    side = models.CharField("道路侧", max_length=4, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.PATROL)
    description = models.TextField("描述", blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人", on_delete=models.PROTECT,
                                 related_name="reported_problems")
    team = models.ForeignKey("org.Team", verbose_name="承办班组", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="problems")
    agency = models.ForeignKey("org.Agency", verbose_name="责任单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="problems")
    deadline = models.DateTimeField("处置期限", null=True, blank=True)
    affected_households = models.PositiveIntegerField("影响户数", null=True, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name="重复于", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    inspection = models.ForeignKey("patrol.Inspection", verbose_name="联合检查", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="problems")
    created_at = models.DateTimeField("上报时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["category", "status"]), models.Index(fields=["subdistrict", "status"])]
        constraints = [
            models.CheckConstraint(condition=~Q(status=Status.DUPLICATE) | Q(duplicate_of__isnull=False),
                                   name="problem_duplicate_has_original"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name} {self.location_text}"


class PhotoKind(models.TextChoices):
    BEFORE = "before", "整改前"
    AFTER = "after", "整改后"
    EVIDENCE = "evidence", "证据"


def photo_path(instance, filename: str) -> str:
    return f"photos/{uuid.uuid4().hex}.jpg"


class ProblemPhoto(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField("类型", max_length=10, choices=PhotoKind.choices)
    image = models.ImageField("照片", upload_to=photo_path)
    thumbnail = models.ImageField("缩略图", upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"


class Escalation(models.Model):
    """吹哨: a hard problem handed to a district department, whose answer is tracked."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="escalations")
    department = models.ForeignKey("org.Agency", verbose_name="职能部门", on_delete=models.PROTECT)
    reason = models.TextField("吹哨事由")
    deadline = models.DateTimeField("答复期限")
    response = models.TextField("部门答复", blank=True)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "吹哨"
        verbose_name_plural = "吹哨"


class Reinspection(models.Model):
    """复查: a scheduled return to a rectified problem, on a team's list."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="reinspections")
    team = models.ForeignKey("org.Team", verbose_name="复查班组", on_delete=models.PROTECT,
                             related_name="reinspections")
    due_date = models.DateField("复查日期")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    passed = models.BooleanField("复查通过", null=True, blank=True)
    notes = models.TextField("复查记录", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "复查"
        verbose_name_plural = "复查"
        ordering = ["due_date"]
