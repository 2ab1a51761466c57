"""Importing 12345 exports: all or nothing, updates by order number, bad files refused,
complaints located on the demo network, and the year-on-year pair of the source."""
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone

from core.models import AuditEvent
from geodata.models import Area, AreaKind
from hotline.domain.metrics import period_of
from hotline.models import Complaint, ImportBatch
from hotline.selectors.metrics import ranking, total_tally
from hotline.services.imports import complaints_import

from .conftest import HEADERS, csv_bytes, order, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(data, name="orders.xlsx", **kw):
    return complaints_import(data=data, filename=name, **kw)


def test_the_demo_export_imports_whole_and_locates_complaints_on_the_demo_network(fixtures_dir):
    path = fixtures_dir / "hotline" / "demo_orders.xlsx"
    assert path.stat().st_size < 300 * 1024
    result = _import(path.read_bytes(), path.name)
    assert result.ok, result.lines()[:5]
    assert result.errors == ()
    n = Complaint.objects.count()
    assert n == result.created == result.total > 2000
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    # Complaints of 学院路街道 carry addresses on the demo's roads; others are elsewhere.
    located = Complaint.objects.filter(geom__isnull=False)
    assert located.exists()
    assert set(located.values_list("unit_name", flat=True)) == {"学院路街道"}
    assert located.filter(area=xueyuan).count() == located.count()
    assert located.filter(segment__isnull=False).exists()
    assert Complaint.objects.filter(unit_name="学院路街道", unit_area=xueyuan).count() == \
        Complaint.objects.filter(unit_name="学院路街道").count()
    assert result.located == located.count()
    assert "定位" in result.headline
    # Both years are there, so the week's ranking has a year-on-year change.
    r = ranking(period_of("week", dt.date(2026, 11, 25)))
    assert r.total.volume > 0 and r.total.volume_change.percent is not None
    assert {row.metrics.name for row in r.rows} <= set(Complaint.objects.values_list("unit_name", flat=True))


def test_a_gbk_csv_is_read(user):
    rows = [order("G1", "2026-03-02 08:15", address="学院路与清华东路交叉口东北角", content="反映路口积存垃圾"),
            order("G2", "2026/3/3 9:00", satisfied="不满意")]
    result = _import(csv_bytes(rows, encoding="gbk"), "导出.csv", actor=user)
    assert result.ok, result.lines()
    g1 = Complaint.objects.get(order_no="G1")
    assert (g1.unit_name, g1.content, g1.satisfied) == ("学院路街道", "反映路口积存垃圾", True)
    assert g1.geom is not None and g1.location_precision == "intersection"
    assert Complaint.objects.get(order_no="G2").satisfied is False
    assert timezone.localtime(g1.received_at).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 8, 15)


def test_a_utf8_csv_with_bom_and_a_title_row_in_xlsx_are_read():
    rows = [order("U1", "2026-03-02 08:15")]
    assert _import(b"\xef\xbb\xbf" + csv_bytes(rows), "a.csv").created == 1
    result = _import(xlsx_bytes([order("U2", dt.datetime(2026, 3, 2, 8))], title="12345工单明细"), "b.xlsx")
    assert result.ok and result.created == 1


def test_a_file_with_five_different_errors_is_refused_whole_and_each_error_is_named():
    rows = [
        order("E1", "2026-03-02 08:15"),  # row 2: good, but the file is refused whole
        order("", "2026-03-02 09:00"),  # row 3
        order("E3", "2026-13-02 10:00"),  # row 4
        order("E1", "2026-03-03 10:00"),  # row 5: duplicate of row 2
        order("E5", "2026-03-03 11:00", content=""),  # row 6
        order("E6", "2026-03-03 12:00", resolved="差不多"),  # row 7
    ]
    before = (Complaint.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count())
    result = _import(xlsx_bytes(rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "工单编号"), (4, "受理时间"), (5, "工单编号"), (6, "诉求内容"), (7, "是否解决")]
    assert [e.value for e in result.errors] == ["", "2026-13-02 10:00", "E1", "", "差不多"]
    assert "未导入任何数据" in result.headline
    assert (Complaint.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count()) == before


