import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from geodata.services.geometry import to_storage
from org.models import Agency, AgencyKind, Officer, Role, Team

# A point on 学院路 just south of 清华东路, inside the demo subdistrict 学院路街道.
LAT, LON = 39.99912, 116.34636


@pytest.fixture
def as_user(db):
    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=username))
        return client
    return make


@pytest.fixture
def other_subdistrict(db):
    """A second subdistrict of 海淀区 west of the demo one, with its own officer and lead."""
    import shapely

    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    geom = to_storage(shapely.MultiPolygon([shapely.box(116.30, 39.98, 116.33, 40.00)]))
    area = Area.objects.create(name="测试街道", kind=AreaKind.SUBDISTRICT, parent=district, geom=geom,
                               source="test", generated=True)
    agency = Agency.objects.create(name="测试街道执法队", kind=AgencyKind.ENFORCEMENT, area=area)
    team = Team.objects.create(name="测试一队", agency=agency, area=area)
    User = get_user_model()
    for username, role in (("other_officer", Role.OFFICER), ("other_lead", Role.TEAM_LEAD),
                           ("other_supervisor", Role.SUPERVISOR)):
        user = User.objects.create_user(username, password="x")
        Officer.objects.create(user=user, name=username, role=role, agency=agency, team=team, jurisdiction=area)
    return area


def new_problem(client, **extra):
    body = {"category": "积存垃圾渣土", "lat": LAT, "lon": LON, "description": "路边积存垃圾"}
    body.update(extra)
    return client.post("/api/v1/problems/", body, format="json")


__all__ = ["LAT", "LON", "new_problem", "MultiPolygon", "Polygon"]
