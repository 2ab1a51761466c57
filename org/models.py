"""Agencies, teams and officers: who acts, and where they may act (jurisdiction).

An officer's jurisdiction is an area of the tree (a subdistrict, or the whole district
for district staff); they see and change only problems inside it, as their role allows
(patrol.domain.workflow and org.domain.permissions). The role values and labels are
defined once, in org.domain.roles.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from .domain.roles import ROLE_CHOICES, ROLE_LABELS, Role

__all__ = ["Agency", "AgencyKind", "Officer", "Role", "Team"]


class AgencyKind(models.TextChoices):
    STREET_OFFICE = "street_office", "街道办事处科室"
    ENFORCEMENT = "enforcement", "综合行政执法队"
    MARKET = "market", "市场监管所"
    POLICE = "police", "派出所/驻街民警"
    TRAFFIC = "traffic", "交通支队/驻街交警"
    SAFETY = "safety", "安全生产检查队"
    DEPARTMENT = "department", "区级职能部门"
    SERVICE = "service", "公共服务单位"
    OTHER = "other", "其他"


class Agency(models.Model):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=AgencyKind.choices)
    area = models.ForeignKey("geodata.Area", verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [models.UniqueConstraint(fields=["name", "area"], name="agency_name_area_unique")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField("名称", max_length=100)
    agency = models.ForeignKey(Agency, verbose_name="所属单位", on_delete=models.PROTECT, related_name="teams")
    area = models.ForeignKey("geodata.Area", verbose_name="责任区域", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "班组"
        verbose_name_plural = "班组"
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_agency_name_unique")]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE,
                                related_name="officer")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES)
    agency = models.ForeignKey(Agency, verbose_name="单位", on_delete=models.PROTECT, related_name="officers")
    team = models.ForeignKey(Team, verbose_name="班组", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    jurisdiction = models.ForeignKey("geodata.Area", verbose_name="辖区", on_delete=models.PROTECT)
    active = models.BooleanField("在岗", default=True, help_text="离岗人员不能登录平台操作，记录保留")

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return f"{self.name}（{ROLE_LABELS.get(self.role, self.role)}）"


class LoginFailure(models.Model):
    """One failed sign-in (web /login/ or /admin/login/): counted per username and per client
    IP to lock out guessing (org.login); rows older than the lockout window are pruned.

    A failure from a known device (a browser holding a device cookie for the name) names the
    device, by its cookie's nonce, and counts against that device only, not the name or the IP."""
    username = models.CharField("用户名", max_length=150, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True, db_index=True)
    device = models.CharField("设备", max_length=64, null=True, blank=True, db_index=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "登录失败"
        verbose_name_plural = "登录失败"

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
