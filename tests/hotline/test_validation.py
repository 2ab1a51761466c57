"""The validation report: every bad cell named by row (as Excel shows it), column header,
what is wrong and the value; headers recognised by their usual names or an explicit mapping."""
import datetime as dt

import pytest

from hotline.domain.columns import parse_mapping, resolve_mapping
from hotline.domain.validation import parse_datetime, parse_flag, validate_rows

from .conftest import HEADERS, order


def _rows(*rows, first=2):
    return [(first + i, r) for i, r in enumerate(rows)]


def test_five_different_errors_are_each_named_with_row_column_and_value():
    rows = _rows(
        order("A1", "2026-03-02 08:15"),  # row 2: good
        order("", "2026-03-02 09:00"),  # row 3: no order number
        order("A3", "2026-02-30 10:00"),  # row 4: no such date
        order("A1", "2026-03-03 10:00"),  # row 5: A1 again (row 2)
        order("A5", "2026-03-03 11:00", unit=""),  # row 6: no responsible unit
        order("A6", "2026-03-03 12:00", satisfied="还行"),  # row 7: not a satisfaction word
    )
    report = validate_rows(rows, resolve_mapping(HEADERS))
    texts = [e.text for e in report.errors]
    assert texts == [
        "第3行，“工单编号”列：工单编号不能为空",
        "第4行，“受理时间”列：不是有效的日期时间（值：“2026-02-30 10:00”）",
        "第5行，“工单编号”列：工单编号与第2行重复（值：“A1”）",
        "第6行，“承办单位”列：承办单位不能为空",
        "第7行，“是否满意”列：无法识别，应为 满意/基本满意/不满意 或留空（值：“还行”）",
    ]
    assert [r.order_no for r in report.rows] == ["A1"]
    assert report.bad_rows == (3, 4, 5, 6, 7)


def test_the_report_uses_the_files_own_header_spelling():
    headers = ["工单号", "来电时间", "问题描述", "主办单位"]
    report = validate_rows([(2, ["X", "昨天", "噪音", "甲街道"])], resolve_mapping(headers))
    assert report.errors[0].column == "来电时间"


def test_an_explicit_mapping_wins_over_the_usual_names():
    headers = ["编码", "时间", "内容", "街道", "承办单位"]
    m = resolve_mapping(headers, parse_mapping("工单编号=编码, received_at=时间, 诉求内容=内容, unit=街道"))
    assert m.errors == ()
    assert (m.columns["order_no"], m.columns["received_at"], m.columns["unit"]) == (0, 1, 3)


def test_missing_required_columns_and_unknown_mapping_fields_are_explained():
    m = resolve_mapping(["编码", "诉求内容"])
    assert any("受理时间" in e for e in m.errors) and any("承办单位" in e for e in m.errors)
    with pytest.raises(ValueError, match="字段“单号”不存在"):
        parse_mapping("单号=编码")
    assert "在文件中不存在" in resolve_mapping(["工单编号"], {"unit": "街乡"}).errors[0]


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-02 08:15:00", dt.datetime(2026, 3, 2, 8, 15)),
    ("2026/3/2", dt.datetime(2026, 3, 2)),
    ("2026年3月2日", dt.datetime(2026, 3, 2)),
    (dt.datetime(2026, 3, 2, 8, 15, 30), dt.datetime(2026, 3, 2, 8, 15, 30)),
    (46083, dt.datetime(2026, 3, 2)),  # Excel's day serial: 1899-12-30 + 46083 days
    ("2026年3月2日 8时15分30秒", dt.datetime(2026, 3, 2, 8, 15, 30)),
    ("2026年03月02日 08时15分", dt.datetime(2026, 3, 2, 8, 15)),
    ("2026年3月2日 8:15:30", dt.datetime(2026, 3, 2, 8, 15, 30)),
    # A serial as a CSV keeps it (15 digits) lies a hair before the minute: rounded, not cut.
    ("46083.3444444444", dt.datetime(2026, 3, 2, 8, 16)),
    (46083.34444444444, dt.datetime(2026, 3, 2, 8, 16)),
    (dt.datetime(2026, 3, 2, 8, 15, 59, 999_990), dt.datetime(2026, 3, 2, 8, 16)),
    ("下周三", None),
    ("2026-13-01", None),
])
def test_received_times_as_exports_write_them(value, expected):
    assert parse_datetime(value) == expected


