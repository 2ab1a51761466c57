"""Writing an imported road network and its landmarks into the database.

`network_import` is idempotent: rows are matched on their stable import keys and only
what differs is written, so importing the same file again changes nothing (and keeps
primary keys, which problems and coverage will refer to). Roads keep their keys by the
OSM ways they share with the roads already imported (`assign_road_keys`), so a way that
is deleted or split in OSM leaves the road and its other segments as they were.
Everything runs in one transaction: a failure leaves the database as it was. One import at a
time: another started meanwhile is refused in words (`ImportRunning`), before it reads its file
and again when it would write, and writes nothing.

Nothing already saved is lost. A segment no longer in the file is first retired (out of
the live network) and `network_changed` lets the other apps move what they can onto the
live network (problems and complaints are snapped again, plans of shifts not yet ended
take the segments that replace it); then a segment that still carries history
(`segments_in_use`: coverage patrolled on it, plans of ended shifts) stays retired, kept
as it was, and the others are deleted. A road is retired likewise while retired segments
hang on it. The report counts both and says what was kept.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.gis.geos import MultiLineString as GeosMultiLineString
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import LineString, MultiLineString, Point

from core import audit
from core.domain.verbs import Verb

from ..importers.network import Network, assign_road_keys, build_network
from ..importers.osm import OsmData, OsmReadError, read_osm
from ..models import Intersection, Landmark, NetworkChange, Road, RoadSegment
from ..signals import network_changed, segments_in_use
from .geometry import storage_area_of_use, to_storage_many


class NetworkImportError(Exception):
    """The input cannot be imported; the message says why, for the person running it."""


class ImportRunning(NetworkImportError):
    """Another network import holds the network (`_one_import_at_a_time`)."""


# pg_try_advisory_xact_lock(int, int): (namespace, 1) is the road network's import.
_IMPORT_LOCK = (0x4E57, 1)


def _one_import_at_a_time() -> None:
    """Hold the network for this import until its transaction ends, or refuse at once. Two
    imports at once each checked the other sources for overlap before the other's roads were
    committed, and each moved problems and plans onto a network the other was rewriting.
    Refused rather than queued: two imports at once are a mistake more often than not (one file
    run twice, a scheduled run over a manual one), and a command that waits minutes without a
    word looks hung; refused, it says why, has written nothing, and is run again afterwards."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(_IMPORT_LOCK))
        if not cur.fetchone()[0]:
            raise ImportRunning("另一个路网导入正在进行（another road network import is running）："
                                "请等它完成后再导入；本次未写入任何数据")


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    retired: int = 0  # no longer in the file, kept for the history on it
    created_ids: list[int] = field(default_factory=list, repr=False)
    updated_ids: list[int] = field(default_factory=list, repr=False)
    moved_ids: list[int] = field(default_factory=list, repr=False)  # updated with a new geometry
    old_geoms: dict = field(default_factory=dict, repr=False)  # moved_ids → their geometry before the import
    deleted_ids: list[int] = field(default_factory=list, repr=False)
    retired_ids: list[int] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        text = f"新增 {self.created}，更新 {self.updated}，删除 {self.deleted}，未变 {self.unchanged}"
        return text + (f"，停用 {self.retired}" if self.retired else "")


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
        return any(c.created or c.updated or c.deleted or c.retired
                   for c in (self.roads, self.segments, self.intersections, self.landmarks))


Progress = Callable[[str, int, int], None]  # (stage, done, total)


# Of the ways of a file, the share that, found in another source, makes it the same data
# under another name (a renamed or dated copy of an extract): refused unless allowed.
SAME_DATA_SHARE = 0.5
SOURCE_MAX = Road._meta.get_field("source").max_length
ROAD_NAME_MAX = Road._meta.get_field("name").max_length


