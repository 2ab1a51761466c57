"""Importing officers from a sheet: all or nothing, with a report naming row and column; the
admin's upload page shows the report."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import Workbook

from core.errors import Forbidden
from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org.models import Agency, AgencyKind, Officer, Role
from org.services import officers_import

pytestmark = pytest.mark.django_db

HEADER = "用户名,姓名,角色,单位,班组,辖区,初始密码"
ROWS = [
    "imp01,钱一,队员,学院路街道综合行政执法队,执法一队,学院路街道,Import-2026",
    "imp02,钱二,班组长,学院路街道综合行政执法队,执法二队,学院路街道,Import-2026",
    "imp03,钱三,督办人员,学院路街道城管办,,110108,Import-2026",
]


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _admin():
    return get_user_model().objects.get(username="admin")


def _state():
    return Officer.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count()


def test_a_clean_sheet_creates_every_officer_with_one_event_each():
    before = AuditEvent.objects.count()
    report = officers_import(actor=_admin(), filename="人员.csv", data=_csv(*ROWS))
    assert report.ok and len(report.created) == 3
    officers = {o.user.username: o for o in Officer.objects.select_related("user", "team", "jurisdiction")
                .filter(user__username__startswith="imp")}
    assert officers["imp01"].team.name == "执法一队" and officers["imp01"].jurisdiction.name == "学院路街道"
    assert officers["imp03"].jurisdiction.code == "110108" and officers["imp03"].user.is_staff
    assert officers["imp02"].user.check_password("Import-2026") and not officers["imp02"].user.is_staff
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.verb, e.subject_type) for e in events] == [("created", "org.officer")] * 3
    assert all(e.reason.startswith("批量导入：人员.csv") for e in events)


def test_one_bad_row_saves_nothing_and_the_report_names_each_fault():
    before = _state()
    report = officers_import(actor=_admin(), filename="人员.csv", data=_csv(
        *ROWS,
        "officer1,重名,队员,学院路街道综合行政执法队,,学院路街道,Import-2026",  # row 5: username taken
        "imp05,钱五,队员,不存在的单位,,学院路街道,Import-2026",  # row 6: unknown agency
        "imp06,钱六,队员,学院路街道城管办,执法一队,学院路街道,Import-2026",  # row 7: team of another agency
        "imp07,钱七,队员,学院路街道城管办,,火星街道,Import-2026",  # row 8: unknown area
        "imp08,钱八,队员,学院路街道城管办,,学院路街道,short",  # row 9: password too short
        "imp09,钱九,保安,学院路街道城管办,,学院路街道,Import-2026",  # row 10: unknown role (the parser)
        "officer2,钱十,组长,无此单位,,火星街道,short",  # row 11: every cell wrong, all said at once
    ))
    assert not report.ok and report.created == []
    assert [(e.row, e.column) for e in report.errors] == [
        (5, "用户名"), (6, "单位"), (7, "班组"), (8, "辖区"), (9, "初始密码"), (10, "角色"),
        (11, "用户名"), (11, "角色"), (11, "单位"), (11, "辖区"), (11, "初始密码")]
    assert report.rows == 10
    assert _state() == before


def test_areas_and_agencies_outside_the_importers_jurisdiction_are_errors():
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    agency = Agency.objects.create(name="外区单位", kind=AgencyKind.OTHER, area=other)
    user = get_user_model().objects.create_user("haidian_admin", password="x", is_staff=True)
    Officer.objects.create(user=user, name="海淀管理员", role=Role.DISTRICT_ADMIN, agency=agency,
                           jurisdiction=Area.objects.get(kind=AreaKind.DISTRICT, code="110108"))
    report = officers_import(actor=user, filename="a.csv", data=_csv(
        f"imp01,钱一,队员,外区单位,,{other.code or other.name},Import-2026"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "单位"), (2, "辖区")]


def test_only_a_district_admin_may_import():
    with pytest.raises(Forbidden):
        officers_import(actor=get_user_model().objects.get(username="lead1"), filename="a.csv", data=_csv(*ROWS))


def _upload(client, name: str, data: bytes):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/admin/org/officer/import/", {"file": f})


def test_the_upload_page_imports_a_clean_xlsx_and_returns_to_the_list():
    workbook = Workbook()
    for line in [HEADER, *ROWS]:
        workbook.active.append(line.split(","))
    out = io.BytesIO()
    workbook.save(out)
    client = Client()
    client.force_login(_admin())
    page = client.get("/admin/org/officer/")
    assert "/admin/org/officer/import/" in page.content.decode()  # the button on the list
    response = _upload(client, "人员.xlsx", out.getvalue())
    assert response.status_code == 302 and response["Location"] == "/admin/org/officer/"
    assert Officer.objects.filter(user__username__in=["imp01", "imp02", "imp03"]).count() == 3


def test_the_upload_page_shows_the_report_and_saves_nothing_on_errors():
    client = Client()
    client.force_login(_admin())
    before = _state()
    response = _upload(client, "人员.csv", _csv(ROWS[0], "imp05,钱五,队员,不存在的单位,,学院路街道,Import-2026"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "未导入任何人员" in html and "不存在的单位" in html and "<td>3</td><td>单位</td>" in html
    assert _state() == before
    response = _upload(client, "人员.txt", b"x")
    assert response.status_code == 200 and "只支持 .xlsx 和 .csv 文件" in response.content.decode()


def test_a_team_lead_cannot_open_the_upload_page():
    user = get_user_model().objects.get(username="lead1")
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/admin/org/officer/import/").status_code == 403
    assert _upload(client, "人员.csv", _csv(*ROWS)).status_code == 403
