"""Km patrolled per shift: each member's good fixes without the GPS noise
(`shifts.domain.distance.patrolled_m`), summed over the shift's members.

A shift still on duty is measured from its fixes on every read. An ended one is measured
once per member and stored (`ShiftMemberDistance`, written by shifts.services.distance when
it ends, and again after a batch that came later: the jobs in shifts.tasks): its stored
figures are read for all the chosen shifts in one query, and only the members with none
(not measured yet, or a batch arrived since and its job has not run) are measured from their
fixes, all of them in one more query. Reading fixes is what costs (~5,000 a member and
shift): a week of a district's report read millions of them on every view, one query per
shift and member. Nothing here writes: a figure measured on reading is not stored (a report
is a read; the job stores it).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from shifts.domain.distance import patrolled_m

from ..models import Shift, ShiftMemberDistance, ShiftStatus
from .coverage import good_fixes_of_members

# every fix of the shift counts (they were sent for it, whatever the device's clock said)
EVER = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def member_patrolled_m(*, shift_id: int, officer_id: int) -> float:
    """The member's metres patrolled on the shift, measured from all their good fixes of it."""
    return members_patrolled_m([(shift_id, officer_id)])[(shift_id, officer_id)]


def members_patrolled_m(pairs: Collection[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """(shift id, officer id) → metres patrolled, measured from all their good fixes of the
    shift, for each pair given (0 for a member without a fix); one query for all of them."""
    out = dict.fromkeys(pairs, 0.0)
    for pair, fixes in good_fixes_of_members(list(out), t_from=EVER[0], t_to=EVER[1]):
        out[pair] = patrolled_m(fixes)
    return out


def stored_distances(shift_ids: Collection[int]) -> dict[tuple[int, int], tuple[int, float | None]]:
    """(shift id, officer id) → (the row's version, metres or None: not measured since its last
    batch) of the stored rows of the shifts given, in one query."""
    if not shift_ids:
        return {}
    return {(shift_id, officer_id): (version, metres) for shift_id, officer_id, version, metres in
            ShiftMemberDistance.objects.filter(shift_id__in=list(shift_ids)).values_list(
                "shift_id", "officer_id", "version", "metres")}


def patrolled_m_by_shift(shifts: Sequence[Shift]) -> dict[int, float]:
    """Shift id → metres patrolled by its members (as `member_patrolled_m`, summed), for the
    shifts given (their `members` prefetched saves a query per shift)."""
    return {shift_id: sum(by_member.values()) for shift_id, by_member in patrolled_m_by_member(shifts).items()}


def patrolled_m_by_member(shifts: Sequence[Shift]) -> dict[int, dict[int, float]]:
    """Shift id → officer id → metres patrolled, for each member of each shift given: the ended
    shifts' stored figures (one query), the others' measured from their fixes (one query, if
    any), never stored here. So 1 or 2 queries whatever the number of shifts and members."""
    rows = stored_distances([s.pk for s in shifts if s.status == ShiftStatus.ENDED])
    members = {s.pk: [m.pk for m in s.members.all()] for s in shifts}
    missing = [(shift_id, officer_id) for shift_id, officer_ids in members.items() for officer_id in officer_ids
               if rows.get((shift_id, officer_id), (None, None))[1] is None]
    measured = members_patrolled_m(missing) if missing else {}
    return {shift_id: {officer_id: measured[(shift_id, officer_id)] if (shift_id, officer_id) in measured
                       else rows[(shift_id, officer_id)][1] for officer_id in officer_ids}
            for shift_id, officer_ids in members.items()}
