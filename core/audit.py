"""Writing the audit log: `record(...)`, called by every service in the transaction of
its write (it refuses to run outside one, so a service that forgets its transaction fails
its tests instead of leaving a write without its event).

The request id comes from core.middleware (made by the server, never the client's, and
sent back in `X-Request-ID`), so one tablet request can be followed from the access log to
the rows it wrote.
"""
from __future__ import annotations

import contextlib
import contextvars
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .domain.verbs import VERBS
from .models import AuditEvent

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_replay_at: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("replay_at", default=None)


@contextlib.contextmanager
def replaying(at: datetime):
    """Events recorded inside happened at `at`, not now: for loaders that write history after
    the fact (the demo week's patrols, an import of last month's records), so that "closed on
    Tuesday" stays Tuesday in the log. Requests never use it; the API cannot reach it."""
    if at.tzinfo is None:
        raise ValueError("replaying needs an aware datetime")
    token = _replay_at.set(at)
    try:
        yield
    finally:
        _replay_at.reset(token)


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


def form_value(value: Any) -> Any:
    """A form value as the log keeps it (the admins' edits): a geometry as its WKT, a record as
    its id, a list or queryset of records (a many-to-many field) as their ids."""
    if hasattr(value, "wkt") and hasattr(value, "geom_type"):
        return value.wkt[:2000]
    if isinstance(value, (list, tuple, models.QuerySet)):
        return [form_value(v) for v in value]
    return getattr(value, "pk", value)


def subject_of(obj: models.Model | tuple[str, Any]) -> tuple[str, str]:
    """("app.model", "id") for a saved record, or a (type, id) pair for what has no model."""
    if isinstance(obj, models.Model):
        if obj.pk is None:
            raise ValueError("审计对象尚未保存")
        return obj._meta.label_lower, str(obj.pk)
    kind, ident = obj
    return str(kind), str(ident)


def event(*, actor, verb: str, subject, before: dict | None = None, after: dict | None = None,
          reason: str = "", context=None) -> AuditEvent:
    """The event `record` appends, not saved yet: for a service that writes it inside a larger
    statement of its transaction (core.rows.insert_values; shifts.services.fixes). The same
    checks as `record`: a known verb, inside a transaction."""
    if verb not in VERBS:
        raise ValueError(f"unknown audit verb {verb!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the write it records")
    subject_type, subject_id = subject_of(subject)
    context_type, context_id = subject_of(context) if context is not None else ("", "")
    return AuditEvent(
        at=_replay_at.get() or timezone.now(), actor=actor if actor is not None and getattr(actor, "pk", None) else None, verb=verb,
        subject_type=subject_type, subject_id=subject_id, context_type=context_type, context_id=context_id,
        before=before or {}, after=after or {}, reason=reason or "", request_id=current_request_id()[:64])


def record(*, actor, verb: str, subject, before: dict | None = None, after: dict | None = None,
           reason: str = "", context=None) -> AuditEvent:
    """Append one event. `actor` None means the system (an import, a network update)."""
    ev = event(actor=actor, verb=verb, subject=subject, before=before, after=after, reason=reason, context=context)
    ev.save(force_insert=True)
    return ev
