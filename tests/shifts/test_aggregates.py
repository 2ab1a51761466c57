"""Coverage over several shifts (shifts.selectors.aggregates): unions of covered intervals,
totals per team/day/week/grid, uncovered segments ranked, time since the last patrol, open
problems and complaints near them. The covered intervals are written straight into
SegmentCoverage, so every expected number follows from the lengths and the fractions chosen
here."""
import datetime as dt
import doctest
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from pyproj import Transformer

import shifts.domain.aggregates
from core.errors import NotFound
from geodata.models import Area, AreaKind, RoadSegment
from org.models import Team
from patrol.services.problems import problem_create
from shifts.models import SegmentCoverage
from shifts.selectors.aggregates import CoverageChoice, coverage_map_data, coverage_report
from shifts.services.shifts import shift_create, shift_end, shift_start

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 15)  # a Thursday of ISO week 42 (Monday 2026-10-12)
NOW = dt.datetime(2026, 10, 16, 9, 0, tzinfo=BJ)


def test_the_pure_module_examples_hold():
    assert doctest.testmod(shifts.domain.aggregates).failed == 0


def _user(name):
    return get_user_model().objects.get(username=name)


def _segment(highway, *, away_from=None):
    qs = RoadSegment.objects.filter(highway=highway, length_m__gt=150).order_by("id")
    for s in qs:
        if away_from is None or s.geom.distance(away_from.geom) > 100:
            return s
    raise AssertionError(f"no {highway} segment in the demo network")


def _shift(period, segments):
    lead = _user("lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=DAY, period=period,
                         segment_ids=[s.pk for s in segments])
    shift_start(actor=lead, shift_id=shift.pk)
    shift_end(actor=lead, shift_id=shift.pk)
    return shift


def _cover(shift, segment, lo, hi, at):
    length = segment.geom.length  # storage CRS: what the intervals measure
    t = at.timestamp()
    share = hi - lo
    SegmentCoverage.objects.create(shift=shift, segment=segment, intervals=[[lo * length, hi * length, t, t, 1]],
                                   covered_m=share * length, share=share, first_pass_at=at, last_pass_at=at,
                                   passes=1, computed_at=at)


@pytest.fixture
def scene(db):
    primary = _segment("primary")
    secondary = _segment("secondary", away_from=primary)
    tertiary = _segment("tertiary", away_from=secondary)
    planned = [primary, secondary, tertiary]
    morning, evening = _shift("morning", planned), _shift("evening", planned)
    t1 = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=BJ)
    t2 = dt.datetime.combine(DAY, dt.time(17, 0), tzinfo=BJ)
    _cover(morning, primary, 0.0, 0.6, t1)  # the two halves of the primary road: covered together
    _cover(evening, primary, 0.4, 1.0, t2)
    _cover(morning, tertiary, 0.0, 0.3, t1)  # a third of the tertiary one
    return {"primary": primary, "secondary": secondary, "tertiary": tertiary, "morning": morning,
            "evening": evening, "t1": t1, "t2": t2}


def test_a_day_unites_the_shifts_intervals_and_ranks_the_uncovered_main_roads_first(scene):
    p, s, t = scene["primary"], scene["secondary"], scene["tertiary"]
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    lengths = {x.pk: x.geom.length for x in (p, s, t)}
    assert report.totals["shifts"] == 2
    assert report.totals["segments_planned"] == 3
    assert report.totals["segments_covered"] == 1  # only the primary, by the union of both shifts
    expected = (lengths[p.pk] + 0.3 * lengths[t.pk]) / sum(lengths.values())
    assert report.totals["covered_share"] == pytest.approx(expected, abs=1e-4)
    assert [u["segment"] for u in report.uncovered] == [s.pk, t.pk]  # secondary before tertiary
    assert report.segments[p.pk]["covered"] and report.segments[p.pk]["share"] == pytest.approx(1.0)
    assert report.segments[t.pk]["share"] == pytest.approx(0.3, abs=1e-4)

    by_shift = {r["id"]: r for r in report.shifts}  # each shift alone covers nothing fully
    assert by_shift[scene["morning"].pk]["segments_covered"] == 0
    assert by_shift[scene["morning"].pk]["covered_share"] == pytest.approx(
        (0.6 * lengths[p.pk] + 0.3 * lengths[t.pk]) / sum(lengths.values()), abs=1e-4)
    assert [r["key"] for r in report.by_team] == ["执法一队"]
    assert [r["key"] for r in report.by_day] == ["2026-10-15"]
    assert [r["key"] for r in report.by_week] == ["2026年第42周"]
    assert report.by_team[0]["segments_covered"] == 1


