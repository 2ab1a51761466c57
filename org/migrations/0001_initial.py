"""Agencies, teams and officers move here from `patrol` (issue 8: the kernel apps).

The tables keep their rows and ids: they are renamed (patrol_agency → org_agency, …), the
foreign keys pointing at them follow the rename by themselves in PostgreSQL, and the
content types move so that admin permissions stay attached. Django's view of the models
is moved with SeparateDatabaseAndState; patrol.0003 drops them from patrol's state.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("agency", "team", "officer")


def _rename(old: str, new: str) -> str:
    return f'ALTER TABLE "{old}" RENAME TO "{new}"'


CONTENT_TYPES = """
UPDATE django_content_type SET app_label = %s
WHERE app_label = %s AND model IN ('agency', 'team', 'officer')
  AND NOT EXISTS (SELECT 1 FROM django_content_type c2 WHERE c2.app_label = %s
                  AND c2.model = django_content_type.model)"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("geodata", "0001_initial"),
        ("patrol", "0002_outcome_photo_paths"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *[migrations.RunSQL(_rename(f"patrol_{m}", f"org_{m}"), _rename(f"org_{m}", f"patrol_{m}"))
                  for m in MOVED],
                migrations.RunSQL([(CONTENT_TYPES, ["org", "patrol", "org"])],
                                  [(CONTENT_TYPES, ["patrol", "org", "patrol"])]),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Agency",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("kind", models.CharField(choices=[
                            ("street_office", "街道办事处科室"), ("enforcement", "综合行政执法队"),
                            ("market", "市场监管所"), ("police", "派出所/驻街民警"),
                            ("traffic", "交通支队/驻街交警"), ("safety", "安全生产检查队"),
                            ("department", "区级职能部门"), ("service", "公共服务单位"), ("other", "其他")],
                            max_length=20, verbose_name="类型")),
                        ("area", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                   to="geodata.area", verbose_name="辖区")),
                    ],
                    options={"verbose_name": "单位", "verbose_name_plural": "单位"},
                ),
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="teams",
                                                     to="org.agency", verbose_name="所属单位")),
                        ("area", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="geodata.area",
                                                   verbose_name="责任区域")),
                    ],
                    options={"verbose_name": "班组", "verbose_name_plural": "班组"},
                ),
                migrations.CreateModel(
                    name="Officer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=50, verbose_name="姓名")),
                        ("role", models.CharField(choices=[
                            ("officer", "队员"), ("team_lead", "班组长"), ("supervisor", "督办人员"),
                            ("district_admin", "区级管理员"), ("publisher", "发布人员")],
                            max_length=20, verbose_name="角色")),
                        ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="officers", to="org.agency", verbose_name="单位")),
                        ("jurisdiction", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                           to="geodata.area", verbose_name="辖区")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="officer", to=settings.AUTH_USER_MODEL)),
                        ("team", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="members", to="org.team", verbose_name="班组")),
                    ],
                    options={"verbose_name": "人员", "verbose_name_plural": "人员"},
                ),
                migrations.AddConstraint(
                    model_name="agency",
                    constraint=models.UniqueConstraint(fields=("name", "area"), name="agency_name_area_unique"),
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.UniqueConstraint(fields=("agency", "name"), name="team_agency_name_unique"),
                ),
            ],
        ),
    ]
