"""API tokens end with the password they were issued under.

A token acts as its account. When the account's password changes (an administrator resets it
in the officer page, its owner changes it in the 管理后台, a command or script calls
`set_password` and saves, or a hash is written in directly) the reason is usually that
someone else may know it, and a token issued meanwhile would keep their access through the
reset. So every active API token of the account is revoked (`ApiToken.revoke`, one
`key_revoked` audit event each, no actor: the password change's own event says who), in the
transaction of the save when there is one.

Caught where all those paths meet: the save of the user row. Before it (pre_save) the stored
hash is read once, and only for saves that write the password (not a sign-in's `last_login`);
after it (post_save) the tokens go. A hash Django re-makes on sign-in from the same password
(an outdated hasher or iteration count, `AbstractBaseUser.check_password`) is no change.
Only a bulk `QuerySet.update(password=...)` goes around saves; nothing in the platform does
that. Open311 API keys belong to external systems, not to a person's sign-in, and stay.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import ApiToken

REVOKED_FOR_PASSWORD = "账号密码已更改，该账号的 API 令牌随之吊销"


def _outdated(encoded: str) -> bool:
    """Whether Django would re-hash this stored hash when its password is next checked."""
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return hasher.algorithm != preferred.algorithm or preferred.must_update(encoded)


def _current(encoded: str) -> bool:
    """Whether this is a hash as Django makes it now (the preferred hasher, its current
    parameters): what a re-hash on sign-in leaves, and an unusable password never is."""
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return hasher.algorithm == preferred.algorithm and not preferred.must_update(encoded)


def password_replaced(user, stored: str) -> bool:
    """Whether saving `user` replaces the password whose hash is `stored`.

    `set_password` marks a change (`_password`; Django's own check_password clears the mark
    when it merely re-hashes, as "hash upgrades shouldn't be considered password changes").
    Without the mark, a new hash is a change unless it can be the re-hash on sign-in, which
    keeps the password: an outdated stored hash (every hash made before a Django upgrade, until
    its owner signs in) replaced by a current one. An unusable password, or another outdated
    hash, is never that re-hash. (A current hash written in directly over an outdated one looks
    the same, and is not counted: code that changes a password calls `set_password`.)"""
    if user.password == stored:
        return False
    if getattr(user, "_password", None) is not None:
        return True
    return not (_outdated(stored) and _current(user.password))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api.password_replaced")
def _note_password_replaced(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._api_password_replaced = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if (update_fields is not None and "password" not in update_fields) or "password" in instance.get_deferred_fields():
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._api_password_replaced = stored is not None and password_replaced(instance, stored)


REVOKED_FOR_DEACTIVATION = "账号已停用，该账号的 API 令牌随之吊销"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api.login_disabled")
def _note_login_disabled(sender, instance, raw=False, update_fields=None, **kwargs):
    """A login that goes from enabled to disabled (an officer deactivated, 有效 unticked on the
    用户 page). Its tokens and sessions were refused only while it stays disabled: enabled again
    (the officer back at work), the lost tablet's token and the browser left signed in would
    answer again. They end now, as a changed password ends them."""
    instance._api_login_disabled = False
    if raw or instance._state.adding or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = sender._default_manager.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance._api_login_disabled = bool(was_active)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api.tokens_end_with_login")
def _end_credentials(sender, instance, created=False, raw=False, **kwargs):
    """After a save that replaced the password or disabled the login (noted before it): the
    account's API tokens are revoked, and for a disabled login its stored sessions end too (a
    replaced password ends the others' by its session hash already)."""
    replaced = getattr(instance, "_api_password_replaced", False)
    disabled = getattr(instance, "_api_login_disabled", False)
    instance._api_password_replaced = instance._api_login_disabled = False
    if created or raw or not (replaced or disabled):
        return
    ApiToken.revoke(ids=ApiToken.objects.filter(user_id=instance.pk, active=True).values_list("pk", flat=True),
                    reason=REVOKED_FOR_DEACTIVATION if disabled else REVOKED_FOR_PASSWORD)
    if disabled:
        end_sessions(instance.pk)


def end_sessions(user_id: int) -> int:
    """Delete the stored sessions signed in as this account (the database session engine:
    each session's data is decoded, there is no index by user); returns how many."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if str(s.get_decoded().get("_auth_user_id")) == str(user_id)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