def test_time_since_the_last_patrol_counts_shifts_that_walked_at_least_half_of_the_segment(scene):
    p, s, t = scene["primary"], scene["secondary"], scene["tertiary"]
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    end_of_day = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(), tzinfo=BJ)
    assert report.segments[p.pk]["hours_since"] == pytest.approx((end_of_day - scene["t2"]).total_seconds() / 3600,
                                                                 abs=0.1)
    assert report.segments[t.pk]["hours_since"] is None  # 30 % is not a patrol of it
    assert report.segments[s.pk]["hours_since"] is None


def test_open_problems_and_complaints_near_an_uncovered_segment_are_counted(scene):
    s, t = scene["secondary"], scene["tertiary"]
    mid = s.geom.interpolate(s.geom.length / 2)
    lon, lat = Transformer.from_crs(s.geom.srid, 4326, always_xy=True).transform(mid.x, mid.y)
    problem_create(actor=_user("officer1"), category_code="0103", lon=lon, lat=lat)
    if apps.is_installed("hotline"):
        complaint = apps.get_model("hotline", "Complaint")
        batch = apps.get_model("hotline", "ImportBatch").objects.create(filename="test.csv", sha256="0" * 64)
        complaint.objects.create(batch=batch, order_no="TEST-1", received_at=NOW - dt.timedelta(days=2), content="路边有垃圾",
                                 unit_name="学院路街道", segment=t)
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    assert report.segments[s.pk]["open_problems"] == 1
    assert report.segments[t.pk]["open_problems"] == 0
    assert report.segments[t.pk]["complaints"] == (1 if apps.is_installed("hotline") else 0)
    assert report.segments[s.pk]["complaints"] == 0


def test_one_shift_the_week_and_an_area_narrow_or_widen_the_choice(scene):
    p = scene["primary"]
    supervisor = _user("supervisor1")
    one = coverage_report(supervisor, CoverageChoice(day=DAY, shift_id=scene["morning"].pk), now=NOW)
    assert [r["id"] for r in one.shifts] == [scene["morning"].pk]
    assert one.totals["segments_covered"] == 0
    week = coverage_report(supervisor, CoverageChoice(day=DAY + dt.timedelta(days=3), scope="week"), now=NOW)
    assert week.choice.dates == (dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    assert week.totals["shifts"] == 2
    grid = Area.objects.filter(kind=AreaKind.GRID, geom__intersects=p.geom).order_by("id").first()
    in_grid = set(RoadSegment.objects.filter(geom__intersects=grid.geom).values_list("id", flat=True))
    narrowed = coverage_report(supervisor, CoverageChoice(day=DAY, area_id=grid.pk), now=NOW)
    assert p.pk in narrowed.segments and set(narrowed.segments) <= in_grid
    with pytest.raises(NotFound):  # 朝阳区 is outside 学院路街道
        coverage_report(supervisor, CoverageChoice(day=DAY, area_id=Area.objects.get(code="110105").pk), now=NOW)


def test_the_map_data_holds_the_planned_segments_their_gaps_and_is_wgs84(scene):
    p, s, t = scene["primary"], scene["secondary"], scene["tertiary"]
    supervisor = _user("supervisor1")
    report = coverage_report(supervisor, CoverageChoice(day=DAY), now=NOW)
    data = coverage_map_data(supervisor, report)
    assert {f["properties"]["segment"] for f in data["segments"]["features"]} == {p.pk, s.pk, t.pk}
    gaps = {}
    for f in data["gaps"]["features"]:
        gaps.setdefault(f["properties"]["segment"], 0.0)
        gaps[f["properties"]["segment"]] += f["properties"]["length_m"]
    assert p.pk not in gaps  # the union left nothing of it
    assert gaps[s.pk] == pytest.approx(s.length_m, rel=0.01)
    assert gaps[t.pk] == pytest.approx(0.7 * t.length_m, rel=0.01)
    lon, lat = data["segments"]["features"][0]["geometry"]["coordinates"][0]
    assert 116.2 < lon < 116.5 and 39.9 < lat < 40.1
    assert data["tracks"]["features"] == []  # no fixes were sent
