"""Coverage is history: a re-import that retires a segment, or a recomputation of a shift
after it, keeps the coverage stored on it."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from geodata.models import RoadSegment
from org.models import Team
from shifts.models import SegmentCoverage
from shifts.services.coverage import coverage_update
from shifts.services.shifts import shift_create, shift_end, shift_start

pytestmark = pytest.mark.django_db


def test_recomputing_a_shift_keeps_the_coverage_of_its_retired_segments():
    lead = get_user_model().objects.get(username="lead1")
    segment = RoadSegment.objects.order_by("id").first()
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 11, 27),
                         period="morning", segment_ids=[segment.pk])
    shift_start(actor=lead, shift_id=shift.pk)
    shift_end(actor=lead, shift_id=shift.pk)
    at = timezone.now()
    SegmentCoverage.objects.create(shift=shift, segment=segment, intervals=[[0, 10, at.timestamp(), at.timestamp(), 1]],
                                   covered_m=10, share=0.1, first_pass_at=at, last_pass_at=at, passes=1,
                                   computed_at=at)
    RoadSegment.objects.filter(pk=segment.pk).update(retired_at=at)  # a re-import took it out of the network

    result = coverage_update(shift_id=shift.pk)  # the fixes paint nothing on it any more

    assert result.rows_deleted == 0
    assert SegmentCoverage.objects.filter(shift=shift, segment=segment).count() == 1


def test_a_retired_segment_cannot_be_planned():
    from core.errors import ServiceError

    lead = get_user_model().objects.get(username="lead1")
    segment = RoadSegment.objects.order_by("id").first()
    RoadSegment.objects.filter(pk=segment.pk).update(retired_at=timezone.now())
    with pytest.raises(ServiceError, match="已停用"):
        shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 11, 28),
                     period="morning", segment_ids=[segment.pk])