def network_import(*, path: Path, source: str | None = None, progress: Progress | None = None,
                   allow_overlap: bool = False) -> NetworkImportReport:
    """Import an OSM file's named roads, segments, intersections and landmarks.

    `source` defaults to the file's name up to its first dot. A file most of whose ways
    another source already has is refused (the same extract under another name would
    double the network) unless `allow_overlap`; a smaller overlap (neighbouring extracts
    share the ways across their border) is a warning."""
    path = Path(path)
    source = _checked_source(source, path)
    # said before a large file is read; taken for good in the transaction that writes
    with transaction.atomic():
        _one_import_at_a_time()
    try:
        data = read_osm(path)
    except OsmReadError as exc:
        raise NetworkImportError(str(exc)) from exc
    if not data.ways and data.clipped_ways:
        raise NetworkImportError(
            f"{path.name} 中 {len(data.clipped_ways)} 条带名称的路线引用的节点都不在文件中（如 "
            f"{_way_list(data.clipped_ways[:1])}），没有坐标可用：请导出包含路线节点的完整数据"
            "（osmium extract 默认即包含；Overpass 查询须以 (._;>;); out; 结尾），未导入任何数据")
    if not data.ways:
        raise NetworkImportError(
            f"{path.name} 中没有带名称的道路（共 {data.highway_ways_seen} 条 highway 路线），未导入任何数据"
        )
    network = build_network(data.ways)
    if not network.roads:
        raise NetworkImportError(f"{path.name} 中没有可导入的道路：{'；'.join(network.warnings)}")
    report = NetworkImportReport(source=source, highway_ways_seen=data.highway_ways_seen, ways=len(data.ways))
    report.warnings.extend(network.warnings)
    if data.clipped_ways:
        report.warnings.append(
            f"{len(data.clipped_ways)} 条路线引用的节点有的不在文件中（数据在范围边界处被裁剪时常见），只导入了有坐标的部分："
            + _way_list(data.clipped_ways[:5]) + (f" 等（共 {len(data.clipped_ways)} 条）" if len(data.clipped_ways) > 5 else ""))
    report.warnings.extend(_area_of_use_warnings(data))
    with transaction.atomic():
        _one_import_at_a_time()
        report.warnings.extend(_overlap_warnings(network, source, path, allow_overlap))
        network = assign_road_keys(network, dict(Road.objects.filter(source=source).values_list("key", "osm_way_ids")))
        road_ids, stale_roads = _write_roads(network, source, report, progress)
        removed, revived = _write_segments(network, road_ids, source, report, progress)
        _write_intersections(network, road_ids, source, report, progress)
        _write_landmarks(data, source, report, progress)
        if report.changed or removed or stale_roads:
            # in the same transaction: what refers to the network follows it, or nothing is kept
            replies = network_changed.send(
                sender=network_import, source=source, moved_segment_ids=report.segments.moved_ids,
                moved_segment_old_geoms=report.segments.old_geoms,
                added_segment_ids=sorted([*report.segments.created_ids, *revived]), removed_segment_ids=removed)
            report.notes.extend(reply for _, reply in replies if reply)
            _remove_segments(removed, source, report)
            _remove_roads(stale_roads, report)
            # One event for the import as a whole (the system's write; the rows it changed
            # are in the network change log): the counts, the file, the source.
            audit.record(actor=None, verb=Verb.IMPORTED, subject=("geodata.network", source), after={
                "file": path.name, **{name: {"created": c.created, "updated": c.updated, "deleted": c.deleted,
                                             "retired": c.retired}
                                      for name, c in (("roads", report.roads), ("segments", report.segments),
                                                      ("intersections", report.intersections),
                                                      ("landmarks", report.landmarks))}})
        _trim_change_log()
    return report


def _way_list(ways: list[tuple[int, str]]) -> str:
    return "、".join(f"way {way_id} {name}" for way_id, name in ways)


