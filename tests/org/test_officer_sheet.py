"""Reading the officer sheet (org.domain.officer_sheet): rows out, errors naming row and column.
No database: the module is pure."""
import io

import pytest
from openpyxl import Workbook

from org.domain.officer_sheet import SheetFormatError, parse_rows, read_csv, read_sheet, read_xlsx

HEADER = ["用户名", "姓名", "角色", "单位", "班组", "辖区", "初始密码"]
GOOD = ["wang01", "王一", "队员", "学院路街道综合行政执法队", "执法一队", "学院路街道", "patrol-2026"]


def _errors(sheet):
    return [(e.row, e.column) for e in sheet.errors]


def test_good_rows_come_out_with_role_codes_and_spreadsheet_row_numbers():
    sheet = parse_rows([HEADER, GOOD, ["li02", "李二", "team_lead", "学院路街道城管办", "", "110108", "abcdefgh"]])
    assert sheet.errors == []
    assert [(r.row, r.username, r.role, r.team, r.area) for r in sheet.rows] == [
        (2, "wang01", "officer", "执法一队", "学院路街道"), (3, "li02", "team_lead", "", "110108")]


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored():
    header = ["备注", "初始密码", "辖区", "单位", "角色", "姓名", "用户名"]
    sheet = parse_rows([header, ["新人", "patrol-2026", "学院路街道", "执法队", "督办人员", "赵三", "zhao03"]])
    assert sheet.errors == [] and sheet.rows[0].role == "supervisor" and sheet.rows[0].username == "zhao03"


def test_blank_lines_before_the_header_and_between_rows_are_skipped():
    sheet = parse_rows([[], ["", ""], HEADER, GOOD, ["", "", ""], ["wang02", *GOOD[1:]]])
    assert sheet.errors == [] and [r.row for r in sheet.rows] == [4, 6]


def test_a_missing_required_column_is_one_error_on_the_header_row():
    sheet = parse_rows([["用户名", "姓名", "单位", "辖区"], ["a", "b", "c", "d"]])
    assert len(sheet.errors) == 1 and sheet.rows == []
    assert sheet.errors[0].row == 1 and "角色" in sheet.errors[0].message and "初始密码" in sheet.errors[0].message


def test_bad_rows_are_reported_by_row_and_column_and_good_rows_still_read():
    sheet = parse_rows([
        HEADER,
        GOOD,
        ["", "空用户名", "队员", "执法队", "", "学院路街道", "patrol-2026"],  # row 3
        ["li 02", "李二", "巡警", "执法队", "", "学院路街道", "patrol-2026"],  # row 4: bad username, unknown role
        ["WANG01", "王一同名", "队员", "执法队", "", "学院路街道", "patrol-2026"],  # row 5: same username as row 2
        ["zhao03", "赵三", "队员", "", "", "", ""],  # row 6: three blanks
    ])
    assert _errors(sheet) == [(3, "用户名"), (4, "用户名"), (4, "角色"), (5, "用户名"),
                              (6, "单位"), (6, "辖区"), (6, "初始密码")]
    assert [r.username for r in sheet.valid_rows()] == ["wang01"]
    assert len(sheet.rows) == 5 and sheet.bad_columns(4) == {"用户名", "角色"}
    assert str(sheet.errors[1]).startswith("第 4 行「用户名」：")
    assert "第 2 行" in sheet.errors[3].message


def test_an_empty_table_and_a_header_without_rows_are_errors():
    assert _errors(parse_rows([])) == [(0, "")]
    assert "没有人员" in parse_rows([HEADER]).errors[0].message


def test_csv_in_utf8_with_bom_and_in_gb18030_read_alike():
    text = ",".join(HEADER) + "\n" + ",".join(GOOD) + "\n"
    for data in (text.encode("utf-8-sig"), text.encode("gb18030")):
        sheet = read_csv(data)
        assert sheet.errors == [] and sheet.rows[0].name == "王一"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_numbers_typed_into_cells_read_as_text():
    data = _xlsx([HEADER, ["li02", "李二", "班组长", "执法队", None, 110108, 12345678]])
    sheet = read_xlsx(data)
    assert sheet.errors == []
    assert (sheet.rows[0].area, sheet.rows[0].password, sheet.rows[0].team) == ("110108", "12345678", "")


def test_the_file_kind_follows_the_extension_and_a_broken_file_is_a_format_error():
    data = _xlsx([HEADER, GOOD])
    assert read_sheet("人员.XLSX", data).rows[0].username == "wang01"
    with pytest.raises(SheetFormatError):
        read_sheet("人员.xlsx", b"not a zip file")
    with pytest.raises(SheetFormatError):
        read_sheet("人员.xls", data)
