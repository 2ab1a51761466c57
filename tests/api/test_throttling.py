"""Rate limits (api/limits.py): anonymous public reads per IP, Open311 reads per IP and
writes per API key. A throttled request is a 429 with Retry-After; rates come from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set tiny here with override_settings."""
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from api.models import ApiKey

db = pytest.mark.django_db

# On 学院路 just south of 清华东路, inside the demo subdistrict 学院路街道.
INSIDE = {"lat": "39.99912", "long": "116.34636"}
# An invalid query: the answer is a quick 400, and it counts like any other request.
LOCATE_NOTHING = "/api/v1/locate?q="


def rates(**scopes):
    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes}
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged})


def assert_throttled(response, *, period_s: int = 60):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= period_s


@db
def test_default_rates_are_set_for_every_scope():
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) >= {"anon", "open311_read", "open311_write"}


@db
@pytest.mark.parametrize("url", [LOCATE_NOTHING, "/api/v1/describe?lat=x", "/api/v1/roads/?bbox=x",
                                 "/api/v1/intersections/?bbox=x", "/api/v1/areas/?bbox=x"])
def test_anonymous_public_reads_are_throttled_per_ip(client, url):
    with rates(anon="2/min"):
        assert [client.get(url).status_code for _ in range(2)] == [400, 400]
        response = client.get(url)
        assert_throttled(response)
        assert "detail" in response.json()
        # Another address has its own count.
        assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 400


@db
def test_a_forged_forwarded_for_header_does_not_reset_the_count(client):
    # NUM_PROXIES is 0 by default: X-Forwarded-For comes from the client and is ignored.
    with rates(anon="1/min"):
        assert client.get(LOCATE_NOTHING).status_code == 400
        assert_throttled(client.get(LOCATE_NOTHING, HTTP_X_FORWARDED_FOR="203.0.113.9"))


@db
def test_scopes_count_separately(client):
    with rates(anon="1/min", open311_read="1/min"):
        assert client.get(LOCATE_NOTHING).status_code == 400
        assert client.get("/open311/v2/services.json").status_code == 200


@db
def test_a_signed_in_officer_is_not_counted_by_the_anonymous_scope():
    officer = APIClient()
    officer.force_authenticate(get_user_model().objects.get(username="officer1"))
    with rates(anon="1/min"):
        assert [officer.get(LOCATE_NOTHING).status_code for _ in range(5)] == [400] * 5
        # … and anonymous callers from the same address still have their full share.
        assert APIClient().get(LOCATE_NOTHING).status_code == 400
        assert_throttled(APIClient().get(LOCATE_NOTHING))


@db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_reads_are_throttled_per_ip_with_a_georeport_error(client, fmt):
    with rates(open311_read="2/min"):
        assert [client.get(f"/open311/v2/services.{fmt}").status_code for _ in range(2)] == [200, 200]
        response = client.get(f"/open311/v2/discovery.{fmt}")
        assert_throttled(response)
        if fmt == "json":
            assert response.json()[0]["code"] == 429
        else:
            assert b"<code>429</code>" in response.content


def post(client, remote_addr="127.0.0.1", **fields):
    return client.post("/open311/v2/requests.json", {"service_code": "0102", **INSIDE, **fields},
                       REMOTE_ADDR=remote_addr)


@db
def test_open311_writes_are_throttled_per_api_key(client):
    user = get_user_model().objects.get(username="open311")
    _, first = ApiKey.issue(name="系统甲", user=user)
    _, second = ApiKey.issue(name="系统乙", user=user)
    with rates(open311_write="1/min"):
        assert post(client, api_key=first).status_code == 200
        response = post(client, api_key=first)
        assert_throttled(response)
        assert response.json()[0]["code"] == 429
        # The other system, from the same address, is not held up by the first one's use …
        assert post(client, api_key=second).status_code == 200
        # … and reads are counted apart from writes.
        assert client.get("/open311/v2/services.json").status_code == 200


@db
def test_guessing_open311_keys_is_throttled_per_ip(client):
    with rates(open311_write="2/min"):
        assert [post(client, api_key=f"guess-{i}-xxxxxxxx").status_code for i in range(2)] == [403, 403]
        assert_throttled(post(client, api_key="guess-3-xxxxxxxx"))
        # Another address may still try (and is told the key is wrong).
        assert json.loads(post(client, remote_addr="10.0.0.3", api_key="guess-4-xxxxxxxx").content)[0]["code"] == 403
