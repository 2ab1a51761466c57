"""Writing an imported road network and its landmarks into the database.

`network_import` is idempotent: rows are matched on their stable import keys and only
what differs is written, so importing the same file again changes nothing (and keeps
primary keys, which problems and coverage will refer to). Everything runs in one
transaction: a failure leaves the database as it was.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.gis.geos import MultiLineString as GeosMultiLineString
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import LineString, MultiLineString, Point

from core import audit
from core.domain.verbs import Verb

from ..importers.network import Network, build_network
from ..importers.osm import OsmData, OsmReadError, read_osm
from ..models import Intersection, Landmark, NetworkChange, Road, RoadSegment
from ..signals import network_changed
from .geometry import storage_area_of_use, to_storage_many


class NetworkImportError(Exception):
    """The input cannot be imported; the message says why, for the person running it."""


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    updated_ids: list[int] = field(default_factory=list, repr=False)
    moved_ids: list[int] = field(default_factory=list, repr=False)  # updated with a new geometry
    deleted_ids: list[int] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，删除 {self.deleted}，未变 {self.unchanged}"


@dataclass
class NetworkImportReport:
    source: str
    highway_ways_seen: int = 0
    ways: int = 0
    roads: ImportCounts = field(default_factory=ImportCounts)
    segments: ImportCounts = field(default_factory=ImportCounts)
    intersections: ImportCounts = field(default_factory=ImportCounts)
    landmarks: ImportCounts = field(default_factory=ImportCounts)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what other apps did about the change

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deleted
                   for c in (self.roads, self.segments, self.intersections, self.landmarks))


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def network_import(*, path: Path, source: str | None = None, progress: Progress | None = None) -> NetworkImportReport:
    """Import an OSM file's named roads, segments, intersections and landmarks."""
    path = Path(path)
    source = source or path.name.split(".")[0]
    try:
        data = read_osm(path)
    except OsmReadError as exc:
        raise NetworkImportError(str(exc)) from exc
    if not data.ways:
        raise NetworkImportError(
            f"{path.name} 中没有带名称的道路（共 {data.highway_ways_seen} 条 highway 路线），未导入任何数据"
        )
    network = build_network(data.ways)
    report = NetworkImportReport(source=source, highway_ways_seen=data.highway_ways_seen, ways=len(data.ways))
    report.warnings.extend(_area_of_use_warnings(data))
    with transaction.atomic():
        road_ids = _write_roads(network, source, report, progress)
        _write_segments(network, road_ids, source, report, progress)
        _write_intersections(network, road_ids, source, report, progress)
        _write_landmarks(data, source, report, progress)
        if report.changed:
            # in the same transaction: what refers to the network follows it, or nothing is kept
            replies = network_changed.send(
                sender=network_import, source=source, moved_segment_ids=report.segments.moved_ids,
                deleted_segment_ids=report.segments.deleted_ids)
            report.notes.extend(reply for _, reply in replies if reply)
            # One event for the import as a whole (the system's write; the rows it changed
            # are in the network change log): the counts, the file, the source.
            audit.record(actor=None, verb=Verb.IMPORTED, subject=("geodata.network", source), after={
                "file": path.name, **{name: {"created": c.created, "updated": c.updated, "deleted": c.deleted}
                                      for name, c in (("roads", report.roads), ("segments", report.segments),
                                                      ("intersections", report.intersections),
                                                      ("landmarks", report.landmarks))}})
        _trim_change_log()
    return report


def _trim_change_log() -> None:
    """Keep the network change log short: a day of it (and always its newest row)."""
    newest = NetworkChange.objects.aggregate(m=Max("id"))["m"]
    if newest is not None:
        NetworkChange.objects.filter(at__lt=timezone.now() - timedelta(days=1), id__lt=newest).delete()


def _area_of_use_warnings(data: OsmData) -> list[str]:
    bounds = storage_area_of_use()
    if bounds is None:
        return []
    west, south, east, north = bounds
    lons = [c[0] for w in data.ways for c in w.coords]
    lats = [c[1] for w in data.ways for c in w.coords]
    if min(lons) < west or max(lons) > east or min(lats) < south or max(lats) > north:
        return [
            f"数据范围 ({min(lons):.3f}–{max(lons):.3f}E, {min(lats):.3f}–{max(lats):.3f}N) 超出存储坐标系"
            f"的适用范围 ({west}–{east}E, {south}–{north}N)：长度按椭球面计算，仍然正确，但地图几何会变形；"
            "为该地区部署时请设置 STORAGE_SRID。"
        ]
    return []


