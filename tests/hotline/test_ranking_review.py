"""Ranking, bulletin and visibility cases met with real exports: ties for the best places, one
office spelled two ways, an order whose 承办单位 names an office's agency."""
import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from geodata.models import Area, AreaKind
from hotline.domain.metrics import parse_period_key
from hotline.selectors.metrics import bulletin_of, ranking
from hotline.services.imports import complaints_import
from tests.hotline.conftest import xlsx_bytes
from tests.patrol.conftest import other_subdistrict  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _order(no, when, unit, satisfied="满意"):
    return [no, when, "反映问题", "", "城市管理", unit, "城市管理办公室", "王工", "是", "已解决", satisfied, "", ""]


def test_the_bulletin_names_every_office_tied_for_the_best_places():
    # Four offices at 100.00 in 2026-W10, each ranked 1: naming three is cutting a tie by the
    # order of their names (丁 < 丙 < 乙 < 甲 in Unicode).
    rows = [_order(f"T{i}", "2026-03-03 09:00", u) for i, u in enumerate(["甲街道", "乙街道", "丙街道", "丁街道"])]
    assert complaints_import(data=xlsx_bytes(rows), filename="t.xlsx").ok
    r = ranking(parse_period_key("week", "2026-W10"))
    assert [row.rank for row in r.rows] == [1, 1, 1, 1]
    best = next(p for p in bulletin_of(r).paragraphs if p.startswith("综合得分排名前列"))
    assert all(name in best for name in ("甲街道", "乙街道", "丙街道", "丁街道")), best


def test_one_office_spelled_two_ways_is_ranked_once_with_its_year_on_year():
    district = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道").parent
    area = Area.objects.create(name="西红门地区（西红门镇）", kind=AreaKind.SUBDISTRICT, parent=district,
                               geom=district.geom, source="test", generated=True)
    rows = [_order("S1", "2026-03-03 09:00", "西红门地区（西红门镇）"),
            _order("S2", "2026-03-04 09:00", "西红门地区(西红门镇)", satisfied="不满意"),
            _order("S3", "2025-03-04 09:00", "西红门地区(西红门镇)")]
    assert complaints_import(data=xlsx_bytes(rows), filename="s.xlsx").ok
    r = ranking(parse_period_key("week", "2026-W10"))
    assert [(row.metrics.name, row.metrics.volume, row.metrics.volume_change.count) for row in r.rows] == [
        (area.name, 2, 1)]
    teams = ranking(parse_period_key("week", "2026-W10"), group="team", unit=area.name)
    assert teams.total.volume == 2


def test_an_office_sees_the_orders_it_may_import_for_its_agency(other_subdistrict):  # noqa: F811
    # 测试街道执法队 is the agency of 测试街道: its supervisor may import the order (the import
    # counts it as the office's), and then reads it through the API.
    supervisor = get_user_model().objects.get(username="other_supervisor")
    result = complaints_import(data=xlsx_bytes([_order("G1", "2026-03-03 09:00", "测试街道执法队")]),
                               filename="g.xlsx", actor=supervisor)
    assert result.ok, result.lines()
    for username in ("other_supervisor", "other_officer"):
        api = APIClient()
        api.force_authenticate(get_user_model().objects.get(username=username))
        assert [c["order_no"] for c in api.get("/api/v1/complaints/").json()["results"]] == ["G1"], username
    supervisor1 = APIClient()
    supervisor1.force_authenticate(get_user_model().objects.get(username="supervisor1"))
    assert supervisor1.get("/api/v1/complaints/").json()["results"] == []


def test_an_office_with_none_this_period_is_listed_with_its_fall_unranked():
    # 乙街道 had two orders in 2025-W10 and none in 2026-W10: dropping it from the table hid the
    # best change of the week, though the district's total counted it.
    rows = [_order("Y1", "2026-03-03 09:00", "甲街道"),
            _order("Y2", "2025-03-04 09:00", "乙街道"), _order("Y3", "2025-03-05 09:00", "乙街道")]
    assert complaints_import(data=xlsx_bytes(rows), filename="y.xlsx").ok
    r = ranking(parse_period_key("week", "2026-W10"))
    listed = {row.metrics.name: row for row in r.rows}
    assert set(listed) == {"甲街道", "乙街道"}
    gone = listed["乙街道"]
    assert (gone.rank, gone.flagged, gone.metrics.volume, gone.metrics.volume_change.count,
            str(gone.metrics.volume_change.percent)) == (None, False, 0, -2, "-100.00")
    assert listed["甲街道"].rank == 1
