"""Importing a 12345 export: read, check every row, then save all of it or nothing.

`complaints_import(...)` is the one write: the file is read (hotline.importers.tables), the
header mapped (hotline.domain.columns) and every row checked (hotline.domain.validation).
With any error, nothing is saved unless `partial=True` (then the good rows are, and the
bad ones are named as skipped). An importer whose jurisdiction is a street office, not the
district, may write only the orders of its offices: a row of another office's order, or
naming another office as 承办单位, is an error of that row. Orders are matched by their number: a re-import updates
what changed and leaves the rest untouched, never doubling a complaint. New and changed
addresses are located with the location language (outside the transaction: it reads only
the network index); then, in one transaction, the batch, the complaints, their areas and
matching patrol problems, and one audit event.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from geodata.models import Area, AreaKind
from org.models import Agency

from ..domain.addresses import expected_subdistrict, location_candidates, place_consistent
from ..domain.columns import header_score, parse_mapping, resolve_mapping
from ..domain.validation import (
    ErrorGroup,
    OrderRow,
    RowError,
    group_errors,
    match_key,
    split_header,
    validate_rows,
)
from ..importers.tables import Table, TableError, read_table
from ..models import Complaint, ImportBatch
from ..selectors.complaints import importable_area_ids
from .linking import complaints_link_nearest

# Row fields → model fields (what a re-import compares to decide updated / unchanged).
COMPARED = ("received_at", "content", "address", "category", "unit_name", "team_name", "handler_name",
            "responded", "resolved", "satisfied", "callback", "difficult")
MAX_REPORTED_ERRORS = 1000  # kept on a partial batch; a page shows them all from the result
ERRORS_SHOWN = 200  # listed cell by cell on a page; a file of another office's orders has thousands


@dataclass
class ImportResult:
    ok: bool
    filename: str
    fatal: str = ""  # the whole file was refused (not a table, wrong headers …)
    fatal_field: str = "file"  # what the refusal is about: the file, or the mapping given with it
    errors: tuple[RowError, ...] = ()
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    located: int | None = None  # of the rows located in this import (new or changed address)
    attempted_location: int = 0
    dry_run: bool = False
    partial: bool = False
    batch_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def located_share(self) -> float | None:
        if self.located is None or not self.attempted_location:
            return None
        return self.located / self.attempted_location

    @property
    def headline(self) -> str:
        if self.fatal:
            return f"无法导入：{self.fatal}。未导入任何数据。"
        if self.errors and not self.partial:
            return (f"校验发现 {len(self.errors)} 处问题（涉及 {self.bad_rows} 行，共 {self.total} 行），"
                    "未导入任何数据。请修改后重新导入，或跳过错误行导入（页面上勾选该项，"
                    "命令行加 --partial，接口传 partial=true）。")
        verb = "试运行（未写入）：将" if self.dry_run else "导入完成："
        text = f"{verb}新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        if self.skipped:
            text += f"，跳过错误行 {self.skipped} 行"
        if self.located is not None and self.attempted_location:
            text += f"；定位 {self.located}/{self.attempted_location} 条（{self.located_share:.0%}）"
        return text + "。"

    @property
    def error_groups(self) -> list[ErrorGroup]:
        return group_errors(self.errors)

    @property
    def errors_shown(self) -> tuple[RowError, ...]:
        """The errors a page lists one by one; the rest are told by `error_groups`."""
        return self.errors[:ERRORS_SHOWN]

    @property
    def errors_not_shown(self) -> int:
        return max(0, len(self.errors) - ERRORS_SHOWN)

    def lines(self) -> list[str]:
        return [self.headline, *[e.text for e in self.errors], *self.warnings]


def complaints_import(*, data: bytes, filename: str, actor=None, mapping: str | dict | None = None,
                      partial: bool = False, dry_run: bool = False, source: str = "upload",
                      table: Table | None = None) -> ImportResult:
    """`table`: the file already read by the caller (hotline.services.queued counts its rows
    to decide whether to import now or in the background), not read a second time."""
    result = ImportResult(ok=False, filename=filename, dry_run=dry_run, partial=partial)
    try:
        explicit = parse_mapping(mapping) if isinstance(mapping, str) else dict(mapping or {})
    except ValueError as exc:
        result.fatal, result.fatal_field = str(exc).rstrip("。"), "mapping"
        return result
    try:
        if table is None:
            table = read_table(data, filename, max_bytes=settings.HOTLINE_MAX_UPLOAD_MB * 1024 * 1024,
                               header_score=header_score)
    except (TableError, ValueError) as exc:
        result.fatal = str(exc).rstrip("。")
        return result
    sheet = f"读取的是工作表“{table.sheet}”（文件共有 {len(table.sheets)} 个工作表）" if len(table.sheets) > 1 else ""
    if sheet:
        result.warnings.append(sheet)
    header, rows = split_header(table.rows, header_score)
    if not header:
        result.fatal = "文件中没有任何内容" + (f"（{sheet}）" if sheet else "")
        return result
    col_map = resolve_mapping(header, explicit)
    if col_map.errors:
        result.fatal = "；".join(col_map.errors) + (f"（{sheet}）" if sheet else "")
        if col_map.mapping_errors == len(col_map.errors):
            result.fatal_field = "mapping"  # the file is fine: the mapping names what it has not
        return result
    if not rows:
        result.fatal = "文件只有表头，没有数据行"
        return result
    report = validate_rows(rows, col_map, model_max_lengths())
    scope = importable_area_ids(actor)
    if scope is not None:
        denied = _outside(report.rows, scope, col_map)
        if denied:
            bad = {e.row for e in denied}
            report = replace(report, rows=tuple(r for r in report.rows if r.row not in bad),
                             errors=tuple(sorted((*report.errors, *denied), key=lambda e: e.row)))
    result.errors, result.total = report.errors, report.total
    result.skipped = len(report.bad_rows)
    if report.errors and not partial:
        return result

    existing = _existing(r.order_no for r in report.rows)
    new_rows, changed_rows = [], []
    for r in report.rows:
        before = existing.get(r.order_no)
        if before is None:
            new_rows.append(r)
        elif before[1] != _values(r):
            changed_rows.append((before[0], r, before[1]))
        else:
            result.unchanged += 1
    result.created, result.updated = len(new_rows), len(changed_rows)
    result.ok = True
    if dry_run:
        return result

    to_locate = [r for r in new_rows] + [r for _pk, r, old in changed_rows if _place_changed(r, old)]
    places = _locate_all(to_locate)
    result.attempted_location = len(to_locate)
    result.located = sum(1 for p in places.values() if p is not None)
    try:
        batch = _write(data=data, filename=filename, actor=actor, source=source, report=report, result=result,
                       new_rows=new_rows, changed_rows=changed_rows, places=places)
    except IntegrityError:
        # Another import saved some of these order numbers since they were compared.
        result.ok = False
        result.fatal = "保存时发现工单编号已被同时进行的另一次导入写入，本次未导入任何数据，请重新导入"
        return result
    result.batch_id = batch.pk
    return result


def _write(*, data, filename, actor, source, report, result, new_rows, changed_rows, places) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), source=source,
            imported_by=actor if getattr(actor, "pk", None) else None, partial=bool(report.errors),
            total=result.total, created=result.created, updated=result.updated, unchanged=result.unchanged,
            skipped=result.skipped, located=result.located,
            errors=[e.text for e in report.errors[:MAX_REPORTED_ERRORS]])
        units = _units()
        touched: list[int] = []
        fresh = [_complaint(r, batch, units, places.get(r.order_no)) for r in new_rows]
        Complaint.objects.bulk_create(fresh, batch_size=1000)
        touched += [c.pk for c in fresh]
        if changed_rows:
            objs = Complaint.objects.in_bulk([pk for pk, _r, _old in changed_rows])
            update = []
            for pk, r, old in changed_rows:
                c = objs[pk]
                _fill(c, r, batch, units)
                if _place_changed(r, old):
                    _set_place(c, places.get(r.order_no))
                c.updated_at = timezone.now()
                update.append(c)
            Complaint.objects.bulk_update(update, [*_MODEL_FIELDS, "unit_area", "unit_agency", "batch", "geom",
                                                   "location_precision", "location_uncertainty_m", "segment",
                                                   "area", "problem", "updated_at"], batch_size=1000)
            touched += [c.pk for c in update]
        located_ids = [pk for pk in touched if pk is not None]
        complaints_link_nearest(located_ids)
        audit.record(actor=actor, verb=Verb.IMPORTED, subject=batch, after={
            "filename": filename[:255], "total": result.total, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "skipped": result.skipped, "located": result.located,
            "attempted_location": result.attempted_location, "partial": bool(report.errors)})
    return batch


_MODEL_FIELDS = COMPARED
# Row field → the model field it is saved in, for the text fields whose column has a width.
_TEXT_FIELDS = {"order_no": "order_no", "address": "address", "category": "category", "unit": "unit_name",
                "team": "team_name", "handler": "handler_name"}


def model_max_lengths() -> dict[str, int]:
    """The longest text each field may hold, read from the model (validation's MAX_LENGTHS
    for the rest): a widened or narrowed column changes the check with it."""
    return {key: Complaint._meta.get_field(name).max_length for key, name in _TEXT_FIELDS.items()}


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _values(r: OrderRow) -> tuple:
    return (_aware(r.received_at), r.content, r.address, r.category, r.unit, r.team, r.handler,
            r.responded, r.resolved, r.satisfied, r.callback, r.difficult)


def _place_changed(r: OrderRow, old: tuple) -> bool:
    return (r.address, r.content) != (old[2], old[1])


def _existing(order_numbers) -> dict[str, tuple[int, tuple]]:
    numbers = list(order_numbers)
    out: dict[str, tuple[int, tuple]] = {}
    for i in range(0, len(numbers), 5000):
        for row in Complaint.objects.filter(order_no__in=numbers[i:i + 5000]).values_list("order_no", "pk", *COMPARED):
            out[row[0]] = (row[1], tuple(row[2:]))
    return out


def _outside(rows, scope: set[int], mapping) -> list[RowError]:
    """The rows an importer whose offices are `scope` may not write: an order already saved
    for an office outside it, or a 承办单位 that is no office of it (a unit the platform does
    not know is the district's)."""
    areas, _agencies = _units()
    agency_areas = _agency_areas()
    owners: dict[str, tuple[str, int | None]] = {}
    numbers = [r.order_no for r in rows]
    for i in range(0, len(numbers), 5000):
        for no, unit, area, agency_area in (Complaint.objects.filter(order_no__in=numbers[i:i + 5000])
                                            .values_list("order_no", "unit_name", "unit_area_id",
                                                         "unit_agency__area_id")):
            owners[no] = (unit, area or agency_area)
    out = []
    for r in rows:
        key = match_key(r.unit)
        if r.order_no in owners and owners[r.order_no][1] not in scope:
            out.append(RowError(r.row, mapping.header_of("order_no"),
                                f"该工单已由辖区外的“{owners[r.order_no][0]}”承办，您无权修改", r.order_no))
        elif (areas.get(key) or agency_areas.get(key)) not in scope:
            out.append(RowError(r.row, mapping.header_of("unit"), "承办单位不在您的辖区内，您无权导入其工单",
                                r.unit[:60]))
    return out


def _agency_areas() -> dict[str, int]:
    out: dict[str, int] = {}
    for name, area in Agency.objects.filter(area__isnull=False).order_by("pk").values_list("name", "area_id"):
        out.setdefault(match_key(name), area)
    return out


def _units() -> tuple[dict[str, int], dict[str, int]]:
    """Subdistricts and agencies by their name's match_key: the export's 承办单位 may bracket
    or space a name otherwise than the platform does."""
    areas: dict[str, int] = {}
    for pk, name in Area.objects.filter(kind=AreaKind.SUBDISTRICT).order_by("pk").values_list("pk", "name"):
        areas.setdefault(match_key(name), pk)
    agencies: dict[str, int] = {}
    for pk, name in Agency.objects.order_by("pk").values_list("pk", "name"):
        agencies.setdefault(match_key(name), pk)
    return areas, agencies


def _fill(c: Complaint, r: OrderRow, batch: ImportBatch, units) -> None:
    areas, agencies = units
    c.order_no, c.received_at, c.content, c.address, c.category = (
        r.order_no, _aware(r.received_at), r.content, r.address, r.category)
    c.unit_name, c.team_name, c.handler_name = r.unit, r.team, r.handler
    c.responded, c.resolved, c.satisfied, c.callback, c.difficult = (
        r.responded, r.resolved, r.satisfied, r.callback, r.difficult)
    c.unit_area_id, c.unit_agency_id = areas.get(match_key(r.unit)), agencies.get(match_key(r.unit))
    c.batch = batch


def _complaint(r: OrderRow, batch: ImportBatch, units, place) -> Complaint:
    c = Complaint()
    _fill(c, r, batch, units)
    _set_place(c, place)
    return c


def _set_place(c: Complaint, place) -> None:
    c.area_id = None
    c.problem_id = None
    if place is None:
        c.geom, c.location_precision, c.location_uncertainty_m, c.segment_id = None, "", None, None
    else:
        c.geom, c.location_precision, c.location_uncertainty_m, c.segment_id, c.area_id = place


def _locate_all(rows: list[OrderRow]) -> dict[str, tuple | None]:
    """order number → (point, precision, uncertainty, segment id, subdistrict id) or None.

    The address is tried first, then the complaint's text (callers often say the place only
    there); a point outside the subdistrict the text or the responsible unit names is not
    taken (hotline.domain.addresses.place_consistent)."""
    if not rows:
        return {}
    from geodata.geocoding import locate, network_index

    index = network_index()
    limit = settings.HOTLINE_LOCATED_MAX_UNCERTAINTY_M
    out: dict[str, tuple | None] = {}
    for r in rows:
        out[r.order_no] = None
        for text in (*location_candidates(r.address), *location_candidates(r.content)):
            located = locate(text[:300], index=index)
            res = located.result
            if (res is None or res.point is None or res.precision in ("none", "area")
                    or res.uncertainty_m is None or res.uncertainty_m > limit):
                continue
            area = index.area_covering(res.point, AreaKind.SUBDISTRICT)
            if not place_consistent(expected_subdistrict(located.parsed.subdistrict, r.unit),
                                    area.name if area else None):
                continue
            out[r.order_no] = (Point(res.point.x, res.point.y, srid=settings.STORAGE_SRID), res.precision,
                               round(res.uncertainty_m, 1), res.segment_id, area.id if area else None)
            break
    return out
