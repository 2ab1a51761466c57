"""Reading administrative area boundaries from GeoJSON, and generating unit grids.

Pure (no Django). Boundary files from Chinese web maps are usually in GCJ-02 or BD-09;
the caller says which, and geometries are converted to WGS84 here.

>>> import json, tempfile, os
>>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
...       "properties": {"n": "甲区", "c": "1"},
...       "geometry": {"type": "Polygon", "coordinates": [[[116, 40], [116.1, 40], [116.1, 40.1], [116, 40]]]}}]}
>>> f = tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False); json.dump(fc, f); f.close()
>>> [(a.name, a.code, a.geom.geom_type) for a in read_areas(f.name, name_field="n", code_field="c")]
[('甲区', '1', 'MultiPolygon')]
>>> os.unlink(f.name)
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, box, shape
from shapely.validation import explain_validity

from ..datum import DATUMS, convert_geometry


class AreaReadError(Exception):
    """The boundary file cannot be used; the message says which feature and why."""


@dataclass(frozen=True)
class AreaRecord:
    name: str
    code: str
    geom: MultiPolygon  # WGS84
    warnings: tuple[str, ...] = field(default=())


def _as_multipolygon(geom) -> MultiPolygon | None:
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [p for part in geom.geoms if (m := _as_multipolygon(part)) is not None for p in m.geoms]
        return MultiPolygon(polys) if polys else None
    return None


def _check_lonlat(name: str, geom) -> None:
    """Every vertex of `geom` a longitude and latitude (the file's, before any datum conversion)."""
    xy = shapely.get_coordinates(geom)
    lon, lat = xy[:, 0], xy[:, 1]
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if not bad.any():
        return
    x, y = xy[int(np.argmax(bad))]
    if int(bad.sum()) == len(xy) and np.isfinite(x) and np.isfinite(y):
        raise AreaReadError(f"要素 {name} 的坐标不是经纬度 ({x:.1f}, {y:.1f})；请先转换为 WGS84/GCJ-02/BD-09 经纬度")
    raise AreaReadError(f"要素 {name} 的坐标超出经纬度范围：{int(bad.sum())} 个顶点越界，如 ({x}, {y})"
                        "（经度须在 -180 至 180，纬度须在 -90 至 90 之间）")


# The first bytes of files that are boundaries, but not GeoJSON.
_OTHER_FORMATS = (
    (b"\x00\x00\x27\x0a", "Shapefile (.shp)"),
    (b"PK\x03\x04", "ZIP 压缩包（如打包的 Shapefile）"),
)


def _read_json(path: Path):
    """The file's JSON, or an error that says what the file is instead and what to do."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise AreaReadError(f"文件不存在: {path}") from exc
    except OSError as exc:  # a directory, no permission, an I/O error
        raise AreaReadError(f"无法读取 {path}: {exc.strerror or exc}") from exc
    for magic, what in _OTHER_FORMATS:
        if raw.startswith(magic):
            raise AreaReadError(f"{path.name} 是 {what}，不是 GeoJSON：请先转换为 GeoJSON"
                                "（如 ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.shp）")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AreaReadError(f"{path.name} 不是 UTF-8 编码（是 UTF-16）：GeoJSON 须为 UTF-8，请另存为 UTF-8")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark is allowed
    except UnicodeDecodeError as exc:
        try:
            raw.decode("gbk")
            guess = "，像是 GBK/GB2312"
        except UnicodeDecodeError:
            guess = ""
        raise AreaReadError(f"{path.name} 不是 UTF-8 编码（第 {exc.start + 1} 个字节起{guess}）："
                            "GeoJSON 须为 UTF-8，请另存为 UTF-8") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AreaReadError(f"{path.name} 不是有效的 GeoJSON 文件: 第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}") from exc
    except RecursionError as exc:
        raise AreaReadError(f"{path.name} 不是有效的 GeoJSON 文件: 数组或对象嵌套过深") from exc


def _code_text(value) -> str:
    """An area's code as text. A number with nothing after the point is the integer it holds: a
    Shapefile's numeric DBF field (ArcGIS's Double) converted to GeoJSON arrives as 990001.0, and
    stored as such it matched no code of the same area. Text is kept as written (stripped); no
    value, or 0 (a DBF number left empty), is no code.

    >>> _code_text(990001.0), _code_text(990001), _code_text(" 110108 "), _code_text("990001.0"), _code_text(None)
    ('990001', '990001', '110108', '990001.0', '')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value or "").strip()


