"""The 管理后台 changelists take as many SQL queries for 3N rows as for N: every related row a
column shows is read with the list (a nullable key, which the changelist's own select_related()
leaves out, or list_select_related, which it skips when the admin's queryset selects already)."""
import datetime as dt

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geodata.models import Area, AreaKind
from geodata.services.demo import DEMO_SUBDISTRICT
from geodata.services.geometry import to_storage
from hotline.models import Complaint, ImportBatch, QueuedImport
from org.models import Officer, Role, Team
from patrol.models import Category, Inspection, Problem

N = 3
LAT, LON = 39.99912, 116.34636  # on 学院路, in the demo subdistrict


def _user(username):
    return get_user_model().objects.get(username=username)


def _sub():
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT)


def _grid(k):
    Area.objects.create(name=f"查询网格{k}", kind=AreaKind.GRID, parent=_sub(), source="test", generated=True,
                        geom=to_storage(shapely.MultiPolygon([shapely.box(116.340, 39.990, 116.341, 39.991)])))


def _batch(k):
    return ImportBatch.objects.create(filename=f"12345-{k}.xlsx", sha256=f"{k:064d}", imported_by=_user("admin"))


def _complaint(k):
    Complaint.objects.create(order_no=f"Q{k:08d}", received_at=timezone.now(), content="路边积存垃圾",
                             unit_name="学院路街道", unit_area=_sub(), area=_sub(), batch=_batch(k))


def _queued(k):
    QueuedImport.objects.create(filename=f"12345-{k}.xlsx", created_by=_user("admin"), batch=_batch(k))


def _inspection(k):
    team = Team.objects.filter(area=_sub()).select_related("agency").first()
    Inspection.objects.create(date=dt.date(2026, 11, 1), title=f"联合检查{k}", area=_sub(), lead_agency=team.agency,
                              created_by=_user("admin"))


def _problem(k):
    Problem.objects.create(category=Category.objects.order_by("code").first(), status="reported",
                           geom=to_storage(shapely.Point(LON, LAT)), location_text=f"学院路{k}号门前",
                           subdistrict=_sub(), source="patrol", reporter=_user("officer1"),
                           team=Team.objects.filter(area=_sub()).first())


def _officer(k):
    team = Team.objects.filter(area=_sub()).first()
    user = get_user_model().objects.create_user(f"query_officer{k}", password="x")
    Officer.objects.create(user=user, name=f"队员{k}", role=Role.OFFICER, agency=team.agency, team=team,
                           jurisdiction=_sub())


@pytest.mark.parametrize("url, add", [
    ("/admin/geodata/area/", _grid),  # 上级区域
    ("/admin/hotline/complaint/", _complaint),  # 所在街道
    ("/admin/hotline/importbatch/", _batch),  # 导入人
    ("/admin/hotline/queuedimport/", _queued),  # 上传人, 导入批次
    ("/admin/patrol/inspection/", _inspection),  # 牵头单位, created_by
    ("/admin/patrol/problem/", _problem),  # 类别, 班组, reporter
    ("/admin/org/officer/", _officer),  # 单位, 班组
])
def test_a_changelist_takes_as_many_queries_for_3n_rows_as_for_n(db, url, add):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_user("admin"))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200
        return len(ctx.captured_queries)

    for k in range(N):
        add(k)
    few = queries()
    for k in range(N, 3 * N):
        add(k)
    assert queries() == few
