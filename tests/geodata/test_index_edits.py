"""An edit of the network reaches the location language's index without any request
building an index: a small edit (a road renamed, a segment reshaped in the admin) is applied
to the index in place, from the rows the network change log names (`index_patches()`
counts it, `index_builds()` stays); the next locate or describe (within
NETWORK_INDEX_CHECK_S, 0.5 s on a server, 0 in tests) uses it. An edit the log cannot name
or that touches many rows (an import) rebuilds the index: at once on a network that
indexes fast, else in a background thread swapped in when done.

The demo network indexes in milliseconds, so these tests tell the module that its last
build took 30 s (`_cache["build_s"]`), as a district's would, and count the builds and
the threads that made them. A patched index must answer as one built from scratch: the
last tests compare them over texts and points after edits of every kind."""
import threading
from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString as GeosLineString
from django.contrib.gis.geos import MultiLineString as GeosMultiLineString
from django.contrib.gis.geos import Point as GeosPoint
from shapely.geometry import Point

from geodata import geocoding
from geodata.geocoding import to_wgs84_lonlat
from geodata.models import Intersection, Landmark, NetworkChange, Road, RoadSegment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_index(monkeypatch):
    """The demo district's index, built, and every later build recorded with the thread
    that made it; the network passes for one that takes 30 s to index."""
    from geodata.services.demo import demo_load

    demo_load()
    geocoding.network_index()
    monkeypatch.setitem(geocoding._cache, "build_s", 30.0)
    monkeypatch.delitem(geocoding._cache, "rebuilding", raising=False)  # an earlier test's thread
    threads: list[str] = []
    real = geocoding.build_index

    def counted():
        threads.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(geocoding, "build_index", counted)
    return threads


def _admin_form_data(client, url: str, **changes) -> dict:
    """The admin change form's own values (as test_admin.py sends them), with `changes`."""
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in data.items()}
    data = {k: (v.ewkt if hasattr(v, "ewkt") else v) for k, v in data.items()}  # with its SRID
    if isinstance(data.get("osm_way_ids"), list):
        data["osm_way_ids"] = ",".join(str(x) for x in data["osm_way_ids"])
    data.update(changes)
    for prefix in ("segments", "roadsegment_set"):  # a road's inline of segments, whichever name it has
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def _post_admin(client, url: str, **changes) -> None:
    r = client.post(url, _admin_form_data(client, url, **changes))
    assert r.status_code == 302, r.context and r.context["adminform"].form.errors


def _swap_done():
    thread = geocoding._cache.get("rebuilding")
    assert thread is not None, "no background rebuild was started"
    thread.join(120)
    assert not thread.is_alive()


def test_a_road_renamed_in_the_admin_is_located_by_the_next_request_without_a_rebuild(
        admin_client, client, slow_index):
    road = Road.objects.get(name="清华东路")
    text = "学院路与清华东路乙交叉路口向南50米"
    before = client.get("/api/v1/locate", {"q": text}).json()["properties"]
    assert before["parse"]["road_b"] == "清华东路乙"
    assert before["steps"][0].startswith("道路名“清华东路乙”按相似度匹配")  # not yet a road of that name
    builds, patches = geocoding.index_builds(), geocoding.index_patches()

    _post_admin(admin_client, f"/admin/geodata/road/{road.pk}/change/", name="清华东路乙")
    after = client.get("/api/v1/locate", {"q": text}).json()["properties"]  # the very next request
    assert after["road"] == "学院路" and after["precision"] == "offset"
    assert not any("相似度" in step for step in after["steps"])  # matched exactly now
    assert after["intersection_id"] is not None
    old = client.get("/api/v1/locate", {"q": "学院路与清华东路交叉路口向南50米"}).json()["properties"]
    assert old["steps"][0].startswith("道路名“清华东路”按相似度匹配")  # the old name is gone
    # applied in place: no build, in this thread or another
    assert geocoding.index_builds() == builds and slow_index == []
    assert geocoding.index_patches() == patches + 1 and geocoding._cache.get("rebuilding") is None


