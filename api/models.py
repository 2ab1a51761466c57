"""Credentials other systems and devices use to call the APIs, stored as hashes only.

Two kinds, one way of keeping them:
- ``ApiKey``: an external system writes through Open311 GeoReport v2 (the form's ``api_key``);
- ``ApiToken``: a tablet or script calls /api/v1/ as a user (``Authorization: Token <key>``).

And ``RateCount``, what the API's rate limits have counted of each client (api.rate_counts).

A secret is shown once, when it is issued (``issue`` returns it beside the row); the
database keeps its first characters (``prefix``, to recognise it in the admin and to find
the row) and its SHA-256 digest. A secret that leaks from a backup or a database dump is
therefore no use to anyone, and a lost one cannot be read back: it is revoked and a new
one issued. Revoking keeps the row (who used what, until when).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from typing import Self

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb

PREFIX_LENGTH = 8
# Letters and digits only: a secret never starts with "-" (taken for an option on a
# command line) and is selected whole by a double click.
ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 43  # 43 × log2(62) ≈ 256 random bits


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def secret_digest(secret: str) -> str:
    """SHA-256 of the secret, hex.

    A fast hash is enough here, unlike for passwords: the secrets are 256 random bits made
    by ``secrets``, so there is no dictionary to try and no search a slow hash (PBKDF2,
    Argon2) would make harder; it would only slow every API request down. The secrets
    hashed by migration 0002 (Open311 keys of 192 bits, DRF tokens of 160) are as far out
    of reach.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class HashedSecret(models.Model):
    prefix = models.CharField("前缀", max_length=PREFIX_LENGTH, db_index=True, editable=False,
                              help_text="密钥的前几位，用于辨认；完整密钥只在签发时显示一次")
    digest = models.CharField("摘要", max_length=64, unique=True, editable=False)
    active = models.BooleanField("有效", default=True, editable=False)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def new_secret(self) -> str:
        """Give this (unsaved) row a fresh secret and return it: the only time it is seen."""
        secret = new_secret()
        self.prefix, self.digest = secret[:PREFIX_LENGTH], secret_digest(secret)
        return secret

    @classmethod
    def issue(cls, *, user, name: str, by=None) -> tuple[Self, str]:
        """A new credential for ``user`` and its secret, shown to the caller this once;
        ``by`` is who issued it (None: the system), for the audit log."""
        credential = cls(user=user, name=name)
        secret = credential.new_secret()
        with transaction.atomic():
            credential.save()
            credential.record_issued(by=by)
        return credential, secret

    def record_issued(self, *, by) -> None:
        audit.record(actor=by, verb=Verb.KEY_ISSUED, subject=self,
                     after={"name": self.name, "user": self.user_id, "prefix": self.prefix})

    @classmethod
    def lookup(cls, secret: str) -> Self | None:
        """The credential whose secret this is (revoked ones included: callers say why they
        refuse), with its user; None when there is none.

        Found by prefix, then the digests compared in constant time, so how long the answer
        takes says nothing about how much of a guess was right.
        """
        secret = (secret or "").strip()
        if len(secret) <= PREFIX_LENGTH:
            return None
        digest = secret_digest(secret)
        for candidate in cls.objects.filter(prefix=secret[:PREFIX_LENGTH]).select_related("user"):
            if hmac.compare_digest(candidate.digest, digest):
                return candidate
        return None

    @classmethod
    def revoke(cls, *, ids, by=None, reason: str = "") -> int:
        """Revoke the credentials with these ids that are still active; returns how many.
        Each revocation is one audit event (with `reason`, when the system revokes them)."""
        with transaction.atomic():
            rows = list(cls.objects.select_for_update().filter(pk__in=list(ids), active=True))
            now = timezone.now()
            for row in rows:
                cls.objects.filter(pk=row.pk).update(active=False, revoked_at=now)
                audit.record(actor=by, verb=Verb.KEY_REVOKED, subject=row, before={"active": True},
                             after={"active": False, "revoked_at": now}, reason=reason)
        return len(rows)

    @property
    def masked(self) -> str:
        return f"{self.prefix}…"


class ApiKey(HashedSecret):
    name = models.CharField("系统名称", max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="以该账号提交", on_delete=models.PROTECT,
                             help_text="提交的问题记在此账号名下；账号需有人员档案（角色与辖区）")

    class Meta:
        verbose_name = "Open311 API Key"
        verbose_name_plural = "Open311 API Keys"

    def __str__(self) -> str:
        return f"{self.name}（{self.masked}）"


class ApiToken(HashedSecret):
    name = models.CharField("用途", max_length=100, help_text="如：执法一队 1 号平板")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="api_tokens")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)

    # last_used_at is written at most this often per token: a write on every request
    # would cost more than knowing the minute a tablet was last seen is worth.
    TOUCH_EVERY = 60

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.masked}）"

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= self.TOUCH_EVERY:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class RateCount(models.Model):
    """One client's count against one of the API's rates (api.limits; the counting is
    api.domain.rates, the statement api.rate_counts). In the database, not in a process's
    memory, so that every worker of the server counts the same requests. The table is
    UNLOGGED (migration 0003): counts are worth nothing after a crash, and are not written
    to the WAL on every request."""
    key = models.CharField(max_length=200, primary_key=True)  # scope and client (DRF's cache key)
    origin = models.FloatField()  # seconds since the epoch
    window_no = models.IntegerField()
    hits = models.IntegerField()
    prev_hits = models.IntegerField()
    allowed = models.BooleanField()
    expires = models.FloatField(db_index=True)  # from then on the row counts nothing: pruned

    class Meta:
        verbose_name = "请求计数"
        verbose_name_plural = "请求计数"
