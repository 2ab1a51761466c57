"""An edit of the network in the admin reaches the location language's index without any
request building an index: on a network that is slow to index (a district's, seconds),
the request that notices the edit is answered at once with the index it has, a background
thread builds the new one and swaps it in, and the requests after that see the edit.

The demo network indexes in milliseconds, so these tests tell the module that its last
build took 30 s (`_cache["build_s"]`), as a district's would, and count the builds and
the threads that made them."""
import threading

import pytest
from django.contrib.gis.geos import LineString as GeosLineString

from geodata import geocoding
from geodata.geocoding import to_wgs84_lonlat
from geodata.models import Road, RoadSegment

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


def test_a_road_renamed_in_the_admin_is_located_after_a_background_swap(admin_client, client, slow_index):
    road = Road.objects.get(name="清华东路")
    text = "学院路与清华东路乙交叉路口向南50米"
    before = client.get("/api/v1/locate", {"q": text}).json()["properties"]
    assert before["parse"]["road_b"] == "清华东路乙"
    assert before["steps"][0].startswith("道路名“清华东路乙”按相似度匹配")  # not yet a road of that name

    _post_admin(admin_client, f"/admin/geodata/road/{road.pk}/change/", name="清华东路乙")
    answered = client.get("/api/v1/locate", {"q": text})  # notices the edit, answers at once
    assert answered.status_code == 200
    assert slow_index == [] or all(name == "network-index" for name in slow_index)
    _swap_done()

    after = client.get("/api/v1/locate", {"q": text}).json()["properties"]
    assert after["road"] == "学院路" and after["precision"] == "offset"
    assert not any("相似度" in step for step in after["steps"])  # matched exactly now
    assert after["intersection_id"] is not None
    # one build, and not in a request's thread
    assert slow_index == ["network-index"]


def test_a_segment_reshaped_in_the_admin_is_described_after_a_background_swap(admin_client, client, slow_index):
    # A point 40 m to the side of the middle of a segment; the admin then bends the segment
    # through it (start, the point, end), and the describer must put the point on that road.
    seg = (RoadSegment.objects.filter(road__name="清华东路", length_m__gt=100).order_by("id").first())
    assert seg is not None
    start, end = seg.geom.coords[0], seg.geom.coords[-1]
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = (dx * dx + dy * dy) ** 0.5
    px, py = mx - dy / norm * 40.0, my + dx / norm * 40.0  # 40 m to the left of the segment
    from shapely.geometry import Point

    lon, lat = to_wgs84_lonlat(Point(px, py))
    before = client.get("/api/v1/describe", {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}).json()["properties"]
    assert before["distance_to_road_m"] is None or before["distance_to_road_m"] > 5.0

    bent = GeosLineString([start, (px, py), end], srid=seg.geom.srid)
    _post_admin(admin_client, f"/admin/geodata/roadsegment/{seg.pk}/change/", geom=bent.ewkt)
    assert client.get("/api/v1/describe", {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}).status_code == 200
    _swap_done()

    after = client.get("/api/v1/describe", {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}).json()["properties"]
    assert after["road_id"] == seg.road_id
    assert after["distance_to_road_m"] < 1.0  # on the bent segment now
    assert slow_index == ["network-index"]


def test_without_an_edit_no_request_builds(client, slow_index):
    for _ in range(3):
        assert client.get("/api/v1/locate", {"q": "学院路与清华东路交叉路口向南50米"}).status_code == 200
    assert slow_index == [] and geocoding._cache.get("rebuilding") is None