def _checked_source(source: str | None, path: Path) -> str:
    if source is None:
        source = path.name.split(".")[0]
        if not source or len(source) > SOURCE_MAX:
            raise NetworkImportError(
                f"无法从文件名 {path.name} 得到数据来源标识（须为 1 至 {SOURCE_MAX} 个字符），请用 --source 指定")
        return source
    source = source.strip()
    if not source or len(source) > SOURCE_MAX:
        raise NetworkImportError(f"数据来源标识须为 1 至 {SOURCE_MAX} 个字符（给出的有 {len(source)} 个）")
    return source


def _overlap_warnings(network: Network, source: str, path: Path, allow_overlap: bool) -> list[str]:
    """Refuse a file most of whose ways another source has; warn of a smaller overlap."""
    way_ids = {w for r in network.roads for w in r.way_ids}
    shared: dict[str, set[int]] = {}
    for other, ids in (Road.objects.live().exclude(source=source)
                       .filter(osm_way_ids__overlap=sorted(way_ids)).values_list("source", "osm_way_ids")):
        shared.setdefault(other, set()).update(way_ids.intersection(ids))
    warnings = []
    for other, ids in sorted(shared.items()):
        share = len(ids) / len(way_ids)
        if share >= SAME_DATA_SHARE and not allow_overlap:
            raise NetworkImportError(
                f"{path.name} 的 {len(way_ids)} 条OSM路线中有 {len(ids)} 条（{share:.0%}）已在来源 {other!r} 中："
                f"这像是同一份数据换了文件名，导入为新来源 {source!r} 会使这些道路重复。"
                f"要更新原有数据请用 --source {other}；确需两个来源并存请加 --allow-overlap")
        warnings.append(f"有 {len(ids)} 条OSM路线（{share:.0%}）也在来源 {other!r} 中，这些道路在两个来源中各有一份"
                        "（相邻数据在边界处常有共同路线）")
    return warnings


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
          progress: Progress | None, stage: str, *, delete_stale: bool = True) -> tuple[dict[str, int], list[int]]:
    """Make the rows of `model` matching `source_filter` equal to `rows` (by key).

    Returns key → primary key for every row in `rows`, and the primary keys of the rows
    not in `rows` (deleted and counted here with `delete_stale`, else left to the caller;
    rows already retired are neither)."""
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
            if geom_fields and geom_fields[0] in dirty:
                counts.old_geoms[obj.pk] = getattr(obj, geom_fields[0])
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
    stale = [o.pk for o in existing.values() if getattr(o, "retired_at", None) is None]
    if delete_stale and stale:
        model.objects.filter(pk__in=stale).delete()
        counts.deleted += len(stale)
        counts.deleted_ids += stale
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    counts.created += len(to_create)
    counts.created_ids += [o.pk for o in to_create]  # PostgreSQL returns them from the INSERT
    counts.updated += len(to_update)
    counts.updated_ids += [o.pk for o in to_update]
    if progress:
        progress(stage, len(rows), len(rows))
    return dict(model.objects.filter(**source_filter).values_list("key", "pk")), stale


def _fit(text: str, limit: int, what: str, warnings: list[str]) -> str:
    if len(text) <= limit:
        return text
    warnings.append(f"{what}“{text[:20]}…”有 {len(text)} 个字符，超过 {limit} 个，已截断")
    return text[:limit]


def _write_roads(network: Network, source: str, report: NetworkImportReport,
                 progress) -> tuple[dict[str, int], list[int]]:
    """Roads created and updated (a retired one found again is live again); returns key →
    primary key and the roads of the source no longer in the file (`_remove_roads`)."""
    geoms = to_storage_many([MultiLineString([LineString(line) for line in r.lines]) for r in network.roads])
    rows = {}
    for r, geom in zip(network.roads, geoms, strict=True):
        if not isinstance(geom, GeosMultiLineString):  # pragma: no cover - shapely always gives a multi here
            raise NetworkImportError(f"道路 {r.name} 的几何无效")
        name = _fit(r.name, ROAD_NAME_MAX, f"道路名称（way {r.way_ids[0]}）", report.warnings)
        rows[r.key] = dict(source=source, name=name, name_normalized=r.name_normalized[:ROAD_NAME_MAX],
                           highway=r.highway, geom=geom, length_m=round(r.length_m, 3), osm_way_ids=list(r.way_ids),
                           retired_at=None)
    return _sync(Road, {"source": source}, rows, report.roads, ("geom",), progress, "道路", delete_stale=False)


