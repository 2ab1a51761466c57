"""Reading tracks from dedicated GPS devices: GPX 1.1 (and 1.0) and CSV, into WGS84 points.

Readers never raise on bad input: they return the points they could read and a list of
problems, each naming where it is (``第 12 行: 纬度超出范围``); a bad row is reported, not
silently dropped. A file without a single usable point is an error (`TrackRead.error`,
`TrackRead.raise_for_error`). The caller converts WGS84 to the storage CRS (`to_fixes`
takes any transformer) and flags the fixes (`fixes.flag_fixes`): duplicate timestamps, gaps
and jumps are not the reader's business.

GPX: every ``trkpt`` of every ``trk``/``trkseg`` (segments numbered from 0 across the file;
a new segment is where the device stopped recording, and the path breaks there: `to_fixes`),
with ``time``, ``ele``, ``hdop``, and speed / course / accuracy wherever a logger puts them
(GPX 1.0 elements, Garmin's ``TrackPointExtension``, plain ``<extensions><speed>``). GPX
times are UTC by the standard; a time without an offset is taken as UTC. Documents with a
DTD or entity declarations are refused (no entity expansion, no external fetch), which
is what defusedxml does.

CSV: a header row names the columns (time/timestamp/时间, lat/latitude/纬度,
lon/lng/longitude/经度, accuracy/hdop/精度, speed/速度 (m/s; ``speed_kmh`` in km/h),
course/heading/bearing/方向, segment); without one the columns are time, lat, lon. The
delimiter is found among ``, ; tab |``. Times are ISO 8601 with or without offset (a
naive time is Beijing time, Asia/Shanghai) or epoch seconds / milliseconds.

>>> r = read_csv("time,lat,lon\\n2024-05-01 08:00:00,39.99,116.35\\n2024-05-01 08:00:05,99,116.35\\n")
>>> r.points[0].t, r.problems
(1714521600.0, ('第 3 行: 纬度超出范围',))
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from xml.parsers import expat

import numpy as np

from .fixes import Fix, path_breaks

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
HDOP_TO_M = 5.0  # accuracy from HDOP: a typical user-equivalent range error of 5 m
MAX_PROBLEMS = 200


class TrackReadError(ValueError):
    """The file has no usable point; `problems` says why."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One point as read: UTC epoch seconds, WGS84 degrees, what the device said."""

    t: float
    lat: float
    lon: float
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading_deg: float | None = None
    segment_index: int = 0
    ele_m: float | None = None


@dataclass(frozen=True)
class TrackRead:
    """Points in file order and the problems met (in Chinese, for the person importing).

    >>> TrackRead((), ("第 2 行: 时间无法识别",)).error
    '文件中没有可用的轨迹点'
    """

    points: tuple[TrackPoint, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()  # an optional value ignored (``第 3 行: ele_m 无法识别，已忽略``): the point is kept

    @property
    def error(self) -> str | None:
        return None if self.points else "文件中没有可用的轨迹点"

    def raise_for_error(self) -> TrackRead:
        if self.error:
            raise TrackReadError((self.error, *self.problems))
        return self


# ---------------------------------------------------------------------------- values

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# Times a track can have: from the GPS epoch to 2100. Outside, a value is no time of a
# track (a unit misread, a year 1 or 58 756) and could not be stored.
T_FIRST, T_LAST = 315_964_800.0, 4_102_444_800.0  # 1980-01-06, 2100-01-01 (UTC)
# Epoch numbers by size: seconds until ~5138, then milli-, micro-, nanoseconds
_EPOCH_UNITS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))
# what spreadsheets write when they resave a time: 2024-5-1 8:00:00, 2024/5/1 8:00
_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$")


