"""The handover report of a shift (交接班报告): what the next shift needs to know.

Kilometres patrolled (each member's good fixes as coverage reads them, without the GPS
noise: shifts.domain.distance; a signal gap is not walked; stored per member once the shift
has ended: shifts.selectors.distance), coverage of the planned
segments (the metres covered of them, as the coverage page and API measure it, and how many
are covered to 80 %) (planned explicitly, else the segments inside the planned areas; once the shift has
ended, the plan as it stood then, with the lengths then), problems the members found and
outcomes they recorded during the shift, problems still open in the team's area, and the
planned segments nobody covered, main roads and long segments first.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from geodata.highways import highway_rank
from geodata.selectors.areas import area_descendant_ids
from patrol.domain.workflow import OPEN_STATES
from patrol.models import Outcome, Problem
from shifts.domain.coverage import is_covered

from ..models import SegmentCoverage, Shift
from .coverage import coverage_summary_of, planned_segments
from .distance import patrolled_m_by_shift


def shift_handover(shift: Shift) -> dict:
    start = shift.started_at or shift.starts_at
    end = shift.ended_at or timezone.now()
    # once the shift has ended, each member's figure is measured once and stored (selectors.distance)
    patrolled = patrolled_m_by_shift([shift])[shift.pk]
    planned = list(planned_segments(shift).select_related("road").only("id", "highway", "road__name"))
    rows = list(SegmentCoverage.objects.filter(shift=shift))
    shares = {r.segment_id: r.share for r in rows}
    covered = [s for s in planned if is_covered(shares.get(s.id, 0.0))]
    # the share and km covered as the coverage page and API measure them: the metres covered
    # of the planned segments (not the whole length of those covered to 80 %)
    summary = coverage_summary_of(shift, rows)
    planned_m = sum(s.plan_length_m for s in planned)
    covered_m = (summary.covered_share or 0.0) * planned_m
    covered_ids = {s.id for s in covered}
    uncovered = sorted((s for s in planned if s.id not in covered_ids),
                       key=lambda s: (highway_rank(s.highway), -s.plan_length_m, s.id))
    user_ids = list(shift.members.values_list("user_id", flat=True))
    area_ids = area_descendant_ids(shift.team.area_id)
    return {
        "shift": shift.pk, "team": shift.team.name, "date": shift.date, "period": shift.period,
        "status": shift.status, "from": start, "to": end,
        "members": len(user_ids),
        "km_patrolled": round(patrolled / 1000, 3),
        "planned_segments": len(planned), "planned_km": round(planned_m / 1000, 3),
        "covered_segments": len(covered), "covered_km": round(covered_m / 1000, 3),
        "covered_share": round(covered_m / planned_m, 4) if planned_m else None,
        "problems_found": Problem.objects.filter(reporter_id__in=user_ids, created_at__gte=start,
                                                 created_at__lte=end).count(),
        "outcomes_recorded": Outcome.objects.filter(recorded_by_id__in=user_ids, recorded_at__gte=start,
                                                    recorded_at__lte=end).count(),
        # a team's area may be a 街道, a 社区 or a 网格: a problem is filed under all three
        "open_problems_left": Problem.objects.filter(
            Q(subdistrict_id__in=area_ids) | Q(community_id__in=area_ids) | Q(grid_id__in=area_ids),
            status__in=OPEN_STATES).count(),
        "uncovered": [{"segment": s.id, "road": s.road.name, "highway": s.highway,
                       "length_m": round(s.plan_length_m, 1), "covered_share": round(shares.get(s.id, 0.0), 3)}
                      for s in uncovered],
    }
