"""A shift's plan is history: its planned segments cannot be deleted from under it (only
coverage was protected)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError

from geodata.models import RoadSegment
from geodata.services.network_import import network_import
from org.models import Team
from shifts.services.shifts import shift_create

pytestmark = pytest.mark.django_db
SOURCE = "plan-test"

# Off the demo roads, inside the demo subdistrict (as tests/geodata/test_network_history.py):
# 测试甲路 runs north through nodes 1..5
NODES = "".join(f'<node id="{900000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.3450"/>'
                for i in range(1, 6))
JIA = ('<way id="9000" version="1">' + "".join(f'<nd ref="{900000 + i}"/>' for i in range(1, 6))
       + '<tag k="highway" v="residential"/><tag k="name" v="测试甲路"/></way>')


def osm(tmp_path, body, name="plans.osm"):
    p = tmp_path / name
    p.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="t">\n' + body + "\n</osm>\n",
                 encoding="utf-8")
    return p


def seg(key):
    return RoadSegment.objects.get(source=SOURCE, key=key)


def lead():
    return get_user_model().objects.get(username="lead1")


def team():
    return Team.objects.get(name="执法一队")


# -- segments planned explicitly -----------------------------------------------------------

def test_a_segment_in_a_shift_plan_cannot_be_deleted_from_under_it(tmp_path):
    """Only coverage rows protected their segment: deleting a planned one (the admin, the
    shell) took it out of the shift's plan without a word."""
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 2), period="morning",
                         segment_ids=[s.pk])
    with pytest.raises(ProtectedError):
        s.delete()
    with pytest.raises(ProtectedError):
        s.road.delete()  # its segments go with a road
    assert list(shift.segments.values_list("key", flat=True)) == ["9000:0"]


def test_the_admin_says_which_shift_plans_keep_a_segment_instead_of_deleting_it(admin_client, tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 3), period="morning",
                         segment_ids=[s.pk])
    page = admin_client.post(f"/admin/geodata/roadsegment/{s.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "受保护" in text and f"班次 {shift.pk}" in text  # what keeps it, by name
    listed = admin_client.post("/admin/geodata/roadsegment/", {"action": "delete_selected", "_selected_action": [s.pk],
                                                                "post": "yes"})
    assert listed.status_code == 200 and f"班次 {shift.pk}" in listed.content.decode()
    road = admin_client.post(f"/admin/geodata/road/{s.road_id}/delete/", {"post": "yes"})
    assert road.status_code == 200 and f"班次 {shift.pk}" in road.content.decode()
    assert RoadSegment.objects.filter(pk=s.pk).exists() and shift.segments.filter(pk=s.pk).exists()
