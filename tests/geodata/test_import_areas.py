"""Importing administrative areas from GeoJSON, with datum conversion."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command

from geodata.importers.areas import AreaReadError, read_areas
from geodata.models import Area, AreaKind
from geodata.services.geometry import to_storage, to_wgs84

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


SQUARE = [[[116.33, 39.99], [116.36, 39.99], [116.36, 40.01], [116.33, 40.01], [116.33, 39.99]]]
SMALL = [[[116.34, 39.995], [116.35, 39.995], [116.35, 40.005], [116.34, 40.005], [116.34, 39.995]]]
IN_XUEYUANLU = [[[116.345, 39.998], [116.350, 39.998], [116.350, 40.003], [116.345, 40.003], [116.345, 39.998]]]
IN_XUEYUANLU_2 = [[[116.351, 39.998], [116.356, 39.998], [116.356, 40.003], [116.351, 40.003], [116.351, 39.998]]]


def feature(props, coords):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": coords}}


def areas_file(tmp_path, features, name="a.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def state():
    return sorted(Area.objects.values_list("id", "kind", "name", "code", "parent_id"))


@pytest.mark.parametrize(("features", "message"), [
    ([None], "第 1 个要素不是 GeoJSON Feature"),
    ({"a": 1}, "features 不是列表"),
    ([feature({"n": "甲区"}, SQUARE), "x"], "第 2 个要素不是 GeoJSON Feature"),
    ([{"type": "Feature", "properties": ["n"], "geometry": None}], "第 1 个要素的 properties 不是对象"),
    ([feature({"n": "甲区"}, [[[116.3, 40], [116.4, 40], [116.4, 95], [116.3, 40.1], [116.3, 40]]])],
     "要素 甲区 的坐标超出经纬度范围"),
    ([feature({"n": "甲" * 101}, SQUARE)], "有 101 个字符，最长 100 个"),
    ([feature({"n": "甲区", "c": "1" * 41}, SQUARE)], "有 41 个字符，最长 40 个"),
    ([feature({"n": "新村区"}, SQUARE), feature({"n": "新村区"}, SMALL)], "第 1 个和第 2 个要素都叫 新村区"),
    ([feature({"n": "同名区", "c": "990001"}, SQUARE), feature({"n": "同名区", "c": "990002"}, SMALL)],
     "第 1 个和第 2 个要素都叫 同名区"),
    ([feature({"n": "甲区", "c": "990001"}, SQUARE), feature({"n": "乙区", "c": "990001"}, SMALL)],
     "第 1 个和第 2 个要素的代码都是 990001"),
])
def test_malformed_or_conflicting_features_are_refused_by_name(tmp_path, features, message):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    before = state()
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n", "--code-field", "c")
    assert state() == before


def test_a_source_longer_than_its_column_is_refused(tmp_path):
    with pytest.raises(CommandError, match="来源说明有 201 个字符，最长 200 个"):
        call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "甲区"}, SQUARE)])), "--kind", "district",
                     "--name-field", "n", "--source", "s" * 201)


def test_a_district_whose_code_changed_is_updated_not_doubled(tmp_path, capsys):
    args = ("--kind", "district", "--name-field", "n", "--code-field", "c")
    call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "改码区", "c": "990001"}, SQUARE)])), *args)
    call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "改码区", "c": "990009"}, SQUARE)], "b.geojson")),
                 *args)
    out = capsys.readouterr()
    assert list(Area.objects.filter(name="改码区").values_list("code", flat=True)) == ["990009"]
    assert "代码由 990001 改为 990009" in out.err and "新增 0，更新 1" in out.out


def test_a_subdistrict_whose_code_changed_is_updated(tmp_path):
    args = ("--kind", "subdistrict", "--name-field", "n", "--code-field", "c", "--parent", "110108")
    call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "测试街道", "c": "110108999"}, IN_XUEYUANLU)])),
                 *args)
    call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "测试街道", "c": "110108998"}, IN_XUEYUANLU)],
                                                "b.geojson")), *args)
    assert list(Area.objects.filter(name="测试街道").values_list("code", flat=True)) == ["110108998"]


def test_two_communities_of_one_name_under_one_subdistrict_are_refused(tmp_path):
    path = areas_file(tmp_path, [feature({"n": "同名社区", "c": "110108001001"}, IN_XUEYUANLU),
                                 feature({"n": "同名社区", "c": "110108001002"}, IN_XUEYUANLU_2)])
    with pytest.raises(CommandError, match="都叫 同名社区（上级：学院路街道）"):
        call_command("import_areas", str(path), "--kind", "community", "--name-field", "n", "--code-field", "c",
                     "--parent", "学院路街道")


def test_a_renamed_area_may_not_take_the_name_of_another(tmp_path):
    args = ("--kind", "district", "--name-field", "n", "--code-field", "c")
    call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "甲测区", "c": "990101"}, SQUARE),
                                                           feature({"n": "乙测区", "c": "990102"}, SMALL)])), *args)
    before = state()
    with pytest.raises(CommandError, match="已有 乙测区"):
        call_command("import_areas", str(areas_file(tmp_path, [feature({"n": "乙测区", "c": "990101"}, SQUARE)],
                                                    "b.geojson")), *args)
    assert state() == before


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.geojson"
    data = {"type": "FeatureCollection", "features": [feature({"n": "甲区"}, SQUARE)]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode())
    assert [r.name for r in read_areas(path, name_field="n")] == ["甲区"]


def test_a_parent_name_used_at_two_levels_must_be_given_by_code(tmp_path):
    haidian = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    Area.objects.create(kind=AreaKind.SUBDISTRICT, name="海淀区", parent=haidian, geom=haidian.geom)  # a 海淀 street
    path = areas_file(tmp_path, [feature({"n": "测试社区"}, IN_XUEYUANLU)])
    # a community hangs under a subdistrict: the district of that name is not a candidate
    call_command("import_areas", str(path), "--kind", "community", "--name-field", "n", "--parent", "海淀区")
    assert Area.objects.get(name="测试社区").parent.kind == AreaKind.SUBDISTRICT
    Area.objects.create(kind=AreaKind.SUBDISTRICT, name="海淀区", parent=Area.objects.get(code="110106"),
                        geom=haidian.geom)
    with pytest.raises(CommandError, match="有 2 个区划叫 '海淀区'.*请用代码指定上级"):
        call_command("import_areas", str(path), "--kind", "community", "--name-field", "n", "--parent", "海淀区")


def test_an_area_outside_the_parent_it_is_given_is_refused(tmp_path):
    # --parent named the parent, so nothing checked where the area lies: a 街道 in Shanghai
    # was put under 海淀区.
    shanghai = [[[121.00, 31.00], [121.01, 31.00], [121.01, 31.01], [121.00, 31.01], [121.00, 31.00]]]
    path = areas_file(tmp_path, [feature({"n": "测试街道"}, IN_XUEYUANLU), feature({"n": "上海街道"}, shanghai)])
    before = state()
    with pytest.raises(CommandError, match="第 2 个要素 上海街道 只有 0% 在上级区划 海淀区 内"):
        call_command("import_areas", str(path), "--kind", "subdistrict", "--name-field", "n", "--parent", "110108")
    assert state() == before


def test_an_area_partly_outside_the_parent_it_is_given_is_imported_with_a_warning(tmp_path, capsys):
    haidian = to_wgs84(Area.objects.get(kind=AreaKind.DISTRICT, code="110108").geom)
    # a box across 海淀区's eastern edge (it crosses latitude 39.99 at 116.3711), mostly inside
    across = shapely.box(116.355, 39.985, 116.375, 39.995)
    inside = across.intersection(haidian).area / across.area
    assert 0.6 < inside < 0.95
    path = tmp_path / "edge.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": "边界街道"}, "geometry": shapely.geometry.mapping(across)}]}),
        encoding="utf-8")
    call_command("import_areas", str(path), "--kind", "subdistrict", "--name-field", "n", "--parent", "110108")
    assert Area.objects.get(name="边界街道").parent.code == "110108"
    assert "边界街道 有" in capsys.readouterr().err


def test_a_directory_or_unreadable_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_areas", str(tmp_path), "--kind", "district", "--name-field", "n")


def test_deeply_nested_json_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.geojson"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 GeoJSON 文件.*嵌套"):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n")


@pytest.mark.parametrize(("encoding", "message"), [
    ("gbk", "不是 UTF-8 编码.*GBK.*另存为 UTF-8"),
    ("utf-16", "不是 UTF-8 编码.*UTF-16.*另存为 UTF-8"),
])
def test_a_file_in_another_encoding_says_which_and_what_to_do(tmp_path, encoding, message):
    path = tmp_path / "enc.geojson"
    data = {"type": "FeatureCollection", "features": [feature({"n": "甲区"}, SQUARE)]}
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n")


def test_a_shapefile_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "streets.shp"
    path.write_bytes(b"\x00\x00\x27\x0a" + b"\x00" * 96)
    with pytest.raises(CommandError, match="Shapefile.*转换为 GeoJSON"):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n")


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Polygon", "coordinates": []}, "要素 甲区 的几何为空"),
    (None, "要素 甲区 没有几何"),
])
def test_an_empty_or_missing_geometry_is_named_as_such(tmp_path, geometry, message):
    path = areas_file(tmp_path, [{"type": "Feature", "properties": {"n": "甲区"}, "geometry": geometry}])
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n")


def test_a_parent_redrawn_away_from_its_children_is_refused(tmp_path):
    # A file whose code column names 海淀区 on another district's polygon moved 海淀区 away and
    # left 学院路街道, its grids and the problems in them outside it, without a word.
    shanghai = [[[121.00, 31.00], [121.01, 31.00], [121.01, 31.01], [121.00, 31.01], [121.00, 31.00]]]
    path = areas_file(tmp_path, [feature({"n": "海淀区", "c": "110108"}, shanghai)])
    before = state()
    geom_before = Area.objects.get(kind=AreaKind.DISTRICT, code="110108").geom.ewkb
    with pytest.raises(CommandError, match="海淀区.*不再包含其下级区划 学院路街道（只有 0% 在其内）"):
        call_command("import_areas", str(path), "--kind", "district", "--name-field", "n", "--code-field", "c")
    assert state() == before
    assert Area.objects.get(kind=AreaKind.DISTRICT, code="110108").geom.ewkb == geom_before


def shapefile_as_geojson(tmp_path, features) -> Path:
    """A real Shapefile of `features` whose `code` field is numeric, as ArcGIS writes a Double
    (a DBF number of 19 digits, 11 of them decimals), converted to GeoJSON with ogr2ogr as the
    importer tells users to do (it reads GeoJSON only)."""
    source = areas_file(tmp_path, features, name="source.geojson")
    shp = tmp_path / "grids.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-sql",
                    'SELECT n, CAST(code AS numeric(19,11)) AS code FROM "source"', str(shp), str(source)],
                   check=True, capture_output=True)
    info = subprocess.run(["ogrinfo", "-al", "-so", str(shp)], check=True, capture_output=True, text=True).stdout
    assert "code: Real (19.11)" in info  # a numeric DBF field, not text
    out = tmp_path / "grids.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), str(shp)], check=True, capture_output=True)
    assert '"code": 990001.0' in out.read_text(encoding="utf-8")  # how the number arrives
    return out


@pytest.mark.skipif(not shutil.which("ogr2ogr"), reason="ogr2ogr (gdal-bin) is not installed")
def test_a_numeric_code_of_a_converted_shapefile_is_stored_as_the_integer_it_holds(tmp_path):
    path = shapefile_as_geojson(tmp_path, [feature({"n": "测试网格甲", "code": 990001}, IN_XUEYUANLU)])
    call_command("import_areas", str(path), "--kind", "grid", "--name-field", "n", "--code-field", "code")
    assert Area.objects.get(kind=AreaKind.GRID, name="测试网格甲").code == "990001"


@pytest.mark.skipif(not shutil.which("ogr2ogr"), reason="ogr2ogr (gdal-bin) is not installed")
def test_an_area_stored_with_a_float_code_gets_its_integer_code_when_imported_again(tmp_path, capsys):
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    Area.objects.create(kind=AreaKind.GRID, name="测试网格甲", code="990001.0", parent=sub, source="old",
                        geom=to_storage(shapely.MultiPolygon([shapely.Polygon(IN_XUEYUANLU[0])])))
    path = shapefile_as_geojson(tmp_path, [feature({"n": "测试网格甲", "code": 990001}, IN_XUEYUANLU)])
    call_command("import_areas", str(path), "--kind", "grid", "--name-field", "n", "--code-field", "code")
    assert list(Area.objects.filter(kind=AreaKind.GRID, name="测试网格甲").values_list("code", flat=True)) == ["990001"]
    assert "代码由 990001.0 改为 990001" in capsys.readouterr().err


@pytest.mark.parametrize(("code", "stored"), [
    (990001.0, "990001"),  # a DBF number read as a float
    (110108001001.0, "110108001001"),
    (990001, "990001"),
    ("990001.0", "990001.0"),  # text is kept as written
    ("  110108  ", "110108"),
    ("A-12", "A-12"),
])
def test_codes_are_read_as_text_and_integral_numbers_without_a_decimal_point(tmp_path, code, stored):
    path = areas_file(tmp_path, [feature({"n": "甲区", "c": code}, SQUARE)])
    (record,) = read_areas(path, name_field="n", code_field="c")
    assert record.code == stored
