"""Importing administrative areas from GeoJSON, with datum conversion."""
import json

import pytest
import shapely
from django.core.management import CommandError, call_command

from geodata.importers.areas import AreaReadError, read_areas
from geodata.models import Area, AreaKind
from geodata.services.geometry import to_wgs84

pytestmark = pytest.mark.django_db


def test_demo_districts_are_a_tree_root_with_codes():
    haidian = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    assert haidian.name == "海淀区" and haidian.parent is None
    assert Area.objects.filter(kind=AreaKind.DISTRICT).count() == 16


def test_generated_demo_areas_say_so():
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    assert sub.generated and "生成" in sub.source
    assert sub.parent.code == "110108"
    grids = Area.objects.filter(kind=AreaKind.GRID, parent=sub)
    assert grids.count() > 10
    assert all(g.generated and "生成" in g.source for g in grids)


def test_gcj02_file_imports_to_the_same_place_as_its_wgs84_twin(fixtures_dir):
    call_command("import_areas", str(fixtures_dir / "boundaries" / "fengtai_district_boundary_gcj02.geojson"),
                 "--kind", "district", "--name-field", "name", "--code-field", "adcode", "--crs", "gcj02")
    imported = to_wgs84(Area.objects.get(kind=AreaKind.DISTRICT, code="110106").geom)
    (twin,) = read_areas(fixtures_dir / "boundaries" / "fengtai_district_boundary_wgs84.geojson",
                         name_field="name", code_field="adcode")
    # The WGS84 twin was rounded to 7 decimals (≈1 cm); the converted polygon must match it.
    assert shapely.hausdorff_distance(imported, twin.geom) < 1e-6


def test_area_import_is_idempotent(fixtures_dir, capsys):
    path = str(fixtures_dir / "boundaries" / "beijing_districts_wgs84.geojson")
    args = ("import_areas", path, "--kind", "district", "--name-field", "name", "--code-field", "adcode")
    call_command(*args)
    capsys.readouterr()
    call_command(*args)
    assert "新增 0，更新 0，删除 0，未变 16" in capsys.readouterr().out


def test_subdistrict_finds_its_parent_by_overlap(tmp_path):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": "测试街道"},
          "geometry": {"type": "Polygon", "coordinates": [[[116.30, 39.96], [116.32, 39.96], [116.32, 39.98],
                                                           [116.30, 39.98], [116.30, 39.96]]]}}]}
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    call_command("import_areas", str(path), "--kind", "subdistrict", "--name-field", "n")
    assert Area.objects.get(name="测试街道").parent.name == "海淀区"


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "不是有效的 GeoJSON"),
    ('{"type": "FeatureCollection", "features": []}', "没有要素"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": 1}, '
     '"geometry": {"type": "Point", "coordinates": [116, 40]}}]}', "没有名称字段 'n'"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": "甲"}, '
     '"geometry": {"type": "Point", "coordinates": [116, 40]}}]}', "需要 Polygon"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": "甲"}, '
     '"geometry": {"type": "Polygon", "coordinates": [[[440000, 4420000], [441000, 4420000], '
     '[441000, 4421000], [440000, 4420000]]]}}]}', "不是经纬度"),
])
def test_bad_boundary_files_give_clear_errors_and_change_nothing(tmp_path, content, message):
    before = Area.objects.count()
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", str(path), "--kind", "subdistrict", "--name-field", "n")
    assert Area.objects.count() == before


def test_area_outside_any_parent_is_refused(tmp_path):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": "海上街道"},
          "geometry": {"type": "Polygon", "coordinates": [[[121, 30], [121.1, 30], [121.1, 30.1], [121, 30]]]}}]}
    path = tmp_path / "far.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    with pytest.raises(CommandError, match="找不到包含它的上级区划"):
        call_command("import_areas", str(path), "--kind", "subdistrict", "--name-field", "n")


def test_self_intersecting_polygon_is_repaired_with_a_warning():
    bowtie = shapely.Polygon([(116.30, 39.96), (116.32, 39.98), (116.32, 39.96), (116.30, 39.98), (116.30, 39.96)])
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "b.geojson"
        p.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"n": "蝴蝶"}, "geometry": shapely.geometry.mapping(bowtie)}]}))
        (rec,) = read_areas(p, name_field="n")
    assert rec.geom.is_valid and rec.warnings and "已自动修复" in rec.warnings[0]


def test_unknown_datum_is_refused(tmp_path):
    with pytest.raises(AreaReadError, match="未知坐标系"):
        read_areas(tmp_path / "x.geojson", name_field="n", crs="mars")