def parse_time(text: str, *, naive_tz=BEIJING) -> float:
    """UTC epoch seconds from ISO 8601 (naive: `naive_tz`; also spreadsheets' unpadded
    ``2024-5-1 8:00:00``) or epoch seconds / milli- / micro- / nanoseconds (told apart
    by size). A time outside 1980–2100 is a ValueError.

    >>> parse_time("2024-05-01T00:00:00Z"), parse_time("2024-05-01 08:00:00"), parse_time("1714521600000")
    (1714521600.0, 1714521600.0, 1714521600.0)
    >>> parse_time("2024/05/01 08:00:00+08:00"), parse_time("2024-5-1 8:00:00"), parse_time("1714521600000000")
    (1714521600.0, 1714521600.0, 1714521600.0)
    """
    s = text.strip()
    if not s:
        raise ValueError("empty")
    if _NUMBER.match(s):
        v = float(s)
        if not math.isfinite(v):
            raise ValueError("not finite")
        v = next((v / div for size, div in _EPOCH_UNITS if abs(v) >= size), v)
    else:
        s = s.replace("/", "-")
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            m = _LOOSE.match(s)
            if not m:
                raise
            y, mo, d, h, mi, sec, frac = m.groups()
            dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0),
                          int((frac or "0").ljust(6, "0")))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=naive_tz)
        v = dt.timestamp()
    if not T_FIRST <= v < T_LAST:
        raise ValueError("out of range")
    return v


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    s = text.strip()
    if not s:
        return None
    v = float(s)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def _check_position(lat: float | None, lon: float | None) -> str | None:
    if lat is None:
        return "缺少纬度"
    if lon is None:
        return "缺少经度"
    if not -90.0 <= lat <= 90.0:
        return "纬度超出范围"
    if not -180.0 <= lon <= 180.0:
        return "经度超出范围"
    if lat == 0.0 and lon == 0.0:
        return "坐标为 0,0（未定位）"
    return None


def _add(problems: list[str], text: str) -> None:
    if len(problems) < MAX_PROBLEMS:
        problems.append(text)
    elif len(problems) == MAX_PROBLEMS:
        problems.append("问题过多，其余未列出")


# ---------------------------------------------------------------------------- GPX

_SPEED = {"speed"}
_COURSE = {"course", "heading", "bearing"}
_ACCURACY = {"accuracy", "hacc", "horizontal_accuracy", "horizontalaccuracy"}
_HDOP = {"hdop"}


