"""未诉先办 planning on the dashboard: the segments where complaints keep coming are walked first."""
import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from geodata.models import Area, AreaKind, RoadSegment
from hotline.models import Complaint, ImportBatch

pytestmark = pytest.mark.django_db


def _complaints(segment, days_ago: list[int], area):
    batch = ImportBatch.objects.create(filename="test.xlsx", sha256="0" * 64, source="test")
    today = timezone.localdate()
    for i, d in enumerate(days_ago):
        at = timezone.make_aware(datetime.combine(today - timedelta(days=d), time(10)))
        Complaint.objects.create(order_no=f"T{segment.pk}-{i}", received_at=at, content="门前堆放杂物",
                                 unit_name=area.name, unit_area=area, area=area, segment=segment, batch=batch)


def test_the_segment_complained_about_week_after_week_is_first():
    area = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    standing, once = RoadSegment.objects.order_by("id")[:2]
    _complaints(standing, [3, 10, 17, 24, 31], area)
    _complaints(once, [2], area)
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor1"))
    html = client.get("/dashboard/focus/").content.decode()
    rows = re.findall(r'data-segment="(\d+)"', html)
    assert rows[:2] == [str(standing.pk), str(once.pk)]
    first = html[html.index(f'data-segment="{standing.pk}"'):].split("</tr>")[0]
    assert standing.road.name in first and "近期诉求 5 件" in first and "近8周中 5 周有诉求" in first
    # which piece of the road: several rows can name the same road
    assert re.search(r'<span class="place">[^<]*交叉路口[^<]*</span>', first)


def test_another_jurisdictions_complaints_do_not_count(other_subdistrict):
    segment = RoadSegment.objects.order_by("id").first()
    _complaints(segment, [3, 10], other_subdistrict)
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor1"))
    html = client.get("/dashboard/focus/").content.decode()
    assert re.findall(r'data-segment="(\d+)"', html) == []
    assert "辖区内还没有已定位到路段的诉求或问题" in html
