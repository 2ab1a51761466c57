"""What every app shares in the database: the audit log and the client-command record.

AuditEvent: one row for every write of every app, written by `core.audit.record` in the
same transaction as the write. The table is append-only in PostgreSQL itself (triggers in
core.0001 refuse UPDATE, DELETE and TRUNCATE), so neither an ORM `update()` nor raw SQL
can rewrite the evidence.

ClientCommand: the first answer to a write a client sent under its own id
(`Idempotency-Key`), so a retry, or the field app's offline queue replaying, gets that
answer again instead of a second record (core.commands).
"""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .domain.verbs import VERB_CHOICES, VERBS
from .subjects import subject_label


class AppendOnlyError(Exception):
    """Raised before the database is asked: audit rows are never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("操作日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("操作日志不能删除")

    def for_subject(self, subject_type: str, subject_id) -> "AuditEventQuerySet":
        """A record's trail: events said of it, and those said of records under it (an
        outcome's event is on its problem's trail)."""
        sid = str(subject_id)
        return self.filter(Q(subject_type=subject_type, subject_id=sid)
                           | Q(context_type=subject_type, context_id=sid))


class AuditEvent(models.Model):
    # When it happened: now, except for loaders that replay history (core.audit.replaying).
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text="空：系统（导入、路网更新等）")
    verb = models.CharField("操作", max_length=30, choices=VERB_CHOICES)
    subject_type = models.CharField("对象类型", max_length=40)
    subject_id = models.CharField("对象编号", max_length=64)
    context_type = models.CharField("所属对象类型", max_length=40, blank=True)
    context_id = models.CharField("所属对象编号", max_length=64, blank=True)
    before = models.JSONField("修改前", default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("修改后", default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField("原因", blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"], name="audit_subject"),
            models.Index(fields=["context_type", "context_id", "id"], name="audit_context"),
            models.Index(fields=["at"], name="audit_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(verb__in=sorted(VERBS)), name="audit_verb_known"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("操作日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("操作日志不能删除")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_verb_display()} {subject_label(self.subject_type)} #{self.subject_id}"


class ClientCommand(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    scope = models.CharField("接口", max_length=100, help_text="method and route of the first request")
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "客户端指令"
        verbose_name_plural = "客户端指令"
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="client_command_actor_key")]