def test_a_segment_reshaped_in_the_admin_is_described_by_the_next_request_without_a_rebuild(
        admin_client, client, slow_index):
    # A point 40 m to the side of the middle of a segment; the admin then bends the segment
    # through it (start, the point, end), and the describer must put the point on that road.
    seg = (RoadSegment.objects.filter(road__name="清华东路", length_m__gt=100).order_by("id").first())
    assert seg is not None
    start, end = seg.geom.coords[0], seg.geom.coords[-1]
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = (dx * dx + dy * dy) ** 0.5
    px, py = mx - dy / norm * 40.0, my + dx / norm * 40.0  # 40 m to the left of the segment
    lon, lat = to_wgs84_lonlat(Point(px, py))
    point = {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}
    before = client.get("/api/v1/describe", point).json()["properties"]
    assert before["distance_to_road_m"] is None or before["distance_to_road_m"] > 5.0
    builds, patches = geocoding.index_builds(), geocoding.index_patches()

    bent = GeosLineString([start, (px, py), end], srid=seg.geom.srid)
    _post_admin(admin_client, f"/admin/geodata/roadsegment/{seg.pk}/change/", geom=bent.ewkt)
    after = client.get("/api/v1/describe", point).json()["properties"]  # the very next request
    assert after["road_id"] == seg.road_id
    assert after["distance_to_road_m"] < 1.0  # on the bent segment now
    assert geocoding.index_builds() == builds and slow_index == []
    assert geocoding.index_patches() == patches + 1 and geocoding._cache.get("rebuilding") is None


def test_an_import_rebuilds_the_index_in_the_background(client, slow_index):
    """An import writes one log row per statement (a batch of hundreds of rows logs no ids)
    and changes more rows than an edit applied in place may: the index is rebuilt."""
    from geodata.services.demo import DEMO_OSM
    from geodata.services.network_import import network_import

    newest = NetworkChange.objects.order_by("-id").values_list("id", flat=True).first()
    builds, patches = geocoding.index_builds(), geocoding.index_patches()
    # the demo's roads again, a second source (on purpose: allowed)
    report = network_import(path=DEMO_OSM, source="另一来源", allow_overlap=True)
    logged = NetworkChange.objects.filter(id__gt=newest, table_name="geodata_roadsegment")
    assert report.segments.created > geocoding.PATCH_MAX_ROWS
    assert 1 <= logged.count() <= 3  # one row per statement, not one per segment
    assert client.get("/api/v1/locate", {"q": "学院路与清华东路交叉路口向南50米"}).status_code == 200
    _swap_done()
    assert slow_index == ["network-index"] and geocoding.index_patches() == patches
    assert geocoding.index_builds() == builds + 1


def test_without_an_edit_no_request_builds(client, slow_index):
    for _ in range(3):
        assert client.get("/api/v1/locate", {"q": "学院路与清华东路交叉路口向南50米"}).status_code == 200
    assert slow_index == [] and geocoding._cache.get("rebuilding") is None


# -- a patched index answers as a rebuilt one ------------------------------------------------

def _shifted(geom, dx, dy):
    return GeosLineString([(x + dx, y + dy) for x, y in geom.coords], srid=geom.srid)


def _bent(geom, by):
    (x0, y0), (x1, y1) = geom.coords[0], geom.coords[-1]
    return GeosLineString([(x0, y0), ((x0 + x1) / 2 + by, (y0 + y1) / 2 + by), (x1, y1)], srid=geom.srid)


