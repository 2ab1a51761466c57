"""未诉先办 over the database: the history the forecast reads is long enough for the season term it
tunes, and the dashboard and the field app show the same list for the same user and day."""
import datetime as dt
import random
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from geodata.models import Area, AreaKind, RoadSegment
from hotline.models import Complaint, ImportBatch
from hotline.selectors.hotspots import HISTORY_DAYS, next_week_focus, segment_events

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)  # a Sunday: the forecast is for the week from Monday 30 November


def _seasonal_history(segments: int = 40, days: int = 640) -> None:
    """Each segment is complained about in three weeks of the year of its own (a summer
    barbecue street, a winter heating one) and hardly ever otherwise. Seeded."""
    area = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    batch = ImportBatch.objects.create(filename="season.xlsx", sha256="0" * 64, source="test")
    rng = random.Random(7)
    objs = []
    for i, seg in enumerate(RoadSegment.objects.order_by("pk").values_list("pk", flat=True)[:segments]):
        season = {(i * 5 + w) % 52 for w in range(3)}
        for d in range(days):
            day = TODAY - timedelta(days=d)
            if rng.random() < (0.85 if day.isocalendar()[1] % 52 in season else 0.01):
                objs.append(Complaint(order_no=f"SE{len(objs)}", content="夜间烧烤扰民", unit_name=area.name,
                                     unit_area=area, area=area, segment_id=seg, batch=batch,
                                     received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(21)))))
    Complaint.objects.bulk_create(objs)


def test_the_history_reaches_last_years_weeks_of_every_tuning_week_and_the_season_is_kept():
    _seasonal_history()
    user = get_user_model().objects.get(username="supervisor1")
    start = TODAY + timedelta(days=1)
    # The earliest tuning week starts 24 weeks (and up to 6 days) before tomorrow; its season
    # window reaches 364 + 10 days further back.
    assert HISTORY_DAYS >= 7 * 24 + 6 + 364 + 10
    assert min(e.day for e in segment_events(user, until=start)) <= start - timedelta(days=7 * 24 + 6 + 364 + 10)
    dashboard = next_week_focus(user, today=TODAY)
    assert dashboard.weights.season > 0, dashboard.weights
    assert dashboard.evaluated["weeks"] == 8
    # The field app's five are the dashboard's first five: the same weights, whatever k or evaluate.
    field = next_week_focus(user, today=TODAY, k=5, evaluate=False)
    assert field.weights == dashboard.weights
    assert [s.segment for s in field.segments] == [s.segment for s in dashboard.segments[:5]]
    assert field.evaluated["model"] is None
