"""The location language over the database: text → point, point → text.

Builds the in-memory `NetworkIndex` (geodata.location.network) from the database once
and keeps it while the network is unchanged (one small query at most every
NETWORK_INDEX_CHECK_S: the network change log that database triggers append to on every
edit, see models/version.py; README "The network index at city scale"), applies small
edits to it in place (the rows the log names), then runs the pure parser, geocoder and
describer on it. Input and output points are WGS84.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Func, Max, TextField
from shapely import from_wkb, multilinestrings
from shapely.geometry import Point

from .location.describe import Description, describe
from .location.geocode import GeocodeResult, geocode
from .location.network import (
    AreaRecord,
    IntersectionRecord,
    LandmarkRecord,
    NetworkIndex,
    RoadRecord,
    SegmentRecord,
    build_order,
)
from .location.parse import parse
from .location.types import ParsedLocation
from .models import Area, AreaKind, Intersection, Landmark, Road, RoadSegment
from .services.geometry import _transformer

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, object] = {}


class OutsideDistrictError(ValueError):
    """A point too far from every loaded road and area to be described."""


def _fingerprint():
    """What the network index was built from: the size, newest and oldest id of the
    network's change log (written by database triggers on every edit of the network), or,
    where the log is empty (a flushed test database), counts and highest ids of the tables."""
    # Asked on the request path (at most once per NETWORK_INDEX_CHECK_S): one plain
    # statement, the ORM's aggregate cost a few times the round trip in Python.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), max(id), min(id) FROM geodata_networkchange")
        n, m, first = cur.fetchone()
    if n:
        return ("log", n, m, first)
    r = Road.objects.aggregate(n=Count("id"), m=Max("id"))
    s = RoadSegment.objects.aggregate(n=Count("id"), m=Max("id"))
    i = Intersection.objects.aggregate(n=Count("id"), m=Max("id"))
    a = Area.objects.aggregate(n=Count("id"), m=Max("id"))
    lm = Landmark.objects.aggregate(n=Count("id"), m=Max("id"))
    return tuple((d["n"], d["m"]) for d in (r, s, i, a, lm))


def network_version() -> tuple:
    """What changes whenever the network does (an import, an edit): for keys of what is
    computed from it and kept a while."""
    return tuple(x for part in _fingerprint() for x in (part if isinstance(part, tuple) else (part,)))


class AsHexWKB(Func):
    """A geometry as hex-encoded WKB: text travels from the database and through the driver
    several times faster than bytea, and shapely decodes hex as it decodes bytes."""
    template = "encode(ST_AsBinary(%(expressions)s), 'hex')"
    output_field = TextField()


def _geoms(wkbs) -> list:
    """Shapely geometries from the database's (hex) WKB, decoded in one vectorised call."""
    return list(from_wkb(list(wkbs))) if wkbs else []


def build_index() -> NetworkIndex:
    """The network index from the database: plain rows (ids, names, WKB), never model
    instances (at 124,500 segments, instantiating models and converting each geometry
    through GEOS took most of a 30-second build), put in build order in Python (not by the
    database's collation), the order `NetworkIndex.patched` keeps."""
    roads, segments = _road_records(Road.objects.live(), RoadSegment.objects.live())
    area_rows = list(Area.objects.filter(kind__in=[AreaKind.SUBDISTRICT, AreaKind.COMMUNITY, AreaKind.GRID])
                     .values_list("id", "name", "kind", AsHexWKB("geom")))
    return NetworkIndex(
        roads=roads, segments=segments,
        intersections=_intersection_records(Intersection.objects.all(), Intersection.roads.through.objects.all()),
        landmarks=_landmark_records(Landmark.objects.all()),
        areas=[AreaRecord(i, n, k, g)
               for (i, n, k, _), g in zip(area_rows, _geoms([r[3] for r in area_rows]), strict=True)],
    )


def _road_records(roads, segments) -> tuple[list[RoadRecord], list[SegmentRecord]]:
    """The records of `roads` (a queryset) that have segments, in build order, and of
    `segments` (theirs), by id."""
    seg_rows = list(segments.order_by("id").values_list("id", "road_id", "highway", AsHexWKB("geom")))
    seg_geoms = _geoms([r[3] for r in seg_rows])
    by_road: dict[int, list[int]] = {}
    for k, row in enumerate(seg_rows):
        by_road.setdefault(row[1], []).append(k)
    records = []
    for rid, name, highway in roads.order_by().values_list("id", "name", "highway"):
        ks = by_road.get(rid)
        if not ks:
            continue
        records.append(RoadRecord(rid, name, highway, multilinestrings([seg_geoms[k] for k in ks]),
                                  tuple(seg_rows[k][2] for k in ks)))
    records.sort(key=build_order)
    segments = [SegmentRecord(sid, rid, g) for (sid, rid, _, _), g in zip(seg_rows, seg_geoms, strict=True)]
    return records, segments