def _write_segments(network: Network, road_ids: dict[str, int], source: str, report,
                    progress) -> tuple[list[int], list[int]]:
    """Segments created and updated; those of the source no longer in the file are retired
    (`_remove_segments` deletes the ones nothing keeps). Returns the latter's ids, and those of
    the retired segments found again (live again, with the same id)."""
    was_retired = set(RoadSegment.objects.filter(source=source, retired_at__isnull=False).values_list("id", flat=True))
    geoms = to_storage_many([LineString(s.coords) for s in network.segments])
    rows = {
        s.key: dict(source=source, road_id=road_ids[s.road_key], geom=geom,
                    length_m=round(s.length_m, 3), start_node=s.start_node, end_node=s.end_node,
                    osm_way_id=s.way_id, highway=s.highway, oneway=s.oneway, retired_at=None)
        for s, geom in zip(network.segments, geoms, strict=True)
    }
    ids, removed = _sync(RoadSegment, {"source": source}, rows, report.segments, ("geom",), progress, "路段",
                         delete_stale=False)
    if removed:
        RoadSegment.objects.filter(pk__in=removed).update(retired_at=timezone.now())
    return removed, sorted(was_retired.intersection(ids[key] for key in rows))


def _remove_segments(removed: list[int], source: str, report: NetworkImportReport) -> None:
    """Delete the segments no longer in the file that nothing keeps; keep the others retired."""
    if not removed:
        return
    kept: set[int] = set()
    lines = []
    for _, reply in segments_in_use.send(sender=network_import, source=source, segment_ids=list(removed)):
        if reply:
            ids, line = reply
            kept |= set(ids) & set(removed)
            if line:
                lines.append(line)
    gone = sorted(set(removed) - kept)
    RoadSegment.objects.filter(pk__in=gone).delete()
    report.segments.deleted += len(gone)
    report.segments.deleted_ids += gone
    report.segments.retired += len(kept)
    report.segments.retired_ids += sorted(kept)
    if kept:
        report.notes.append(
            f"路段 {len(kept)} 条已不在文件中，但有历史记录引用，已停用并保留（不再用于定位、覆盖计算和新的计划）：" + "；".join(lines))


def _remove_roads(stale: list[int], report: NetworkImportReport) -> None:
    """Delete the roads no longer in the file; keep retired those that retired segments hang on."""
    if not stale:
        return
    kept = set(RoadSegment.objects.filter(road_id__in=stale).values_list("road_id", flat=True))
    gone = sorted(set(stale) - kept)
    Road.objects.filter(pk__in=gone).delete()
    Road.objects.filter(pk__in=kept).update(retired_at=timezone.now())
    report.roads.deleted += len(gone)
    report.roads.deleted_ids += gone
    report.roads.retired += len(kept)
    report.roads.retired_ids += sorted(kept)


def _write_intersections(network: Network, road_ids: dict[str, int], source: str, report, progress) -> None:
    geoms = to_storage_many([Point(i.point) for i in network.intersections])
    rows = {
        i.key: dict(source=source, name=i.name, geom=geom, node_ids=list(i.node_ids), roundabout=i.roundabout)
        for i, geom in zip(network.intersections, geoms, strict=True)
    }
    before = report.intersections.created + report.intersections.updated
    ids, _ = _sync(Intersection, {"source": source}, rows, report.intersections, ("geom",), progress, "路口")
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
