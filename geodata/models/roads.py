"""The road network: roads, the segments between junctions, and named intersections.

A Road is every way of one name that belongs together (a dual carriageway's two directions
are one road). A RoadSegment is the piece of one OSM way between two junction nodes: the unit
of linear referencing (segment + measure + side) and of patrol coverage. An Intersection is
the one place a reader means by "A与B交叉路口": the several junction points where two dual
carriageways cross are merged into it.

A road or segment that a re-import no longer finds is deleted, unless records of other apps
keep it as history (coverage patrolled on it, shifts that planned it): then it is *retired*
(`retired_at` set) and kept as it was, out of the live network (`.live()`: the locator,
new plans, coverage of new fixes, tiles and layers read only live rows). A later import
that finds it again brings it back.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q


class NetworkQuerySet(models.QuerySet):
    def live(self):
        """The rows of the network as it is now: without the retired ones."""
        return self.filter(retired_at__isnull=True)


class Road(models.Model):
    key = models.CharField("导入键", max_length=64, help_text="在数据来源内稳定不变的编号，如 osm:123456")
    source = models.CharField("数据来源", max_length=100, db_index=True, help_text="道路导入自的数据集")
    name = models.CharField("名称", max_length=120)
    name_normalized = models.CharField("规范名称", max_length=120, db_index=True)
    highway = models.CharField("OSM道路等级", max_length=40)
    geom = models.MultiLineStringField("几何", srid=settings.STORAGE_SRID)
    length_m = models.FloatField("长度(米)")
    osm_way_ids = ArrayField(models.BigIntegerField(), verbose_name="OSM 路线编号", default=list)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True,
                                      help_text="数据来源中已没有这条道路；保留是为了其路段的历史记录")

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = "道路"
        verbose_name_plural = "道路"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="road_geom_valid"),
            models.UniqueConstraint(fields=["source", "key"], name="road_source_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RoadSegment(models.Model):
    key = models.CharField("导入键", max_length=64, help_text="OSM 路线编号:分段序号")
    source = models.CharField("数据来源", max_length=100, db_index=True)
    road = models.ForeignKey(Road, verbose_name="道路", on_delete=models.CASCADE, related_name="segments")
    geom = models.LineStringField("几何", srid=settings.STORAGE_SRID)
    length_m = models.FloatField("长度(米)")
    start_node = models.BigIntegerField("起点节点")
    end_node = models.BigIntegerField("终点节点")
    osm_way_id = models.BigIntegerField("OSM 路线编号", db_index=True)
    highway = models.CharField("OSM道路等级", max_length=40)
    oneway = models.BooleanField("单行", default=False)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True,
                                      help_text="数据来源中已没有这个路段；保留是为了其覆盖记录和巡查计划")

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = "路段"
        verbose_name_plural = "路段"
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="segment_geom_valid"),
            models.CheckConstraint(condition=Q(length_m__gte=0), name="segment_length_nonnegative"),
            models.UniqueConstraint(fields=["source", "key"], name="segment_source_key_unique"),
        ]
        indexes = [models.Index(fields=["start_node"]), models.Index(fields=["end_node"])]

    def __str__(self) -> str:
        return f"{self.road.name} {self.key}"


class Intersection(models.Model):
    key = models.CharField("导入键", max_length=64, help_text="在数据来源内稳定不变的编号：所含路口节点中最小的 OSM 节点编号")
    source = models.CharField("数据来源", max_length=100, db_index=True)
    name = models.CharField("名称", max_length=200)
    geom = models.PointField("位置", srid=settings.STORAGE_SRID)
    roads = models.ManyToManyField(Road, verbose_name="道路", related_name="intersections")
    node_ids = ArrayField(models.BigIntegerField(), verbose_name="OSM 节点编号", default=list,
                          help_text="合并为这个路口的 OSM 路口节点")
    roundabout = models.BooleanField("环岛", default=False)

    class Meta:
        verbose_name = "路口"
        verbose_name_plural = "路口"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="intersection_source_key_unique")]

    def __str__(self) -> str:
        return self.name
