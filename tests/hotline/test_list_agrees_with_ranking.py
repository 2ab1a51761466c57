"""The complaints list (/api/v1/complaints/) narrowed to an area or an office holds the orders
the ranking counts there, and an officer's own whole jurisdiction as a filter narrows nothing
(regressions from a review of figures shown in two places)."""
import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from hotline.models import Complaint
from hotline.services.imports import complaints_import

from .conftest import csv_bytes, order

pytestmark = pytest.mark.django_db

LIST, RANKING = "/api/v1/complaints/", "/api/v1/hotline/ranking"

# Week 2026-W48. None of the addresses can be located: where an order belongs is its 承办单位 only.
ROWS = [
    order("A1", "2026-11-23 09:00"),
    order("A2", "2026-11-24 09:00", unit="学院路 街道"),  # the export spaced the name: the same office
    order("A3", "2026-11-25 09:00", unit="学院路街道城管办"),  # an agency of 学院路街道 (demo people)
    order("B1", "2026-11-25 10:00", unit="清华园街道"),  # an office the platform holds no boundary for
    order("B2", "2026-11-26 10:00", unit="清华园街道"),
]


@pytest.fixture
def orders():
    result = complaints_import(data=csv_bytes(ROWS), filename="orders.csv")
    assert result.ok and result.created == len(ROWS), result.lines()
    assert not Complaint.objects.filter(geom__isnull=False).exists()
    return result


def _client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def _nos(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(c["order_no"] for c in response.json()["results"])


def _volumes(client) -> dict[str, int]:
    body = client.get(RANKING, {"period": "week", "at": "2026-W48"}).json()
    return {row["name"]: row["volume"] for row in body["rows"]} | {"": body["total"]["volume"]}


def test_a_district_officer_filtering_by_the_district_gets_every_order_the_ranking_counts(orders):
    admin = _client("admin")  # jurisdiction: 海淀区, the whole district
    district = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道").parent
    everything = _nos(admin.get(LIST))
    assert everything == ["A1", "A2", "A3", "B1", "B2"] and _volumes(admin)[""] == 5
    # 清华园街道's orders are the district's (visible without a filter, ranked in its total): the
    # district as the filter keeps them (it kept only the orders linked to an area under it)
    assert _nos(admin.get(LIST, {"area": district.pk})) == everything


def test_a_street_office_filtering_by_its_own_subdistrict_keeps_its_agencies_orders(orders):
    supervisor = _client("supervisor1")  # jurisdiction: 学院路街道
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    mine = _nos(supervisor.get(LIST))
    assert mine == ["A1", "A2", "A3"]  # A3: handled by 学院路街道城管办, an agency of the subdistrict
    assert _nos(supervisor.get(LIST, {"area": xueyuan.pk})) == mine


def test_an_office_as_the_ranking_names_it_finds_the_orders_the_ranking_counts(orders):
    admin = _client("admin")
    volumes = _volumes(admin)
    assert volumes["学院路街道"] == 2 and volumes["清华园街道"] == 2  # A1 and A2 are one office
    assert _nos(admin.get(LIST, {"unit": "学院路街道"})) == ["A1", "A2"]
    assert _nos(admin.get(LIST, {"unit": "清华园街道"})) == ["B1", "B2"]
    assert _nos(admin.get(LIST, {"unit": "学院路街道城管办"})) == ["A3"]
    # the export's own spelling still finds its orders
    assert _nos(admin.get(LIST, {"unit": "学院路 街道"})) == ["A2"]
