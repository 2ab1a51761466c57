"""Import a GPS track file (GPX or CSV, from a dedicated GPS device) as one member's fixes
of a shift. The file is read by the pure readers of shifts.domain.tracks_io, converted
from WGS84 to the storage CRS and stored like a tablet's batch (flagged, never dropped;
importing the same file again stores nothing). A row the reader cannot use is reported
with its row number; then nothing is stored, unless --keep-good."""
from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.errors import ServiceError
from shifts.models import FixBatch
from shifts.services.fixes import FLAG_LABELS, FixIn, track_import

FORMATS = ("gpx", "csv")
DEVICE_MAX = FixBatch._meta.get_field("device_id").max_length


def device_of(file: Path) -> str:
    """The default device name, the file's name, cut to what a batch stores (a long name
    keeps its start and its extension).

    >>> device_of(Path("a" * 120 + ".gpx")) == "a" * (DEVICE_MAX - 5) + "….gpx"
    True
    """
    name = file.name
    if len(name) <= DEVICE_MAX:
        return name
    tail = "…" + file.suffix[:10]
    return name[: DEVICE_MAX - len(tail)] + tail


def read_track(path: Path, fmt: str):
    """(TrackPoints, problems, notes) from shifts.domain.tracks_io, imported when needed
    (notes: optional values ignored; they do not stop the import)."""
    try:
        tracks_io = importlib.import_module("shifts.domain.tracks_io")
    except ImportError as exc:
        raise CommandError("轨迹读取模块 shifts.domain.tracks_io 尚不可用") from exc
    reader = getattr(tracks_io, f"read_{fmt}")
    result = reader(path.read_bytes())  # the reader finds the encoding (UTF-8, GBK …)
    if hasattr(result, "points"):
        return list(result.points), list(result.problems), list(getattr(result, "notes", ()))
    points, problems = result
    return list(points), list(problems), []


def to_fix(p) -> FixIn:
    try:
        t = p.t if isinstance(p.t, dt.datetime) else dt.datetime.fromtimestamp(float(p.t), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise CommandError(f"定位时间 {p.t} 无法换算（超出可表示的范围）") from exc
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)  # GPX times are UTC
    return FixIn(t=t, lat=float(p.lat), lon=float(p.lon), accuracy_m=p.accuracy_m, speed_mps=p.speed_mps,
                 heading_deg=p.heading_deg, trkseg=getattr(p, "segment_index", None))


def _reasons(r) -> str:
    """The flags of a batch's stored fixes, most first: 不在班次时段内 120，重复 3."""
    counts = sorted(getattr(r, "flag_counts", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return "，".join(f"{FLAG_LABELS.get(name, name)} {n}" for name, n in counts)


class Command(BaseCommand):
    help = "导入 GPX/CSV 轨迹文件为某班次某成员的定位点（有问题的行会逐行列出；默认全部不导入，--keep-good 只导入可用的行）"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--shift", type=int, required=True, help="班次编号")
        parser.add_argument("--officer", required=True, help="成员的登录用户名")
        parser.add_argument("--device", default="", help="设备名称（默认：文件名）")
        parser.add_argument("--format", choices=FORMATS, help="默认按扩展名")
        parser.add_argument("--keep-good", action="store_true", help="有问题的行跳过，其余照常导入")

    def handle(self, *args, file: Path, shift: int, officer: str, device="", format=None, keep_good=False,
               **options):
        if not file.is_file():
            raise CommandError(f"找不到文件 {file}")
        fmt = format or file.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(f"无法判断文件格式（{file.suffix}），请用 --format gpx|csv")
        points, problems, *notes = read_track(file, fmt)
        notes = notes[0] if notes else []
        for problem in problems:
            self.stderr.write(f"{file.name}: {problem}")
        for note in notes:
            self.stderr.write(f"{file.name}: {note}")
        if problems and not keep_good:
            raise CommandError(f"{len(problems)} 处问题，未导入任何定位点（--keep-good 可只导入可用的行）")
        if not points:
            raise CommandError("文件中没有可用的定位点")
        if len(device) > DEVICE_MAX:
            raise CommandError(f"设备名称过长（{len(device)} 个字符，最多 {DEVICE_MAX} 个）")
        try:
            with transaction.atomic():
                r = track_import(shift_id=shift, username=officer, device_id=device or device_of(file),
                                 fixes=[to_fix(p) for p in points])
                if r.stored and r.flagged == r.stored:  # nothing would count: not a success
                    raise CommandError(f"全部 {r.stored} 个定位点都被标记（{_reasons(r)}），不计入覆盖，未导入")
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if r.duplicate:
            self.stdout.write(f"该轨迹此前已导入（批次 {r.batch_id}），未重复存储")
        elif not r.stored:
            self.stdout.write(f"这些定位点此前已全部导入（批次 {r.batch_id} 未存储新的定位点）")
        else:
            self.stdout.write(f"已导入 {r.stored} 个定位点（批次 {r.batch_id}），其中 {r.flagged} 个被标记"
                              + (f"（{_reasons(r)}）" if r.flagged and r.flag_counts else "")
                              + (f"；{r.received - r.stored} 个此前已导入，未重复存储" if r.received > r.stored else "")
                              + ("" if r.flags_computed else "（定位质量判定模块不可用，未标记）")
                              + (f"；跳过 {len(problems)} 处有问题的行" if problems else ""))