def _sync(model, source_filter: dict, rows: dict[str, dict], counts: ImportCounts, geom_fields: tuple[str, ...],
          progress: Progress | None, stage: str) -> dict[str, int]:
    """Make the rows of `model` matching `source_filter` equal to `rows` (by key).

    Returns key → primary key for every row in `rows`."""
    existing = {obj.key: obj for obj in model.objects.filter(**source_filter)}
    to_create, to_update, update_fields = [], [], set()
    for i, (key, values) in enumerate(rows.items()):
        obj = existing.pop(key, None)
        if obj is None:
            to_create.append(model(key=key, **values))
            continue
        dirty = [
            name for name, value in values.items()
            if (bytes(getattr(obj, name).ewkb) != bytes(value.ewkb) if name in geom_fields and value is not None
                and getattr(obj, name) is not None else getattr(obj, name) != value)
        ]
        if dirty:
            for name in dirty:
                setattr(obj, name, values[name])
            update_fields.update(dirty)
            to_update.append(obj)
            if any(name in geom_fields for name in dirty):
                counts.moved_ids.append(obj.pk)
        else:
            counts.unchanged += 1
        if progress and i % 500 == 0:
            progress(stage, i, len(rows))
    if existing:
        model.objects.filter(pk__in=[o.pk for o in existing.values()]).delete()
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.deleted += len(existing)
    counts.updated_ids += [o.pk for o in to_update]
    counts.deleted_ids += [o.pk for o in existing.values()]
    if progress:
        progress(stage, len(rows), len(rows))
    return dict(model.objects.filter(**source_filter).values_list("key", "pk"))


def _write_roads(network: Network, source: str, report: NetworkImportReport, progress) -> dict[str, int]:
    geoms = to_storage_many([MultiLineString([LineString(line) for line in r.lines]) for r in network.roads])
    rows = {}
    for r, geom in zip(network.roads, geoms, strict=True):
        if not isinstance(geom, GeosMultiLineString):  # pragma: no cover - shapely always gives a multi here
            raise NetworkImportError(f"道路 {r.name} 的几何无效")
        rows[r.key] = dict(source=source, name=r.name, name_normalized=r.name_normalized, highway=r.highway,
                           geom=geom, length_m=round(r.length_m, 3), osm_way_ids=list(r.way_ids))
    return _sync(Road, {"source": source}, rows, report.roads, ("geom",), progress, "道路")


def _write_segments(network: Network, road_ids: dict[str, int], source: str, report, progress) -> None:
    geoms = to_storage_many([LineString(s.coords) for s in network.segments])
    rows = {
        s.key: dict(source=source, road_id=road_ids[s.road_key], geom=geom,
                    length_m=round(s.length_m, 3), start_node=s.start_node, end_node=s.end_node,
                    osm_way_id=s.way_id, highway=s.highway, oneway=s.oneway)
        for s, geom in zip(network.segments, geoms, strict=True)
    }
    _sync(RoadSegment, {"source": source}, rows, report.segments, ("geom",), progress, "路段")


def _write_intersections(network: Network, road_ids: dict[str, int], source: str, report, progress) -> None:
    geoms = to_storage_many([Point(i.point) for i in network.intersections])
    rows = {
        i.key: dict(source=source, name=i.name, geom=geom, node_ids=list(i.node_ids), roundabout=i.roundabout)
        for i, geom in zip(network.intersections, geoms, strict=True)
    }
    before = report.intersections.created + report.intersections.updated
    ids = _sync(Intersection, {"source": source}, rows, report.intersections, ("geom",), progress, "路口")
    # The road links: rewrite only those that differ, so a re-import stays a no-op.
    through = Intersection.roads.through
    want = {(ids[i.key], road_ids[k]) for i in network.intersections for k in i.road_keys}
    have = set(through.objects.filter(intersection_id__in=ids.values()).values_list("intersection_id", "road_id"))
    stale = have - want
    if stale:
        for inter_id, road_id in stale:
            through.objects.filter(intersection_id=inter_id, road_id=road_id).delete()
    through.objects.bulk_create([through(intersection_id=a, road_id=b) for a, b in want - have])
    if (want - have or stale) and report.intersections.created + report.intersections.updated == before:
        # Only the links changed: count the touched intersections as updated.
        touched = {a for a, _ in (want - have) | stale}
        report.intersections.updated += len(touched)
        report.intersections.unchanged -= len(touched)


def _write_landmarks(data: OsmData, source: str, report, progress) -> None:
    points = to_storage_many([Point(lm.point) for lm in data.landmarks])
    with_footprint = [lm for lm in data.landmarks if lm.footprint is not None]
    footprints = dict(zip((lm.key for lm in with_footprint),
                          to_storage_many([lm.footprint for lm in with_footprint]), strict=True))
    rows = {}
    for lm, point in zip(data.landmarks, points, strict=True):
        rows[lm.key] = dict(source=source, name=lm.name[:200], kind=lm.kind, category=lm.category[:80],
                            geom=point, footprint=footprints.get(lm.key))
    _sync(Landmark, {"source": source}, rows, report.landmarks, ("geom", "footprint"), progress, "地标")
