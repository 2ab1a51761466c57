"""Landmarks: named places a reader locates by (天成酒店南侧10米, 万柳园小区门前).

POIs, named buildings and residential compounds (小区) from OSM. `geom` is a point (the POI, or
a point on the surface of the footprint); `footprint` keeps the outline where there is one.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class LandmarkKind(models.TextChoices):
    POI = "poi", "兴趣点"
    BUILDING = "building", "建筑"
    COMPOUND = "compound", "小区/院"


class Landmark(models.Model):
    key = models.CharField("导入键", max_length=64, help_text="OSM 要素类型与编号，如 n123、w456、r789")
    source = models.CharField("数据来源", max_length=100, db_index=True)
    name = models.CharField("名称", max_length=200, db_index=True)
    kind = models.CharField("类型", max_length=16, choices=LandmarkKind.choices)
    category = models.CharField("OSM分类", max_length=80, blank=True, help_text="如 amenity=school")
    geom = models.PointField("位置", srid=settings.STORAGE_SRID)
    footprint = models.MultiPolygonField("轮廓", srid=settings.STORAGE_SRID, null=True, blank=True)

    class Meta:
        verbose_name = "地标"
        verbose_name_plural = "地标"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(footprint__isnull=True) | Q(footprint__isvalid=True), name="landmark_footprint_valid"
            ),
            models.UniqueConstraint(fields=["source", "key"], name="landmark_source_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name
