"""Writing administrative areas into the tree (district → subdistrict → community → grid).

Idempotent: an area is matched on (kind, code) when it has a code, otherwise on
(kind, name, parent). The parent is given, or found as the area of the parent kind that
contains most of the new area.
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


def areas_import(
    *, records: list[AreaRecord], kind: str, source: str, parent: Area | None = None, generated: bool = False
) -> AreaImportReport:
    if kind not in AreaKind.values:
        raise AreaImportError(f"未知级别 {kind!r}，可选: {', '.join(AreaKind.values)}")
    report = AreaImportReport()
    with transaction.atomic():
        for rec in records:
            report.warnings.extend(rec.warnings)
            geom = to_storage(rec.geom)
            the_parent = parent if parent is not None else _find_parent(geom, kind)
            if PARENT_KINDS[kind] and the_parent is None:
                raise AreaImportError(
                    f"{rec.name}: 找不到包含它的上级区划（{'/'.join(AreaKind(k).label for k in PARENT_KINDS[kind])}），"
                    "请先导入上级区划或用 --parent 指定"
                )
            lookup = {"kind": kind, "code": rec.code} if rec.code else {"kind": kind, "name": rec.name,
                                                                        "parent": the_parent}
            values = dict(name=rec.name, code=rec.code, parent=the_parent, geom=geom, source=source,
                          generated=generated)
            obj = Area.objects.filter(**lookup).first()
            if obj is None:
                Area.objects.create(kind=kind, **values)
                report.counts.created += 1
                continue
            dirty = [k for k, v in values.items()
                     if (bytes(obj.geom.ewkb) != bytes(v.ewkb) if k == "geom" else getattr(obj, k) != v)]
            if dirty:
                for k in dirty:
                    setattr(obj, k, values[k])
                obj.save(update_fields=dirty)
                report.counts.updated += 1
            else:
                report.counts.unchanged += 1
        if report.counts.created or report.counts.updated:
            audit.record(actor=None, verb=Verb.IMPORTED, subject=("geodata.area", kind), after={
                "source": source, "created": report.counts.created, "updated": report.counts.updated,
                "unchanged": report.counts.unchanged})
    return report
