"""Joint inspections (联合检查): several agencies inspect an area or a route together."""
from django.conf import settings
from django.contrib.gis.db import models


class Inspection(models.Model):
    date = models.DateField("日期")
    title = models.CharField("名称", max_length=200)
    area = models.ForeignKey("geodata.Area", verbose_name="区域", on_delete=models.PROTECT)
    route_text = models.CharField("路线/地点", max_length=200, blank=True, help_text="如：卢沟桥路")
    route = models.MultiLineStringField("路线", srid=settings.STORAGE_SRID, null=True, blank=True)
    lead_agency = models.ForeignKey("org.Agency", verbose_name="牵头单位", on_delete=models.PROTECT,
                                    related_name="led_inspections")
    agencies = models.ManyToManyField("org.Agency", verbose_name="参加单位", related_name="inspections")
    focus = models.CharField("检查内容", max_length=300, blank=True,
                             help_text="如：机动车、电动自行车停车秩序、街面环境、店外经营")
    notes = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联合检查"
        verbose_name_plural = "联合检查"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"