def read_gpx(data: bytes | str) -> TrackRead:
    """Track points of a GPX file, with problems named by line.

    >>> gpx = '''<?xml version="1.0"?>
    ... <gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk>
    ... <trkseg><trkpt lat="39.99" lon="116.35"><time>2024-05-01T00:00:00Z</time><hdop>2</hdop></trkpt></trkseg>
    ... <trkseg><trkpt lat="39.98" lon="116.35"><time>2024-05-01T00:10:00Z</time></trkpt>
    ... <trkpt lat="39.98"><time>2024-05-01T00:10:05Z</time></trkpt></trkseg>
    ... </trk></gpx>'''
    >>> r = read_gpx(gpx)
    >>> [(p.segment_index, p.accuracy_m) for p in r.points], r.problems
    ([(0, 10.0), (1, None)], ('第 5 行: 缺少经度',))
    >>> read_gpx('<!DOCTYPE gpx [<!ENTITY a "b">]><gpx/>').problems
    ('第 1 行: 拒绝含 DTD 或实体声明的 XML',)
    """
    problems: list[str] = []
    points: list[TrackPoint] = []
    notes: list[str] = []
    if isinstance(data, str):
        data = data.encode("utf-8")
    data, why = _as_expat_encoding(data)
    if why:
        return TrackRead((), (why,))
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    class Refused(Exception):
        pass

    def refuse(*_args):
        raise Refused

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse

    state = {"seg": -1, "in_seg": False, "pt": None, "text": [], "trk_seg_used": False}

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1].lower()

    def start(name, attrs):
        tag = local(name)
        if tag == "trk":
            state["trk_seg_used"] = False
        elif tag == "trkseg":
            state["seg"] += 1
            state["in_seg"] = True
            state["trk_seg_used"] = True
        elif tag == "trkpt":
            if not state["in_seg"] and not state["trk_seg_used"]:
                state["seg"] += 1  # a trkpt straight under trk (not valid GPX, but seen)
                state["trk_seg_used"] = True
            attrs = {local(k): v for k, v in attrs.items()}
            state["pt"] = {"line": parser.CurrentLineNumber, "lat": attrs.get("lat"), "lon": attrs.get("lon"),
                           "seg": max(state["seg"], 0)}
        state["text"] = []

    def end(name):
        tag = local(name)
        pt = state["pt"]
        if tag == "trkseg":
            state["in_seg"] = False
        elif tag == "trkpt" and pt is not None:
            _finish_gpx_point(pt, points, problems, notes)
            state["pt"] = None
        elif pt is not None:
            text = "".join(state["text"]).strip()
            if tag in ("time", "ele") or tag in _SPEED or tag in _COURSE or tag in _ACCURACY or tag in _HDOP:
                pt.setdefault(tag, text)
        state["text"] = []

    def chars(text):
        state["text"].append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except Refused:
        _add(problems, f"第 {parser.CurrentLineNumber} 行: 拒绝含 DTD 或实体声明的 XML")
    except expat.ExpatError as exc:
        _add(problems, f"第 {exc.lineno} 行: XML 格式错误（{expat.ErrorString(exc.code)}），其后的内容未读取")
    except (ValueError, RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
        _add(problems, f"文件无法读取: {exc.__class__.__name__}")
    if not points and not problems:
        _add(problems, "文件中没有 trkpt 轨迹点")
    return TrackRead(tuple(points), tuple(problems), tuple(notes))


_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def _as_expat_encoding(data: bytes) -> tuple[bytes, str | None]:
    """`data` in an encoding expat reads, and None; or why it cannot be read. Expat reads
    UTF-8, UTF-16 and Latin-1 only, while Chinese loggers declare ``GBK`` or ``GB2312``:
    such a document is decoded as declared (GB2312 and GBK as GB18030, their superset)
    and given to expat as UTF-8, its declaration rewritten.

    >>> _as_expat_encoding('<?xml version="1.0" encoding="GBK"?><gpx>巡查</gpx>'.encode("gbk"))
    (b'<?xml version="1.0" encoding="UTF-8"?><gpx>\\xe5\\xb7\\xa1\\xe6\\x9f\\xa5</gpx>', None)
    >>> _as_expat_encoding(b'<?xml version="1.0" encoding="KLINGON"?><gpx/>')[1]
    '不支持的文件编码 KLINGON，请另存为 UTF-8'
    """
    m = _DECLARED.match(data[:500])
    if m is None:
        return data, None
    declared = m.group(1).decode("ascii")
    name = declared.lower()
    if name in _EXPAT_ENCODINGS:
        return data, None
    codec = "gb18030" if name.replace("-", "").replace("_", "") in {"gbk", "gb2312", "cp936", "gb18030"} else name
    try:
        text = data.decode(codec)
    except LookupError:
        return data, f"不支持的文件编码 {declared}，请另存为 UTF-8"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return data, f"第 {line} 行: 文件内容不是声明的 {declared} 编码，请另存为 UTF-8"
    head = m.group(0).decode("ascii", "replace")
    declaration = head[head.index("<"):]
    fixed = declaration[: declaration.rindex(declared)] + "UTF-8" + declaration[declaration.rindex(declared) + len(declared):]
    return text.replace(declaration, fixed, 1).lstrip("\ufeff").encode("utf-8"), None


def _finish_gpx_point(pt: dict, points: list[TrackPoint], problems: list[str], notes: list[str]) -> None:
    where = f"第 {pt['line']} 行"
    try:
        lat, lon = _float(pt["lat"]), _float(pt["lon"])
    except ValueError:
        _add(problems, f"{where}: 坐标无法识别")
        return
    bad = _check_position(lat, lon)
    if bad:
        _add(problems, f"{where}: {bad}")
        return
    if not pt.get("time"):
        _add(problems, f"{where}: 缺少时间")
        return
    try:
        t = parse_time(pt["time"], naive_tz=UTC)
    except (ValueError, OverflowError, OSError):
        _add(problems, f"{where}: 时间无法识别")
        return
    extras = {}
    for key, names, scale in (("speed_mps", _SPEED, 1.0), ("heading_deg", _COURSE, 1.0),
                              ("accuracy_m", _ACCURACY, 1.0), ("hdop", _HDOP, HDOP_TO_M), ("ele_m", {"ele"}, 1.0)):
        raw = next((pt[n] for n in sorted(names) if n in pt), None)
        try:
            v = _float(raw)
        except ValueError:
            _add(notes, f"{where}: {key} 无法识别，已忽略")
            v = None
        extras[key] = None if v is None else v * scale
    accuracy = extras["accuracy_m"] if extras["accuracy_m"] is not None else extras["hdop"]
    points.append(TrackPoint(t, lat, lon, accuracy, extras["speed_mps"], extras["heading_deg"], pt["seg"],
                             extras["ele_m"]))


# ---------------------------------------------------------------------------- CSV

_COLUMNS = {
    "time": {"time", "timestamp", "datetime", "date_time", "utc", "gps_time", "time_utc", "时间", "定位时间", "采集时间"},
    "lat": {"lat", "latitude", "纬度"},
    "lon": {"lon", "lng", "long", "longitude", "经度"},
    "accuracy": {"accuracy", "acc", "accuracy_m", "horizontal_accuracy", "hacc", "精度", "定位精度"},
    "hdop": {"hdop"},
    "speed": {"speed", "speed_mps", "speed_m_s", "速度"},
    "speed_kmh": {"speed_kmh", "speed_km_h", "speed(km/h)", "速度(km/h)", "速度（km/h）"},
    "heading": {"course", "heading", "bearing", "direction", "方向", "航向"},
    "segment": {"segment", "seg", "segment_index", "trkseg", "段"},
}


def _column_of(name: str) -> str | None:
    key = name.strip().strip('"').lower().replace(" ", "_")
    for col, names in _COLUMNS.items():
        if key in names:
            return col
    return None


def _utf16(data: bytes) -> str | None:
    """The codec of UTF-16 text (Excel's "Unicode text"): by its BOM, or by the NUL bytes
    that ASCII characters leave on one side."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:2000]
    if len(head) >= 4 and head.count(b"\x00") >= len(head) // 4:
        return "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    wide = _utf16(data)
    if wide:
        try:
            return data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_csv(data: bytes | str) -> TrackRead:
    """Track points of a CSV file, with problems named by line.

    >>> text = "时间,纬度,经度,速度,方向\\n1714521600,39.99,116.35,1.3,90\\nabc,39.99,116.35,,\\n"
    >>> r = read_csv(text)
    >>> r.points, r.problems
    ((TrackPoint(t=1714521600.0, lat=39.99, lon=116.35, accuracy_m=None, speed_mps=1.3, heading_deg=90.0, segment_index=0, ele_m=None),), ('第 3 行: 时间无法识别',))
    """
    text = _decode(data) if isinstance(data, bytes) else data
    text = text.replace("\x00", "")
    problems: list[str] = []
    notes: list[str] = []
    points: list[TrackPoint] = []
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = max((",", ";", "\t", "|"), key=lambda d: first.count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if columns is None:
                named = {}
                for i, cell in enumerate(row):
                    col = _column_of(cell)
                    if col and col not in named:
                        named[col] = i
                if named:
                    columns = named
                    missing = [c for c in ("time", "lat", "lon") if c not in named]
                    if missing:
                        _add(problems, f"第 {line} 行: 表头缺少列 {', '.join(missing)}")
                        return TrackRead((), tuple(problems))
                    continue
                columns = {"time": 0, "lat": 1, "lon": 2}
                _add(problems, f"第 {line} 行: 没有表头，按 时间,纬度,经度 的顺序读取")
            _csv_row(row, line, columns, points, problems, notes)
    except csv.Error as exc:
        _add(problems, f"第 {reader.line_num} 行: CSV 格式错误（{exc}），其后的内容未读取")
    if not points and not problems:
        _add(problems, "文件中没有数据行")
    return TrackRead(tuple(points), tuple(problems), tuple(notes))


def _csv_row(row: list[str], line: int, columns: dict[str, int], points: list[TrackPoint], problems: list[str],
             notes: list[str]) -> None:
    where = f"第 {line} 行"

    def cell(col: str) -> str | None:
        i = columns.get(col)
        return row[i] if i is not None and i < len(row) else None

    try:
        lat, lon = _float(cell("lat")), _float(cell("lon"))
    except ValueError:
        _add(problems, f"{where}: 坐标无法识别")
        return
    bad = _check_position(lat, lon)
    if bad:
        _add(problems, f"{where}: {bad}")
        return
    raw_t = cell("time")
    if raw_t is None or not raw_t.strip():
        _add(problems, f"{where}: 缺少时间")
        return
    try:
        t = parse_time(raw_t)
    except (ValueError, OverflowError, OSError):
        _add(problems, f"{where}: 时间无法识别")
        return
    values: dict[str, float | None] = {}
    for col in ("accuracy", "hdop", "speed", "speed_kmh", "heading", "segment"):
        try:
            values[col] = _float(cell(col))
        except ValueError:
            _add(notes, f"{where}: {col} 无法识别，已忽略")
            values[col] = None
    accuracy = values["accuracy"] if values["accuracy"] is not None else (
        None if values["hdop"] is None else values["hdop"] * HDOP_TO_M)
    speed = values["speed"] if values["speed"] is not None else (
        None if values["speed_kmh"] is None else values["speed_kmh"] / 3.6)
    seg = values["segment"]
    segment = int(seg) if seg is not None and 0 <= seg < 2**31 else 0
    points.append(TrackPoint(t, lat, lon, accuracy, speed, values["heading"], segment))


# ---------------------------------------------------------------------------- both

def read_track(data: bytes | str, filename: str = "") -> TrackRead:
    """GPX or CSV, by the file name's ending or, failing that, by the content.

    >>> read_track("time,lat,lon\\n2024-05-01T00:00:00Z,39.9,116.3\\n", "a.csv").points[0].lat
    39.9
    """
    name = filename.lower()
    if name.endswith(".gpx"):
        return read_gpx(data)
    if name.endswith((".csv", ".txt", ".tsv")):
        return read_csv(data)
    head = data[:200].lstrip() if isinstance(data, bytes) else data[:200].lstrip().encode("utf-8", "replace")
    return read_gpx(data) if head.startswith((b"<", b"\xef\xbb\xbf<")) else read_csv(data)


def to_fixes(points: Sequence[TrackPoint], transformer: Callable[[np.ndarray, np.ndarray], tuple]) -> list[Fix]:
    """Fixes in the storage CRS: `transformer(lon_array, lat_array) -> (x_array, y_array)`
    (e.g. pyproj's ``Transformer.from_crs(4326, 4548, always_xy=True).transform``). A point
    whose track segment differs from the point before it in time starts a piece: the
    device stopped recording there, and coverage does not join the two.

    >>> p = [TrackPoint(1.7e9, 40.0, 116.0, 5.0), TrackPoint(1.7e9 + 5, 40.0, 116.0, 5.0, segment_index=1)]
    >>> to_fixes(p, lambda lon, lat: (lon * 1000, lat * 1000))[1]
    Fix(t=1700000005.0, x=116000.0, y=40000.0, accuracy_m=5.0, speed_mps=None, heading_deg=None, starts_piece=True)
    """
    if not points:
        return []
    lon = np.array([p.lon for p in points], dtype=float)
    lat = np.array([p.lat for p in points], dtype=float)
    x, y = transformer(lon, lat)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    starts = path_breaks(np.array([p.t for p in points], dtype=float),
                         np.array([p.segment_index for p in points], dtype=np.int64), np.ones(len(points), dtype=bool))
    return [Fix(p.t, float(x[i]), float(y[i]), p.accuracy_m, p.speed_mps, p.heading_deg, bool(starts[i]))
            for i, p in enumerate(points)]
