"""Checking every row of a 12345 export before anything is saved: the validation report.

Each problem is one `RowError`: the row number as Excel shows it, the column header as the
file spells it, what is wrong, and the bad value, so a handler can find and fix the cell.
A file with any error is imported not at all (unless a partial import is asked for, which
keeps the good rows and skips the named ones).

Yes/no columns take what exports write: 是/否, 已响应/未响应, 已解决/未解决/部分解决,
满意/基本满意/不满意, Y/N, 1/0; empty (or 未回访, 未评价) means not assessed, which leaves
the order out of that rate's denominator.

>>> from hotline.domain.columns import resolve_mapping
>>> m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "是否解决"])
>>> rows = [(2, ["A1", "2026-03-02 08:15", "门前积存垃圾", "学院路街道", "已解决"]),
...         (3, ["A2", "2026-02-30", "噪音", "学院路街道", "也许"])]
>>> report = validate_rows(rows, m)
>>> [r.order_no for r in report.rows], report.rows[0].resolved
(['A1'], True)
>>> print(report.errors[0].text)
第3行，“受理时间”列：不是有效的日期时间（值：“2026-02-30”）
>>> print(report.errors[1].text)
第3行，“是否解决”列：无法识别，应为 是/否、已解决/未解决 或留空（值：“也许”）
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .columns import Mapping

MAX_CONTENT = 4000  # 诉求内容 and 回访情况 (text columns of no width: the platform's own bound)
# The longest text each field may hold. These are the widths of the model's columns, and
# hotline.services.imports passes the model's own, so that a longer value is a row error with
# its row and column, never a failed save.
MAX_LENGTHS: dict[str, int] = {"order_no": 40, "content": MAX_CONTENT, "address": 300, "category": 100,
                               "unit": 100, "team": 100, "handler": 100, "callback": MAX_CONTENT}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    value: str = ""

    @property
    def text(self) -> str:
        value = f"（值：“{self.value}”）" if self.value != "" else ""
        where = f"第{self.row}行，“{self.column}”列" if self.column else f"第{self.row}行"
        return f"{where}：{self.message}{value}"


@dataclass(frozen=True)
class ErrorGroup:
    """The bad cells of one column that are wrong in the same way, with the rows they are in."""
    column: str
    message: str
    count: int
    rows: tuple[int, ...]  # the first few, in file order

    @property
    def rows_text(self) -> str:
        text = "、".join(str(r) for r in self.rows)
        return text + ("等" if self.count > len(self.rows) else "")


def group_errors(errors, *, rows_shown: int = 10) -> list[ErrorGroup]:
    """A long report told in a few lines: the errors grouped by column and what is wrong, the
    largest group first (a file of another office's orders is thousands of rows of one reason).

    >>> errs = [RowError(2, "承办单位", "不在您的辖区", "甲"), RowError(3, "受理时间", "不是有效的日期时间", "x"),
    ...         RowError(4, "承办单位", "不在您的辖区", "乙")]
    >>> [(g.column, g.count, g.rows_text) for g in group_errors(errs, rows_shown=1)]
    [('承办单位', 2, '2等'), ('受理时间', 1, '3')]
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for e in errors:
        groups.setdefault((e.column, e.message), []).append(e.row)
    out = [ErrorGroup(column, message, len(rows), tuple(rows[:rows_shown]))
           for (column, message), rows in groups.items()]
    return sorted(out, key=lambda g: -g.count)  # stable: equal counts keep the file's order


@dataclass(frozen=True)
class OrderRow:
    """One work order as read from the file, checked."""
    row: int
    order_no: str
    received_at: dt.datetime  # naive: local time (Asia/Shanghai) as the export writes it
    content: str
    address: str
    category: str
    unit: str
    team: str
    handler: str
    responded: bool | None
    resolved: bool | None
    satisfied: bool | None
    callback: str
    difficult: bool


@dataclass(frozen=True)
class ValidationReport:
    rows: tuple[OrderRow, ...]
    errors: tuple[RowError, ...]
    total: int  # data rows in the file

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({e.row for e in self.errors}))

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: object) -> str:
    """A cell's text as the file writes it (only the spaces around it dropped): 诉求内容,
    诉求地址 and 承办单位 are kept in the export's own punctuation (，：（）), not rewritten."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an order number Excel stored as a number
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def match_key(text: str) -> str:
    """How a name is compared, never stored: full-width letters, digits and brackets as
    half-width (NFKC) and no spaces, so that a unit written 西红门地区(西红门镇) finds the area
    named 西红门地区（西红门镇）.

    >>> match_key(" 西红门地区(西红门镇)") == match_key("西红门地区（西红门镇）"), match_key("学院路 街道")
    (True, '学院路街道')
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                     "%Y/%m/%d", "%Y%m%d%H%M%S", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d")
# 2026年3月2日, … 8时, … 8时15分, … 8时15分30秒, … 8点15分, … 8:15, … 8:15:30
_CJK_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})(?:[时点]|:(?=\d))(?:(\d{1,2})(?:[分:](?:(\d{1,2})秒?)?)?)?)?$")
# Excel day serials between 2000-01-01 and 2099-12-31 (a number in a CSV that Excel wrote).
_SERIAL_MIN, _SERIAL_MAX = 36526, 73050


