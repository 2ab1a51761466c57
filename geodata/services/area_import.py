"""Writing administrative areas into the tree (district → subdistrict → community → grid).

Idempotent: an area is matched on (kind, code) when it has a code, otherwise (or when no
area of its kind has that code) on (kind, name, parent): a name stays unique under its
parent, so an area of the same name there is the same area, re-coded (its code is updated,
with a warning). A file without codes leaves the codes already stored alone. The parent is
given, or found as the area of the parent kind that contains most of the new area.

A file is refused, naming the features, when two of its features are the same area (one
code, or one name under one parent: the second would overwrite the first), when a name or
code is longer than its column, when a renamed area would take the name of another, or
when an area lies mostly outside its parent (given or found), or a re-drawn area leaves one
of its children mostly outside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import Area as AreaFn
from django.contrib.gis.db.models.functions import Intersection as IntersectionFn
from django.db import transaction

from core import audit
from core.domain.verbs import Verb

from ..importers.areas import AreaRecord
from ..models import Area, AreaKind
from .geometry import to_storage
from .network_import import ImportCounts

# Kinds an area of each kind may hang under, nearest first (grids hang under a community,
# or directly under a subdistrict where communities are not mapped).
PARENT_KINDS = {
    AreaKind.DISTRICT: (),
    AreaKind.SUBDISTRICT: (AreaKind.DISTRICT,),
    AreaKind.COMMUNITY: (AreaKind.SUBDISTRICT,),
    AreaKind.GRID: (AreaKind.COMMUNITY, AreaKind.SUBDISTRICT),
}


class AreaImportError(Exception):
    pass


@dataclass
class AreaImportReport:
    counts: ImportCounts = field(default_factory=ImportCounts)
    warnings: list[str] = field(default_factory=list)


def _find_parent(geom, kind: str) -> Area | None:
    for parent_kind in PARENT_KINDS[kind]:
        best = (
            Area.objects.filter(kind=parent_kind, geom__intersects=geom)
            .annotate(overlap=AreaFn(IntersectionFn("geom", geom)))
            .order_by("-overlap")
            .first()
        )
        if best is not None and best.overlap.sq_m > 0.5 * geom.area:
            return best
    return None


# An area must lie mostly in its parent (the rule `_find_parent` finds one by); more than a
# little outside it is worth a look, since boundaries of two sources differ by a few metres only.
INSIDE_AT_LEAST = 0.5
OUTSIDE_WARN_ABOVE = 0.05


def _containment(geom, parent_geom) -> tuple[float, bool, bool]:
    """(share of ``geom`` inside ``parent_geom``, refused: mostly outside, warned: partly
    outside). One rule for both directions: an area under its parent, a parent over its children."""
    inside = geom.intersection(parent_geom).area / geom.area if geom.area > 0 else 0.0
    refused = inside <= INSIDE_AT_LEAST
    return inside, refused, not refused and 1 - inside > OUTSIDE_WARN_ABOVE


def _check_inside(i: int, name: str, geom, parent: Area, warnings: list[str]) -> None:
    """Refuse an area mostly outside its parent (given with --parent, nothing else checks
    it: a file in another datum or of another district would hang anywhere); warn of one
    partly outside."""
    inside, refused, warned = _containment(geom, parent.geom)
    if refused:
        raise AreaImportError(
            f"第 {i} 个要素 {name} 只有 {inside:.0%} 在上级区划 {parent.name} 内：区划须大部分位于其上级之内，"
            "请核对上级（--parent）、文件的坐标系（--crs）或文件本身")
    if warned:
        warnings.append(f"{name} 有 {1 - inside:.0%} 在上级区划 {parent.name} 之外，请核对边界")


def _check_children_inside(area: Area, warnings: list[str]) -> None:
    """The same rule from above: an area re-drawn (a wrong polygon under its code) must still
    hold its children, or they, and the problems and plans in them, would hang outside it."""
    for child in Area.objects.filter(parent=area).order_by("kind", "name"):
        inside, refused, warned = _containment(child.geom, area.geom)
        if refused:
            raise AreaImportError(
                f"{area.name}（代码 {area.code or '无'}）的新边界不再包含其下级区划 {child.name}（只有 {inside:.0%} "
                "在其内）；请核对文件（代码列、名称列、坐标系 --crs）")
        if warned:
            warnings.append(f"{area.name} 的新边界之外有其下级区划 {child.name} 的 {1 - inside:.0%}，请核对边界")


NAME_MAX = Area._meta.get_field("name").max_length
CODE_MAX = Area._meta.get_field("code").max_length
SOURCE_MAX = Area._meta.get_field("source").max_length


def _check_lengths(records: list[AreaRecord], source: str) -> None:
    if len(source) > SOURCE_MAX:
        raise AreaImportError(f"来源说明有 {len(source)} 个字符，最长 {SOURCE_MAX} 个")
    for i, rec in enumerate(records, start=1):
        if len(rec.name) > NAME_MAX:
            raise AreaImportError(f"第 {i} 个要素的名称“{rec.name[:20]}…”有 {len(rec.name)} 个字符，最长 {NAME_MAX} 个")
        if len(rec.code) > CODE_MAX:
            raise AreaImportError(f"要素 {rec.name} 的代码 {rec.code[:20]}… 有 {len(rec.code)} 个字符，最长 {CODE_MAX} 个")


def _check_one_feature_each(placed: list[tuple[int, AreaRecord, object, Area | None]]) -> None:
    """Two features of the file that are one area: the second would overwrite the first."""
    by_code: dict[str, int] = {}
    by_name: dict[tuple[str, int | None], int] = {}
    for i, rec, _, parent in placed:
        if rec.code:
            if rec.code in by_code:
                raise AreaImportError(f"第 {by_code[rec.code]} 个和第 {i} 个要素的代码都是 {rec.code}：同一区划不能出现两次")
            by_code[rec.code] = i
        key = (rec.name, parent.pk if parent else None)
        if key in by_name:
            raise AreaImportError(
                f"第 {by_name[key]} 个和第 {i} 个要素都叫 {rec.name}（上级：{parent.name if parent else '无'}）："
                "同一上级下的名称必须唯一，否则后一个会覆盖前一个；请改正文件")
        by_name[key] = i


def areas_import(
    *, records: list[AreaRecord], kind: str, source: str, parent: Area | None = None, generated: bool = False
) -> AreaImportReport:
    if kind not in AreaKind.values:
        raise AreaImportError(f"未知级别 {kind!r}，可选: {', '.join(AreaKind.values)}")
    _check_lengths(records, source)
    report = AreaImportReport()
    with transaction.atomic():
        placed = []
        for i, rec in enumerate(records, start=1):
            report.warnings.extend(rec.warnings)
            geom = to_storage(rec.geom)
            the_parent = parent if parent is not None else _find_parent(geom, kind)
            if PARENT_KINDS[kind] and the_parent is None:
                raise AreaImportError(
                    f"{rec.name}: 找不到包含它的上级区划（{'/'.join(AreaKind(k).label for k in PARENT_KINDS[kind])}），"
                    "请先导入上级区划或用 --parent 指定"
                )
            if the_parent is not None:
                _check_inside(i, rec.name, geom, the_parent, report.warnings)
            placed.append((i, rec, geom, the_parent))
        _check_one_feature_each(placed)
        matched: set[int] = set()
        for _, rec, geom, the_parent in placed:
            obj = Area.objects.filter(kind=kind, code=rec.code).first() if rec.code else None
            if obj is None:
                obj = Area.objects.filter(kind=kind, name=rec.name, parent=the_parent).first()
                if obj is not None and rec.code and obj.code:
                    report.warnings.append(f"{rec.name}: 代码由 {obj.code} 改为 {rec.code}")
            values = dict(name=rec.name, parent=the_parent, geom=geom, source=source, generated=generated)
            if rec.code:
                values["code"] = rec.code
            if obj is None:
                Area.objects.create(kind=kind, **values)
                report.counts.created += 1
                continue
            if obj.pk in matched:  # pragma: no cover - _check_one_feature_each refuses this first
                raise AreaImportError(f"{rec.name}: 与文件中另一个要素是同一区划")
            matched.add(obj.pk)
            if obj.name != rec.name or obj.parent_id != (the_parent.pk if the_parent else None):
                other = Area.objects.filter(kind=kind, name=rec.name, parent=the_parent).exclude(pk=obj.pk).first()
                if other is not None:
                    raise AreaImportError(
                        f"{rec.name}（代码 {rec.code}）: 代码相同的 {obj.name} 要改为此名，但同一上级下已有 {other.name}"
                        f"（代码 {other.code or '无'}）")
            dirty = [k for k, v in values.items()
                     if (bytes(obj.geom.ewkb) != bytes(v.ewkb) if k == "geom" else getattr(obj, k) != v)]
            if dirty:
                for k in dirty:
                    setattr(obj, k, values[k])
                obj.save(update_fields=dirty)
                if "geom" in dirty:
                    _check_children_inside(obj, report.warnings)
                report.counts.updated += 1
            else:
                report.counts.unchanged += 1
        if report.counts.created or report.counts.updated:
            audit.record(actor=None, verb=Verb.IMPORTED, subject=("geodata.area", kind), after={
                "source": source, "created": report.counts.created, "updated": report.counts.updated,
                "unchanged": report.counts.unchanged})
    return report
