"""The 12345 pages of the 管理后台 show what the API shows: complaints of the viewer's
jurisdiction (and, to a district-wide viewer, those linked to no area), import batches and
queued imports of importers in it."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from geodata.models import Area, AreaKind
from hotline.models import Complaint, ImportBatch, QueuedImport
from org.models import Agency, Officer, Role

pytestmark = pytest.mark.django_db


def _staff(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    user.is_staff = True  # what org.services gives every supervisor
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _complaint(order_no: str, area, batch) -> Complaint:
    return Complaint.objects.create(order_no=order_no, received_at=timezone.now(), content=f"诉求内容{order_no}",
                                    address="某路1号", unit_name=area.name if area else "某单位", unit_area=area,
                                    area=area, batch=batch)


def _listed(client: Client, page: str) -> list:
    response = client.get(f"/admin/hotline/{page}/")
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_complaints_and_imports_are_limited_to_the_jurisdiction(as_user, other_subdistrict):
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    supervisor1 = get_user_model().objects.get(username="supervisor1")
    batch = ImportBatch.objects.create(filename="学院路.xlsx", sha256="0" * 64, imported_by=supervisor1)
    system_batch = ImportBatch.objects.create(filename="全区.xlsx", sha256="1" * 64, source="command")
    queued = QueuedImport.objects.create(filename="学院路-大.xlsx", created_by=supervisor1)
    theirs = _complaint("T-1", xueyuan, batch)
    unlinked = _complaint("T-2", None, system_batch)

    other = _staff("other_supervisor")  # 测试街道
    assert as_user("other_supervisor").get(f"/api/v1/complaints/{theirs.pk}/").status_code == 404
    assert _listed(other, "complaint") == []
    assert other.get(f"/admin/hotline/complaint/{theirs.pk}/change/").status_code == 302  # "does not exist"
    assert "诉求内容T-1" not in other.get(f"/admin/hotline/complaint/{theirs.pk}/change/", follow=True).content.decode()
    assert _listed(other, "importbatch") == [] and _listed(other, "queuedimport") == []
    assert other.get(f"/admin/hotline/importbatch/{batch.pk}/change/").status_code == 302

    mine = _staff("supervisor1")  # 学院路街道: its own, not the unlinked ones
    assert _listed(mine, "complaint") == [theirs]
    assert _listed(mine, "importbatch") == [batch]
    assert _listed(mine, "queuedimport") == [queued]

    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    user = get_user_model().objects.create_user("hd_supervisor", password="x")
    Officer.objects.create(user=user, name="区督办", role=Role.SUPERVISOR, jurisdiction=district,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"))
    wide = _staff("hd_supervisor")
    assert set(_listed(wide, "complaint")) == {theirs, unlinked}
    assert set(_listed(wide, "importbatch")) == {batch, system_batch}
