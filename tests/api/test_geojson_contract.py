"""The GeoJSON endpoints answer what /api/v1/schema/ says they answer.

Every response below is validated against the JSON Schema the OpenAPI document declares
for its operation, status and media type (`$ref`s resolved inside the document), so a key
a builder adds, drops or makes null without its shape in api/v1/geojson_shapes.py fails
here. The shapes are closed (additionalProperties false), which is what makes "adds" fail.
The second half holds the query parameters' schemas to the server: what a pattern allows,
the server takes (a 200, or a 422 when the well-formed request cannot be answered).
"""
import json
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from patrol.models import Category, Problem

pytestmark = pytest.mark.django_db

DOC = "urn:patrol:openapi"
LOCATED_TEXT = "学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾"
# A point on 学院路辅路 south of 清华东路 (the describe example of the README).
ON_NETWORK = {"lat": "39.99912", "lon": "116.34636"}
DEMO_BBOX = "116.34,39.99,116.365,40.015"  # the demo subdistrict and some margin
BASE_LON, BASE_LAT = 116.3463, 40.0035  # in 学院路街道, the jurisdiction of officer1


def _date_time(value) -> bool:
    """RFC 3339 date-time: a date, "T", a time and an offset (jsonschema's own checker
    needs a package that is not installed)."""
    if not isinstance(value, str):
        return True
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value and parsed.tzinfo is not None


FORMATS = FormatChecker()
FORMATS.checks("date-time")(_date_time)


def _openapi_30_to_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema (3.1 documents are JSON Schema already)."""
    if isinstance(node, list):
        return [_openapi_30_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_30_to_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    doc = json.loads(response.content)
    if doc["openapi"].startswith("3.0"):
        doc = _openapi_30_to_json_schema(doc)
    return doc


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def declared(openapi: dict, path: str, method: str, status: int, media: str) -> dict:
    """The schema the document declares for one response, as it is written there."""
    return openapi["paths"][path][method]["responses"][str(status)]["content"][media]["schema"]


def assert_conforms(openapi: dict, response, path: str, method: str = "get", status: int = 200,
                    media: str = "application/json") -> dict:
    """The response has the declared status and media type and its body the declared shape."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].split(";")[0] == media
    declared(openapi, path, method, status, media)  # declared at all (KeyError otherwise)
    registry = Registry().with_resource(DOC, Resource.from_contents(openapi, default_specification=DRAFT202012))
    pointer = _pointer("paths", path, method, "responses", str(status), "content", media, "schema")
    validator = Draft202012Validator({"$ref": f"{DOC}#/{pointer}"}, registry=registry, format_checker=FORMATS)
    body = json.loads(response.content)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return body


def names(response, field: str) -> bool:
    """Whether a problem+json answer names `field` (or an item of it: "status.1")."""
    return any(k == field or k.startswith(f"{field}.") for k in response.json()["errors"])


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


# -- the documents themselves -----------------------------------------------------------------
OPERATIONS = [
    ("/api/v1/roads/", "get", "application/json", "RoadCollection"),
    ("/api/v1/intersections/", "get", "application/json", "IntersectionCollection"),
    ("/api/v1/areas/", "get", "application/json", "AreaCollection"),
    ("/api/v1/locate", "get", "application/json", "LocatedFeature"),
    ("/api/v1/locate/batch", "post", "application/json", "LocatedCollection"),
    ("/api/v1/describe", "get", "application/json", "DescribedFeature"),
    ("/api/v1/problems/layer", "get", "application/geo+json", "ProblemCollection"),
]


def _walk(schema: dict, seen: set, components: dict):
    """Every object schema reachable from `schema` (through $ref, properties, items, oneOf …)."""
    ref = schema.get("$ref")
    if ref:
        if ref not in seen:
            seen.add(ref)
            yield from _walk(components[ref.rsplit("/", 1)[1]], seen, components)
        return
    if "properties" in schema:
        yield schema
        for sub in schema["properties"].values():
            yield from _walk(sub, seen, components)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _walk(schema[key], seen, components)
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _walk(sub, seen, components)


@pytest.mark.parametrize(("path", "method", "media", "component"), OPERATIONS)
def test_every_geojson_200_is_a_named_closed_shape(openapi, path, method, media, component):
    schema = declared(openapi, path, method, 200, media)
    assert schema == {"$ref": f"#/components/schemas/{component}"}
    assert list(openapi["paths"][path][method]["responses"]["200"]["content"]) == [media]
    components = openapi["components"]["schemas"]
    objects = list(_walk(schema, set(), components))
    assert len(objects) >= 3, "no Feature, geometry and properties shapes"
    for obj in objects:
        assert obj.get("additionalProperties") is False, obj
        assert all(p.get("type") or p.get("$ref") or p.get("oneOf") for p in obj["properties"].values()), obj


