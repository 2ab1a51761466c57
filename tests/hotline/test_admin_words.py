"""The 12345 pages of the 管理后台 say in words how a complaint was located and where an import
came from: the column and the filter showed the location language's codes (intersection,
landmark, offset, road) and the batch's (upload, command, demo)."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from hotline.models import Complaint, ImportBatch

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_a_complaints_location_precision_and_a_batchs_source_are_shown_in_words():
    batch = ImportBatch.objects.create(filename="学院路.xlsx", sha256="0" * 64, source="command")
    for i, precision in enumerate(("offset", "intersection", "landmark", "road")):
        Complaint.objects.create(order_no=f"P{i}", received_at=timezone.now(), content="门前积存垃圾",
                                 unit_name="学院路街道", batch=batch, location_precision=precision)
    page = _admin().get("/admin/hotline/complaint/").content.decode()
    for code, words in (("offset", "路口方位距离"), ("intersection", "路口"), ("landmark", "地标"), ("road", "道路")):
        assert f">{code}<" not in page and f">{words}<" in page, code
    batches = _admin().get("/admin/hotline/importbatch/").content.decode()
    assert ">command<" not in batches and ">命令行<" in batches