def parse_datetime(value: object) -> dt.datetime | None:
    """A received time as exports write it; None when it is not one.

    >>> parse_datetime("2026年3月2日 8时15分"), parse_datetime("2026/3/2 8:15")
    (datetime.datetime(2026, 3, 2, 8, 15), datetime.datetime(2026, 3, 2, 8, 15))
    >>> parse_datetime(46083.5), parse_datetime("46083.3444444444")
    (datetime.datetime(2026, 3, 2, 12, 0), datetime.datetime(2026, 3, 2, 8, 16))
    >>> parse_datetime("2026年3月2日 8时15分30秒"), parse_datetime("2026年3月2日 8时")
    (datetime.datetime(2026, 3, 2, 8, 15, 30), datetime.datetime(2026, 3, 2, 8, 0))
    >>> parse_datetime("2026-03-02 08:15:00.0")  # java.sql.Timestamp, as databases export it
    datetime.datetime(2026, 3, 2, 8, 15)
    """
    if isinstance(value, dt.datetime):
        return _to_second(value.replace(tzinfo=None))
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            # A serial keeps 15 significant digits: 08:16 is 46083.3444444444, a hair before it.
            return dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(float(value) * 86400))
        return None
    s = unicodedata.normalize("NFKC", _text(value))
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return parse_datetime(float(s))
    m = _CJK_DATE.match(s.replace(" ", " "))
    if m:
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, sec)
        except ValueError:
            return None
    s = re.sub(r"\s+", " ", s)
    for fmt in _DATETIME_FORMATS:
        try:
            return _to_second(dt.datetime.strptime(s, fmt))
        except ValueError:
            continue
    return None


def _to_second(value: dt.datetime) -> dt.datetime:
    """To the nearest second (a time read from a serial may be a few microseconds short)."""
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "×", "✗"}
_UNASSESSED = {"", "-", "—", "/", "无", "未回访", "未评价", "不参评", "未参评", "暂无"}
WORDS: dict[str, dict[str, bool]] = {
    "responded": {"已响应": True, "响应": True, "及时响应": True, "未响应": False, "未及时响应": False},
    "resolved": {"已解决": True, "解决": True, "未解决": False, "部分解决": False, "不解决": False},
    "satisfied": {"满意": True, "非常满意": True, "基本满意": True, "不满意": False, "非常不满意": False},
    "difficult": {"疑难": True, "疑难件": True, "非疑难": False},
}
_HINTS = {"responded": "是/否、已响应/未响应", "resolved": "是/否、已解决/未解决",
          "satisfied": "满意/基本满意/不满意", "difficult": "是/否"}


def parse_flag(value: object, key: str) -> tuple[bool | None, bool]:
    """(value, understood) for a yes/no column; None = not assessed.

    >>> parse_flag("基本满意", "satisfied"), parse_flag("", "satisfied"), parse_flag("好", "satisfied")
    ((True, True), (None, True), (None, False))
    """
    if isinstance(value, bool):
        return value, True
    s = unicodedata.normalize("NFKC", _text(value)).lower()
    if s in _UNASSESSED:
        return None, True
    if s in _YES:
        return True, True
    if s in _NO:
        return False, True
    if s in WORDS.get(key, {}):
        return WORDS[key][s], True
    return None, False


