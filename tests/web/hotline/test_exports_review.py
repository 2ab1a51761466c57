"""Review of the 接诉即办 downloads: the ranking workbook and the bulletin PDF."""
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from hotline.services.imports import complaints_import
from tests.hotline.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def _client(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _order(no, when, unit, team="城市管理办公室", handler="王工"):
    return [no, when, "反映问题", "", "城市管理", unit, team, handler, "是", "已解决", "满意", "", ""]


def test_a_name_with_a_control_character_still_exports(client):
    # A CSV cell copied from another system may carry a stray control character (ESC, BEL ...):
    # the import keeps it, the ranking page shows it; the workbook must still be written.
    rows = [_order("CC1", "2026-03-03 09:00", "学院路街道", team="城管\x1b办"),
            _order("CC2", "2026-03-03 10:00", "学院路街道", handler="李\x07工")]
    assert complaints_import(data=csv_bytes(rows), filename="cc.csv").ok
    c = _client(client, "officer1")
    page = c.get("/hotline/ranking/?period=week&at=2026-W10&group=team&unit=学院路街道")
    assert page.status_code == 200
    for group in ("team", "handler"):
        response = c.get(f"/hotline/ranking.xlsx?period=week&at=2026-W10&group={group}&unit=学院路街道")
        assert response.status_code == 200, group
        ws = load_workbook(io.BytesIO(response.content)).active
        assert ws.max_row == 5


def test_an_empty_period_exports_a_valid_workbook_and_pdf(client):
    rows = [_order("E1", "2026-03-03 09:00", "学院路街道")]
    assert complaints_import(data=csv_bytes(rows), filename="e.csv").ok
    c = _client(client, "officer1")
    response = c.get("/hotline/ranking.xlsx?period=week&at=2026-W20")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "排名" and len(rows) == 3
    pdf = c.get("/hotline/bulletin.pdf?period=week&at=2026-W20")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_bulletin_pdf_with_a_control_character_in_a_unit_name(client):
    rows = [_order("B1", "2026-03-03 09:00", "甲\x1b街道"), _order("B2", "2026-03-03 09:00", "乙街道")]
    assert complaints_import(data=csv_bytes(rows), filename="b.csv").ok
    c = _client(client, "officer1")
    assert c.get("/hotline/ranking.xlsx?period=week&at=2026-W10").status_code == 200
    pdf = c.get("/hotline/bulletin.pdf?period=week&at=2026-W10")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
