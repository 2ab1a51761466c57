"""Problems stay on the road network when a re-import changes it under them."""
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from geodata.models import RoadSegment
from geodata.services.network_import import network_import
from patrol.models import Problem
from patrol.services import problems as problem_services

from .conftest import LAT, LON

pytestmark = pytest.mark.django_db

SOURCE = "beijing_haidian_xueyuanlu"


def _report(fixtures_dir):
    officer = get_user_model().objects.get(username="officer1")
    problem, _ = problem_services.problem_create(actor=officer, category_code="积存垃圾渣土", lon=LON, lat=LAT)
    assert problem.segment_id is not None and problem.measure_m is not None
    return problem


def _osm_without_way(fixtures_dir, tmp_path, way_id: int):
    tree = ET.parse(fixtures_dir / "osm" / f"{SOURCE}.osm")
    root = tree.getroot()
    way = next(w for w in root.findall("way") if int(w.get("id")) == way_id)
    root.remove(way)
    path = tmp_path / f"{SOURCE}.osm"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def test_a_problem_whose_segment_is_deleted_is_put_on_the_nearest_remaining_one(fixtures_dir, tmp_path, capsys):
    problem = _report(fixtures_dir)
    old = RoadSegment.objects.get(pk=problem.segment_id)
    path = _osm_without_way(fixtures_dir, tmp_path, old.osm_way_id)

    call_command("import_osm", str(path), "--source", SOURCE)

    assert not RoadSegment.objects.filter(pk=old.pk).exists()
    problem.refresh_from_db()
    if problem.segment_id is None:
        # nothing left within reach: no segment and no measure, never a dangling measure
        assert problem.measure_m is None
        assert not RoadSegment.objects.filter(geom__dwithin=(problem.geom, problem_services.RESNAP_M)).exists()
    else:
        seg = RoadSegment.objects.get(pk=problem.segment_id)
        assert seg.geom.distance(problem.geom) <= problem_services.RESNAP_M
        assert problem.measure_m == pytest.approx(seg.geom.project(problem.geom), abs=0.01)
        nearest = min(RoadSegment.objects.all(), key=lambda s: s.geom.distance(problem.geom))
        assert seg.geom.distance(problem.geom) == pytest.approx(nearest.geom.distance(problem.geom))
    assert "问题重新关联路段 1 个" in capsys.readouterr().out


def test_a_problem_on_a_moved_segment_gets_its_measure_again(fixtures_dir, tmp_path):
    problem = _report(fixtures_dir)
    seg = RoadSegment.objects.get(pk=problem.segment_id)
    before = problem.measure_m
    # Move the segment's way 3.3 m north (every node of it): its segments keep their keys
    # and ids, their geometry changes, and so does the measure of a point beside 学院路.
    tree = ET.parse(fixtures_dir / "osm" / f"{SOURCE}.osm")
    root = tree.getroot()
    way = next(w for w in root.findall("way") if int(w.get("id")) == seg.osm_way_id)
    refs = {nd.get("ref") for nd in way.findall("nd")}
    for node in root.findall("node"):
        if node.get("id") in refs:
            node.set("lat", f"{float(node.get('lat')) + 0.00003:.7f}")
    path = tmp_path / f"{SOURCE}.osm"
    tree.write(path, encoding="utf-8", xml_declaration=True)

    report = network_import(path=path, source=SOURCE)

    assert report.segments.updated >= 1
    problem.refresh_from_db()
    assert problem.segment_id is not None
    now = RoadSegment.objects.get(pk=problem.segment_id)
    assert problem.measure_m == pytest.approx(now.geom.project(problem.geom), abs=0.01)
    assert abs(problem.measure_m - before) > 1.0  # it was measured again, not left as it was


def test_a_reimport_that_changes_nothing_touches_no_problem(fixtures_dir):
    problem = _report(fixtures_dir)
    before = Problem.objects.values_list("segment_id", "measure_m", "updated_at").get(pk=problem.pk)
    report = network_import(path=fixtures_dir / "osm" / f"{SOURCE}.osm", source=SOURCE)
    assert not report.changed and report.notes == []
    assert Problem.objects.values_list("segment_id", "measure_m", "updated_at").get(pk=problem.pk) == before


def test_problems_are_put_back_on_their_own_road_not_merely_the_nearest():
    """Where roads run close (a footbridge over 学清路, a 辅路 beside it), a problem on one
    must not move to the other when its segment is re-measured."""
    from geodata.models import Area, AreaKind
    from geodata.services.geometry import to_wgs84
    from patrol.services.problems import problems_resnap

    admin = get_user_model().objects.get(username="admin")
    inside = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道").geom
    problems = []
    for seg in RoadSegment.objects.filter(geom__coveredby=inside).order_by("id")[:60]:
        for f in (0.25, 0.5, 0.75):
            p = to_wgs84(seg.geom.interpolate_normalized(f))
            problem, _ = problem_services.problem_create(actor=admin, category_code="积存垃圾渣土", lon=p.x, lat=p.y)
            problems.append(problem)
    before = dict(Problem.objects.filter(pk__in=[p.pk for p in problems])
                  .values_list("pk", "segment__road_id"))
    assert sum(1 for r in before.values() if r) > 100

    problems_resnap(segment_ids=list(RoadSegment.objects.values_list("id", flat=True)))

    after = dict(Problem.objects.filter(pk__in=before).values_list("pk", "segment__road_id"))
    moved = {pk: (before[pk], after[pk]) for pk in before if before[pk] and before[pk] != after[pk]}
    assert moved == {}
