"""Review (imp): files as real 12345 exports come, through the API and the service."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.models import Complaint, ImportBatch
from hotline.services.imports import complaints_import
from tests.api.test_geojson_contract import client_for

from .conftest import HEADERS, csv_bytes, order, xlsx_bytes

pytestmark = pytest.mark.django_db
IMPORT = "/api/v1/complaints/import"


def _damaged_xlsx() -> bytes:
    """A download damaged in the middle: the zip's directory is intact, the sheet's data is not."""
    data = xlsx_bytes([order(f"C{i}", "2026-03-02 08:00") for i in range(300)])
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    b = bytearray(data)
    for k in range(start + 50, start + 80):
        b[k] ^= 0x55
    return bytes(b)


def _malformed_sheet_xlsx() -> bytes:
    """A sheet whose XML is not well-formed (a control character a careless exporter wrote raw)."""
    data = xlsx_bytes([order("C1", "2026-03-02 08:00", content="门前垃圾MARK")])
    zin, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in zin.infolist():
            z.writestr(i, zin.read(i.filename).replace(b"MARK", b"\x0b"))
    return out.getvalue()


@pytest.mark.parametrize("make", [_damaged_xlsx, _malformed_sheet_xlsx])
def test_a_damaged_xlsx_is_refused_with_a_message_not_a_500(make):
    c = client_for("supervisor1")
    c.raise_request_exception = False
    r = c.post(IMPORT, {"file": SimpleUploadedFile("工单.xlsx", make())}, format="multipart")
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert "Excel 文件已损坏" in r.json()["detail"]
    assert not Complaint.objects.exists() and not ImportBatch.objects.exists()


def test_a_damaged_xlsx_on_the_upload_page_is_refused_with_a_message():
    from django.contrib.auth import get_user_model
    from django.test import Client
    c = Client(raise_request_exception=False)
    c.force_login(get_user_model().objects.get(username="supervisor1"))
    r = c.post("/hotline/import/", {"file": SimpleUploadedFile("工单.xlsx", _damaged_xlsx())})
    assert r.status_code in (200, 400, 422), r.status_code
    assert "Excel 文件已损坏" in r.content.decode()


def test_empty_formatted_rows_below_the_data_do_not_count_as_rows():
    """Ten orders, and below them rows whose height was set (Excel writes a <row> for each):
    the file is refused as having more than 200,000 rows."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for i in range(10):
        ws.append(order(f"E{i}", "2026-03-03 09:00"))
    for i in range(12, 210_020):
        ws.row_dimensions[i].height = 18
    buf = io.BytesIO()
    wb.save(buf)
    result = complaints_import(data=buf.getvalue(), filename="工单.xlsx")
    assert result.ok and result.created == 10, result.lines()


def test_a_nul_byte_late_in_a_csv_is_refused_not_a_500():
    rows = [order(f"N{i}", "2026-03-03 09:00", content="反映门前积存垃圾" * 5) for i in range(60)]
    rows.append(order("N99", "2026-03-03 09:00", content="门前\x00垃圾"))
    data = csv_bytes(rows)
    assert data.index(b"\x00") > 4096
    c = client_for("supervisor1")
    c.raise_request_exception = False
    r = c.post(IMPORT, {"file": SimpleUploadedFile("工单.csv", data)}, format="multipart")
    assert r.status_code in (201, 422), (r.status_code, r.content[:200])


def _shared_strings_xlsx(rows) -> bytes:
    """A workbook as Excel writes it: every text in xl/sharedStrings.xml, a carriage return in a
    cell written as _x000D_ (ECMA-376's escape), and "_x005F_" for an underscore before xHHHH_."""
    from xml.sax.saxutils import escape
    strings: list[str] = []

    def ref(s):
        strings.append(s)
        return len(strings) - 1
    sheet_rows = []
    for r, cells in enumerate(rows, start=1):
        cs = "".join(f'<c r="{chr(65 + i)}{r}" t="s"><v>{ref(v)}</v></c>' for i, v in enumerate(cells))
        sheet_rows.append(f'<row r="{r}">{cs}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
                                + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings) + "</sst>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode())
    return buf.getvalue()