def test_yes_no_words_and_not_assessed():
    assert parse_flag("已响应", "responded") == (True, True)
    assert parse_flag("未解决", "resolved") == (False, True)
    assert parse_flag("部分解决", "resolved") == (False, True)
    assert parse_flag("未回访", "satisfied") == (None, True)
    assert parse_flag(None, "satisfied") == (None, True)
    assert parse_flag("满意", "resolved") == (None, False)  # a satisfaction word is no resolution


def test_text_longer_than_its_column_is_an_error_of_its_row_never_cut():
    rows = _rows(
        order("L1", "2026-03-02 08:15", unit="甲" * 100, callback="回" * 4000),  # row 2: at the bounds
        order("L2", "2026-03-02 08:15", unit="甲" * 101),  # row 3
        order("L3", "2026-03-02 08:15", callback="回" * 5000),  # row 4: the callback, as the content
        order("L4", "2026-03-02 08:15", team="科" * 101, handler="人" * 101),  # row 5
    )
    report = validate_rows(rows, resolve_mapping(HEADERS))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "承办单位", "超过 100 个字符（101 个）"),
        (4, "回访情况", "超过 4000 个字符（5000 个）"),
        (5, "承办科室", "超过 100 个字符（101 个）"),
        (5, "承办人", "超过 100 个字符（101 个）"),
    ]
    assert [(r.order_no, len(r.unit), len(r.callback)) for r in report.rows] == [("L1", 100, 4000)]
    # The bounds are the caller's (the import passes its model's column widths).
    narrow = validate_rows(_rows(order("L5", "2026-03-02", unit="学院路街道")), resolve_mapping(HEADERS), {"unit": 4})
    assert narrow.errors[0].text == "第2行，“承办单位”列：超过 4 个字符（5 个）（值：“学院路街道”）"


def test_a_header_written_twice_is_refused_when_a_field_would_be_read_from_it():
    m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "受理时间"])
    assert m.errors == ("列名“受理时间”出现了2次（第2列、第5列），无法确定使用哪一列，请删除或改名多余的列",)
    # Full-width or starred spellings of the same header are the same header.
    m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "*承办单位", "备注", "备注"])
    assert m.errors == ("列名“承办单位”出现了2次（第4列、第5列），无法确定使用哪一列，请删除或改名多余的列",)
    # A repeated column no field reads (two 备注) is no ambiguity; nor one an explicit mapping avoids.
    assert resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "备注", "备注"]).errors == ()
    m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "受理时间", "来电时间"],
                        parse_mapping("受理时间=来电时间"))
    assert m.errors == () and m.columns["received_at"] == 5
    # An explicit mapping to a header written twice is just as ambiguous.
    m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "街道", "街道"], parse_mapping("承办单位=街道"))
    assert m.errors == ("列名“街道”出现了2次（第4列、第5列），无法确定使用哪一列，请删除或改名多余的列",)


def test_a_file_with_a_header_written_twice_is_refused_and_says_which_columns(db):
    from hotline.services.imports import complaints_import

    from .conftest import csv_bytes

    result = complaints_import(data=csv_bytes([["D1", "2026-03-02", "噪音", "学院路街道", "2026-03-03"]],
                                              headers=["工单编号", "受理时间", "诉求内容", "承办单位", "受理时间"]),
                               filename="twice.csv")
    assert not result.ok and "列名“受理时间”出现了2次（第2列、第5列）" in result.fatal
