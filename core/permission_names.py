"""Django's built-in permissions named in Chinese.

Django stores each model's four permissions at migrate time as "Can add <verbose name>", in
English and with the raw (untranslated) verbose name, and never translates them: the
管理后台's user and group pages then list "Can change 联合检查" or "Can view session". No
catalogue reaches a stored name, so after each app's migration this renames its default
permissions in Chinese ("可修改联合检查", "可查看会话"). Django creates missing permissions by
codename and never rewrites a name, so the Chinese names stay; a permission of the project's
own (not one of the four) keeps the name its model gives it.
"""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.utils import translation

ACTION_LABELS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_name(action: str, verbose_name: str) -> str:
    """>>> permission_name("change", "联合检查")
    '可修改联合检查'
    """
    return f"可{ACTION_LABELS[action]}{verbose_name}"


def name_permissions_in_chinese(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    """post_migrate receiver: the sender app's default permissions renamed (see above)."""
    from django.contrib.auth.models import Permission

    renamed = []
    queryset = (Permission.objects.using(using).select_related("content_type")
                .filter(content_type__app_label=sender.label, name__startswith="Can "))
    with translation.override("zh-hans"):
        for permission in queryset:
            model = permission.content_type.model_class()
            action, _, model_name = permission.codename.partition("_")
            if model is None or action not in ACTION_LABELS or model_name != model._meta.model_name:
                continue
            permission.name = permission_name(action, str(model._meta.verbose_name))[:255]
            renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])