def test_partial_import_keeps_the_good_rows_and_names_the_skipped_ones():
    rows = [order("P1", "2026-03-02 08:15"), order("P2", "坏日期"), order("P3", "2026-03-02 09:15")]
    result = _import(xlsx_bytes(rows), partial=True)
    assert result.ok and result.created == 2 and result.skipped == 1
    assert set(Complaint.objects.values_list("order_no", flat=True)) == {"P1", "P3"}
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.partial and batch.errors == ["第3行，“受理时间”列：不是有效的日期时间（值：“坏日期”）"]


def test_reimport_updates_changed_orders_and_never_doubles(user):
    first = [order("R1", "2026-03-02 08:15", resolved=""), order("R2", "2026-03-02 09:15")]
    assert _import(xlsx_bytes(first), actor=user).created == 2
    stamp = Complaint.objects.get(order_no="R2").updated_at
    again = _import(xlsx_bytes(first), actor=user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Complaint.objects.get(order_no="R2").updated_at == stamp  # untouched
    second = [order("R1", "2026-03-02 08:15", resolved="已解决"), order("R2", "2026-03-02 09:15"),
              order("R3", "2026-03-04 10:00")]
    result = _import(xlsx_bytes(second), actor=user)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert Complaint.objects.count() == 3
    assert Complaint.objects.get(order_no="R1").resolved is True
    event = AuditEvent.objects.filter(verb="imported", subject_type="hotline.importbatch").latest("id")
    assert (event.subject_id, event.actor_id) == (str(result.batch_id), user.pk)
    assert (event.after["created"], event.after["updated"], event.after["unchanged"]) == (1, 1, 1)


def test_a_dry_run_counts_without_writing():
    _import(xlsx_bytes([order("D1", "2026-03-02 08:15")]))
    result = _import(xlsx_bytes([order("D1", "2026-03-02 08:15", satisfied="不满意"), order("D2", "2026-03-03")]),
                     dry_run=True)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 1, 1, 0)
    assert "试运行" in result.headline
    assert Complaint.objects.count() == 1 and Complaint.objects.get().satisfied is True


def _corrupt_xlsx() -> bytes:
    data = xlsx_bytes([order("C1", "2026-03-02")])
    return data[: len(data) // 2]  # a zip cut short


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buf.getvalue()


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"", "x.xlsx", "文件是空的"),
    (b"%PDF-1.7 ...", "x.pdf", "只能导入 Excel（.xlsx）或 CSV 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", "旧版 Excel（.xls）"),
    (b"just text", "x.xlsx", "内容不是 Excel 文件"),
    (_corrupt_xlsx(), "x.xlsx", "Excel 文件已损坏"),
    (_zip_without_workbook(), "x.xlsx", "Excel 文件已损坏"),
    (csv_bytes([["a", "b"]], headers=["单号", "日期"]), "x.csv", "缺少必需的列“工单编号”"),
    (csv_bytes([], headers=HEADERS), "x.csv", "只有表头"),
    ("工单编号\n".encode("utf-16"), "x.csv", "不是文本格式的 CSV"),
])
def test_bad_files_get_a_clear_message_and_change_nothing(data, name, says):
    result = _import(data, name)
    assert not result.ok and says in result.fatal, result.fatal
    assert result.headline.startswith("无法导入：")
    assert not Complaint.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize(("data", "name"), [
    (_corrupt_xlsx(), "x.xlsx"), (_zip_without_workbook(), "x.xlsx"),
    (csv_bytes([["a", "b"]], headers=["单号", "日期"]), "x.csv"),
])
def test_a_refusal_names_no_python_class_and_no_command_line_option(data, name):
    # the page and the API show it too: 列映射 is the option's name on the page, in the API and the command
    fatal = _import(data, name).fatal
    assert "--" not in fatal and not re.search(r"[A-Z][a-z]+[A-Z][A-Za-z]*", fatal), fatal  # BadZipFile …
    if "缺少必需的列" in fatal:
        assert "可在“列映射”中指定，如 工单编号=文件中的列名" in fatal


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.HOTLINE_MAX_UPLOAD_MB = 1
    result = _import(b"a" * (1024 * 1024 + 1), "big.csv")
    assert "文件太大" in result.fatal and not Complaint.objects.exists()


