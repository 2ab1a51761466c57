"""The officer sheet: a street office's people in one spreadsheet (.xlsx or .csv), read
into rows and a list of errors that name the row and column at fault.

Columns, by their Chinese header (any order; other columns are ignored):
用户名, 姓名, 角色 (label such as 队员 or code such as officer), 单位, 班组 (optional),
辖区 (area name or code), 初始密码. Row numbers are the spreadsheet's own (the header is
row 1), so a user can find the cell the report names.

This module reads and checks what can be checked without the database (blank cells, a
known role, the form of a username, a username twice in the file); names of agencies,
teams and areas are resolved by org.services.officers_import, which reports in the
same terms.

>>> sheet = parse_rows([["用户名", "姓名", "角色", "单位", "辖区", "初始密码"],
...                     ["wang01", "王一", "队员", "执法队", "学院路街道", "patrol-2026"],
...                     ["", "李二", "巡警", "执法队", "学院路街道", "x"]])
>>> [(r.row, r.username, r.role) for r in sheet.valid_rows()]
[(2, 'wang01', 'officer')]
>>> [str(e) for e in sheet.errors]
['第 3 行「用户名」：不能为空', '第 3 行「角色」：未知角色“巡警”（可填：队员、班组长、督办人员、区级管理员、发布人员）']
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from .roles import ROLE_LABELS

USERNAME = "用户名"
NAME = "姓名"
ROLE = "角色"
AGENCY = "单位"
TEAM = "班组"
AREA = "辖区"
PASSWORD = "初始密码"

COLUMNS: tuple[str, ...] = (USERNAME, NAME, ROLE, AGENCY, TEAM, AREA, PASSWORD)
REQUIRED: tuple[str, ...] = (USERNAME, NAME, ROLE, AGENCY, AREA, PASSWORD)
MAX_ROWS = 2000

# Django's own username rule (auth's UnicodeUsernameValidator): letters, digits and @.+-_
_USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")
_ROLE_BY_TEXT = {**{label: code for code, label in ROLE_LABELS.items()}, **{code: code for code in ROLE_LABELS}}


@dataclass(frozen=True)
class SheetError:
    row: int  # the spreadsheet's row number (header = 1); 0 for the file as a whole
    column: str  # the column header, "" for the whole row or file
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass(frozen=True)
class OfficerRow:
    row: int
    username: str
    name: str
    role: str  # a role code (org.domain.roles)
    agency: str
    team: str  # "" when none
    area: str  # a name or an area code, resolved against the database later
    password: str


@dataclass(frozen=True)
class Sheet:
    """Every data row read (a row with errors too, so that later checks can report its other
    cells in the same pass; an unknown role is ""), and the errors found."""
    rows: list[OfficerRow] = field(default_factory=list)
    errors: list[SheetError] = field(default_factory=list)

    def bad_columns(self, row: int) -> set[str]:
        return {e.column for e in self.errors if e.row == row}

    def valid_rows(self) -> list[OfficerRow]:
        bad = {e.row for e in self.errors}
        return [r for r in self.rows if r.row not in bad]


class SheetFormatError(ValueError):
    """The file cannot be read at all (not an .xlsx or .csv, or not text)."""


def role_code(text: str) -> str | None:
    """The role code for a label or a code; None when unknown.

    >>> role_code("班组长"), role_code("supervisor"), role_code("组长")
    ('team_lead', 'supervisor', None)
    """
    return _ROLE_BY_TEXT.get(text.strip())


def cell_text(value) -> str:
    """A cell as text: numbers typed into Excel (area codes, passwords) lose a trailing .0.

    >>> cell_text(110108.0), cell_text(None), cell_text(" 王一 ")
    ('110108', '', '王一')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_rows(table: list[list]) -> Sheet:
    """Check a table whose first non-empty row is the header."""
    rows: list[OfficerRow] = []
    errors: list[SheetError] = []
    cells = [[cell_text(v) for v in line] for line in table]
    header_at = next((i for i, line in enumerate(cells) if any(line)), None)
    if header_at is None:
        return Sheet(errors=[SheetError(0, "", "文件是空的")])
    header = cells[header_at]
    index: dict[str, int] = {}
    for i, title in enumerate(header):
        if title in COLUMNS and title not in index:
            index[title] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        return Sheet(errors=[SheetError(header_at + 1, "", f"缺少列：{'、'.join(missing)}"
                                                         f"（表头应为：{'、'.join(COLUMNS)}）")])
    data = [(n, line) for n, line in enumerate(cells[header_at + 1:], start=header_at + 2) if any(line)]
    if len(data) > MAX_ROWS:
        return Sheet(errors=[SheetError(0, "", f"一次最多导入 {MAX_ROWS} 人，文件中有 {len(data)} 行")])
    if not data:
        return Sheet(errors=[SheetError(0, "", "表头下面没有人员")])
    seen: dict[str, int] = {}
    for n, line in data:
        values = {c: line[index[c]] if c in index and index[c] < len(line) else "" for c in COLUMNS}
        row_errors = [SheetError(n, c, "不能为空") for c in REQUIRED if not values[c]]
        # as the sign-in forms read it (Django's UsernameField: NFKC), so ａｂｃ and abc are one name
        username = unicodedata.normalize("NFKC", values[USERNAME])
        if username:
            if len(username) > 150 or not _USERNAME_RE.match(username):
                row_errors.append(SheetError(n, USERNAME, f"“{username}”不合规：只能用字母、数字和 @ . + - _，"
                                                          "不超过 150 个字符"))
            elif username.lower() in seen:
                row_errors.append(SheetError(n, USERNAME, f"“{username}”与第 {seen[username.lower()]} 行重复"))
            else:
                seen[username.lower()] = n
        role = role_code(values[ROLE]) if values[ROLE] else None
        if values[ROLE] and role is None:
            row_errors.append(SheetError(n, ROLE, f"未知角色“{values[ROLE]}”（可填：{'、'.join(ROLE_LABELS.values())}）"))
        if len(values[NAME]) > 50:
            row_errors.append(SheetError(n, NAME, "不超过 50 个字符"))
        errors.extend(row_errors)
        rows.append(OfficerRow(row=n, username=username, name=values[NAME], role=role or "", agency=values[AGENCY],
                               team=values[TEAM], area=values[AREA], password=values[PASSWORD]))
    return Sheet(rows=rows, errors=errors)


def read_csv(data: bytes) -> Sheet:
    """A CSV file in UTF-8 (with or without BOM) or GB18030 (what Excel in China saves).

    >>> read_csv("用户名,姓名,角色,单位,辖区,初始密码\\nli02,李二,班组长,执法队,110108,abcdefgh\\n".encode("gbk")).rows[0].area
    '110108'
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SheetFormatError("无法识别文件编码，请另存为 UTF-8 CSV")
    if "\x00" in text:
        raise SheetFormatError("不是文本格式的 CSV 文件")
    return parse_rows(list(csv.reader(io.StringIO(text))))


def read_xlsx(data: bytes) -> Sheet:
    """The first worksheet of an .xlsx workbook."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetFormatError("不是有效的 .xlsx 文件") from exc
    try:
        sheet = workbook.worksheets[0]
        table = list(itertools.islice((list(line) for line in sheet.iter_rows(values_only=True)), MAX_ROWS + 50))
    finally:
        workbook.close()
    return parse_rows(table)


def read_sheet(filename: str, data: bytes) -> Sheet:
    """Read by the file's extension: .xlsx or .csv."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(data)
    if lower.endswith(".csv"):
        return read_csv(data)
    raise SheetFormatError("只支持 .xlsx 和 .csv 文件")
