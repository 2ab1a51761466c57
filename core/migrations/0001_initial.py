"""The audit log and the client-command record. The audit table is append-only in the
database itself: triggers refuse every UPDATE and DELETE, whatever issues them (the ORM,
a bulk `update()`, raw SQL, the admin), and TRUNCATE outside a test database (test runs
empty their throwaway databases with TRUNCATE between tests)."""
import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The verbs as they were when this migration was written: a migration must not read the
# live list (core/domain/verbs.py), or adding a verb would never reach the database's check.
VERB_CHOICES = [
    ("created", "创建"), ("updated", "修改"), ("transitioned", "变更状态"), ("photo_added", "上传照片"),
    ("outcome_recorded", "记录处置结果"), ("outcome_corrected", "更正处置结果"), ("escalated", "吹哨"),
    ("escalation_answered", "答复吹哨"), ("reinspection_scheduled", "安排复查"), ("reinspected", "完成复查"),
    ("resnapped", "随路网更新重新定位"), ("imported", "导入"), ("deactivated", "停用"), ("deleted", "删除"),
    ("key_issued", "签发密钥"), ("key_revoked", "吊销密钥"),
]
VERBS = frozenset(v for v, _ in VERB_CHOICES)

APPEND_ONLY = """
CREATE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER core_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                ("verb", models.CharField(choices=VERB_CHOICES, max_length=30, verbose_name="操作")),
                ("subject_type", models.CharField(max_length=40, verbose_name="对象类型")),
                ("subject_id", models.CharField(max_length=64, verbose_name="对象编号")),
                ("context_type", models.CharField(blank=True, max_length=40, verbose_name="所属对象类型")),
                ("context_id", models.CharField(blank=True, max_length=64, verbose_name="所属对象编号")),
                ("before", models.JSONField(blank=True, default=dict,
                                            encoder=django.core.serializers.json.DjangoJSONEncoder,
                                            verbose_name="修改前")),
                ("after", models.JSONField(blank=True, default=dict,
                                           encoder=django.core.serializers.json.DjangoJSONEncoder,
                                           verbose_name="修改后")),
                ("reason", models.TextField(blank=True, verbose_name="原因")),
                ("request_id", models.CharField(blank=True, max_length=64, verbose_name="请求编号")),
                ("actor", models.ForeignKey(blank=True, help_text="空：系统（导入、路网更新等）", null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
            ],
            options={
                "verbose_name": "操作日志",
                "verbose_name_plural": "操作日志",
                "ordering": ["at", "id"],
                "indexes": [
                    models.Index(fields=["subject_type", "subject_id", "id"], name="audit_subject"),
                    models.Index(fields=["context_type", "context_id", "id"], name="audit_context"),
                    models.Index(fields=["at"], name="audit_at"),
                ],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("verb__in", sorted(VERBS))), name="audit_verb_known"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ClientCommand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100)),
                ("scope", models.CharField(help_text="method and route of the first request", max_length=100,
                                           verbose_name="接口")),
                ("body_hash", models.CharField(max_length=64)),
                ("status_code", models.PositiveSmallIntegerField(null=True)),
                ("response", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("actor", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                            to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "客户端指令",
                "verbose_name_plural": "客户端指令",
                "constraints": [models.UniqueConstraint(fields=("actor", "key"), name="client_command_actor_key")],
            },
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