def _edits():
    """Edits of every kind applied in place, each as the admin or a bulk update writes it:
    (what it is, the edit)."""
    def rename():
        Road.objects.filter(name="清华东路").update(name="清华东路乙")  # moves in the order by name

    def rename_to_another_roads_name():
        Road.objects.filter(name="学清路").update(name="学院路")  # two roads of one name now

    def reshape():
        seg = RoadSegment.objects.filter(road__name="科荟路").order_by("id").first()
        RoadSegment.objects.filter(pk=seg.pk).update(geom=_bent(seg.geom, 25.0))

    def delete_a_middle_segment():  # the road's line splits in two
        segs = list(RoadSegment.objects.filter(road__name="学院路").order_by("id"))
        segs[len(segs) // 2].delete()

    def move_a_segment():
        seg = RoadSegment.objects.filter(road__name="石板房南路").order_by("id").first()
        RoadSegment.objects.filter(pk=seg.pk).update(road=Road.objects.get(name="志新西路"))

    def leave_a_road_without_segments():  # still linked to its intersections, but not indexed
        RoadSegment.objects.filter(road__name="小月河东路").delete()

    def delete_a_road():  # its segments and road links go with it
        Road.objects.filter(name="石清路").delete()

    def add_a_road():
        seg = RoadSegment.objects.filter(road__name="茗悦路").order_by("id").first()
        geom = _shifted(seg.geom, 300.0, 0.0)
        road = Road.objects.create(key="t:1", source="t", name="新建路", name_normalized="新建路",
                                   highway="residential", geom=GeosMultiLineString([geom], srid=geom.srid),
                                   length_m=geom.length)
        RoadSegment.objects.create(key="t:1:0", source="t", road=road, geom=geom, length_m=geom.length,
                                   start_node=1, end_node=2, osm_way_id=1, highway="residential")
        inter = Intersection.objects.create(key="t:1", source="t", name="新建路与茗悦路交叉口",
                                            geom=GeosPoint(geom.coords[0], srid=geom.srid))
        inter.roads.set([road, Road.objects.get(name="茗悦路")])

    def edit_intersections():
        first, second, third = Intersection.objects.order_by("id")[:3]
        Intersection.objects.filter(pk=first.pk).update(name="甲乙交叉口")
        second.roads.remove(second.roads.order_by("id").first())
        third.delete()

    def edit_landmarks():
        first, second = Landmark.objects.filter(name__contains="大学").order_by("id")[:2]
        Landmark.objects.filter(pk=first.pk).update(name="新名大学")
        second.delete()
        Landmark.objects.create(key="n1", source="t", name="测试大厦", kind=first.kind,
                                geom=GeosPoint(first.geom.x + 200.0, first.geom.y, srid=first.geom.srid))

    return [(f.__name__, f) for f in (rename, rename_to_another_roads_name, reshape, delete_a_middle_segment,
                                      move_a_segment, leave_a_road_without_segments, delete_a_road, add_a_road, edit_intersections,
                                      edit_landmarks)]


def _texts() -> list[str]:
    """Texts naming the network as it is now: intersections with offsets, sides, names a
    character off (similar), 辅路, landmarks; and the labelled dev lines."""
    from django.conf import settings

    from geodata.location.evaluate import load_records

    texts = [r["text"] for r in load_records(Path(settings.BASE_DIR) / "fixtures" / "locations_dev.jsonl")]
    dirs = "东南西北"
    for k, inter in enumerate(Intersection.objects.order_by("id").prefetch_related("roads")):
        names = [r.name for r in inter.roads.all()]
        if len(names) >= 2:
            texts += [f"{names[0]}与{names[1]}交叉路口向{dirs[k % 4]}{30 + 20 * (k % 5)}米",
                      f"{names[1]}与{names[0]}交叉口"]
    for k, name in enumerate(Road.objects.order_by("id").values_list("name", flat=True)):
        texts += [f"{name}{dirs[k % 4]}侧", f"{name}辅路", f"{name[:-2]}{name[-1]}"]
    for k, name in enumerate(Landmark.objects.order_by("id").values_list("name", flat=True)[:80]):
        texts += [f"{name}东门", f"{name}向{dirs[k % 4]}50米"]
    return texts


def _points() -> list[tuple[float, float]]:
    """WGS84 points: a grid over the network, and points beside every segment."""
    from django.contrib.gis.db.models import Extent

    x0, y0, x1, y1 = RoadSegment.objects.aggregate(e=Extent("geom"))["e"]
    pts = [Point(x0 + (x1 - x0) * i / 14, y0 + (y1 - y0) * j / 14) for i in range(15) for j in range(15)]
    for k, seg in enumerate(RoadSegment.objects.order_by("id")):
        (ax, ay), (bx, by) = seg.geom.coords[0], seg.geom.coords[-1]
        mid = ((ax + bx) / 2, (ay + by) / 2)
        pts.append(Point(mid[0] + (k % 7) * 3.0, mid[1] - (k % 5) * 3.0))
    return [to_wgs84_lonlat(p) for p in pts]


def _answers(index, texts, points) -> list:
    """The API's answer for each text and point; an error is an answer too (the same on
    both indexes: "林大北路东口向东50米" fails in `geocode._apply_side` on the demo as it is)."""
    out = []
    for t in texts:
        try:
            out.append(geocoding.located_feature(geocoding.locate(t, index=index)))
        except Exception as exc:  # noqa: BLE001 - compared, not hidden
            out.append(f"{t}: {exc!r}")
    for lon, lat in points:
        try:
            out.append(geocoding.described_feature(lon, lat, *geocoding.describe_point(lon, lat, index=index)))
        except Exception as exc:  # noqa: BLE001 - compared, not hidden
            out.append(f"{lon},{lat}: {exc!r}")
    return out


def _structure(index) -> dict:
    """What an index holds, as plain values."""
    import numpy as np

    return {
        "roads": [(r.id, r.name, r.name_normalized, r.highway, [ln.index for ln in r.lines])
                  for r in index.roads.values()],
        "lines": [(ln.index, ln.road_id, ln.highway, ln.role, ln.geom.wkb) for ln in index.lines],
        "reference": [ln.index for ln in index.reference_lines],
        "joins": {k: [(o.index, e) for o, e in v] for k, v in index.joins.items()},
        "by_name": dict(index.by_name), "similar": index.similar_names.keys,
        "intersections": [(i.id, i.name, i.point.wkb, i.road_ids) for i in index.intersections.values()],
        "of_road": {rid: [i.id for i in v] for rid, v in index.intersections_of_road.items() if v},
        "points_of_road": {rid: [p.wkb for p in v] for rid, v in index.intersection_points_of_road.items()},
        "segments": {rid: ids.tolist() for rid, ids in index.segment_ids.items()},
        "coords": {rid: (np.round(c, 6).tolist(), p.tolist()) for rid, (c, p) in index.segment_coords.items()},
        "landmarks": [(lm.id, lm.name, lm.point.wkb) for lm in index.landmarks],
        "landmark_names": index.landmark_names.keys,
    }


def test_edits_applied_in_place_answer_as_a_rebuilt_index(slow_index):
    """Each edit applied to the index in turn (a patch of a patch…), then the same answers
    as an index built from scratch: over every intersection, road and some landmarks named
    in texts, the dev lines, and points over the whole network."""
    before = geocoding.network_index()
    texts, points = _texts(), _points()
    assert _answers(before, texts, points) == _answers(geocoding.build_index(), texts, points)  # the baseline
    builds, patches = geocoding.index_builds(), geocoding.index_patches()
    for k, (what, edit) in enumerate(_edits(), start=1):
        edit()
        geocoding.network_index()
        assert geocoding.index_patches() == patches + k, what
    assert geocoding.index_builds() == builds and geocoding._cache.get("rebuilding") is None
    patched = geocoding.network_index()
    rebuilt = geocoding.build_index()
    assert _structure(patched) == _structure(rebuilt)
    texts, points = _texts(), _points()
    answers = _answers(patched, texts, points)
    assert answers == _answers(rebuilt, texts, points)
    assert answers != _answers(before, texts, points)  # the edits did change answers
    located = {a["properties"]["input"]: a["properties"] for a in answers[:len(texts)] if isinstance(a, dict)}
    sides = {t: a for t, a in located.items() if t.endswith("侧") and t[:-2] in ("新建路", "清华东路乙", "石清路")}
    assert {a["road"] for t, a in sides.items() if not t.startswith("石清路")} == {"新建路", "清华东路乙"}
    assert geocoding.locate("石清路东侧", index=before).result.road_name == "石清路"
    assert geocoding.locate("石清路东侧", index=patched).result.road_name != "石清路"  # deleted


def test_all_edits_at_once_are_applied_in_one_patch(slow_index):
    builds, patches = geocoding.index_builds(), geocoding.index_patches()
    for _, edit in _edits():
        edit()
    patched = geocoding.network_index()
    assert (geocoding.index_builds(), geocoding.index_patches()) == (builds, patches + 1)
    texts, points = _texts(), _points()
    rebuilt = geocoding.build_index()
    assert _structure(patched) == _structure(rebuilt)
    assert _answers(patched, texts, points) == _answers(rebuilt, texts, points)
