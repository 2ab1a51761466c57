"""Odd input to the public geodata endpoints is a client error or an answer, never a server
error: empty, over-long, NUL, control characters, lone surrogates, absurd distances and
coordinates, world-sized or far-away boxes (the cases a review tried)."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("qs", [
    "", "q=", "q=%20%20", "q=" + "学" * 301, "q=" + "学" * 300, "q=a%00b", "q=%F0%9F%98%80", "q=%F0%9F%98%80学院路",
    "q=学院路%01", "q=%ED%A0%80", "q=%FF%FE", "q=学院路&parse_only=1",
    "q=学院路与清华东路交叉口向南99999999999999999999米", "q=学院路与清华东路交叉口向南1e308米",
    "q=学院路与清华东路交叉口向南-50米", "q=学院路123456789012345678901234567890号", "q=" + "学院路与" * 70,
    "q=" + "向南50米" * 50, "q=" + "（" * 290,
])
def test_locate_answers_or_refuses(client, qs):
    client.raise_request_exception = False
    assert client.get("/api/v1/locate?" + qs).status_code in (200, 400)


@pytest.mark.parametrize("qs", ["lat=39.99&lon=116.34", "lat=nan&lon=116.3", "lat=0&lon=0", "lat=-90&lon=180",
                                "lat=90&lon=-180", "lat=1e400&lon=1", "lat=39.99&lon=116.34&landmark=1"])
def test_describe_answers_or_refuses(client, qs):
    client.raise_request_exception = False
    assert client.get("/api/v1/describe?" + qs).status_code in (200, 400, 422)


@pytest.mark.parametrize("qs", ["bbox=-180,-90,180,90", "bbox=116.3,39.9,116.4,40.1&kind=grid&kind=foo",
                                "bbox=0,0,0.0001,0.0001", "bbox=179,89,180,90", "kind=district"])
@pytest.mark.parametrize("layer", ["roads", "intersections", "areas"])
def test_layers_answer_or_refuse(client, qs, layer):
    client.raise_request_exception = False
    assert client.get(f"/api/v1/{layer}/?" + qs).status_code in (200, 400, 422)
