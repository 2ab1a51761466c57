"""Exactly-once writes under a client-supplied id (the `Idempotency-Key` of a request).

A tablet that lost its answer, or the field app's offline queue replaying, sends the same
write again under the same id. `run_once` makes that safe for every write endpoint:

- first time: the command row is claimed and the write runs, both in one transaction;
  the answer is stored in the row before it commits;
- same id, same body: the stored first answer is given again, nothing runs;
- same id, other body (or another endpoint): Conflict (409), nothing runs;
- two identical requests at once: the second one's claim waits on the first's unique
  index entry until the first commits, then finds the row and answers with its answer;
- a write that fails (an error answer, an exception) keeps no claim: the transaction is
  rolled back whole, so the client may correct the request and send it again.

Ids are per user: one officer's ids never collide with another's.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from .errors import Conflict, ServiceError
from .models import ClientCommand

MAX_KEY_LENGTH = 100
KEY_FIELD = "Idempotency-Key"
KEY_PATTERN = r"^[!-~]+$"  # visible ASCII, no spaces: UUIDs, ULIDs, "tablet7-000123"
_KEY = re.compile(KEY_PATTERN)


class InvalidKey(ServiceError):
    status = 400  # a malformed header, like a malformed body field


class KeyReused(Conflict):
    """The id was used before for another request (another body or endpoint)."""


class _Failed(Exception):
    """Carries an error answer out of the transaction so that its claim is rolled back."""

    def __init__(self, status: int, body: Any):
        super().__init__(status)
        self.status, self.body = status, body


def fingerprint(payload: Any) -> str:
    """A stable hash of a request body (dict keys in any order; bytes by content)."""
    def default(value):
        if isinstance(value, (bytes, bytearray, memoryview)):
            return {"sha256": hashlib.sha256(bytes(value)).hexdigest()}
        return str(value)

    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: str) -> str:
    if not _KEY.match(key) or len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"客户端编号须为 1–{MAX_KEY_LENGTH} 个可见 ASCII 字符（不含空格）", field=KEY_FIELD)
    return key


_CLAIM = (f"INSERT INTO {ClientCommand._meta.db_table} (actor_id, key, scope, body_hash, created_at) "
          "VALUES (%s, %s, %s, %s, now()) ON CONFLICT (actor_id, key) DO NOTHING RETURNING id")


def run_once(*, actor, key: str, scope: str, body_hash: str,
             execute: Callable[[], tuple[int, Any]]) -> tuple[int, Any, bool]:
    """(status, body, replayed). `execute` performs the write and returns its answer; an
    answer of 400 or more is returned as it is and keeps nothing."""
    key = check_key(key)
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(_CLAIM, [actor.pk, key, scope[:100], body_hash])
                claimed = cur.fetchone()
            if claimed is None:
                first = ClientCommand.objects.get(actor=actor, key=key)
                if first.scope != scope[:100] or first.body_hash != body_hash:
                    raise KeyReused("该客户端编号已用于另一个请求；新的操作请使用新的编号", field=KEY_FIELD)
                return first.status_code, first.response, True
            status, body = execute()
            if status >= 400:
                raise _Failed(status, body)
            ClientCommand.objects.filter(pk=claimed[0]).update(status_code=status, response=body)
            return status, body, False
    except _Failed as failed:
        return failed.status, failed.body, False
