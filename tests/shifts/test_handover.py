"""The handover report: kilometres, coverage of the planned segments, problems and outcomes
of the members during the shift, open problems left, uncovered segments (main roads first)."""
import pytest
from rest_framework.test import APIClient

from geodata.highways import highway_rank
from geodata.models import RoadSegment
from shifts.domain.simulate import simulate_member
from shifts.selectors.handover import shift_handover

from .coverage_helpers import DAY as T0_DAY
from .coverage_helpers import T0, batches_of, demo_network, end, fix_ins, members, on_duty_shift, send

pytestmark = pytest.mark.django_db


def test_the_handover_report_tells_what_was_covered_and_what_was_not(django_user_model):
    network = demo_network()
    planned = sorted(network)[:30]
    shift = on_duty_shift(segment_ids=planned)
    (officer,) = members(1)
    shift.members.add(officer)
    track = simulate_member(network, start_t=T0, end_t=T0 + 3600, seed=5, mode="walk", gaps=0, stops=0)
    send(shift, officer, batches_of(fix_ins(track)))
    end(shift)
    report = shift_handover(shift)
    walked_km = track.speed_mps * 3600 / 1000  # an hour on the move: no stops, no gaps
    assert report["km_patrolled"] == pytest.approx(walked_km, rel=0.15)  # the GPS noise is not walked
    assert report["planned_segments"] == 30
    assert report["covered_segments"] + len(report["uncovered"]) == 30
    lengths = dict(RoadSegment.objects.filter(id__in=planned).values_list("id", "length_m"))
    assert report["planned_km"] == pytest.approx(sum(lengths.values()) / 1000, abs=0.001)
    order = [(highway_rank(u["highway"]), -u["length_m"]) for u in report["uncovered"]]
    assert order == sorted(order)  # main roads first, then the longest

    client = APIClient()
    client.force_authenticate(django_user_model.objects.get(username="lead1"))
    answer = client.get(f"/api/v1/shifts/{shift.pk}/handover")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["covered_segments"] == report["covered_segments"] and "from" in body and "to" in body


def test_a_shift_planned_by_areas_has_one_answer_to_what_was_planned(django_user_model):
    """The coverage summary read only the explicitly planned segments: a shift planned by
    areas had 0 planned segments there and 8 in the handover and the report."""
    from django.contrib.auth import get_user_model

    from geodata.models import Area, AreaKind
    from org.models import Team
    from shifts.services.shifts import shift_create, shift_start

    area = Area.objects.filter(kind=AreaKind.GRID).order_by("pk").first()
    lead = get_user_model().objects.get(username="lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=T0_DAY, period="morning",
                         area_ids=[area.pk])
    shift_start(actor=lead, shift_id=shift.pk)
    end(shift)
    client = APIClient()
    client.force_authenticate(lead)
    summary = client.get(f"/api/v1/shifts/{shift.pk}/coverage").json()["summary"]
    handover = client.get(f"/api/v1/shifts/{shift.pk}/handover").json()
    totals = client.get(f"/api/v1/coverage/report?shift={shift.pk}").json()["totals"]
    assert handover["planned_segments"] > 0
    assert summary["segments_planned"] == handover["planned_segments"] == totals["segments_planned"]
    assert summary["planned_m"] / 1000 == pytest.approx(handover["planned_km"], abs=0.001)


def test_the_handover_gives_the_coverage_pages_share(django_user_model):
    """Found in review: the handover summed the whole length of the segments covered to 80 %
    (34 % for a demo shift) where the coverage page, the shift's coverage and the report sum
    the metres covered (45 %), both under the name covered_share."""
    network = demo_network()
    shift = on_duty_shift(segment_ids=sorted(network)[:30])
    (officer,) = members(1)
    shift.members.add(officer)
    track = simulate_member(network, start_t=T0, end_t=T0 + 1800, seed=7, mode="walk", gaps=0, stops=0)
    send(shift, officer, batches_of(fix_ins(track)))
    end(shift)
    client = APIClient()
    client.force_authenticate(django_user_model.objects.get(username="lead1"))
    handover = client.get(f"/api/v1/shifts/{shift.pk}/handover").json()
    summary = client.get(f"/api/v1/shifts/{shift.pk}/coverage").json()["summary"]
    totals = client.get(f"/api/v1/coverage/report?shift={shift.pk}").json()["totals"]
    assert 0 < handover["covered_share"] < 1
    assert handover["covered_share"] == pytest.approx(summary["covered_share"], abs=1e-4)
    assert handover["covered_share"] == pytest.approx(totals["covered_share"], abs=1e-4)
    assert handover["covered_km"] == pytest.approx(totals["covered_km"], abs=0.01)
