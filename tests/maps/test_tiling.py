"""maps.tiling and maps.filters: the tile pyramid, the zoom rules and the filters of a map URL. No database."""
import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maps import tiling
from maps.filters import FilterError, ProblemFilters, parse_problem_filters

SHANGHAI = ZoneInfo("Asia/Shanghai")
CODES = {"0101", "0103", "9001"}
STATES = {"reported", "dispatched", "closed"}


def parse(params):
    return parse_problem_filters(params, categories=CODES, statuses=STATES, tz=SHANGHAI)


@given(st.integers(0, tiling.MAX_ZOOM), st.data())
def test_every_tile_of_the_pyramid_is_accepted_and_its_bounds_nest(z, data):
    x = data.draw(st.integers(0, 2 ** z - 1))
    y = data.draw(st.integers(0, 2 ** z - 1))
    assert tiling.tile_from_path(z, x, y) == tiling.Tile(z, x, y)
    west, south, east, north = tiling.tile_bounds_wgs84(z, x, y)
    assert west < east and south < north
    # the four children cover the parent exactly
    if z < tiling.MAX_ZOOM:
        kids = [tiling.tile_bounds_wgs84(z + 1, 2 * x + i, 2 * y + j) for i in (0, 1) for j in (0, 1)]
        assert math.isclose(min(k[0] for k in kids), west) and math.isclose(max(k[2] for k in kids), east)
        assert math.isclose(min(k[1] for k in kids), south, abs_tol=1e-9)
        assert math.isclose(max(k[3] for k in kids), north, abs_tol=1e-9)


@pytest.mark.parametrize("z, x, y", [(-1, 0, 0), (tiling.MAX_ZOOM + 1, 0, 0), (0, 1, 0), (0, 0, 1), (5, 32, 0),
                                     (5, 0, -1)])
def test_tiles_outside_the_pyramid_are_refused_in_chinese(z, x, y):
    with pytest.raises(tiling.TileError, match="瓦片"):
        tiling.tile_from_path(z, x, y)


def test_zoom_zero_spans_the_mercator_world():
    west, south, east, north = tiling.tile_bounds_wgs84(0, 0, 0)
    assert (west, east) == (-180.0, 180.0)
    assert north == pytest.approx(85.0511, abs=1e-4) and south == pytest.approx(-85.0511, abs=1e-4)


def test_more_roads_appear_as_one_zooms_in_and_links_follow_their_road():
    previous: set[str] = set()
    for z in range(0, 15):
        shown = set(tiling.road_highways_for_zoom(z))
        assert previous <= shown
        for h in shown:
            assert h.endswith("_link") or f"{h}_link" in shown
        previous = shown
    assert "footway" not in previous and "residential" in previous
    assert tiling.road_highways_for_zoom(15) is None


def test_area_kinds_by_zoom():
    assert tiling.area_kinds_for_zoom(5) == ("district",)
    assert "grid" not in tiling.area_kinds_for_zoom(13) and "grid" in tiling.area_kinds_for_zoom(14)


def test_a_cluster_cell_is_a_quarter_of_a_tile_on_screen_at_beijing():
    # a z-tile spans 2πR / 2^z mercator metres; at 40° N a mercator metre is cos 40° ground metres
    for z in (10, 14, 18):
        tile_ground_m = 2 * math.pi * 6378137.0 / 2 ** z * math.cos(math.radians(40))
        assert tiling.cluster_cell_m(z) == pytest.approx(tile_ground_m / 4)
        assert tiling.query_box_margin_m(z) > tiling.cluster_cell_m(z) * math.sqrt(2) / 2


# --------------------------------------------------------------------------- filters


def test_no_parameters_no_filter():
    assert parse({}) == ProblemFilters()
    assert parse({"z": ["3"], "sort": ["x"]}) == ProblemFilters()  # others' parameters are ignored


def test_repeated_and_comma_separated_lists_mean_the_same():
    assert parse({"status": ["closed,reported"]}) == parse({"status": ["reported", "closed"]})
    assert parse({"category": ["0103", "0101"]}).category == ("0101", "0103")


def test_dates_are_whole_local_days_and_datetimes_are_instants():
    f = parse({"since": ["2026-03-01"], "until": ["2026-03-03"]})
    assert f.since == datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert f.until == datetime(2026, 3, 4, tzinfo=SHANGHAI)  # the 3rd is included
    f = parse({"since": ["2026-03-01T08:30:00+08:00"], "until": ["2026-03-01T09:00:00Z"]})
    assert f.since.utcoffset().total_seconds() == 8 * 3600 and f.until.utcoffset().total_seconds() == 0
    assert parse({"since": ["2026-03-01T08:30"]}).since == datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)
    # The zones in use (-12:00 … +14:00) and PostgreSQL's own limit, ±15:59, are taken.
    for offset in ("+14:00", "-12:00", "+15:59", "-15:59"):
        assert parse({"since": [f"2026-03-01T08:30:00{offset}"]}).since is not None


@pytest.mark.parametrize("params, field", [
    ({"category": ["0101", "8888"]}, "category"), ({"category": [""]}, "category"),
    ({"status": ["flying"]}, "status"), ({"area": ["0"]}, "area"), ({"area": ["1", "2"]}, "area"),
    ({"since": ["2026-02-30"]}, "since"), ({"since": ["1999-12-31"]}, "since"), ({"until": ["tomorrow"]}, "until"),
    ({"since": ["2026-03-02"], "until": ["2026-03-01"]}, "until"), ({"overdue": ["2"]}, "overdue"),
])
def test_bad_values_name_their_parameter_in_chinese(params, field):
    with pytest.raises(FilterError) as info:
        parse(params)
    assert info.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


@given(category=st.lists(st.sampled_from(sorted(CODES)), unique=True),
       status=st.lists(st.sampled_from(sorted(STATES)), unique=True),
       area=st.none() | st.integers(1, 10 ** 6),
       since=st.none() | st.dates(min_value=datetime(2001, 1, 1).date(), max_value=datetime(2050, 1, 1).date()),
       overdue=st.booleans())
def test_a_filter_survives_its_query_string(category, status, area, since, overdue):
    from urllib.parse import parse_qs

    f = ProblemFilters(category=tuple(sorted(category)), status=tuple(sorted(status)), area=area,
                       since=None if since is None else datetime(since.year, since.month, since.day, tzinfo=SHANGHAI),
                       overdue=overdue)
    assert parse(parse_qs(f.query_string())) == f
