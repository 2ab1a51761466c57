"""Datum conversion (WGS84 / GCJ-02 / BD-09). Pure Python: no database, no Django models."""

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, shape

from geodata import datum
from geodata.datum import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert,
    convert_geometry,
    convert_np,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

BOUNDARIES = Path(__file__).resolve().parents[2] / "fixtures" / "boundaries"

# The files were rounded to 7 decimals (half a unit = 5e-8 deg); allow a little more.
FILE_TOL = 2e-7
ROUND_TRIP_TOL = 1e-9


def _load(name):
    with open(BOUNDARIES / name, encoding="utf-8") as fh:
        fc = json.load(fh)
    return shape(fc["features"][0]["geometry"])


@pytest.fixture(scope="module")
def fengtai_gcj02():
    return _load("fengtai_district_boundary_gcj02.geojson")


@pytest.fixture(scope="module")
def fengtai_wgs84():
    return _load("fengtai_district_boundary_wgs84.geojson")


# A grid of points over Beijing and a sample over all of China.
_rng = np.random.default_rng(20240601)
BEIJING = np.column_stack([_rng.uniform(115.4, 117.6, 400), _rng.uniform(39.4, 41.1, 400)])
CHINA = np.column_stack([_rng.uniform(73.7, 135.0, 400), _rng.uniform(18.2, 53.5, 400)])


def test_doctests():
    result = doctest.testmod(datum, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0


# --------------------------------------------------------------------------- real data pair


def test_fengtai_gcj02_to_wgs84_matches_file(fengtai_gcj02, fengtai_wgs84):
    converted = convert_geometry(fengtai_gcj02, "gcj02", "wgs84")
    got = shapely.get_coordinates(converted)
    want = shapely.get_coordinates(fengtai_wgs84)
    assert got.shape == want.shape == (1277, 2)
    assert np.abs(got - want).max() < FILE_TOL
    # and the shift really happened: about 530 m west, 155 m south
    src = shapely.get_coordinates(fengtai_gcj02)
    shift = (got - src).mean(axis=0)
    assert -0.0070 < shift[0] < -0.0055
    assert -0.0016 < shift[1] < -0.0012


def test_fengtai_wgs84_to_gcj02_matches_file(fengtai_gcj02, fengtai_wgs84):
    converted = convert_geometry(fengtai_wgs84, "wgs84", "gcj02")
    got = shapely.get_coordinates(converted)
    want = shapely.get_coordinates(fengtai_gcj02)
    assert np.abs(got - want).max() < FILE_TOL


def test_fengtai_geometry_stays_valid(fengtai_gcj02):
    converted = convert_geometry(fengtai_gcj02, "gcj02", "wgs84")
    assert converted.geom_type == "MultiPolygon"
    assert converted.is_valid
    assert converted.area == pytest.approx(fengtai_gcj02.area, rel=1e-3)  # GCJ-02 stretches ~0.03%


def test_point_functions_agree_with_geometry_version(fengtai_gcj02):
    coords = shapely.get_coordinates(fengtai_gcj02)[::97]
    via_geom = shapely.get_coordinates(convert_geometry(shapely.points(coords), "gcj02", "wgs84"))
    for (lon, lat), (glon, glat) in zip(coords, via_geom, strict=True):
        x, y = gcj02_to_wgs84(lon, lat)
        assert (x, y) == pytest.approx((glon, glat), abs=1e-12)


# --------------------------------------------------------------------------- published pairs


def test_published_pairs_coordtransform():
    """Example output published with wandergis/coordtransform (test/app.js), input (116.404, 39.915).

    Its forward formulas match ours to the last digit; its inverses are the one-step
    approximations, which ours improve on by ~2e-7 deg, so those are compared more loosely.
    """
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-12
    )
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    assert gcj02_to_wgs84(116.404, 39.915) == pytest.approx((116.39775550083061, 39.91359571849836), abs=1e-6)
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-6)


def test_exact_inverse_beats_one_step_approximation():
    g = (116.404, 39.915)
    one_step = (116.39775550083061, 39.91359571849836)  # published approximation
    exact = gcj02_to_wgs84(*g)
    err_exact = np.hypot(*np.subtract(wgs84_to_gcj02(*exact), g))
    err_approx = np.hypot(*np.subtract(wgs84_to_gcj02(*one_step), g))
    assert err_exact < 1e-12
    assert err_approx > 1e-7


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("pts", [BEIJING, CHINA], ids=["beijing", "china"])
def test_round_trip_wgs84_gcj02(pts):
    g = convert_np(pts[:, 0], pts[:, 1], "wgs84", "gcj02")
    w = convert_np(*g, "gcj02", "wgs84")
    assert np.abs(np.column_stack(w) - pts).max() < ROUND_TRIP_TOL
    # and the forward shift is real (hundreds of metres)
    assert np.abs(np.column_stack(g) - pts).max() > 1e-3


@pytest.mark.parametrize("pts", [BEIJING, CHINA], ids=["beijing", "china"])
def test_round_trip_wgs84_bd09(pts):
    b = convert_np(pts[:, 0], pts[:, 1], "wgs84", "bd09")
    w = convert_np(*b, "bd09", "wgs84")
    assert np.abs(np.column_stack(w) - pts).max() < ROUND_TRIP_TOL


