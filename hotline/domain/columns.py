"""Which column of a 12345 export holds which field of a work order (工单).

Exports from the 12345 platform and from street offices' own spreadsheets name their
columns differently (工单编号 / 工单号 / 诉求编号, 受理时间 / 来电时间 …), sometimes with a
title row above the header, a "*" for required columns or full-width brackets. The usual
names are recognised; anything else is given as an explicit mapping ("工单编号=编号" or
"order_no=编号": field, by its key or its Chinese label, = the header as it is in the file).

>>> m = resolve_mapping(["工单号", "来电时间", "问题描述", "事发地址", "问题分类", "主办单位"])
>>> m.columns["order_no"], m.columns["received_at"], m.columns["unit"], m.errors
(0, 1, 5, ())
>>> resolve_mapping(["单号", "受理时间", "诉求内容", "承办单位"]).errors[0]
'缺少必需的列“工单编号”（可在“列映射”中指定，如 工单编号=文件中的列名）'
>>> resolve_mapping(["工单编号", "受理时间", "诉求内容", "承办单位", "受理时间"]).errors[0]
'列名“受理时间”出现了2次（第2列、第5列），无法确定使用哪一列，请删除或改名多余的列'
>>> parse_mapping("工单编号=编号, received_at=时间")
{'order_no': '编号', 'received_at': '时间'}
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the usual Chinese header, used in every message
    required: bool
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("order_no", "工单编号", True, ("工单号", "工单流水号", "诉求编号", "编号", "工单编码", "案件编号")),
    Field("received_at", "受理时间", True, ("来电时间", "登记时间", "受理日期", "派单时间", "诉求时间", "接件时间")),
    Field("content", "诉求内容", True, ("问题描述", "来电内容", "反映内容", "诉求描述", "工单内容", "主要内容")),
    Field("address", "诉求地址", False, ("事发地址", "地址", "问题地点", "发生地址", "事发地点", "诉求地点")),
    Field("category", "诉求类别", False, ("问题分类", "诉求分类", "类别", "问题类别", "主题分类", "诉求类型")),
    Field("unit", "承办单位", True, ("主办单位", "责任单位", "承办部门", "街乡镇", "办理单位", "承办街乡")),
    Field("team", "承办科室", False, ("办理科室", "承办部门科室", "处置科室", "承办班组", "科室")),
    Field("handler", "承办人", False, ("办理人", "经办人", "处理人")),
    Field("responded", "是否响应", False, ("响应情况", "响应", "是否及时响应")),
    Field("resolved", "是否解决", False, ("解决情况", "解决", "问题是否解决")),
    Field("satisfied", "是否满意", False, ("满意情况", "满意度", "满意", "回访满意度")),
    Field("callback", "回访情况", False, ("回访结果", "回访记录", "回访内容", "回访")),
    Field("difficult", "疑难", False, ("是否疑难", "疑难件", "疑难诉求", "疑难标记")),
)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
BY_LABEL: dict[str, Field] = {f.label: f for f in FIELDS}


def normalize_header(text: object) -> str:
    """Full-width to half-width, no spaces, no "*" or "（必填）" marks.

    >>> normalize_header(" *工单 编号（必填）")
    '工单编号'
    """
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = re.sub(r"\((必填|选填)\)", "", s)
    return re.sub(r"[\s*＊:：]", "", s)


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, int]  # field key → 0-based column index
    headers: tuple[str, ...]  # the header row as in the file
    errors: tuple[str, ...] = ()
    mapping_errors: int = 0  # how many of the errors are the explicit mapping's (the first ones)

    def header_of(self, key: str) -> str:
        """The header as the file spells it (what a user looks for in the report)."""
        i = self.columns.get(key)
        return str(self.headers[i]).strip() if i is not None else BY_KEY[key].label


def parse_mapping(text: str) -> dict[str, str]:
    """An explicit mapping: "字段=列名, …" or a JSON object; fields by key or Chinese label.

    >>> parse_mapping('{"承办单位": "街道"}')
    {'unit': '街道'}
    """
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            pairs = list(json.loads(text).items())
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"列映射不是有效的 JSON：{exc}") from exc
    else:
        pairs = []
        for part in re.split(r"[,，;；\n]", text):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"列映射“{part.strip()}”应写成 字段=列名，如 工单编号=编号")
            k, v = part.split("=", 1)
            pairs.append((k, v))
    out: dict[str, str] = {}
    for k, v in pairs:
        name = normalize_header(k)
        field = BY_KEY.get(name) or BY_LABEL.get(name)
        if field is None:
            known = "、".join(f.label for f in FIELDS)
            raise ValueError(f"列映射中的字段“{str(k).strip()}”不存在，可用的字段：{known}")
        if not str(v).strip():
            raise ValueError(f"列映射中“{str(k).strip()}”没有写列名，应写成 字段=列名，如 工单编号=编号")
        out[field.key] = str(v).strip()
    return out


def resolve_mapping(headers: list[object], explicit: dict[str, str] | None = None) -> Mapping:
    """Field → column for one header row: explicit names first, then the usual names."""
    norm = [normalize_header(h) for h in headers]
    columns: dict[str, int] = {}
    errors: list[str] = []
    for key, header in (explicit or {}).items():
        want = normalize_header(header)
        if want in norm:
            columns[key] = norm.index(want)
        else:
            errors.append(f"列映射指定的列“{header}”（{BY_KEY[key].label}）在文件中不存在")
    mapping_errors = len(errors)
    taken = set(columns.values())
    for field in FIELDS:
        if field.key in columns or field.key in (explicit or {}):
            continue
        for name in (field.label, *field.aliases):
            if name in norm and norm.index(name) not in taken:
                columns[field.key] = norm.index(name)
                taken.add(columns[field.key])
                break
    for field in FIELDS:
        if field.required and field.key not in columns and field.key not in (explicit or {}):
            errors.append(f"缺少必需的列“{field.label}”（可在“列映射”中指定，如 {field.label}=文件中的列名）")
    # A header the file has twice is ambiguous when a field is read from it (the first would
    # be taken, the other ignored without a word): refused, naming the columns.
    where: dict[str, list[int]] = {}
    for i, name in enumerate(norm):
        if name:
            where.setdefault(name, []).append(i)
    used = set(columns.values())
    for at in where.values():
        if len(at) > 1 and at[0] in used:
            cols = "、".join(f"第{i + 1}列" for i in at)
            errors.append(f"列名“{str(headers[at[0]]).strip()}”出现了{len(at)}次（{cols}），无法确定使用哪一列，"
                          "请删除或改名多余的列")
    return Mapping(columns=columns, headers=tuple("" if h is None else str(h) for h in headers), errors=tuple(errors),
                   mapping_errors=mapping_errors)


def header_score(cells: list[object]) -> int:
    """How many usual headers a row holds (the header row is the first that holds ≥ 3).

    >>> header_score(["12345工单明细", None]), header_score(["工单编号", "受理时间", "承办单位"])
    (0, 3)
    """
    names = {normalize_header(c) for c in cells}
    return sum(1 for f in FIELDS if names & {f.label, *f.aliases})
