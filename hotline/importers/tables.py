"""Reading an uploaded 12345 export into rows numbered as Excel shows them.

.xlsx is read with openpyxl in read-only mode (a year's export is tens of thousands of
rows); .csv in UTF-8 (with or without BOM) or GBK/GB18030, which is what Excel on a
Chinese Windows writes by default. A file that is neither, is empty, is an old binary
.xls, or a damaged zip gives a `TableError` with a message a user can act on.

>>> t = read_table("工单编号,受理时间\\nA1,2026-01-02\\n".encode("gbk"), "x.csv")
>>> t.encoding, t.rows
('gb18030', [(1, ['工单编号', '受理时间']), (2, ['A1', '2026-01-02'])])
>>> read_table(b"", "x.xlsx")
Traceback (most recent call last):
...
hotline.importers.tables.TableError: 文件是空的
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream a password-protected .xlsx is held in
# A damaged workbook: a zip whose directory is intact but whose data is not (zlib.error), or a
# part that is no well-formed XML (xml.etree's ParseError and lxml's XMLSyntaxError are SyntaxErrors).
_DAMAGED = (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, SyntaxError)
# ECMA-376's escape of a character in a cell's text (Excel writes a carriage return as _x000D_);
# openpyxl leaves it as it is
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class TableError(ValueError):
    """The file cannot be read as a table at all (nothing about single rows)."""


@dataclass(frozen=True)
class Table:
    rows: list[tuple[int, list[object]]]  # (row number as Excel shows it, cells)
    kind: str  # "xlsx" or "csv"
    encoding: str = ""  # for csv
    sheet: str = ""  # for xlsx: the sheet read
    sheets: tuple[str, ...] = ()  # for xlsx: every sheet of the workbook


def read_table(data: bytes, filename: str, *, max_bytes: int | None = None,
               header_score: Callable[[list[object]], int] | None = None) -> Table:
    """`header_score`: how much a row looks like the header (hotline.domain.columns.header_score),
    to find the sheet of a workbook that holds the orders."""
    name = (filename or "").lower()
    if not data:
        raise TableError("文件是空的")
    if max_bytes is not None and len(data) > max_bytes:
        raise TableError(f"文件太大（{len(data) / 1048576:.1f} MB），上限 {max_bytes / 1048576:.0f} MB，请按月拆分后导入")
    if data.startswith(OLE_MAGIC) and ENCRYPTED in data:
        raise TableError("文件设置了打开密码，无法读取，请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，"
                         "清空密码）并保存后再导入")
    if data.startswith(OLE_MAGIC):
        raise TableError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 后再导入")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, header_score)
    if name.endswith((".xlsx", ".xlsm")):
        raise TableError("文件扩展名是 .xlsx，但内容不是 Excel 文件（可能已损坏或被改名）")
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise TableError("只能导入 Excel（.xlsx）或 CSV 文件")


def _read_xlsx(data: bytes, header_score: Callable[[list[object]], int] | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, ValueError, *_DAMAGED) as exc:
        raise TableError("Excel 文件已损坏，无法打开（请在 Excel 中打开后重新另存为 .xlsx）") from exc
    try:
        if not wb.worksheets:
            raise TableError("Excel 文件中没有工作表")
        ws = _sheet_with_orders(wb, header_score)
        down = _merged_down(data, getattr(ws, "_worksheet_path", ""))
        anchors: dict[tuple[int, int], object] = {}
        # Read-only sheets trust the size the file states (<dimension>): WPS writes "A1", other
        # writers leave a stale range, and openpyxl then drops every cell outside it without a word.
        ws.reset_dimensions()
        rows: list[tuple[int, list[object]]] = []
        for number, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            cells = [_unescape(v) for v in values]
            for column, top in down.get(number + 1, ()):
                if top == number:  # the top of a merged range: its value fills the cells below
                    anchors[(top, column)] = cells[column - 1] if column <= len(cells) else None
            if not any(v is not None and str(v).strip() != "" for v in cells):
                continue  # an empty row stays empty, even inside a merged range
            for column, top in down.get(number, ()):
                cells += [None] * (column - len(cells))
                cells[column - 1] = anchors.get((top, column))
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 10:  # rows that hold something: Excel writes a <row> for each formatted one
                raise TableError(f"行数超过 {MAX_ROWS}，请按月拆分后导入")
        return Table(rows=rows, kind="xlsx", sheet=ws.title, sheets=tuple(s.title for s in wb.worksheets))
    except _DAMAGED as exc:
        raise TableError("Excel 文件已损坏，无法读取（请在 Excel 中打开后重新另存为 .xlsx）") from exc
    finally:
        wb.close()


def _unescape(value: object) -> object:
    """A cell's text with ECMA-376's escapes of control characters undone: Excel writes a
    carriage return in a cell as _x000D_, and openpyxl hands it on as it is (it undoes only the
    _x005F_ that escapes an underscore). Only control characters, which no text spells so: a
    _x0041_ left by openpyxl was "_x005F_x0041_" in the file, the text itself. _x0000_ is
    dropped (PostgreSQL stores no NUL in a text).

    >>> _unescape("门前_x000D_\\n垃圾"), _unescape("王_x0041_工")
    ('门前\\r\\n垃圾', '王_x0041_工')
    """
    if isinstance(value, str) and "_x" in value:
        return _ESCAPED.sub(_control, value)
    return value


def _control(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return m.group(0) if code >= 0x20 else chr(code) if code else ""


def _sheet_with_orders(wb, header_score: Callable[[list[object]], int] | None):
    """The sheet that holds the orders: the active one, or else the first whose first ten rows
    hold a header (`header_score` ≥ 3); the active one when none does (its message then says
    which columns are missing). Exports often put a 填表说明 sheet first."""
    sheets = list(wb.worksheets)
    active = wb.active if wb.active in sheets else sheets[0]
    if header_score is None:
        return active
    for ws in [active, *(s for s in sheets if s is not active)]:
        ws.reset_dimensions()
        seen = 0
        for values in ws.iter_rows(min_row=1, min_col=1, values_only=True):
            if not any(v is not None and str(v).strip() != "" for v in values):
                continue
            if header_score(list(values)) >= 3:
                return ws
            seen += 1
            if seen >= 10:
                break
    return active


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_down(data: bytes, path: str) -> dict[int, list[tuple[int, int]]]:
    """row → [(column, top row)] for the cells below the top of a merged range, in the range's
    first column (1-based), read from the sheet's <mergeCells> (a read-only sheet has no
    `merged_cells`).

    A merged cell is filled down from the top of its range: in Excel the user sees the value
    (often one 承办单位 merged over its orders) on every row of the range, so that is what each
    of those orders says; refusing the rows as empty would make them unmerge by hand what they
    can see is filled. Only down the first column: a value merged across columns is shown in
    one field, not copied into the next one."""
    from openpyxl.utils import column_index_from_string

    if not path:
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(path.lstrip("/"))
    except KeyError:
        return {}
    down: dict[int, list[tuple[int, int]]] = {}
    for c1, r1, _c2, r2 in _MERGE.findall(xml):
        column, top, bottom = column_index_from_string(c1.decode()), int(r1), int(r2)
        for row in range(top + 1, min(bottom, MAX_ROWS + 10) + 1):
            down.setdefault(row, []).append((column, top))
    return down


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）")


# ="2026030312345678": how a CSV export keeps a long number whole in Excel (shown as the text
# 2026030312345678, not 2.02603E+15): the cell is the text between the quotes
_EXCEL_TEXT = re.compile(r'\s*="(.*)"\s*', re.S)


def _excel_text(cell: str) -> str:
    """A CSV cell as Excel shows it.

    >>> _excel_text('="2026030312345678"'), _excel_text('a="b"')
    ('2026030312345678', 'a="b"')
    """
    m = _EXCEL_TEXT.fullmatch(cell)
    return m.group(1).replace('""', '"') if m else cell


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise TableError("文件不是文本格式的 CSV（可能是 UTF-16 或其他二进制文件），请另存为 UTF-8 或 GBK 编码的 CSV")
    text, encoding = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[object]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                if any("\x00" in c for c in cells):  # PostgreSQL stores no NUL in a text
                    raise TableError(f"第{number}行含有空字符（NUL，可能混入了二进制内容），请删除后重新导入")
                rows.append((number, [_excel_text(c) for c in cells]))
                if len(rows) > MAX_ROWS + 10:
                    raise TableError(f"行数超过 {MAX_ROWS}，请按月拆分后导入")
    except csv.Error as exc:
        raise TableError(f"CSV 文件格式有误：{exc}") from exc
    return Table(rows=rows, kind="csv", encoding=encoding)
