"""Reading shifts: those of teams whose area lies in the user's jurisdiction."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet, Sum

from core.errors import NotFound
from org.selectors import jurisdiction_area_ids, officer_of

from ..models import FixBatch, Shift


def shifts_visible(user, *, date: dt.date | None = None, status: str | None = None,
                   team_id: int | None = None) -> QuerySet[Shift]:
    officer = officer_of(user)
    qs = (Shift.objects.filter(team__area_id__in=jurisdiction_area_ids(officer))
          .select_related("team", "created_by", "started_by", "ended_by")
          .prefetch_related("members", "areas", "segments"))
    if date is not None:
        qs = qs.filter(date=date)
    if status:
        qs = qs.filter(status=status)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return qs


def shift_get(user, shift_id: int) -> Shift:
    shift = shifts_visible(user).filter(pk=shift_id).first()
    if shift is None:
        raise NotFound("班次不存在", field="id")
    return shift


def shift_fix_counts(shift_ids) -> dict[int, tuple[int, int]]:
    """{shift id: (fixes stored, of which flagged)}, from the batches (never the big table)."""
    rows = (FixBatch.objects.filter(shift_id__in=list(shift_ids)).values("shift_id")
            .annotate(stored=Sum("stored"), flagged=Sum("flagged")))
    return {r["shift_id"]: (r["stored"] or 0, r["flagged"] or 0) for r in rows}