def _intersection_records(intersections, links) -> list[IntersectionRecord]:
    """The records of `intersections` (a queryset) with their road `links`, in build order."""
    road_ids: dict[int, list[int]] = {}
    for iid, rid in links.values_list("intersection_id", "road_id"):
        road_ids.setdefault(iid, []).append(rid)
    rows = list(intersections.order_by().values_list("id", "name", AsHexWKB("geom")))
    records = [IntersectionRecord(iid, name, g, tuple(sorted(road_ids.get(iid, ()))))
               for (iid, name, _), g in zip(rows, _geoms([r[2] for r in rows]), strict=True)]
    return sorted(records, key=build_order)


def _landmark_records(landmarks) -> list[LandmarkRecord]:
    """The records of `landmarks` (a queryset), in build order."""
    rows = list(landmarks.order_by().values_list("id", "name", "kind", AsHexWKB("geom")))
    records = [LandmarkRecord(i, n, k, g) for (i, n, k, _), g in zip(rows, _geoms([r[3] for r in rows]), strict=True)]
    return sorted(records, key=build_order)


# A rebuild that took longer than this last time is not done inside a request again: the
# request is answered with the index it has while a background thread builds the new one
# and swaps it in (a district's network takes seconds to build; the demo's, milliseconds,
# so small networks keep answering with the edit at once).
SYNC_REBUILD_LIMIT_S = 1.0


def network_index() -> NetworkIndex:
    """The index of the network as it is now, or, on a network that is slow to index, as
    it was until the background rebuild that an edit started is done. The database is
    asked whether the network changed at most once per NETWORK_INDEX_CHECK_S seconds (the
    round trip was the largest part of a locate request). A small edit is applied to the
    index in place (`_patch`); a larger one, or one the change log cannot name, rebuilds."""
    current = _cache.get("index")
    window = getattr(settings, "NETWORK_INDEX_CHECK_S", 0.0)
    if current is not None and window > 0 and time.monotonic() - _cache.get("checked", -math.inf) < window:
        return current  # type: ignore[return-value]
    fp = _fingerprint()
    with _lock:
        _cache["checked"] = time.monotonic()
        current = _cache.get("index")
        if current is not None and _cache.get("fp") == fp:
            return current  # type: ignore[return-value]
        if current is not None:
            changed = _changes(_cache.get("fp"), fp)
            if changed is not None and not any(changed.values()):  # statements that changed no row
                _cache["fp"] = fp
                return current  # type: ignore[return-value]
            if changed is not None:
                try:
                    patched = _patch(current, changed, fp)  # type: ignore[arg-type]
                except Exception:  # a bug here must not stop the network from being indexed
                    logger.exception("network index patch failed; rebuilding")
                    patched = None
                if patched is not None:
                    return patched
        if current is None or _cache.get("build_s", 0.0) <= SYNC_REBUILD_LIMIT_S:
            return _build(fp)
        rebuilding = _cache.get("rebuilding")
        if rebuilding is None or not rebuilding.is_alive():
            thread = threading.Thread(target=_rebuild_in_background, args=(fp,), name="network-index", daemon=True)
            _cache["rebuilding"] = thread
            thread.start()
        return current  # type: ignore[return-value]


# An edit that touches at most this many roads (with the roads of the segments it touches),
# intersections and landmarks is applied to the index in place; a larger one (an import),
# an edit of areas, or one the change log cannot name rebuilds the index.
PATCH_MAX_ROWS = 50
PATCHED_TABLES = frozenset({"geodata_road", "geodata_roadsegment", "geodata_intersection",
                            "geodata_intersection_roads", "geodata_landmark"})


def _changes(since, now) -> dict[str, set[int]] | None:
    """The ids of the rows changed since the fingerprint `since` up to `now`, by table, or
    None where the log cannot tell them for certain or there are too many (→ rebuild):
    fingerprints not both of the log; the log trimmed (its oldest row gone); rows of it
    missing from the range (a change that committed late, with an id below one already
    seen, is counted in `now` but not in the rows after `since`); a statement logged
    without ids (TRUNCATE, hundreds of rows, the migration's own row); areas."""
    if not (since and since[0] == "log" and now[0] == "log" and since[3] == now[3] and now[2] >= since[2]):
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT table_name, ids FROM geodata_networkchange WHERE id > %s AND id <= %s",
                    [since[2], now[2]])
        rows = cur.fetchall()
    if len(rows) != now[1] - since[1]:
        return None
    changed: dict[str, set[int]] = {}
    for table, ids in rows:
        if ids is None or table not in PATCHED_TABLES:
            return None
        changed.setdefault(table, set()).update(ids)
        if len(changed[table]) > PATCH_MAX_ROWS:
            return None
    return changed


