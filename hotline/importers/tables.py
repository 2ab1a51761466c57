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
import zipfile
from dataclasses import dataclass

MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)


class TableError(ValueError):
    """The file cannot be read as a table at all (nothing about single rows)."""


@dataclass(frozen=True)
class Table:
    rows: list[tuple[int, list[object]]]  # (row number as Excel shows it, cells)
    kind: str  # "xlsx" or "csv"
    encoding: str = ""  # for csv
    sheet: str = ""  # for xlsx


def read_table(data: bytes, filename: str, *, max_bytes: int | None = None) -> Table:
    name = (filename or "").lower()
    if not data:
        raise TableError("文件是空的")
    if max_bytes is not None and len(data) > max_bytes:
        raise TableError(f"文件太大（{len(data) / 1048576:.1f} MB），上限 {max_bytes / 1048576:.0f} MB，请按月拆分后导入")
    if data.startswith(OLE_MAGIC):
        raise TableError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 后再导入")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm")):
        raise TableError("文件扩展名是 .xlsx，但内容不是 Excel 文件（可能已损坏或被改名）")
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise TableError("只能导入 Excel（.xlsx）或 CSV 文件")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise TableError(f"Excel 文件已损坏，无法打开（{type(exc).__name__}）") from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise TableError("Excel 文件中没有工作表")
        rows: list[tuple[int, list[object]]] = []
        for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            if number > MAX_ROWS + 10:
                raise TableError(f"行数超过 {MAX_ROWS}，请按月拆分后导入")
            cells = list(values)
            if any(v is not None and str(v).strip() != "" for v in cells):
                rows.append((number, cells))
        return Table(rows=rows, kind="xlsx", sheet=ws.title)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise TableError(f"Excel 文件已损坏，无法读取（{type(exc).__name__}）") from exc
    finally:
        wb.close()


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）")


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
            if number > MAX_ROWS + 10:
                raise TableError(f"行数超过 {MAX_ROWS}，请按月拆分后导入")
            if any(c.strip() for c in cells):
                rows.append((number, list(cells)))
    except csv.Error as exc:
        raise TableError(f"CSV 文件格式有误：{exc}") from exc
    return Table(rows=rows, kind="csv", encoding=encoding)
