"""Reading OpenStreetMap files (.osm XML and .osm.pbf) into plain records.

pyosmium reads both formats through one code path (the format is picked from the file
name), resolving way node locations as it goes. Nothing here touches Django: the records
feed the pure network builder (`network.py`) and the landmark extractor.

>>> from pathlib import Path
>>> data = read_osm(Path("fixtures/osm/beijing_haidian_xueyuanlu.osm"))  # doctest: +SKIP
>>> sorted({w.name for w in data.ways})[:3]                              # doctest: +SKIP
['G6辅路', '东畔北街', '东畔南街']
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import osmium
import shapely
from shapely.geometry import MultiPolygon, Polygon

# Highway values that are not roads a patrol walks or drives (or not roads at all).
EXCLUDED_HIGHWAYS = frozenset(
    {"proposed", "abandoned", "platform", "raceway", "bus_stop", "elevator", "rest_area", "services",
     "corridor", "via_ferrata", "razed", "bus_guideway", "escape", "emergency_bay"}
)

# Tags whose named features serve as landmarks, checked in this order.
POI_KEYS = ("amenity", "shop", "tourism", "office", "leisure", "healthcare", "craft", "public_transport",
            "railway", "historic", "man_made", "emergency", "sport")


class OsmReadError(Exception):
    """The file cannot be read as OSM data (missing, corrupt, empty, wrong format)."""


@dataclass(frozen=True)
class OsmWay:
    """A run of one OSM way whose node locations are all known (a way clipped by the
    extract's edge loses its outside nodes, so it may come as several parts)."""

    id: int
    part: int
    name: str
    highway: str
    oneway: bool
    roundabout: bool
    nodes: tuple[int, ...]
    coords: tuple[tuple[float, float], ...]  # (lon, lat) WGS84


@dataclass(frozen=True)
class OsmLandmark:
    key: str  # n123 / w456 / r789
    name: str
    kind: str  # poi / building / compound
    category: str
    point: tuple[float, float]  # (lon, lat)
    footprint: MultiPolygon | None = None  # WGS84


@dataclass
class OsmData:
    ways: list[OsmWay] = field(default_factory=list)
    landmarks: list[OsmLandmark] = field(default_factory=list)
    highway_ways_seen: int = 0
    # (way id, name) of the named ways some of whose nodes are not in the file: clipped at the
    # extract's edge, or a file of ways without their nodes; only their located runs are in `ways`
    clipped_ways: list[tuple[int, str]] = field(default_factory=list)


# libosmium's fixed-point value of a coordinate the file did not give.
UNDEFINED_COORDINATE = 2**31 - 1
# How many offending nodes an error names before it only counts them.
NAMED_AT_MOST = 5


def _coordinate(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _bad_location(location) -> str:
    """The node's coordinates as the file gave them, for a node whose location is not valid."""
    if UNDEFINED_COORDINATE in (location.x, location.y):
        return "没有坐标"
    return f"纬度 {_coordinate(location.lat_without_check())}，经度 {_coordinate(location.lon_without_check())}"


def _way_parts(way) -> list[tuple[tuple[int, ...], tuple[tuple[float, float], ...]]]:
    parts, nodes, coords = [], [], []
    for n in way.nodes:
        loc = n.location
        if loc.valid():
            if nodes and nodes[-1] == n.ref:  # a node repeated in a row adds nothing
                continue
            nodes.append(n.ref)
            coords.append((loc.lon, loc.lat))
        else:
            if len(nodes) >= 2:
                parts.append((tuple(nodes), tuple(coords)))
            nodes, coords = [], []
    if len(nodes) >= 2:
        parts.append((tuple(nodes), tuple(coords)))
    return parts


def _landmark_kind(tags) -> tuple[str, str] | None:
    if tags.get("landuse") == "residential" or tags.get("place") in {"neighbourhood", "quarter"}:
        return "compound", "landuse=residential" if "landuse" in tags else f"place={tags.get('place')}"
    for key in POI_KEYS:
        if key in tags:
            return "poi", f"{key}={tags.get(key)}"
    if "building" in tags:
        return "building", f"building={tags.get('building')}"
    return None


def _area_geometry(area) -> MultiPolygon | None:
    polygons = []
    for outer in area.outer_rings():
        shell = [(n.lon, n.lat) for n in outer]
        holes = [[(n.lon, n.lat) for n in inner] for inner in area.inner_rings(outer)]
        polygons.append(Polygon(shell, holes))
    if not polygons:
        return None
    geom = shapely.make_valid(MultiPolygon(polygons))
    if geom.geom_type == "Polygon":
        geom = MultiPolygon([geom])
    elif geom.geom_type != "MultiPolygon":
        geom = MultiPolygon([g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"])
    return None if geom.is_empty else geom


def read_osm(path: Path, *, progress: Callable[[int], None] | None = None) -> OsmData:
    """Read named highway ways and named landmarks from an OSM XML or PBF file."""
    path = Path(path)
    if not path.is_file():
        raise OsmReadError(f"文件不存在: {path}")
    if path.stat().st_size == 0:
        raise OsmReadError(f"文件为空: {path}")
    data = OsmData()
    seen_areas: set[str] = set()
    bad_nodes: list[str] = []
    bad_node_count = 0
    count = 0
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        for obj in processor:
            count += 1
            if progress is not None and count % 5000 == 0:
                progress(count)
            tags = obj.tags
            if obj.is_way() and "highway" in tags:
                data.highway_ways_seen += 1
                name = (tags.get("name") or "").strip()
                highway = tags.get("highway")
                if not name or highway in EXCLUDED_HIGHWAYS:
                    continue
                oneway = tags.get("oneway") in {"yes", "1", "true", "-1"} or tags.get("junction") == "roundabout"
                if not all(n.location.valid() for n in obj.nodes):
                    data.clipped_ways.append((obj.id, name))
                for part, (nodes, coords) in enumerate(_way_parts(obj)):
                    if tags.get("oneway") == "-1":
                        nodes, coords = nodes[::-1], coords[::-1]
                    data.ways.append(
                        OsmWay(id=obj.id, part=part, name=name, highway=highway, oneway=oneway,
                               roundabout=tags.get("junction") in {"roundabout", "circular"},
                               nodes=nodes, coords=coords)
                    )
            elif obj.is_node() and not obj.location.valid() and obj.visible:
                # A node with a latitude of 95 parses, but its location is not valid: left alone,
                # the ways through it would be cut there as if the extract ended, silently.
                bad_node_count += 1
                if len(bad_nodes) < NAMED_AT_MOST:
                    bad_nodes.append(f"节点 {obj.id}（{_bad_location(obj.location)}）")
            elif obj.is_node() and (name := (tags.get("name") or "").strip()):
                kind = _landmark_kind(tags)
                if kind and obj.location.valid():
                    data.landmarks.append(OsmLandmark(key=f"n{obj.id}", name=name, kind=kind[0],
                                                      category=kind[1], point=(obj.location.lon, obj.location.lat)))
            elif obj.is_area() and (name := (tags.get("name") or "").strip()) and "highway" not in tags:
                kind = _landmark_kind(tags)
                key = f"{'w' if obj.from_way() else 'r'}{obj.orig_id()}"
                if not kind or key in seen_areas:
                    continue
                footprint = _area_geometry(obj)
                if footprint is None:
                    continue
                seen_areas.add(key)
                inside = footprint.point_on_surface()
                data.landmarks.append(OsmLandmark(key=key, name=name, kind=kind[0],
                                                  category=kind[1], point=(inside.x, inside.y), footprint=footprint))
    # pyosmium reports format errors as RuntimeError, a coordinate it cannot read (lon="abc")
    # as InvalidLocationError, which is not one
    except (RuntimeError, osmium.InvalidLocationError) as exc:
        raise OsmReadError(f"无法读取OSM文件 {path.name}: {exc}") from exc
    if count == 0:
        raise OsmReadError(f"OSM文件中没有任何要素: {path.name}")
    if bad_node_count:
        raise OsmReadError(
            f"{path.name} 中有 {bad_node_count} 个节点的坐标缺失或超出经纬度范围（纬度须在 -90 至 90、经度须在 -180 至 180 之间）："
            + "、".join(bad_nodes) + ("等" if bad_node_count > len(bad_nodes) else "")
            + "；文件可能已损坏或不是经纬度坐标，未导入任何数据")
    return data


def read_bounds(path: Path) -> tuple[float, float, float, float] | None:
    """The extract's declared bounds (west, south, east, north), if its header has them."""
    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
        if not box.valid():
            return None
        return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
    finally:
        reader.close()
