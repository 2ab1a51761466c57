"""The problems list of the API (/api/v1/problems/) and the map layer (/api/v1/problems/layer)
read one query string alike: narrowed by area and period, the list holds what the layer
counts, and what the dashboard's list shows (a review of figures shown in two places found the
list answering every problem of the jurisdiction to ?area=…&since=…&until=…)."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from patrol.models import Problem
from tests.patrol.conftest import new_problem

pytestmark = pytest.mark.django_db

LIST, LAYER = "/api/v1/problems/", "/api/v1/problems/layer"
BBOX = "116.30,39.95,116.40,40.05"  # the demo district and more
SHANGHAI = ZoneInfo("Asia/Shanghai")


def as_user(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def problems():
    """Three problems of 学院路街道: one in another grid, and two either side of local midnight
    between 1 and 2 November 2026 (16:30 and 17:30 UTC on 1 November)."""
    ids = [new_problem(as_user("officer1")).json()["id"] for _ in range(3)]
    first = Problem.objects.get(pk=ids[0])
    other_grid = Area.objects.filter(kind=AreaKind.GRID).exclude(pk=first.grid_id).order_by("pk").first()
    Problem.objects.filter(pk=ids[0]).update(created_at=dt.datetime(2026, 11, 1, 23, 30, tzinfo=SHANGHAI))
    Problem.objects.filter(pk=ids[1]).update(created_at=dt.datetime(2026, 11, 2, 0, 30, tzinfo=SHANGHAI))
    Problem.objects.filter(pk=ids[2]).update(created_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI),
                                             grid=other_grid)
    return {"early": ids[0], "late": ids[1], "elsewhere": ids[2], "grid": first.grid_id,
            "other_grid": other_grid.pk}


def _listed(client, params) -> set[int]:
    r = client.get(LIST, params)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["results"])
    return {p["id"] for p in body["results"]}


def _mapped(client, params) -> set[int]:
    r = client.get(LAYER, {**params, "bbox": BBOX})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["numberMatched"] == body["numberReturned"]
    return {f["id"] for f in body["features"]}


def _dashboard(params) -> set[int]:
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor1"))
    html = client.get("/dashboard/problems/", params).content.decode()
    return {int(n) for n in re.findall(r'data-problem="(\d+)"', html)}


@pytest.mark.parametrize(("params", "expected"), [
    ({"area": "grid"}, {"early", "late"}),
    ({"area": "other_grid"}, {"elsewhere"}),
    ({"until": "2026-11-01"}, {"early"}),  # the whole local day of 1 November, not the UTC one
    ({"since": "2026-11-02"}, {"late", "elsewhere"}),
    ({"since": "2026-11-02", "until": "2026-11-02"}, {"late"}),
    ({"since": "2026-11-01T23:00:00+08:00", "until": "2026-11-02T00:00:00+08:00"}, {"early"}),
    ({"area": "grid", "since": "2026-11-02", "status": "reported"}, {"late"}),
])
def test_the_list_holds_what_the_layer_counts_for_the_same_query(problems, params, expected):
    params = {k: str(problems[v]) if k == "area" else v for k, v in params.items()}
    supervisor = as_user("supervisor1")
    want = {problems[name] for name in expected}
    assert _mapped(supervisor, params) == want
    assert _listed(supervisor, params) == want
    if "T" not in params.get("since", ""):  # the dashboard takes dates only
        assert _dashboard(params) == want


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"area": "999999999"}, 422, "area"),  # as the layer: an area that does not exist is said
    ({"since": "2026-11-03", "until": "2026-11-02"}, 422, "until"),
    ({"since": "yesterday"}, 400, "since"),
])
def test_a_filter_the_list_cannot_answer_is_refused_as_the_layer_refuses_it(problems, params, status, field):
    supervisor = as_user("supervisor1")
    for path, extra in ((LIST, {}), (LAYER, {"bbox": BBOX})):
        r = supervisor.get(path, {**params, **extra})
        assert r.status_code == status, (path, r.content)
        assert field in r.json()["errors"], (path, r.json())
