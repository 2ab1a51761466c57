"""Km patrolled per shift: each member's good fixes without the GPS noise
(`shifts.domain.distance.patrolled_m`), summed over the shift's members.

A shift still on duty is measured from its fixes on every read. An ended one is measured
once per member and stored (`ShiftMemberDistance`, written by shifts.services.distance):
its stored figures are read for all the chosen shifts in one query, and only the members
with none (never measured, or a batch arrived since: a tablet's last ones, a GPS file read
out later) are measured from their fixes, and stored. Reading the fixes is what costs
(~5,000 a member and shift): a week of a district's report read millions of them on every
view, one query per shift and member.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shifts.domain.distance import patrolled_m

from ..models import Shift, ShiftMemberDistance, ShiftStatus
from .coverage import good_fixes_of

# every fix of the shift counts (they were sent for it, whatever the device's clock said)
EVER = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def member_patrolled_m(*, shift_id: int, officer_id: int) -> float:
    """The member's metres patrolled on the shift, measured from all their good fixes of it."""
    return patrolled_m(good_fixes_of(shift_id=shift_id, officer_id=officer_id, t_from=EVER[0], t_to=EVER[1]))


def patrolled_m_by_shift(shifts: Sequence[Shift]) -> dict[int, float]:
    """Shift id → metres patrolled by its members (as `member_patrolled_m`, summed), for the
    shifts given (their `members` prefetched saves a query per shift). Stored figures are
    read in one query; the ended shifts' members without one are measured and stored."""
    return {shift_id: sum(by_member.values()) for shift_id, by_member in patrolled_m_by_member(shifts).items()}


def patrolled_m_by_member(shifts: Sequence[Shift]) -> dict[int, dict[int, float]]:
    """Shift id → officer id → metres patrolled, for each member of each shift given
    (`patrolled_m_by_shift`)."""
    from ..services.distance import member_distances_store

    ended = [s.pk for s in shifts if s.status == ShiftStatus.ENDED]
    # (shift, officer) → (version, metres or None) of the stored rows
    rows = {(shift_id, officer_id): (version, metres) for shift_id, officer_id, version, metres in
            ShiftMemberDistance.objects.filter(shift_id__in=ended).values_list(
                "shift_id", "officer_id", "version", "metres")} if ended else {}
    out: dict[int, dict[int, float]] = {}
    measured: list[tuple[int, int, int | None, float]] = []
    for s in shifts:
        out[s.pk] = {}
        for m in s.members.all():
            version, metres = rows.get((s.pk, m.pk), (None, None))
            if metres is None:
                metres = member_patrolled_m(shift_id=s.pk, officer_id=m.pk)
                if s.status == ShiftStatus.ENDED:
                    measured.append((s.pk, m.pk, version, metres))
            out[s.pk][m.pk] = metres
    if measured:
        member_distances_store(measured=measured)
    return out
