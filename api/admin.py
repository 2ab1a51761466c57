"""The admin for API credentials: Open311 keys of external systems, API tokens of devices.

Only superusers and district administrators (区级管理员) see or manage them. A new key or
token is shown once, in the message after it is added, and never again: the database
holds its prefix and digest only, and the admin shows neither the digest nor any way to
edit it. Credentials are revoked (an action), not deleted, so the record of who could call
until when stays.

The one-time message travels in Django's message cookie to the next page (the fallback
storage keeps a message this small in the cookie, not in the session table), so the
plain secret is never written to the database.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html

from core import audit
from core.domain.verbs import Verb
from org.admin import scope_ids
from org.domain.permissions import can

from .models import ApiKey, ApiToken


def may_manage_credentials(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    officer = getattr(user, "officer", None)  # None when the user has no officer profile
    return officer is not None and officer.active and can(officer.role, "manage_credentials")


class CredentialAdmin(admin.ModelAdmin):
    kind = "密钥"
    list_filter = ("active",)
    search_fields = ("name", "prefix", "user__username")
    ordering = ("-created_at",)
    actions = ("revoke",)
    list_select_related = ("user",)

    # -- who
    def has_module_permission(self, request):
        return may_manage_credentials(request.user)

    def has_view_permission(self, request, obj=None):
        return may_manage_credentials(request.user)

    def has_add_permission(self, request):
        return may_manage_credentials(request.user)

    def has_change_permission(self, request, obj=None):
        return may_manage_credentials(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row records who could call, until when

    # -- where: a district admin issues and sees credentials only for accounts whose officer
    # profile lies inside their own jurisdiction (a superuser: all of them), and never for a
    # superuser's account: a credential acts as its account, and a superuser's login is the
    # superuser's to manage (org.services.officer_update refuses the same for passwords)
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = scope_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(user__officer__jurisdiction_id__in=ids, user__is_superuser=False)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            ids = scope_ids(request)
            users = get_user_model().objects.filter(is_active=True).order_by("username")
            if not request.user.is_superuser:
                users = users.filter(is_superuser=False)
            kwargs["queryset"] = users if ids is None else users.filter(
                officer__active=True, officer__jurisdiction_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- what is shown
    @admin.display(description="前缀", ordering="prefix")
    def shown_prefix(self, obj):
        return obj.masked

    @admin.display(description="状态", ordering="active")
    def state(self, obj):
        return "有效" if obj.active else "已吊销"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user")
        return ("name", "user", "shown_prefix", "state", "created_at", "revoked_at", *self.extra_fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The account a secret acts for is fixed when it is issued: issue a new one instead.
        return ("user", "shown_prefix", "state", "created_at", "revoked_at", *self.extra_fields)

    extra_fields: tuple[str, ...] = ()

    # -- issuing and revoking
    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit.record(actor=request.user, verb=Verb.UPDATED, subject=obj,
                         before={f: form.initial.get(f) for f in form.changed_data},
                         after={f: form.cleaned_data.get(f) for f in form.changed_data})
            return
        if obj.user.is_superuser and not request.user.is_superuser:
            raise PermissionDenied("超级管理员账号的密钥只能由超级管理员签发")
        secret = obj.new_secret()
        super().save_model(request, obj, form, change)  # the admin's add view runs in one transaction
        obj.record_issued(by=request.user)
        self.message_user(request, format_html(
            "已签发{}“{}”：<code>{}</code>　请立即复制保存：完整{}只显示这一次，之后无法再查看；遗失时吊销并重新签发。",
            self.kind, obj.name, secret, self.kind), messages.SUCCESS)

    @admin.action(description="吊销所选项", permissions=["change"])
    def revoke(self, request, queryset):
        count = self.model.revoke(ids=queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(request, f"已吊销 {count} 个{self.kind}。", messages.SUCCESS)


@admin.register(ApiKey)
class ApiKeyAdmin(CredentialAdmin):
    kind = "API Key"
    list_display = ("name", "shown_prefix", "user", "created_at", "state", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(CredentialAdmin):
    kind = "令牌"
    list_display = ("name", "shown_prefix", "user", "created_at", "last_used_at", "state", "revoked_at")
    extra_fields = ("last_used_at",)
