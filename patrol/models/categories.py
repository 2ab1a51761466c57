"""Problem categories: the national digital urban-management event classes plus local ones.

Loaded from the versioned catalogue in patrol.domain.categories (`load_categories`);
a category that leaves the catalogue is deactivated, never deleted (problems keep it).
"""
from django.db import models


class Category(models.Model):
    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=50)
    big_class = models.CharField("大类", max_length=20)
    big_class_code = models.CharField("大类代码", max_length=4)
    agency_name = models.CharField("主责单位", max_length=100)
    deadline_hours = models.PositiveIntegerField("处置时限(小时)")
    source = models.CharField("来源", max_length=20, choices=[("standard", "国家标准"), ("local", "本地")])
    version = models.CharField("目录版本", max_length=20)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
