"""System checks of the deployment (`manage.py check --deploy`): the SECRET_KEY.

core.E001  the key is one published with the code (anyone could sign sessions, messages and
           Open311 tokens).
core.W001  the key is the one made for this installation (var/secret_key) because SECRET_KEY
           is not set: fine for `make run`, but a deployment sets its own (and shares it
           between its hosts).
"""
from __future__ import annotations

from django.conf import settings
from django.core import checks

from config.secret_key import PUBLISHED_KEYS


@checks.register(checks.Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs):
    if settings.SECRET_KEY in PUBLISHED_KEYS:
        return [checks.Error("SECRET_KEY 是随代码公开的密钥，任何人都能伪造签名",
                             hint="设置环境变量 SECRET_KEY（50 个以上随机字符）", id="core.E001")]
    if not getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        return [checks.Warning("SECRET_KEY 未设置，使用的是本机首次启动时生成的密钥（var/secret_key）",
                               hint="部署时设置环境变量 SECRET_KEY（50 个以上随机字符）", id="core.W001")]
    return []
