import datetime as dt

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.utils import timezone

from geodata.models import Area, AreaKind
from geodata.services.demo import DEMO_DISTRICT_CODE, DEMO_SUBDISTRICT
from geodata.services.geometry import to_storage
from org.models import Agency, AgencyKind, Officer, Role
from patrol.models import Category, Problem

# Points inside the demo subdistrict 学院路街道 (the demo district's generated boundary).
LAT, LON = 39.99912, 116.34636
DAY = dt.date(2026, 11, 2)


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def publisher(db):
    return user("publisher1")


@pytest.fixture
def subdistrict(db):
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT)


@pytest.fixture
def district(db):
    return Area.objects.get(kind=AreaKind.DISTRICT, code=DEMO_DISTRICT_CODE)


@pytest.fixture
def other_subdistrict(district):
    """A second subdistrict of the district with its own publisher."""
    geom = to_storage(shapely.MultiPolygon([shapely.box(116.30, 39.98, 116.33, 40.00)]))
    area = Area.objects.create(name="测试街道", kind=AreaKind.SUBDISTRICT, parent=district, geom=geom,
                               source="test", generated=True, code="110108999")
    agency = Agency.objects.create(name="测试街道平安办", kind=AgencyKind.STREET_OFFICE, area=area)
    u = get_user_model().objects.create_user("other_publisher", password="x")
    Officer.objects.create(user=u, name="other_publisher", role=Role.PUBLISHER, agency=agency, jurisdiction=area)
    return area


@pytest.fixture
def make_problem(subdistrict, publisher):
    """A problem as the field would have reported it, found on `day` (local noon)."""
    reporter = user("officer1")

    def make(location_text, category="积存垃圾渣土", *, day=DAY, area=None, status="reported", source="patrol",
             minute=0):
        area = area or subdistrict
        p = Problem.objects.create(
            category=Category.objects.get(name=category), status=status,
            geom=to_storage(shapely.Point(LON, LAT)),
            location_text=location_text, subdistrict=area, source=source, reporter=reporter)
        found = timezone.make_aware(dt.datetime.combine(day, dt.time(12, minute)))
        Problem.objects.filter(pk=p.pk).update(created_at=found)
        p.refresh_from_db()
        return p
    return make