def _patch(index: NetworkIndex, changed: dict[str, set[int]], fp) -> NetworkIndex | None:
    """A new index: `index` with the records of the rows in `changed` read again (only
    those, and all the segments of the roads they touch), swapped in; None where the
    segments changed belong to too many roads."""
    started = time.perf_counter()
    segment_ids = changed.get("geodata_roadsegment", set())
    road_ids = set(changed.get("geodata_road", ()))
    if segment_ids:  # the roads the segments belonged to, and those they belong to now
        road_ids |= index.roads_of_segments(segment_ids)
        road_ids.update(RoadSegment.objects.filter(id__in=segment_ids).values_list("road_id", flat=True))
    inter_ids = changed.get("geodata_intersection", set()) | changed.get("geodata_intersection_roads", set())
    lm_ids = changed.get("geodata_landmark", set())
    if len(road_ids) > PATCH_MAX_ROWS or len(inter_ids) > PATCH_MAX_ROWS:
        return None
    roads, segments = _road_records(Road.objects.live().filter(id__in=road_ids),
                                    RoadSegment.objects.live().filter(road_id__in=road_ids))
    inters = _intersection_records(Intersection.objects.filter(id__in=inter_ids),
                                   Intersection.roads.through.objects.filter(intersection_id__in=inter_ids))
    landmarks = _landmark_records(Landmark.objects.filter(id__in=lm_ids))
    patched = index.patched(
        roads={rid: None for rid in road_ids} | {r.id: r for r in roads}, segments=segments,
        intersections={i: None for i in inter_ids} | {r.id: r for r in inters},
        landmarks={i: None for i in lm_ids} | {r.id: r for r in landmarks})
    _cache.update(index=patched, fp=fp, patch_s=time.perf_counter() - started, patches=_cache.get("patches", 0) + 1)
    return patched


def _build(fp) -> NetworkIndex:
    started = time.perf_counter()
    index = build_index()
    _cache.update(index=index, fp=fp, build_s=time.perf_counter() - started,
                  builds=_cache.get("builds", 0) + 1)
    return index


def _rebuild_in_background(fp) -> None:
    from django.db import connection

    try:
        started = time.perf_counter()
        index = build_index()
        with _lock:
            _cache.update(index=index, fp=fp, build_s=time.perf_counter() - started,
                          builds=_cache.get("builds", 0) + 1)
        del index
        settle_heap()  # the new index, too, out of the collector's way
    except Exception:  # the old index keeps answering; the next request tries again
        logger.exception("network index rebuild failed")
    finally:
        connection.close()  # this thread's own connection


def index_builds() -> int:
    """How many times this process has built the network index (tests count rebuilds)."""
    return _cache.get("builds", 0)  # type: ignore[return-value]


def index_patches() -> int:
    """How many edits this process has applied to its network index in place."""
    return _cache.get("patches", 0)  # type: ignore[return-value]


def warm_network_index() -> None:
    """Build the index before the first request (config/wsgi.py, before gunicorn forks its
    workers with --preload, so they share it). A database that is not there yet is not an
    error: the first request builds it then."""
    from django.db import connections
    from django.db.utils import DatabaseError

    try:
        network_index()
    except DatabaseError:
        logger.warning("network index not built at start: database not ready", exc_info=True)
    finally:
        connections.close_all()  # no connection may be shared across the fork
    # What the first locate would otherwise set up in each worker: the coordinate
    # transformers (pyproj takes ~0.1 s to make one) and the parser's first reading.
    to_wgs84_lonlat(from_wgs84(116.4, 39.9))
    parse("学院路与清华东路交叉路口向南50米，学院路西侧")
    settle_heap()