def test_a_complaint_is_linked_to_the_patrol_problem_of_its_category_nearby(user):
    from patrol.models import Category, Problem

    when = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")  # problems are made now
    rows = [order("M1", when, address="学院路与清华东路交叉口东北角")]
    _import(xlsx_bytes(rows))
    c = Complaint.objects.get(order_no="M1")
    assert c.geom is not None and c.problem is None
    area = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    near = Point(c.geom.x + 10, c.geom.y, srid=settings.STORAGE_SRID)  # 10 m east
    far = Point(c.geom.x + 400, c.geom.y, srid=settings.STORAGE_SRID)
    garbage, parking = Category.objects.get(name="积存垃圾渣土"), Category.objects.get(name="机动车乱停放")
    for cat, where in ((parking, near), (garbage, far), (garbage, near)):
        Problem.objects.create(category=cat, geom=where, location_text="测试", subdistrict=area, reporter=user)
    match = Problem.objects.get(category=garbage, geom=near)
    # The complaint's text changes (a re-import): it is located again and matched.
    _import(xlsx_bytes([order("M1", when, address="学院路与清华东路交叉口东北角", content="反映路口积存垃圾多日")]))
    assert Complaint.objects.get(order_no="M1").problem == match


def _year_pair_rows():
    """Last year 10,151 complaints, this year 8,467; resolved and satisfied so the rates are
    89.16 % → 92.35 % and 89.03 % → 93.30 % (see test_metrics for the arithmetic)."""
    rows = []
    for year, total, resolved, satisfied in ((2025, 10151, 9051, 9037), (2026, 8467, 7819, 7900)):
        start = dt.datetime(year, 1, 1, 8, 0)
        for i in range(total):
            rows.append([f"Y{year}-{i:05d}", start + dt.timedelta(minutes=40 * i), "反映问题", "方庄街道",
                         "是", "已解决" if i < resolved else "未解决", "满意" if i < satisfied else "不满意"])
    return rows


