"""What a client generated from /api/v1/schema/ sends, the server answers as declared.

A generated client sends the credentials it holds and, in Accept, the media types the
operation declares (openapi-generator joins every response's: "application/geo+json,
application/problem+json, text/html" for the problems layer, whose 414 is gunicorn's HTML).
Every answer below is validated against the schema the document declares for its
operation, status and media type (tests/api/test_geojson_contract.assert_conforms).
"""
import pytest
from rest_framework.test import APIClient

from .test_geojson_contract import assert_conforms, client_for, openapi  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
DEMO_BBOX = "116.34,39.99,116.365,40.015"
NOWHERE = 999_999_999  # an id no demo row has


def _media_types(openapi, path: str, method: str = "get") -> list[str]:  # noqa: F811
    """Every media type the operation's responses declare, successes first (the Accept of a
    generated client)."""
    responses = openapi["paths"][path][method]["responses"]
    ordered = sorted(responses, key=lambda code: (not code.startswith("2"), code))
    return list(dict.fromkeys(m for code in ordered for m in responses[code].get("content", {})))


def test_the_problems_layer_answers_a_client_that_accepts_only_geo_json(openapi):  # noqa: F811
    path = "/api/v1/problems/layer"
    assert _media_types(openapi, path)[0] == "application/geo+json"
    officer = client_for("officer1")
    response = officer.get(path, {"bbox": DEMO_BBOX}, HTTP_ACCEPT="application/geo+json")
    assert_conforms(openapi, response, path, media="application/geo+json")


@pytest.mark.parametrize(("params", "status"), [({}, 400), ({"bbox": "116.4,40.0,116.3,39.9"}, 422)])
def test_the_problems_layer_refuses_as_problem_json_for_a_geo_json_client(openapi, params, status):  # noqa: F811
    path = "/api/v1/problems/layer"
    response = client_for("officer1").get(path, params, HTTP_ACCEPT="application/geo+json, application/problem+json")
    assert_conforms(openapi, response, path, status=status, media="application/problem+json")


@pytest.mark.parametrize("accept", ["text/html", "application/problem+json, text/html",
                                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"])
@pytest.mark.parametrize(("path", "declared", "params", "status"), [
    ("/api/v1/problems/999999999/", "/api/v1/problems/{id}/", {}, 404),
    ("/api/v1/problems/", "/api/v1/problems/", {"page": "x"}, 400),
    ("/api/v1/problems/layer", "/api/v1/problems/layer", {"bbox": "116.4,40.0,116.3,39.9"}, 422),
    ("/api/v1/complaints/", "/api/v1/complaints/", {"area": NOWHERE}, 422),
])
def test_an_error_is_problem_json_whatever_the_client_accepts(openapi, accept, path, declared, params, status):  # noqa: F811
    """An error is the API's one format, never the browsable API's HTML page under the
    problem+json media type."""
    response = client_for("supervisor1").get(path, params, HTTP_ACCEPT=accept)
    assert_conforms(openapi, response, declared, status=status, media="application/problem+json")


def test_every_get_answers_a_generated_client_as_declared(openapi):  # noqa: F811
    """Each GET the schema lists, asked for a row that is not there (or without the query
    parameters it needs) with the Accept a generated client sends: a declared status, media
    type and shape, never a 406 for a media type the operation itself declares."""
    supervisor = client_for("supervisor1")
    failures = []
    for path in sorted(p for p, ops in openapi["paths"].items() if "get" in ops):
        accept = ", ".join(_media_types(openapi, path))
        response = supervisor.get(path.replace("{id}", str(NOWHERE)), HTTP_ACCEPT=accept)
        media = response["Content-Type"].split(";")[0]
        try:
            assert_conforms(openapi, response, path, status=response.status_code, media=media)
        except (AssertionError, KeyError, ValueError) as exc:
            failures.append(f"GET {path} (Accept: {accept}) → {response.status_code} {media}: {exc!r}"[:400])
    assert not failures, "\n".join(failures)


PUBLIC = [("/api/v1/roads/", {"limit": 1}), ("/api/v1/intersections/", {"limit": 1}), ("/api/v1/areas/", {"limit": 1}),
          ("/api/v1/locate", {"q": "学院路西侧"}), ("/api/v1/describe", {"lat": "39.99912", "lon": "116.34636"}),
          ("/api/v1/categories/", {})]


@pytest.mark.parametrize(("path", "params"), PUBLIC)
@pytest.mark.parametrize("authorization", ["Token 0123456789abcdef0123456789abcdef01234567", "Token"])
def test_a_public_operation_declares_the_401_a_refused_token_gets(openapi, path, params, authorization):  # noqa: F811
    """Public without credentials, but a token sent is checked: a client holding a revoked
    token gets 401 there too, and the schema says so."""
    response = APIClient().get(path, params, HTTP_AUTHORIZATION=authorization)
    assert_conforms(openapi, response, path, status=401, media="application/problem+json")
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("key", [None, "import-7f3c"])
def test_a_refused_import_is_problem_json_for_a_browser_too(openapi, key):  # noqa: F811
    """The refused file's answer (built by the view, and replayed under an Idempotency-Key)
    is the declared problem+json with its report, not the browsable API's page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = {"HTTP_ACCEPT": "text/html"} | ({"HTTP_IDEMPOTENCY_KEY": key} if key else {})
    for _ in range(2 if key else 1):  # the first answer, then its replay
        upload = SimpleUploadedFile("orders.csv", b"not,a,12345,export\r\n1,2,3,4\r\n", content_type="text/csv")
        response = client_for("supervisor1").post("/api/v1/complaints/import", {"file": upload},
                                                  format="multipart", **headers)
        body = assert_conforms(openapi, response, "/api/v1/complaints/import", "post", 422,
                               "application/problem+json")
        assert body["report"]["ok"] is False
