"""Administrative areas as one tree: district → subdistrict (街道) → community (社区) → grid (网格).

A street problem is assigned to the areas covering its point; supervisors compare areas.
Boundaries come from official or public files (see fixtures/SOURCES.md); grids for the demo
district are generated and say so in `source`/`generated`.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class AreaKind(models.TextChoices):
    DISTRICT = "district", "区"
    SUBDISTRICT = "subdistrict", "街道/乡镇"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"


# Parent kind each kind must hang under (a district is a root).
PARENT_KIND = {
    AreaKind.SUBDISTRICT: AreaKind.DISTRICT,
    AreaKind.COMMUNITY: AreaKind.SUBDISTRICT,
    AreaKind.GRID: AreaKind.COMMUNITY,
}


class Area(models.Model):
    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=40, blank=True, help_text="官方区划代码，如 110108")
    kind = models.CharField("级别", max_length=16, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField("边界", srid=settings.STORAGE_SRID)
    source = models.CharField("来源", max_length=200, blank=True)
    generated = models.BooleanField("生成的边界", default=False, help_text="演示用生成边界，非官方")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["kind", "code", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="area_geom_valid"),
            models.UniqueConstraint(fields=["kind", "code"], condition=~Q(code=""), name="area_kind_code_unique"),
            models.UniqueConstraint(fields=["kind", "name", "parent"], name="area_kind_name_parent_unique"),
        ]

    def __str__(self) -> str:
        return self.name