def test_the_sources_year_on_year_pair_reports_minus_1684_and_minus_16_59_percent():
    headers = ["工单编号", "受理时间", "诉求内容", "承办单位", "是否响应", "是否解决", "是否满意"]
    result = _import(csv_bytes(_year_pair_rows(), headers=headers), "fangzhuang.csv")
    assert result.ok and result.created == 10151 + 8467
    r = ranking(period_of("year", dt.date(2026, 6, 1)))
    assert total_tally(r.last_year).total == 10151
    fz = r.rows[0].metrics
    assert (fz.volume, fz.volume_change.count, fz.volume_change.percent) == (8467, -1684, D("-16.59"))
    assert (fz.changes["resolution"], fz.changes["satisfaction"]) == (D("3.19"), D("4.27"))
    # Re-importing the same file changes nothing.
    again = _import(csv_bytes(_year_pair_rows(), headers=headers), "fangzhuang.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 18618)


def test_an_order_saved_meanwhile_by_another_import_leaves_this_import_unsaved(monkeypatch):
    _import(xlsx_bytes([order("X1", "2026-03-02 08:15")]))
    # As if a concurrent import wrote X1 after this one compared its numbers.
    monkeypatch.setattr("hotline.services.imports._existing", lambda numbers: {})
    result = _import(xlsx_bytes([order("X2", "2026-03-02 08:15"), order("X1", "2026-03-02 08:15")]))
    assert not result.ok and "同时进行的另一次导入" in result.fatal
    assert list(Complaint.objects.values_list("order_no", flat=True)) == ["X1"]
    assert ImportBatch.objects.count() == 1


# -- how an .xlsx is read: its stated size, its sheets, its merged cells ---------------------------------
def _restate_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook, its first sheet claiming the size `ref` (WPS writes "A1"; some writers
    leave the size the sheet had before rows were added)."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), body)
                assert n == 1
            dst.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize("ref", ["A1", "A1:M3", "B2:C3"])
def test_every_row_and_column_is_read_whatever_size_the_sheet_claims(ref):
    data = _restate_dimension(xlsx_bytes([order(f"W{i}", "2026-03-03 09:00") for i in range(6)]), ref)
    result = _import(data, "wps.xlsx")
    assert result.ok, result.lines()
    assert (result.total, result.created) == (6, 6)
    assert Complaint.objects.filter(order_no__startswith="W", unit_name="学院路街道").count() == 6


def _workbook(*sheets, active=0) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.active = active
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_orders_are_read_from_the_sheet_that_holds_them_and_the_report_names_it():
    notes = ("填表说明", [["本表由12345平台导出，请勿修改表头"]])
    orders = ("工单明细", [HEADERS, order("SH1", "2026-03-03 09:00")])
    for active in (0, 1):  # the notes may be the active sheet, or the orders
        Complaint.objects.all().delete()
        result = _import(_workbook(notes, orders, active=active), "two-sheets.xlsx")
        assert result.ok and result.created == 1, result.lines()
        assert "读取的是工作表“工单明细”（文件共有 2 个工作表）" in result.lines()
    # No sheet holds the orders: the refusal says which sheet it read.
    result = _import(_workbook(notes, ("统计", [["合计", 3]])), "no-orders.xlsx")
    assert not result.ok and "缺少必需的列“工单编号”" in result.fatal
    assert "读取的是工作表“填表说明”" in result.fatal


def test_a_unit_merged_over_several_orders_is_each_orders_unit():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(order("MG1", "2026-03-03 09:00", unit="学院路街道"))
    ws.append(order("MG2", "2026-03-03 10:00", unit=None))
    ws.append(order("MG3", "2026-03-03 11:00", unit=None))
    ws.append(order("MG4", "2026-03-03 12:00", unit="清华园街道", content="反映噪音扰民", callback="已回访"))
    ws.merge_cells("F2:F4")  # one unit over three orders
    ws.merge_cells("C5:D5")  # content merged across the address: the address stays empty
    ws.merge_cells("L5:L7")  # merged down into empty rows: they stay empty, no orders
    buf = io.BytesIO()
    wb.save(buf)
    result = _import(buf.getvalue(), "merged.xlsx")
    assert result.errors == () and result.total == 4, result.lines()
    units = dict(Complaint.objects.values_list("order_no", "unit_name"))
    assert units == {"MG1": "学院路街道", "MG2": "学院路街道", "MG3": "学院路街道", "MG4": "清华园街道"}
    mg4 = Complaint.objects.get(order_no="MG4")
    assert (mg4.content, mg4.address, mg4.callback) == ("反映噪音扰民", "", "已回访")


def test_a_unit_longer_than_its_column_is_named_not_a_failed_save():
    from hotline.services.imports import model_max_lengths

    assert model_max_lengths()["unit"] == Complaint._meta.get_field("unit_name").max_length == 100
    rows = [order("LU1", "2026-03-03 09:00"), order("LU2", "2026-03-03 10:00", unit="甲" * 101)]
    result = _import(xlsx_bytes(rows), "long.xlsx")
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(3, "承办单位")]
    assert not Complaint.objects.exists()
    result = _import(csv_bytes(rows), "long.csv", partial=True)
    assert result.ok and (result.created, result.skipped) == (1, 1)
    assert list(Complaint.objects.values_list("order_no", flat=True)) == ["LU1"]


def test_the_text_is_kept_as_written_and_a_unit_finds_its_area_however_it_brackets_it():
    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    xueyuan = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    xihongmen = Area.objects.create(name="西红门地区（西红门镇）", kind=AreaKind.SUBDISTRICT, parent=district,
                                    geom=xueyuan.geom, source="test", generated=True)
    content = "反映：门前积存垃圾，希望尽快清理（急）！"
    rows = [order("ＮＦ１", "２０２６-03-03 09:00", unit="西红门地区（西红门镇）", content=content,
                  address="学院路１５号", team="城管科（一组）", callback="已回访：满意。", satisfied="满意"),
            order("NF2", "2026-03-03 10:00", unit="西红门地区(西红门镇)", responded="Ｙ")]
    assert _import(csv_bytes(rows), "nf.csv").ok
    nf1 = Complaint.objects.get(order_no="NF1")  # an order number is an identifier: matched as half-width
    assert (nf1.content, nf1.address, nf1.unit_name, nf1.team_name, nf1.callback) == (
        content, "学院路１５号", "西红门地区（西红门镇）", "城管科（一组）", "已回访：满意。")
    assert timezone.localtime(nf1.received_at).replace(tzinfo=None) == dt.datetime(2026, 3, 3, 9)
    nf2 = Complaint.objects.get(order_no="NF2")
    assert (nf2.unit_name, nf2.responded) == ("西红门地区(西红门镇)", True)
    assert nf1.unit_area_id == nf2.unit_area_id == xihongmen.pk
    # The same file again changes nothing.
    assert _import(csv_bytes(rows), "nf.csv").unchanged == 2


