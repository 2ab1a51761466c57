"""The ranking as an Excel workbook (openpyxl): what the office pastes into its 月排名."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from core.domain.xml_text import xml_text

from ..domain.metrics import RATE_LABELS, RATES
from ..selectors.metrics import GROUP_LABELS, Ranking

FLAG_FILL = PatternFill("solid", fgColor="FDE2E1")


# What Excel reads as the start of a formula when a cell's text begins with it.
FORMULA_START = ("=", "+", "-", "@")


def _as_text(cell) -> None:
    """A name taken from an uploaded export (承办单位, 科室, 承办人) stays text: openpyxl stores a
    string beginning with "=" as a formula (Cell.data_type "f"), which Excel would run. The
    cell is made a string cell again, with Excel's quote prefix (the apostrophe a user types
    before such text) so that editing it in Excel keeps it text too."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _cells(values: list) -> list:
    """Text as a worksheet can hold it: a name from an uploaded CSV may carry a control
    character (ESC, BEL …) that the page shows but openpyxl refuses (IllegalCharacterError, a
    500); it is written as U+FFFD, as the Word export does."""
    return [xml_text(v) if isinstance(v, str) else v for v in values]


def _num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def ranking_xlsx(r: Ranking) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    title = f"接诉即办{'单位' if r.group == 'unit' else GROUP_LABELS[r.group]}排名 {r.period.label}"
    if r.period.partial:
        title += f"（截至{r.period.to_date.month}月{r.period.to_date.day}日）"
    if r.unit:
        title += f"（{r.unit}）"
    ws.append(_cells([title]))
    ws["A1"].font = Font(bold=True, size=14)
    weights = "、".join(f"{RATE_LABELS[k]}{r.weights.get(k, 0)}" for k in RATES)
    # A period in progress says so where the comparison is named (the rows below stay where they are).
    so_far = f"{r.note}诉求量和三率均为已过天数的数据；" if r.note else ""
    ws.append([f"{so_far}同比对象：{r.last_year.label}；综合得分权重：{weights}；变化为百分点"])
    header = ["排名", GROUP_LABELS[r.group], "诉求量", "同比增减(件)", "同比(%)"]
    for k in RATES:
        header += [f"{RATE_LABELS[k]}(%)", f"{RATE_LABELS[k]}同比(百分点)"]
    header += ["综合得分", "得分同比(百分点)", "疑难件", "重点治理"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in r.rows:
        m = row.metrics
        values = [row.rank, m.name, m.volume, m.volume_change.count, _num(m.volume_change.percent)]
        for k in RATES:
            values += [_num(m.rates.get(k)), _num(m.changes.get(k))]
        values += [_num(m.score), _num(m.score_change), m.difficult, "；".join(row.reasons) if row.flagged else ""]
        ws.append(_cells(values))
        for cell in ws[ws.max_row]:
            _as_text(cell)
        if row.flagged:
            for cell in ws[ws.max_row]:
                cell.fill = FLAG_FILL
    for col, width in zip("ABCDEFGHIJKLMNOP", (6, 16, 8, 10, 9, 9, 12, 9, 12, 9, 12, 9, 12, 7, 28, 4), strict=False):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
