"""Storing each member's km patrolled of an ended shift (`ShiftMemberDistance`): measured
when the shift has ended (its recomputation job, shifts.tasks.coverage_for_shift; the demo
week's loader) and again after a batch that came later (a tablet's last one, a GPS file read
out later: the batch's own job, shifts.tasks.coverage_for_batch, queued in the statement that
stored the batch and cleared the figure). Readers (shifts.selectors.distance) measure a
missing figure for themselves and store nothing.

A figure is stored only against the version of the row it was read with: a batch of the
member's fixes stored meanwhile bumped the version (shifts.services.fixes._claim), and the
figure, which may lack that batch, is dropped (that batch's job measures it again). Where there
was no row, the figure is inserted unless one appeared meanwhile (a batch's). Row locks
order the two: a batch still open holds its row until it commits, and the update or insert
here waits for it and then finds the version changed.

No audit event: the figure is derived from the fixes, which have theirs (`fixes_received`),
and is the same whenever it is measured.
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
    """An ended shift's members measured now and stored, where no figure is stored for them
    (the jobs run this: the one queued when the shift ends, so the first report need not read
    its fixes, and a late batch's); officer id → metres, or None when the shift is not there or
    has not ended."""
    from ..selectors.distance import members_patrolled_m, stored_distances

    shift = Shift.objects.filter(pk=shift_id, status=ShiftStatus.ENDED).prefetch_related("members").first()
    if shift is None:
        return None
    rows = stored_distances([shift.pk])  # the versions, read before the fixes
    out = {m.pk: rows.get((shift.pk, m.pk), (None, None))[1] for m in shift.members.all()}
    measured = members_patrolled_m([(shift.pk, officer_id) for officer_id, metres in out.items() if metres is None])
    if measured:
        member_distances_store(measured=[(shift.pk, officer_id, rows.get((shift.pk, officer_id), (None, None))[0],
                                          metres) for (_, officer_id), metres in measured.items()])
    return {officer_id: measured.get((shift.pk, officer_id), metres) for officer_id, metres in out.items()}