def test_an_order_whose_time_a_csv_writes_as_an_excel_serial_is_unchanged_on_reimport():
    assert _import(xlsx_bytes([order("SR1", dt.datetime(2026, 3, 2, 8, 16))]), "a.xlsx").created == 1
    again = _import(csv_bytes([order("SR1", "46083.3444444444")]), "b.csv")  # 08:16 as Excel saves it
    assert (again.updated, again.unchanged) == (0, 1)
    assert timezone.localtime(Complaint.objects.get().received_at).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 8, 16)


# -- who may write which orders ------------------------------------------------------------------------
def _people():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.get(username="admin"), users.get(username="supervisor1"), users.get(username="other_supervisor")


def test_an_office_supervisor_writes_only_the_orders_of_its_own_offices(other_subdistrict):
    district, xueyuan_sup, other_sup = _people()  # the district; 学院路街道; 测试街道
    assert _import(csv_bytes([order("J1", "2026-03-03 09:00", unit="测试街道"),
                              order("J2", "2026-03-03 10:00", unit="学院路街道")]), "d.csv", actor=district).ok
    before = list(Complaint.objects.order_by("order_no").values_list("order_no", "unit_name", "resolved", "satisfied"))
    rows = [order("J1", "2026-03-03 09:00", unit="测试街道", resolved="未解决", satisfied="不满意"),  # row 2
            order("J1B", "2026-03-03 09:00", unit="学院路街道"),  # row 3: its own office, fine
            order("J2", "2026-03-03 10:00", unit="测试街道"),  # row 4: its own order, moved to another office
            order("J3", "2026-03-03 11:00", unit="测试街道"),  # row 5: a new order of another office
            order("J4", "2026-03-03 12:00", unit="甲街道")]  # row 6: an office the platform does not know
    result = _import(csv_bytes(rows), "x.csv", actor=xueyuan_sup)
    assert not result.ok and "未导入任何数据" in result.headline
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "工单编号", "该工单已由辖区外的“测试街道”承办，您无权修改"),
        (4, "承办单位", "承办单位不在您的辖区内，您无权导入其工单"),
        (5, "承办单位", "承办单位不在您的辖区内，您无权导入其工单"),
        (6, "承办单位", "承办单位不在您的辖区内，您无权导入其工单"),
    ]
    after = list(Complaint.objects.order_by("order_no").values_list("order_no", "unit_name", "resolved", "satisfied"))
    assert after == before
    # Moving another office's order into its own office is just as much a rewrite.
    result = _import(csv_bytes([order("J1", "2026-03-03 09:00", unit="学院路街道")]), "y.csv", actor=xueyuan_sup)
    assert not result.ok and result.errors[0].column == "工单编号"
    # Skipping bad rows, as asked, saves only its own.
    result = _import(csv_bytes(rows), "x.csv", actor=xueyuan_sup, partial=True)
    assert result.ok and (result.created, result.updated, result.skipped) == (1, 0, 4)
    assert Complaint.objects.get(order_no="J1").resolved is True
    # The office whose order it is may change it, and the district any order.
    assert _import(csv_bytes(rows[:1]), "o.csv", actor=other_sup).updated == 1
    assert Complaint.objects.get(order_no="J1").resolved is False
    assert _import(csv_bytes(rows), "d2.csv", actor=district).errors == ()


def test_local_days_and_iso_weeks_hold_across_midnight_and_the_new_year():
    from hotline.domain.metrics import parse_period_key

    rows = [order("B1", "2026-03-08 23:30"), order("B2", "2026-03-09 00:10"),  # Sunday of W10, Monday of W11
            order("B3", "2025-12-29 00:05"), order("B4", "2026-01-04 23:59"),  # both in 2026-W01
            order("B5", "2024-12-30 08:00"), order("B6", "2025-12-28 23:59")]  # 2025-W01, 2025-W52
    assert _import(csv_bytes(rows), "b.csv").ok
    w10, w11, w01 = (ranking(parse_period_key("week", key)) for key in ("2026-W10", "2026-W11", "2026-W01"))
    assert (w10.total.volume, w11.total.volume, w01.total.volume) == (1, 1, 2)
    assert w01.total.volume_change.count == 1 and w01.previous_volume == 1
    empty = ranking(parse_period_key("week", "2030-W01"))
    assert empty.rows == [] and empty.total.score is None
