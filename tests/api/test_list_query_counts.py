"""API lists whose number of SQL queries must not grow with the rows they list: the answer for
3N rows takes as many queries as for N (a real district has a thousand times the demo's rows)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from geodata.services.demo import DEMO_SUBDISTRICT
from org.models import Agency
from patrol.models import Inspection
from publishing.models import Publication

N = 3


def _client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def _queries(client, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content[:300]
    return len(ctx.captured_queries), r.json()


@pytest.fixture
def subdistrict(db):
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT)


def test_the_inspection_list_takes_as_many_queries_for_3n_inspections_as_for_n(subdistrict):
    admin = get_user_model().objects.get(username="admin")
    agencies = list(Agency.objects.order_by("id")[:3])
    assert len(agencies) == 3

    def add(n):
        for k in range(n):
            i = Inspection.objects.create(date=dt.date(2026, 11, 1 + k), title=f"联合检查{k}", area=subdistrict,
                                          lead_agency=agencies[0], created_by=admin)
            i.agencies.set(agencies)

    client = _client("supervisor1")
    add(N)
    few, body = _queries(client, "/api/v1/inspections/")
    assert len(body) == N and all(len(i["agencies"]) == 3 for i in body)
    add(2 * N)
    many, body = _queries(client, "/api/v1/inspections/")
    assert len(body) == 3 * N
    assert sorted(body[0]["agencies"]) == sorted(a.name for a in agencies)  # the participants are still named
    assert many == few  # not one query per inspection for its participants


def test_the_publication_list_takes_as_many_queries_for_3n_lists_as_for_n(subdistrict):
    publisher = get_user_model().objects.get(username="publisher1")

    def add(n):
        for k in range(n):
            Publication.objects.create(title=f"未诉先办清单{k}", area=subdistrict, period_from=dt.date(2026, 11, 2),
                                       period_to=dt.date(2026, 11, 8), created_by=publisher)

    client = _client("publisher1")
    add(N)
    few, body = _queries(client, "/api/v1/publications/")
    assert len(body) == N and {p["items"] for p in body} == {0}
    add(2 * N)
    many, body = _queries(client, "/api/v1/publications/")
    assert len(body) == 3 * N
    assert many == few  # not one query per list (reading all its lines) to count its lines
