"""Storing each member's km patrolled of an ended shift (`ShiftMemberDistance`): measured
when the shift has ended (its recomputation job; the demo week's loader) or, failing that or
after a late batch, by shifts.selectors.distance when first needed.

A figure is stored only against the version of the row it was read with: a batch of the
member's fixes stored meanwhile bumped the version (shifts.services.fixes._claim), and the
figure, which may lack that batch, is dropped (measured again on the next read). Where there
was no row, the figure is inserted unless one appeared meanwhile (a batch's). Row locks
order the two: a batch still open holds its row until it commits, and the update or insert
here waits for it and then finds the version changed.

No audit event: the figure is derived from the fixes, which have theirs (`fixes_received`),
and is the same whenever it is measured; the coverage report fills it on reading.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Shift, ShiftMemberDistance, ShiftStatus


def member_distances_store(*, measured: Iterable[tuple[int, int, int | None, float]]) -> None:
    """Store each (shift id, officer id, the row's version read before measuring or None when
    there was no row, metres), unless a batch came since."""
    now = timezone.now()
    new = []
    with transaction.atomic():
        for shift_id, officer_id, version, metres in measured:
            if version is None:
                new.append(ShiftMemberDistance(shift_id=shift_id, officer_id=officer_id, metres=metres, version=0,
                                               computed_at=now))
                continue
            ShiftMemberDistance.objects.filter(shift_id=shift_id, officer_id=officer_id, version=version,
                                               metres__isnull=True).update(metres=metres, computed_at=now)
        if new:
            # ON CONFLICT DO NOTHING: a batch's row that appeared meanwhile wins
            ShiftMemberDistance.objects.bulk_create(new, ignore_conflicts=True)


def shift_distances_measure(*, shift_id: int) -> dict[int, float] | None:
    """An ended shift's members measured now, where no figure is stored for them (the job
    queued when it ends runs this, so the first report need not read its fixes); officer
    id → metres, or None when the shift is not there or has not ended."""
    from ..selectors.distance import patrolled_m_by_member

    shift = Shift.objects.filter(pk=shift_id, status=ShiftStatus.ENDED).prefetch_related("members").first()
    return None if shift is None else patrolled_m_by_member([shift])[shift.pk]