@pytest.mark.parametrize("pts", [BEIJING, CHINA], ids=["beijing", "china"])
def test_round_trip_gcj02_bd09(pts):
    b = convert_np(pts[:, 0], pts[:, 1], "gcj02", "bd09")
    g = convert_np(*b, "bd09", "gcj02")
    assert np.abs(np.column_stack(g) - pts).max() < ROUND_TRIP_TOL


def test_scalar_round_trips():
    for lon, lat in BEIJING[:50]:
        assert gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)) == pytest.approx((lon, lat), abs=ROUND_TRIP_TOL)
        assert bd09_to_wgs84(*wgs84_to_bd09(lon, lat)) == pytest.approx((lon, lat), abs=ROUND_TRIP_TOL)
        assert bd09_to_gcj02(*gcj02_to_bd09(lon, lat)) == pytest.approx((lon, lat), abs=ROUND_TRIP_TOL)


def test_scalar_results_are_plain_floats():
    x, y = wgs84_to_gcj02(116.4, 39.9)
    assert type(x) is float and type(y) is float


@pytest.mark.parametrize("src,dst", [(s, d) for s in datum.DATUMS for d in datum.DATUMS])
def test_convert_all_pairs_compose(src, dst):
    lon, lat = 116.3, 39.85
    direct = convert(lon, lat, src, dst)
    via_wgs = convert(*convert(lon, lat, src, "wgs84"), "wgs84", dst)
    assert direct == pytest.approx(via_wgs, abs=ROUND_TRIP_TOL)
    assert convert(*direct, dst, src) == pytest.approx((lon, lat), abs=ROUND_TRIP_TOL)


def test_convert_same_datum_is_identity():
    assert convert(116.3, 39.85, "gcj02", "gcj02") == (116.3, 39.85)


def test_convert_accepts_spelling_variants():
    assert convert(116.3, 39.85, "GCJ-02", "WGS84") == convert(116.3, 39.85, "gcj02", "wgs84")
    assert convert(116.3, 39.85, "BD_09", "wgs84") == convert(116.3, 39.85, "bd09", "wgs84")


# --------------------------------------------------------------------------- out of China


@pytest.mark.parametrize(
    "lon,lat",
    [
        (24.9384, 60.1699),  # Helsinki
        (2.2945, 48.8584),  # Paris
        (-74.0445, 40.6892),  # New York
        (139.6917, 35.6895),  # Tokyo (east of the 137.8347 limit)
        (151.2093, -33.8688),  # Sydney
        (0.0, 0.0),
    ],
)
def test_outside_china_gcj02_is_wgs84(lon, lat):
    if not out_of_china(lon, lat):
        pytest.skip("inside the rough bounding box of the out_of_china rule")
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert convert(lon, lat, "wgs84", "gcj02") == (lon, lat)
    # BD-09 still applies its own shift everywhere, and still round-trips
    assert bd09_to_wgs84(*wgs84_to_bd09(lon, lat)) == pytest.approx((lon, lat), abs=ROUND_TRIP_TOL)


def test_out_of_china_rule():
    assert not out_of_china(116.4, 39.9)
    assert out_of_china(24.94, 60.17)
    assert out_of_china(-74.0, 40.7)
    assert out_of_china(151.2, -33.9)


def test_mixed_array_inside_and_outside():
    lon = np.array([116.4, 24.94])
    lat = np.array([39.9, 60.17])
    glon, glat = convert_np(lon, lat, "wgs84", "gcj02")
    assert glon[1] == 24.94 and glat[1] == 60.17
    assert glon[0] != 116.4
    wlon, wlat = convert_np(glon, glat, "gcj02", "wgs84")
    assert np.abs(wlon - lon).max() < ROUND_TRIP_TOL and np.abs(wlat - lat).max() < ROUND_TRIP_TOL


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("bad", ["mars", "EPSG:4326", "", None, 4326])
def test_bad_datum_name_raises(bad):
    with pytest.raises(ValueError, match="unknown source datum"):
        convert(116.4, 39.9, bad, "wgs84")
    with pytest.raises(ValueError, match="unknown target datum"):
        convert(116.4, 39.9, "wgs84", bad)
    with pytest.raises(ValueError, match="expected one of 'wgs84', 'gcj02', 'bd09'"):
        convert_geometry(Point(116.4, 39.9), "wgs84", bad)


# --------------------------------------------------------------------------- geometries


def test_convert_geometry_types_and_z():
    line = LineString([(116.3, 39.85, 50.0), (116.31, 39.86, 60.0)])
    out = convert_geometry(line, "wgs84", "gcj02")
    assert out.has_z
    assert [c[2] for c in out.coords] == [50.0, 60.0]
    assert out.coords[0][:2] == pytest.approx(wgs84_to_gcj02(116.3, 39.85), abs=1e-12)

    poly = Polygon([(116.3, 39.85), (116.31, 39.85), (116.31, 39.86), (116.3, 39.85)])
    out = convert_geometry(poly, "wgs84", "bd09")
    assert out.geom_type == "Polygon"
    assert out.exterior.coords[1] == pytest.approx(wgs84_to_bd09(116.31, 39.85), abs=1e-12)
    # input untouched
    assert poly.exterior.coords[1] == (116.31, 39.85)


def test_convert_geometry_array():
    geoms = np.array([Point(116.3, 39.85), Point(24.94, 60.17)])
    out = convert_geometry(geoms, "wgs84", "gcj02")
    assert out[0].coords[0] == pytest.approx(wgs84_to_gcj02(116.3, 39.85), abs=1e-12)
    assert out[1].coords[0] == (24.94, 60.17)
