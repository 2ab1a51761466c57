"""Review (tiles): the coverage map's "open problems near a segment" reads only the 5,000 newest
open problems of the jurisdiction, wherever they are: a jurisdiction with more open problems
than that shows 0 next to a segment that has an older open problem on it."""
from django.conf import settings
from django.contrib.gis.geos import Point
from pyproj import Transformer

from patrol.models import Problem
from patrol.services.problems import problem_create
from shifts.selectors.aggregates import CoverageChoice, coverage_report

from .test_aggregates import DAY, NOW, _user, scene  # noqa: F401  (fixture)


def test_open_problems_near_a_segment_are_counted_whatever_the_jurisdiction_holds_elsewhere(scene):  # noqa: F811
    s = scene["secondary"]
    mid = s.geom.interpolate(s.geom.length / 2)
    lon, lat = Transformer.from_crs(s.geom.srid, 4326, always_xy=True).transform(mid.x, mid.y)
    near, _ = problem_create(actor=_user("officer1"), category_code="0103", lon=lon, lat=lat)
    # then 5,000 newer open problems of the same subdistrict, 2 km from the planned segments
    far = Point(near.geom.x + 2000, near.geom.y + 2000, srid=settings.STORAGE_SRID)
    Problem.objects.bulk_create(
        Problem(category=near.category, status="reported", reporter=near.reporter, geom=far, location_text="远处",
                subdistrict=near.subdistrict) for _ in range(5000))
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    assert report.segments[s.pk]["open_problems"] == 1
