"""Keys that other systems use to write through the Open311 GeoReport v2 API."""
import secrets

from django.conf import settings
from django.db import models


def new_key() -> str:
    return secrets.token_urlsafe(24)


class ApiKey(models.Model):
    key = models.CharField(max_length=64, unique=True, default=new_key)
    name = models.CharField("系统名称", max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="以该账号提交", on_delete=models.PROTECT,
                             help_text="提交的问题记在此账号名下；账号需有人员档案（角色与辖区）")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Open311 API Key"
        verbose_name_plural = "Open311 API Keys"

    def __str__(self) -> str:
        return self.name