def validate_rows(rows: list[tuple[int, list[object]]], mapping: Mapping,
                  max_lengths: dict[str, int] | None = None) -> ValidationReport:
    """Every row checked; errors for each bad cell, and for order numbers seen twice.

    `max_lengths`: the longest text of each field (default MAX_LENGTHS); a longer cell is an
    error of its row, not cut.

    >>> from hotline.domain.columns import resolve_mapping
    >>> m = resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "回访情况"])
    >>> report = validate_rows([(2, ["A1", "2026-03-02", "噪音", "学院路街道" * 3, "回" * 9])], m,
    ...                        {**MAX_LENGTHS, "unit": 10, "callback": 8})
    >>> for e in report.errors: print(e.text)
    第2行，“承办单位”列：超过 10 个字符（15 个）（值：“学院路街道学院路街道学院路街道”）
    第2行，“回访情况”列：超过 8 个字符（9 个）（值：“回回回回回回回回回”）
    """
    limits = {**MAX_LENGTHS, **(max_lengths or {})}
    good: list[OrderRow] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}

    def cell(cells: list[object], key: str) -> object:
        i = mapping.columns.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in rows:
        row_errors: list[RowError] = []

        def err(key: str, message: str, value: object = "", _n=number, _e=row_errors) -> None:
            _e.append(RowError(_n, mapping.header_of(key), message, _text(value)[:60]))

        texts = {key: _text(cell(cells, key)) for key in limits}
        # An identifier, compared with the saved orders: full-width digits are the same number.
        texts["order_no"] = unicodedata.normalize("NFKC", texts["order_no"]).strip()

        def too_long(key: str, _t=texts, _err=err) -> bool:
            if len(_t[key]) <= limits[key]:
                return False
            _err(key, f"超过 {limits[key]} 个字符（{len(_t[key])} 个）", _t[key])
            return True

        order_no = texts["order_no"]
        if not order_no:
            err("order_no", "工单编号不能为空")
        elif not too_long("order_no"):
            if order_no in first_row:
                err("order_no", f"工单编号与第{first_row[order_no]}行重复", order_no)
            else:
                first_row[order_no] = number
        raw_time = cell(cells, "received_at")
        received_at = parse_datetime(raw_time)
        if _text(raw_time) == "":
            err("received_at", "受理时间不能为空")
        elif received_at is None:
            err("received_at", "不是有效的日期时间", raw_time)
        if not texts["content"]:
            err("content", "诉求内容不能为空")
        else:
            too_long("content")
        if not texts["unit"]:
            err("unit", "承办单位不能为空")
        else:
            too_long("unit")
        for key in ("address", "category", "team", "handler", "callback"):
            too_long(key)
        flags: dict[str, bool | None] = {}
        for key in ("responded", "resolved", "satisfied", "difficult"):
            raw = cell(cells, key)
            flags[key], understood = parse_flag(raw, key)
            if not understood:
                err(key, f"无法识别，应为 {_HINTS[key]} 或留空", raw)
        if row_errors:
            errors.extend(row_errors)
            continue
        good.append(OrderRow(
            row=number, order_no=order_no, received_at=received_at, content=texts["content"],
            address=texts["address"], category=texts["category"], unit=texts["unit"], team=texts["team"],
            handler=texts["handler"], responded=flags["responded"], resolved=flags["resolved"],
            satisfied=flags["satisfied"], callback=texts["callback"], difficult=bool(flags["difficult"])))
    return ValidationReport(rows=tuple(good), errors=tuple(errors), total=len(rows))


def split_header(rows: list[tuple[int, list[object]]], score) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """(header cells, data rows): the header is the first of the first ten rows that holds
    at least three usual column names (a title row above it is skipped), else the first row.
    A header in two rows (三率情况 merged over 是否响应, 是否解决, 是否满意 below it) is read
    as one: the second row's names where it has them, the first row's elsewhere.

    >>> from hotline.domain.columns import header_score
    >>> split_header([(1, ["工单明细"]), (2, ["工单编号", "受理时间", "承办单位"]), (3, ["A", "B", "C"])], header_score)
    (['工单编号', '受理时间', '承办单位'], [(3, ['A', 'B', 'C'])])
    >>> split_header([(1, ["工单编号", "受理时间", "承办单位", "三率情况", None]),
    ...               (2, ["工单编号", None, None, "是否响应", "是否满意"]), (3, ["A", "B", "C", "是", "满意"])], header_score)
    (['工单编号', '受理时间', '承办单位', '是否响应', '是否满意'], [(3, ['A', 'B', 'C', '是', '满意'])])
    """
    if not rows:
        return [], []
    for i, (_number, cells) in enumerate(rows[:10]):
        if score(cells) >= 3:
            below = rows[i + 1][1] if i + 1 < len(rows) else None
            if below is not None and _second_header_row(cells, below, score):
                n = max(len(cells), len(below))
                pad = [*cells, *[None] * (n - len(cells))]
                under = [*below, *[None] * (n - len(below))]
                return [h if _blank(u) else u for h, u in zip(pad, under, strict=True)], rows[i + 2:]
            return cells, rows[i + 1:]
    return rows[0][1], rows[1:]


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _second_header_row(header: list[object], below: list[object], score) -> bool:
    """Whether the row below the header is the rest of it: it names a usual column the header
    does not, and every other cell of it is empty or the header's own (merged down)."""
    if score(below) < 1 or score([*header, *below]) <= score(header):
        return False
    return all(_blank(cell) or (i < len(header) and cell == header[i]) or score([cell]) >= 1
               for i, cell in enumerate(below))
