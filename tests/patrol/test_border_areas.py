"""A problem near a subdistrict's edge is filed under one chain of areas (街道 → 社区 → 网格), so
every figure of an area counts it once: the dashboard's ranking of subdistricts, the list
filtered by area, the map layer (a regression from a review of figures shown in two places).

Imported grids need only lie mostly inside their subdistrict (geodata.services.area_import), so
an official grid drawn a little past its edge covers points of the neighbouring subdistrict."""
import re

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.test import Client

from geodata.models import Area, AreaKind
from geodata.selectors.areas import area_ancestor_ids
from geodata.services.geometry import to_storage
from patrol.domain.workflow import OPEN_STATES
from patrol.models import Problem

from .conftest import new_problem

pytestmark = pytest.mark.django_db

# West of 学院路街道 (whose western edge is at 116.34403), inside the neighbour drawn below.
BORDER_LAT, BORDER_LON = 39.9985, 116.3436


@pytest.fixture
def neighbour(other_subdistrict):
    """测试街道 moved to lie just west of 学院路街道, and the demo grid at that edge drawn 100 m
    past it into 测试街道 (as official grids often are)."""
    other_subdistrict.geom = to_storage(shapely.MultiPolygon([shapely.box(116.335, 39.995, 116.34403, 40.005)]))
    other_subdistrict.save()
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    grid = Area.objects.get(kind=AreaKind.GRID, name="演示网格0501")
    assert xueyuan.pk in area_ancestor_ids(grid)
    grid.geom = to_storage(shapely.MultiPolygon([shapely.box(116.3428, 39.99767, 116.34696, 39.9999)]))
    grid.save()
    return {"theirs": other_subdistrict, "xueyuan": xueyuan, "grid": grid}


def test_a_problem_past_a_grids_parent_is_filed_under_its_own_subdistricts_areas(as_user, neighbour):
    r = new_problem(as_user("other_officer"), lat=BORDER_LAT, lon=BORDER_LON)
    assert r.status_code == 201, r.content
    p = Problem.objects.select_related("subdistrict").get(pk=r.json()["id"])
    assert p.subdistrict == neighbour["theirs"]
    # the grid of 学院路街道 that reaches over the edge is not this problem's grid
    for area in (p.community, p.grid):
        assert area is None or p.subdistrict_id in area_ancestor_ids(area)


def test_the_district_ranking_and_the_list_by_area_count_a_border_problem_once(as_user, neighbour):
    mine = new_problem(as_user("officer1"))  # in 学院路街道
    theirs = new_problem(as_user("other_officer"), lat=BORDER_LAT, lon=BORDER_LON)
    assert mine.status_code == theirs.status_code == 201
    page = Client()
    page.force_login(get_user_model().objects.get(username="admin"))  # the whole district
    html = page.get("/dashboard/").content.decode()
    ranking = html[html.index('id="area-ranking"'):]
    opened = {name: int(n) for name, n in re.findall(r'\?area=\d+">([^<]+)</a></td>\s*<td class="num">(\d+)</td>',
                                                    ranking)}
    assert opened == {"学院路街道": 1, "测试街道": 1}
    open_states = [("status", s) for s in sorted(OPEN_STATES)]
    for name in ("学院路街道", "测试街道"):
        area = neighbour["xueyuan"] if name == "学院路街道" else neighbour["theirs"]
        listed = page.get("/dashboard/problems/", [("area", area.pk), *open_states])
        ids = {int(n) for n in re.findall(r'data-problem="(\d+)"', listed.content.decode())}
        assert len(ids) == opened[name], (name, ids)
        layer = as_user("admin").get("/api/v1/problems/layer", {"bbox": "116.30,39.95,116.40,40.05",
                                                                 "area": area.pk,
                                                                 "status": ",".join(sorted(OPEN_STATES))})
        assert layer.json()["numberMatched"] == opened[name], name