def test_semantic_refusals_are_declared_as_422_problem_json(openapi):
    for path in ("/api/v1/roads/", "/api/v1/intersections/", "/api/v1/areas/", "/api/v1/describe",
                 "/api/v1/problems/layer"):
        assert "application/problem+json" in openapi["paths"][path]["get"]["responses"]["422"]["content"]


# -- the ground layers ------------------------------------------------------------------------
def test_roads_layer_conforms(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/roads/"), "/api/v1/roads/")
    assert body["features"] and {f["geometry"]["type"] for f in body["features"]} == {"MultiLineString"}
    assert_conforms(openapi, client.get("/api/v1/roads/", {"bbox": DEMO_BBOX}), "/api/v1/roads/")


def test_intersections_layer_conforms(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/intersections/"), "/api/v1/intersections/")
    assert body["features"] and all(len(f["properties"]["roads"]) >= 2 for f in body["features"])


def test_an_intersection_without_roads_lists_none_not_null(client, openapi):
    from geodata.models import Intersection

    inter = Intersection.objects.order_by("pk").first()
    inter.roads.clear()
    body = assert_conforms(openapi, client.get("/api/v1/intersections/"), "/api/v1/intersections/")
    assert next(f for f in body["features"] if f["id"] == inter.pk)["properties"]["roads"] == []


def test_areas_layer_conforms(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/areas/"), "/api/v1/areas/")
    assert {f["properties"]["kind"] for f in body["features"]} >= {"subdistrict", "grid"}
    assert {f["geometry"]["type"] for f in body["features"]} == {"MultiPolygon"}
    body = assert_conforms(openapi, client.get("/api/v1/areas/", {"kind": ["grid", "community"]}),
                           "/api/v1/areas/")
    assert {f["properties"]["kind"] for f in body["features"]} <= {"grid", "community"}


@pytest.mark.parametrize("path", ["/api/v1/roads/", "/api/v1/intersections/", "/api/v1/areas/"])
def test_a_bbox_that_is_not_a_box_is_a_422(client, openapi, path):
    body = assert_conforms(openapi, client.get(path, {"bbox": "116.4,40,116.3,41"}), path, status=422,
                           media="application/problem+json")
    assert body["field"] == "bbox" and "bbox" in body["errors"]


@pytest.mark.parametrize("path", ["/api/v1/roads/", "/api/v1/intersections/", "/api/v1/areas/"])
def test_a_box_on_the_far_side_of_the_earth_is_an_empty_collection(client, openapi, path):
    # The storage CRS (a Gauss-Krüger zone at 117°E) has no coordinates for the box's corners;
    # the box is cut to where it is defined first (this was a 500 from ST_Transform).
    body = assert_conforms(openapi, client.get(path, {"bbox": "-150,0,180,7.3462"}), path)
    assert body["features"] == [] and body["numberMatched"] == body["numberReturned"] == 0
    assert body["truncated"] is False and body["next"] is None
    whole = assert_conforms(openapi, client.get(path, {"bbox": "-180,-90,180,90"}), path)
    assert len(whole["features"]) == len(client.get(path).json()["features"]) > 0


@pytest.mark.parametrize("path", ["/api/v1/roads/", "/api/v1/intersections/", "/api/v1/areas/"])
def test_a_page_cut_at_its_limit_conforms_and_so_does_the_next(client, openapi, path):
    first = assert_conforms(openapi, client.get(path, {"limit": 1}), path)
    assert first["truncated"] is True and first["numberReturned"] == 1 and first["next"]
    second = assert_conforms(openapi, client.get(first["next"]), path)
    assert second["features"][0]["id"] > first["features"][0]["id"]


# -- the location language --------------------------------------------------------------------
def test_locate_conforms_when_the_text_is_placed(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/locate", {"q": LOCATED_TEXT}), "/api/v1/locate")
    assert body["geometry"]["type"] == "Point" and body["properties"]["precision"] == "offset"


def test_locate_conforms_when_the_text_cannot_be_placed(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/locate", {"q": "不存在的路与另一条路交叉口"}), "/api/v1/locate")
    assert body["geometry"] is None and body["properties"]["precision"] == "none"


def test_locate_parse_only_conforms_without_the_geocoding_keys(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/locate", {"q": LOCATED_TEXT, "parse_only": "true"}),
                           "/api/v1/locate")
    assert body["geometry"] is None and set(body["properties"]) == {"input", "parse"}


def test_locate_batch_conforms(openapi):
    texts = [LOCATED_TEXT, "", "学院路北段", "天成酒店南侧10米，积存垃圾"]
    officer = client_for("officer1")
    for parse_only in (False, True):
        body = assert_conforms(openapi, officer.post("/api/v1/locate/batch", {"texts": texts, "parse_only": parse_only},
                                                     format="json"), "/api/v1/locate/batch", method="post")
        assert [f["properties"]["input"] for f in body["features"]] == texts


def test_describe_conforms(client, openapi):
    body = assert_conforms(openapi, client.get("/api/v1/describe", ON_NETWORK), "/api/v1/describe")
    assert body["properties"]["road"] and body["properties"]["landmark"]
    body = assert_conforms(openapi, client.get("/api/v1/describe", {**ON_NETWORK, "landmark": "false"}),
                           "/api/v1/describe")
    assert body["properties"]["landmark"] is None


def test_describe_outside_the_district_is_a_422_naming_lat_and_lon(client, openapi):
    response = client.get("/api/v1/describe", {"lat": "31.23", "lon": "121.47"})  # Shanghai
    body = assert_conforms(openapi, response, "/api/v1/describe", status=422, media="application/problem+json")
    assert body["status"] == 422 and body["field"] == "lat" and set(body["errors"]) == {"lat", "lon"}


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "   "}, "q"),           # the pattern wants a character that is not whitespace
    ({"q": "学院路\x00"}, "q"),      # no NUL
    ({"q": "路" * 301}, "q"),
    ({"q": "路" * 299 + "  "}, "q"),  # maxLength is of the text as sent, before trimming
    ({"q": "学院路", "parse_only": "1"}, "parse_only"),  # a boolean is true or false
    ({"q": "学院路", "parse_only": ""}, "parse_only"),   # … and an empty value is neither
])
def test_locate_refuses_what_its_schema_refuses(client, params, field):
    response = client.get("/api/v1/locate", params)
    assert response.status_code == 400 and field in response.json()["errors"]


@pytest.mark.parametrize(("body", "field"), [
    ({"texts": []}, "texts"),
    ({"texts": [0]}, "texts.0"),
    ({"texts": ["学院路"], "parse_only": 1}, "parse_only"),
    ({"texts": ["学院路"], "parse_only": "true"}, "parse_only"),
])
def test_locate_batch_refuses_what_its_schema_refuses(body, field):
    response = client_for("officer1").post("/api/v1/locate/batch", body, format="json")
    assert response.status_code == 400 and names(response, field)


# -- the problems layer -----------------------------------------------------------------------
@pytest.fixture
def problems():
    reporter = get_user_model().objects.get(username="officer1")
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    base = Point(BASE_LON, BASE_LAT, srid=4326).transform(django_settings.STORAGE_SRID, clone=True)
    category = Category.objects.order_by("code").first()
    made = []
    for i, (status, deadline) in enumerate([("reported", None), ("dispatched", timezone.now() - timedelta(days=1)),
                                            ("closed", timezone.now() + timedelta(days=3))]):
        made.append(Problem.objects.create(
            category=category, status=status, reporter=reporter, subdistrict=sub, deadline=deadline,
            geom=Point(base.x + 10 * i, base.y, srid=django_settings.STORAGE_SRID), location_text=f"测试位置 {i}"))
    return made


def test_problems_layer_conforms_as_geo_json(openapi, problems):
    response = client_for("officer1").get("/api/v1/problems/layer", {"bbox": DEMO_BBOX})
    body = assert_conforms(openapi, response, "/api/v1/problems/layer", media="application/geo+json")
    assert {f["id"] for f in body["features"]} >= {p.pk for p in problems}
    overdue = {f["id"]: f["properties"]["overdue"] for f in body["features"]}
    assert [overdue[p.pk] for p in problems] == [False, True, False]
    # cut at the limit: numberMatched is still a count (below the cap)
    body = assert_conforms(openapi, client_for("officer1").get("/api/v1/problems/layer",
                                                               {"bbox": DEMO_BBOX, "limit": 1}),
                           "/api/v1/problems/layer", media="application/geo+json")
    assert body["truncated"] is True and body["numberReturned"] == 1


def test_problems_layer_far_away_is_an_empty_collection(openapi, problems):
    response = client_for("officer1").get("/api/v1/problems/layer", {"bbox": "-150,0,-100,7", "limit": 3})
    body = assert_conforms(openapi, response, "/api/v1/problems/layer", media="application/geo+json")
    assert body["features"] == [] and body["numberMatched"] == 0 and body["limit"] == 3
    whole = client_for("officer1").get("/api/v1/problems/layer", {"bbox": "-180,-90,180,90"})
    assert {f["id"] for f in json.loads(whole.content)["features"]} >= {p.pk for p in problems}


@pytest.mark.parametrize(("params", "field"), [
    ({"bbox": "116.4,40,116.3,41"}, "bbox"),
    ({"bbox": DEMO_BBOX, "area": 987654}, "area"),
    ({"bbox": DEMO_BBOX, "since": "2025-03-02", "until": "2025-03-01"}, "until"),
])
def test_problems_layer_answers_422_to_a_well_formed_query_it_cannot_answer(openapi, params, field):
    response = client_for("officer1").get("/api/v1/problems/layer", params)
    body = assert_conforms(openapi, response, "/api/v1/problems/layer", status=422, media="application/problem+json")
    assert body["field"] == field


@pytest.mark.parametrize(("params", "field"), [
    ({"bbox": DEMO_BBOX, "category": ""}, "category"),       # an empty code is no code
    ({"bbox": DEMO_BBOX, "status": "closed,"}, "status"),
    ({"bbox": DEMO_BBOX, "since": "2025-02-29"}, "since"),  # not a date
    ({"bbox": DEMO_BBOX, "since": "1999-12-31"}, "since"),  # the years are 2000–2100
    ({"bbox": "1e2,0,120,1"}, "bbox"),                       # plain decimals only
    ({"bbox": "116." + "1" * 200 + ",39,117,40"}, "bbox"),    # within maxLength
])
def test_problems_layer_refuses_what_its_schema_refuses(params, field):
    response = client_for("officer1").get("/api/v1/problems/layer", params)
    assert response.status_code == 400 and names(response, field)


# -- what a parameter's pattern allows, the server takes -------------------------------------
def _parameter(openapi: dict, path: str, name: str) -> dict:
    return next(p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


def _pattern(openapi: dict, path: str, name: str) -> str:
    # JSON Schema patterns are ECMA-262; these use only what Python's re reads the same way.
    return _parameter(openapi, path, name)["pattern"]


def test_the_documented_patterns_match_the_examples(openapi):
    assert re.search(_pattern(openapi, "/api/v1/roads/", "bbox"), DEMO_BBOX)
    since = _pattern(openapi, "/api/v1/problems/layer", "since")
    for value in ("2025-03-01", "2024-02-29", "2025-03-01T08:00", "2025-03-01T08:00:00.123456+08:00",
                  "2100-12-31T23:59:59Z"):
        assert re.search(since, value), value
    for value in ("2025-02-29", "2100-02-29", "1999-01-01", "2025-3-1", "2025-03-01 08:00", "yesterday"):
        assert not re.search(since, value), value


GUNICORN_REQUEST_LINE = 4094  # bytes; gunicorn answers 414 past it (scripts/run.sh keeps the default)


def test_the_longest_query_the_schema_allows_fits_a_request_line(openapi):
    # Worst case: every character of q a 4-byte UTF-8 one, percent-encoded to 12 bytes; bbox is ASCII
    # with its commas encoded (3 bytes); the rest of the parameters at their longest.
    q = _parameter(openapi, "/api/v1/locate", "q")["maxLength"] * 12
    assert len("GET /api/v1/locate?q=&parse_only=false HTTP/1.1") + q < GUNICORN_REQUEST_LINE
    bbox = _parameter(openapi, "/api/v1/problems/layer", "bbox")["maxLength"] * 3
    dates = 2 * len("since=2100-12-31T23:59:59.999999%2B23:59&")
    assert len("GET /api/v1/problems/layer?bbox=&area=-9223372036854775808&limit=10000& HTTP/1.1") + bbox + dates < (
        GUNICORN_REQUEST_LINE)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_bbox_the_pattern_allows_is_answered_200_or_422(client, openapi, data):
    schema = _parameter(openapi, "/api/v1/intersections/", "bbox")
    bbox = data.draw(st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) <= schema["maxLength"]))
    response = client.get("/api/v1/intersections/", {"bbox": bbox})
    west, south, east, north = (float(v) for v in bbox.split(","))
    assert response.status_code == (200 if west < east and south < north else 422), (bbox, response.content)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_date_the_pattern_allows_is_answered(openapi, data):
    value = data.draw(st.from_regex(_pattern(openapi, "/api/v1/problems/layer", "since"), fullmatch=True))
    response = client_for("officer1").get("/api/v1/problems/layer", {"bbox": DEMO_BBOX, "since": value})
    assert response.status_code == 200, (value, response.content)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_q_the_schema_allows_is_answered_200(client, openapi, data):
    schema = _parameter(openapi, "/api/v1/locate", "q")
    q = data.draw(st.from_regex(schema["pattern"], fullmatch=True).filter(
        lambda s: schema["minLength"] <= len(s) <= schema["maxLength"]))
    response = client.get("/api/v1/locate", {"q": q, "parse_only": "true"})
    assert response.status_code == 200, (q, response.content)