def test_a_carriage_return_excel_escaped_as_x000D_is_read_as_one():
    headers = ["工单编号", "受理时间", "诉求内容", "承办单位", "承办人"]
    data = _shared_strings_xlsx([headers, ["R1", "2026-03-03 09:00", "市民来电反映：_x000D_\n门前积存垃圾", "学院路街道",
                                           "王_x005F_x0041_工"]])
    result = complaints_import(data=data, filename="工单.xlsx")
    assert result.ok and result.created == 1, result.lines()
    c = Complaint.objects.get()
    assert c.content == "市民来电反映：\r\n门前积存垃圾", repr(c.content)
    assert c.handler_name == "王_x0041_工"  # "_x005F_x0041_" in the file: the text itself, kept


def test_a_password_protected_xlsx_is_not_called_an_old_xls():
    from pathlib import Path
    data = (Path(__file__).parent / "imp_encrypted.xlsx").read_bytes()  # msoffcrypto-tool, password 1234
    result = complaints_import(data=data, filename="工单.xlsx")
    assert not result.ok and "旧版" not in result.fatal and "密码" in result.fatal, result.fatal


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年3月3日 9时", "2026-03-03 09:00"),
    ("2026年3月3日9时", "2026-03-03 09:00"),
    ("2026-03-03 09:00:00.0", "2026-03-03 09:00"),  # java.sql.Timestamp as databases export it
    ("2026-03-03 09:00:00.000", "2026-03-03 09:00"),
])
def test_received_times_as_exports_write_them_are_read(text, expected):
    import datetime as dt
    result = complaints_import(data=csv_bytes([order("T1", text)]), filename="工单.csv")
    assert result.ok and result.created == 1, result.lines()
    got = Complaint.objects.get().received_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert got.strftime("%Y-%m-%d %H:%M") == expected


def test_an_order_number_kept_as_text_with_excel_s_equals_quote_is_the_number():
    """CSV exports write long numbers as ="2026030312345678" so that Excel shows them whole (not
    2.02603E+15); Excel shows the number. The same order in the .xlsx export is the same order."""
    line = ",".join(['="2026030312345678"', *order("x", "2026-03-03 09:00")[1:]])
    data = ("\r\n".join([",".join(HEADERS), line]) + "\r\n").encode("gbk")
    assert complaints_import(data=data, filename="工单.csv").created == 1
    assert Complaint.objects.get().order_no == "2026030312345678"
    again = complaints_import(data=xlsx_bytes([order("2026030312345678", "2026-03-03 09:00")]), filename="工单.xlsx")
    assert (again.created, again.unchanged) == (0, 1) and Complaint.objects.count() == 1


def _two_row_header_xlsx(merged: bool) -> bytes:
    """The header in two rows: the three rates grouped under 三率情况 (merged across), the other
    columns' names merged down over both rows (or written in the first only)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["12345工单明细"])
    top = list(HEADERS)
    top[8:11] = ["三率情况", None, None]
    ws.append(top)
    ws.append([None] * 8 + ["是否响应", "是否解决", "是否满意", None, None])
    if merged:
        for col in "ABCDEFGHLM":
            ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("I2:K2")
    ws.append(order("W1", "2026-03-03 09:00", satisfied="不满意", resolved="未解决"))
    ws.append(order("W2", "2026-03-03 10:00", satisfied="满意"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("merged", [True, False])
def test_a_header_in_two_rows_is_read_whole(merged):
    result = complaints_import(data=_two_row_header_xlsx(merged), filename="工单.xlsx")
    assert result.ok and result.created == 2, result.lines()
    got = {c.order_no: (c.resolved, c.satisfied) for c in Complaint.objects.all()}
    assert got == {"W1": (False, False), "W2": (True, True)}