def read_areas(path, *, name_field: str, code_field: str | None = None, crs: str = "wgs84") -> list[AreaRecord]:
    """Read every polygon feature of a GeoJSON file as an area in WGS84."""
    path = Path(path)
    if crs not in DATUMS:
        raise AreaReadError(f"未知坐标系 {crs!r}，可选: {', '.join(DATUMS)}")
    data = _read_json(path)
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") == "Feature" if isinstance(data, dict) else False:
        features = [data]
    if not features:
        raise AreaReadError(f"{path.name} 中没有要素 (需要 FeatureCollection)")
    if not isinstance(features, list):
        raise AreaReadError(f"{path.name} 的 features 不是列表，而是 {type(features).__name__}")
    records = []
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise AreaReadError(f"第 {i} 个要素不是 GeoJSON Feature（是 {json.dumps(feature, ensure_ascii=False)[:40]}）")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise AreaReadError(f"第 {i} 个要素的 properties 不是对象（是 {type(props).__name__}）")
        name = str(props.get(name_field) or "").strip()
        if not name:
            raise AreaReadError(f"第 {i} 个要素没有名称字段 {name_field!r}；可用字段: {', '.join(props) or '无'}")
        code = _code_text(props.get(code_field)) if code_field else ""
        if feature.get("geometry") is None:
            raise AreaReadError(f"要素 {name} 没有几何（geometry 为空或缺失）")
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AreaReadError(f"要素 {name} 的几何无法读取: {exc}") from exc
        if geom.is_empty:
            raise AreaReadError(f"要素 {name} 的几何为空（{geom.geom_type} 没有坐标）")
        multi = _as_multipolygon(geom)
        if multi is None or multi.is_empty:
            raise AreaReadError(f"要素 {name} 的几何是 {geom.geom_type}，需要 Polygon 或 MultiPolygon")
        _check_lonlat(name, multi)
        if crs != "wgs84":
            multi = convert_geometry(multi, crs, "wgs84")
        warnings = []
        if not multi.is_valid:
            reason = explain_validity(multi)
            repaired = _as_multipolygon(shapely.make_valid(multi))
            if repaired is None or repaired.is_empty:
                raise AreaReadError(f"要素 {name} 的几何无效且无法修复: {reason}")
            warnings.append(f"要素 {name} 的几何无效 ({reason})，已自动修复")
            multi = repaired
        records.append(AreaRecord(name=name, code=code, geom=multi, warnings=tuple(warnings)))
    return records


def regular_grid(area: MultiPolygon, *, cell_m: float, prefix: str) -> list[AreaRecord]:
    """Square cells of about `cell_m` metres covering `area` (WGS84), clipped to it.

    Used only to generate demonstration unit grids where no official grid exists; each
    record is named `{prefix}{row:02d}{col:02d}`.

    >>> cells = regular_grid(MultiPolygon([box(116.0, 40.0, 116.01, 40.005)]), cell_m=500, prefix="G")
    >>> len(cells), cells[0].name
    (3, 'G0101')
    """
    west, south, east, north = area.bounds
    lat0 = (south + north) / 2
    dlat = cell_m / 111_320.0
    dlon = cell_m / (111_320.0 * math.cos(math.radians(lat0)))
    rows = max(1, math.ceil((north - south) / dlat - 1e-9))
    cols = max(1, math.ceil((east - west) / dlon - 1e-9))
    out = []
    for r in range(rows):
        for c in range(cols):
            cell = box(west + c * dlon, north - (r + 1) * dlat, west + (c + 1) * dlon, north - r * dlat)
            piece = _as_multipolygon(cell.intersection(area))
            # Slivers under a tenth of a cell are dropped: a grid that small helps nobody.
            if piece is None or piece.is_empty or piece.area < 0.1 * cell.area:
                continue
            out.append(AreaRecord(name=f"{prefix}{r + 1:02d}{c + 1:02d}", code="", geom=piece))
    return out