def settle_heap() -> None:
    """Make what is in memory now last cheaply: collect the build's garbage, give freed heap
    back to the system, and move every object left to the collector's permanent generation
    (`gc.freeze`). Before gunicorn forks, this keeps the index's pages shared: a worker's
    collections never write into the index's objects (which would copy each page into the
    worker), and they no longer walk its hundreds of thousands of objects, a pause of a
    few hundred milliseconds each time at district size."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the freed heap stays with the process
        pass
    gc.freeze()


def to_wgs84_lonlat(p: Point) -> tuple[float, float]:
    return _transformer(settings.STORAGE_SRID, settings.WGS84_SRID).transform(p.x, p.y)


def from_wgs84(lon: float, lat: float) -> Point:
    return Point(_transformer(settings.WGS84_SRID, settings.STORAGE_SRID).transform(lon, lat))


@dataclass(frozen=True)
class Located:
    text: str
    parsed: ParsedLocation
    result: GeocodeResult | None
    description: Description | None = None


def locate(text: str, *, index: NetworkIndex | None = None, parse_only: bool = False) -> Located:
    parsed = parse(text)
    if parse_only:
        return Located(text, parsed, None)
    net = index or network_index()
    result = geocode(parsed, net)
    desc = describe(result.point, net) if result.point is not None else None
    return Located(text, parsed, result, desc)


def describe_point(lon: float, lat: float, *, with_landmark: bool = True,
                   index: NetworkIndex | None = None) -> tuple[Point, Description]:
    net = index or network_index()
    p = from_wgs84(lon, lat)
    desc = describe(p, net, with_landmark=with_landmark)
    if desc.road is None and desc.landmark is None:
        raise OutsideDistrictError(f"坐标 ({lat:.6f}, {lon:.6f}) 附近没有已载入的道路或地标，可能不在辖区内")
    return p, desc


def segment_places(segment_ids) -> dict[int, str]:
    """Where each road segment lies, in the location language: its midpoint described without
    the subdistrict (学院路与清华东路交叉路口向北200米), so that the pieces of one road in a
    list (three rows of 清华东路) can be told apart. Segments off the loaded network get ""."""
    ids = list(segment_ids)
    if not ids:
        return {}
    net = network_index()
    out = {}
    for seg in RoadSegment.objects.filter(id__in=ids).only("id", "geom"):
        mid = seg.geom.interpolate_normalized(0.5)
        desc = describe(Point(mid.x, mid.y), net)
        text = desc.text if desc.road or desc.landmark else ""
        if desc.subdistrict and text.startswith(f"{desc.subdistrict}，"):
            text = text[len(desc.subdistrict) + 1:]
        out[seg.id] = text
    return out


def _lonlat_rounded(p: Point) -> list[float]:
    lon, lat = to_wgs84_lonlat(p)
    return [round(lon, 7), round(lat, 7)]


def located_feature(located: Located) -> dict:
    """The GeoJSON Feature (WGS84) for a located text: the API's and `locate --json`'s output."""
    props: dict = {"input": located.text, "parse": located.parsed.to_dict()}
    r = located.result
    geometry = None
    if r is not None:
        if r.point is not None:
            geometry = {"type": "Point", "coordinates": _lonlat_rounded(r.point)}
        props.update(
            text=located.description.text if located.description else None,
            precision=r.precision, uncertainty_m=r.uncertainty_m, confidence=r.confidence,
            road=r.road_name, road_id=r.road_id, segment_id=r.segment_id, measure_m=r.measure_m, side=r.side,
            intersection_id=r.intersection_id, steps=list(r.steps), warnings=list(r.warnings),
            candidates=[{"label": c.label, "score": c.score, "coordinates": _lonlat_rounded(c.point)}
                        for c in r.candidates],
            error=r.error,
        )
    return {"type": "Feature", "geometry": geometry, "properties": props}


def described_feature(lon: float, lat: float, point: Point, desc: Description) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": {
            "text": desc.text, "subdistrict": desc.subdistrict, "road": desc.road, "cross_road": desc.cross_road,
            "direction": desc.direction, "distance_m": desc.distance_m, "side": desc.side,
            "landmark": desc.landmark, "road_id": desc.road_id, "intersection_id": desc.intersection_id,
            "distance_to_road_m": desc.distance_to_road_m,
        },
    }


def parse_latlon(text: str) -> tuple[float, float]:
    """'lat,lon' (or 'lat lon') → (lat, lon), with a clear error for anything else."""
    parts = text.replace("，", ",").replace(",", " ").split()
    if len(parts) != 2:
        raise ValueError(f"坐标应为“纬度,经度”，收到 {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise ValueError(f"坐标不是数字: {text!r}") from exc
    check_latlon(lat, lon)
    return lat, lon


def check_latlon(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise ValueError(f"坐标超出范围: 纬度 {lat}, 经度 {lon}（纬度在前）")
