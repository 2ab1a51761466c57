"""未诉先办 planning cases found in review: problems marked 重复上报 or 不予立案 counted as found,
a list kept from before a network re-import offering a removed segment, a street office's list
naming (and its lead planning) another office's roads, and local days at a week's boundary."""
import datetime as dt
import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind, RoadSegment
from geodata.services.network_import import network_import
from hotline.models import Complaint, ImportBatch
from hotline.selectors.hotspots import next_week_focus, segment_events
from org.models import Agency, AgencyKind, Officer, Role, Team
from patrol.domain.workflow import Status
from patrol.models import Problem
from patrol.services.problems import problem_create, problem_transition

pytestmark = pytest.mark.django_db

@pytest.fixture
def north():
    """A second street office just north of 学院路街道, on the demo network, with its own lead."""
    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    geom = MultiPolygon(Polygon.from_bbox((443982, 4430722, 445330, 4432200)), srid=4548)
    area = Area.objects.create(name="北邻街道", kind=AreaKind.SUBDISTRICT, parent=district, geom=geom,
                               source="test", generated=True)
    agency = Agency.objects.create(name="北邻街道执法队", kind=AgencyKind.ENFORCEMENT, area=area)
    team = Team.objects.create(name="北邻一队", agency=agency, area=area)
    user = get_user_model().objects.create_user("north_lead", password="x")
    Officer.objects.create(user=user, name="north_lead", role=Role.TEAM_LEAD, agency=agency, team=team,
                           jurisdiction=area)
    return area


def _segment_in(area):
    return RoadSegment.objects.live().filter(geom__within=area.geom).order_by("id").first()




def test_a_lead_cannot_plan_segments_of_another_street_office(north):
    seg = _segment_in(north)
    assert seg is not None
    lead = get_user_model().objects.get(username="lead1")  # 学院路街道
    client = APIClient()
    client.force_authenticate(lead)
    r = client.post("/api/v1/shifts/", {"team": lead.officer.team_id, "date": str(timezone.localdate() + timedelta(days=1)),
                                        "period": "morning", "segments": [seg.pk]}, format="json")
    assert r.status_code == 422, (r.status_code, r.content.decode())


LAT, LON = 39.99912, 116.34636


def _user(name):
    return get_user_model().objects.get(username=name)


def test_a_duplicate_report_is_not_a_second_problem_found():
    officer, sup = _user("officer1"), _user("supervisor1")
    first, _ = problem_create(actor=officer, category_code="积存垃圾渣土", lon=LON, lat=LAT, description="a")
    second, _ = problem_create(actor=officer, category_code="积存垃圾渣土", lon=LON, lat=LAT, description="b")
    assert first.segment_id and first.segment_id == second.segment_id
    problem_transition(actor=sup, problem_id=second.pk, target=Status.DUPLICATE, duplicate_of_id=first.pk,
                       reason="同一处积存垃圾")
    assert Problem.objects.get(pk=second.pk).status == Status.DUPLICATE
    focus = next_week_focus(sup)
    top = focus.segments[0]
    assert top.segment == first.segment_id
    # one problem on the street: reported twice, the second marked 重复上报
    assert "近期巡查发现问题 1 个" in top.reasons, top.reasons


def test_a_rejected_report_is_not_a_problem_found():
    officer, sup = _user("officer1"), _user("supervisor1")
    p, _ = problem_create(actor=officer, category_code="积存垃圾渣土", lon=LON, lat=LAT, description="a")
    problem_transition(actor=sup, problem_id=p.pk, target=Status.REJECTED, reason="现场无此问题")
    assert Problem.objects.get(pk=p.pk).status == Status.REJECTED
    focus = next_week_focus(sup)
    assert focus.segments == [], [(s.segment, s.reasons) for s in focus.segments]


SOURCE = "beijing_haidian_xueyuanlu"


def _complaints_on(segment, days_ago, area):
    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="0" * 64, source="test")
    today = timezone.localdate()
    mid = segment.geom.interpolate(segment.geom.length / 2)
    for i, d in enumerate(days_ago):
        Complaint.objects.create(order_no=f"N{segment.pk}-{i}", content="门前堆放杂物", unit_name=area.name,
                                 unit_area=area, area=area, segment=segment, geom=mid, batch=batch,
                                 received_at=timezone.make_aware(datetime.combine(today - timedelta(days=d), time(10))))


def test_after_a_reimport_removes_the_top_segment_the_list_no_longer_offers_it(fixtures_dir, tmp_path):
    area = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    seg = RoadSegment.objects.live().filter(source=SOURCE).order_by("id")[5]
    _complaints_on(seg, [1, 8, 15], area)
    sup = get_user_model().objects.get(username="supervisor1")
    assert next_week_focus(sup).segments[0].segment == seg.pk  # the page was opened this morning

    tree = ET.parse(fixtures_dir / "osm" / f"{SOURCE}.osm")
    root = tree.getroot()
    root.remove(next(w for w in root.findall("way") if int(w.get("id")) == seg.osm_way_id))
    path = tmp_path / f"{SOURCE}.osm"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    network_import(path=path, source=SOURCE)
    assert not RoadSegment.objects.live().filter(pk=seg.pk).exists()

    # later the same day the lead opens the page (or the tablet) to plan the next shift
    offered = [s.segment for s in next_week_focus(sup).segments]
    lead = get_user_model().objects.get(username="lead1")
    client = APIClient()
    client.force_authenticate(lead)
    r = client.post("/api/v1/shifts/", {"team": lead.officer.team_id, "date": str(timezone.localdate() + timedelta(days=1)),
                                        "period": "morning", "segments": offered[:3]}, format="json")
    assert seg.pk not in offered, (offered, r.status_code, r.content.decode())


UTC = dt.UTC


def test_a_complaint_late_sunday_and_early_monday_shanghai_time():
    area = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    seg = RoadSegment.objects.order_by("id").first()
    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="0" * 64, source="test")
    sh = ZoneInfo("Asia/Shanghai")
    sunday_late = dt.datetime(2026, 11, 29, 23, 30, tzinfo=sh)  # 15:30 UTC Sunday
    monday_early = dt.datetime(2026, 11, 30, 0, 30, tzinfo=sh)  # 16:30 UTC Sunday
    for i, at in enumerate([sunday_late, monday_early]):
        Complaint.objects.create(order_no=f"W{i}", content="x", unit_name=area.name, unit_area=area, area=area,
                                 segment=seg, batch=batch, received_at=at.astimezone(UTC))
    user = get_user_model().objects.get(username="supervisor1")
    days = sorted(e.day for e in segment_events(user, until=dt.date(2026, 12, 1)))
    assert days == [dt.date(2026, 11, 29), dt.date(2026, 11, 30)]
    assert [e.day for e in segment_events(user, until=dt.date(2026, 11, 30))] == [dt.date(2026, 11, 29)]


def test_a_street_offices_focus_names_only_segments_in_its_area(north):
    """A complaint dispatched to 学院路街道 (承办单位) but located on a road of 北邻街道."""
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    seg = _segment_in(north)
    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="0" * 64, source="test")
    for i, d in enumerate([2, 9, 16]):
        Complaint.objects.create(order_no=f"S{i}", content="门前堆放杂物", unit_name="学院路街道", unit_area=xueyuan,
                                 area=north, segment=seg, geom=seg.geom.interpolate(1.0), batch=batch,
                                 received_at=timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=d), time(10))))
    sup = get_user_model().objects.get(username="supervisor1")
    offered = [s.segment for s in next_week_focus(sup).segments]
    assert seg.pk not in offered
