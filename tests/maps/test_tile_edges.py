"""Problem tiles count each problem once, in the tile that holds it, also next to a tile's edge.

Found in review: a tile's clusters were cells of a grid in the storage CRS, each counted whole by
the tile holding the cell's centre. Next to a tile's edge a cell reaches into the neighbour, so
a tile's clusters counted the neighbour's problems and left out some of its own. Below zoom 15
every tile is clustered and the counts over all tiles still added up, but a problem was counted
in the wrong tile; from zoom 15 a tile with more than MAX_POINTS_PER_TILE problems is clustered
while its neighbours draw single problems, so the neighbour's problems near the edge were counted
twice (in a cluster and as points) or the tile's own were lost.

The problems here sit around the south-east corner of BASE's tile A at each zoom: A, B east of
it, C south of it and D south-east. Each is placed by longitude and latitude ~3 m (in
degrees: 3.5e-5 of longitude, 2.7e-5 of latitude at 40° N) on one side of an edge, so the tile
that holds it is known from the slippy-map formulas written out here; a few lie exactly on an
edge or the corner (whichever tile takes them, exactly one must). A also holds
MAX_POINTS_PER_TILE + 1 problems around its centre, so from zoom 15 it is drawn as clusters and
its neighbours as single problems.
"""
import math

import pytest
import shapely
from django.contrib.auth import get_user_model

from geodata.models import Area, AreaKind
from geodata.services.geometry import to_storage_many
from maps.tiling import MAX_POINTS_PER_TILE
from patrol.models import Category, Problem

from .test_tiles import BASE_LAT, BASE_LON, decode, officer, tile_of  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

DLON, DLAT = 3.5e-5, 2.7e-5  # ~3 m at 40° N


def lon_of(x: float, z: int) -> float:
    return x / 2 ** z * 360.0 - 180.0


def lat_of(y: float, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2 ** z))))


def place(z: int) -> tuple[dict[str, list[tuple[float, float]]], list[tuple[float, float]]]:
    """{tile name: [(lon, lat)]} of the problems inside each tile, and those exactly on an edge."""
    x, y = tile_of(BASE_LON, BASE_LAT, z)
    west, east = lon_of(x, z), lon_of(x + 1, z)  # east: the edge between A and B (and C and D)
    north, south = lat_of(y, z), lat_of(y + 1, z)  # south: the edge between A and C (and B and D)
    width, height = east - west, north - south
    inside: dict[str, list[tuple[float, float]]] = {"A": [], "B": [], "C": [], "D": []}
    on_edge: list[tuple[float, float]] = [(east, south)]
    for i in range(1, 10):
        lat = south + height * i / 10
        inside["A"].append((east - DLON, lat))
        inside["B"].append((east + DLON, lat))
        lon = west + width * i / 10
        inside["A"].append((lon, south + DLAT))
        inside["C"].append((lon, south - DLAT))
        inside["D"].append((east + DLON * i, south - DLAT * i))
        if i % 3 == 0:
            on_edge += [(east, lat), (lon, south)]
    inside["A"] += [(east - DLON, south + DLAT)]
    inside["B"] += [(east + DLON, south + DLAT)]
    inside["C"] += [(east - DLON, south - DLAT)]
    centre = ((west + east) / 2, (south + north) / 2)
    inside["A"] += [centre] * (MAX_POINTS_PER_TILE + 1)
    return inside, on_edge


def create(points: list[tuple[float, float]]) -> list[int]:
    reporter = get_user_model().objects.get(username="officer1")
    categories = list(Category.objects.order_by("code")[:3])
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    made = Problem.objects.bulk_create([
        Problem(category=categories[i % 3], status="reported", reporter=reporter, subdistrict=sub,
                location_text=f"边界测试{i}",
                geom=geom)
        # (pyproj over all points at once: GDAL's transform by SRID costs ~27 ms a point)
        for i, ((lon, lat), geom) in enumerate(zip(points, to_storage_many(shapely.points(points)), strict=True))])
    return [p.pk for p in made]


@pytest.mark.parametrize("z", [12, 14, 15, 16])
def test_each_tile_counts_exactly_the_problems_inside_it(officer, z):  # noqa: F811
    inside, on_edge = place(z)
    ids = {name: set(create(points)) for name, points in inside.items()}
    edge_ids = set(create(on_edge))
    total = sum(len(v) for v in ids.values()) + len(edge_ids)

    x, y = tile_of(BASE_LON, BASE_LAT, z)
    tiles = {"A": (x, y), "B": (x + 1, y), "C": (x, y + 1), "D": (x + 1, y + 1)}
    counted: dict[str, int] = {}
    drawn: dict[str, set[int]] = {}
    for name, (tx, ty) in tiles.items():
        tile = decode(officer.get(f"/tiles/problems/{z}/{tx}/{ty}.pbf"))
        clusters = [f["properties"]["count"] for f in tile.get("clusters", {}).get("features", [])]
        drawn[name] = {f["properties"]["id"] for f in tile.get("problems", {}).get("features", [])}
        counted[name] = sum(clusters) + len(drawn[name])
        if z >= 15:  # A is dense, its neighbours are not
            assert ("clusters" in tile) == (name == "A"), (name, tile.keys())

    assert sum(counted.values()) == total, (counted, {k: len(v) for k, v in ids.items()}, len(edge_ids))
    extra = {name: counted[name] - len(ids[name]) for name in tiles}
    assert all(n >= 0 for n in extra.values()) and sum(extra.values()) == len(edge_ids), (
        counted, {k: len(v) for k, v in ids.items()})
    for name, found in drawn.items():
        if name != "A" and z >= 15:
            assert ids[name] <= found <= ids[name] | edge_ids, name
    drawn_edge = [pk for found in drawn.values() for pk in found & edge_ids]
    assert len(drawn_edge) == len(set(drawn_edge)), "a problem on an edge was drawn in two tiles"
