"""The 未诉先办 list as the district's paper prints it: numbered lines, one place each.

A line is the subdistrict once, the location text (intersection + offset, side, landmark),
what is wrong there, full-width punctuation, a full stop:

    1. 东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。

Several problems of one place are listed with 、 (积存垃圾、堆物堆料); items that share a
subject are written once (机动车乱停 + 非机动车乱停 → 机动车、非机动车乱停), and when one item
is such a list, the items are set apart with ， instead, so that the 、 inside stays
readable (the paper's "门店前堆物堆料，机动车、非机动车乱停"). A problem published before
and re-inspected since carries its follow-up after the full stop: （复查：已整改） or
（复查：整改不到位）.

Pure: plain records in, text out (no Django). Problem phrases come from category names
through `problem_phrase` (the catalogue's formal names → the words the paper prints).

>>> e = Entry("东铁匠营街道", "横五条北段与顺五条交叉路口向北5米，横五条北段西侧", ("积存垃圾",))
>>> format_line(1, e)
'1. 东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。'
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FOLLOWUP_RECTIFIED = "已整改"
FOLLOWUP_NOT_RECTIFIED = "整改不到位"
FOLLOWUPS = (FOLLOWUP_RECTIFIED, FOLLOWUP_NOT_RECTIFIED)

# Catalogue names (patrol.domain.categories) → the wording the published lists use.
# A name not listed is printed as it is.
PUBLISHED_PHRASES: dict[str, str] = {
    "积存垃圾渣土": "积存垃圾",
    "乱堆物堆料": "堆物堆料",
    "机动车乱停放": "机动车乱停",
    "非机动车乱停放": "非机动车乱停",
    "电动自行车停放": "电动自行车乱停",
    "无照经营游商": "无照经营",
    "门前三包": "门前三包不到位",
    "废弃家具设备": "废弃家具",
    "违章张贴悬挂": "违规张贴",
    "工地扬尘": "施工扬尘",
    "供暖设施故障": "供暖设施故障",
}

# Subjects that several items can share (the location parser reads them back apart:
# geodata.location.lexicon.SHARED_SUBJECTS); longest first so 非机动车 wins over 机动车.
_SUBJECTS = ("电动自行车", "共享单车", "非机动车", "机动车", "电动车", "自行车", "三轮车", "摩托车", "车辆")

# Half-width punctuation a typed or described location may carry → the paper's.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
_TRAILING = "，。；、 \t\n"


@dataclass(frozen=True)
class Entry:
    """One place on the list: its subdistrict, where it is, what is wrong there, and the
    follow-up of an earlier publication (None, 已整改 or 整改不到位)."""

    subdistrict: str
    location: str
    problems: tuple[str, ...]
    followup: str | None = None


def problem_phrase(category_name: str) -> str:
    """The published wording of a catalogue category.

    >>> problem_phrase("积存垃圾渣土"), problem_phrase("乱堆物堆料"), problem_phrase("店外经营")
    ('积存垃圾', '堆物堆料', '店外经营')
    """
    name = category_name.strip()
    return PUBLISHED_PHRASES.get(name, name)


def _subject(phrase: str) -> tuple[str, str] | None:
    for s in _SUBJECTS:
        if phrase.startswith(s) and len(phrase) > len(s):
            return s, phrase[len(s):]
    return None


def join_problems(phrases: Iterable[str]) -> str:
    """What is wrong at one place, in the paper's words (duplicates dropped, order kept).

    >>> join_problems(["积存垃圾", "堆物堆料"])
    '积存垃圾、堆物堆料'
    >>> join_problems(["门店前堆物堆料", "机动车乱停", "非机动车乱停"])
    '门店前堆物堆料，机动车、非机动车乱停'
    >>> join_problems(["积存垃圾", "积存垃圾"])
    '积存垃圾'
    """
    items: list[str] = []
    for p in phrases:
        p = p.strip().translate(_FULL_WIDTH).strip(_TRAILING)
        if p and p not in items:
            items.append(p)
    # Items with a shared subject and the same predicate, next to each other, are one group.
    groups: list[tuple[list[str], str | None]] = []  # (subjects or [item], predicate)
    for item in items:
        sp = _subject(item)
        if sp and groups and groups[-1][1] == sp[1]:
            groups[-1][0].append(sp[0])
        elif sp:
            groups.append(([sp[0]], sp[1]))
        else:
            groups.append(([item], None))
    texts = ["、".join(subjects) + (predicate or "") for subjects, predicate in groups]
    separator = "，" if any("、" in t for t in texts) else "、"
    return separator.join(texts)


def clean_location(location: str, subdistrict: str = "") -> str:
    """A location text as the line prints it: full-width punctuation, without the
    subdistrict (the line writes it once) or a closing mark.

    >>> clean_location("西罗园街道，马家堡东路与革新南路交叉路口向东120米,革新南路南侧。", "西罗园街道")
    '马家堡东路与革新南路交叉路口向东120米，革新南路南侧'
    """
    text = location.strip().translate(_FULL_WIDTH)
    if subdistrict and text.startswith(subdistrict):
        text = text[len(subdistrict):].lstrip("，、 ")
    return text.strip(_TRAILING)


def _strip_problems(location: str, problems: Sequence[str]) -> str:
    """A location text that already ends with the problem (as typed) loses it."""
    for p in sorted(problems, key=len, reverse=True):
        if p and location.endswith("，" + p):
            return location[: -len(p) - 1]
    return location


def line_body(entry: Entry) -> str:
    """The line without its number.

    >>> line_body(Entry("右安门街道", "玉林南路与玉林东路交叉路口向北100米，玉林东路东侧",
    ...                 ("门店前堆物堆料", "机动车乱停", "非机动车乱停")))
    '右安门街道，玉林南路与玉林东路交叉路口向北100米，玉林东路东侧，门店前堆物堆料，机动车、非机动车乱停。'
    >>> line_body(Entry("方庄街道", "蒲黄榆路与方庄路交叉路口向东30米，方庄路北侧", ("积存垃圾",), "已整改"))
    '方庄街道，蒲黄榆路与方庄路交叉路口向东30米，方庄路北侧，积存垃圾。（复查：已整改）'
    """
    sub, loc = place_of(entry)
    parts = [x for x in (sub, loc, join_problems(entry.problems)) if x]
    text = "，".join(parts) + "。"
    if entry.followup:
        if entry.followup not in FOLLOWUPS:
            raise ValueError(f"unknown follow-up {entry.followup!r}")
        text += f"（复查：{entry.followup}）"
    return text


_NUMBER = re.compile(r"^\s*\d+\s*[.．、]\s*")


def strip_number(line: str) -> str:
    """A line's words without a number typed in front of them.

    >>> strip_number(" 2．西罗园街道，积存垃圾。")
    '西罗园街道，积存垃圾。'
    """
    return _NUMBER.sub("", line.strip()).strip()


def numbered(position: int, body: str) -> str:
    """`N. body`, a body that was edited keeping no number of its own.

    >>> numbered(3, "2. 西罗园街道，积存垃圾。")
    '3. 西罗园街道，积存垃圾。'
    """
    return f"{position}. {strip_number(body)}"


def place_of(entry: Entry) -> tuple[str, str]:
    """Where an entry is, as a line would print it without its problems: two entries at
    one place share it (and share a line on the list).

    >>> place_of(Entry("甲街道", "甲街道，A路与B路交叉路口向北5米,A路西侧，积存垃圾", ("积存垃圾",)))
    ('甲街道', 'A路与B路交叉路口向北5米，A路西侧')
    """
    sub = entry.subdistrict.strip()
    return sub, _strip_problems(clean_location(entry.location, sub),
                                [p.translate(_FULL_WIDTH) for p in entry.problems])


def merge_entries(entries: Sequence[Entry]) -> list[tuple[Entry, tuple[int, ...]]]:
    """Entries at one place with the same follow-up become one entry listing all their
    problems, where the first of them stood; each with the indexes of the entries it holds.

    >>> merged = merge_entries([Entry("乙街道", "C路与D路交叉口向东10米，D路南侧", ("积存垃圾",)),
    ...                         Entry("甲街道", "A路", ("积存垃圾",)),
    ...                         Entry("乙街道", "C路与D路交叉口向东10米，D路南侧", ("堆物堆料",))])
    >>> [(line_body(e), held) for e, held in merged]
    [('乙街道，C路与D路交叉口向东10米，D路南侧，积存垃圾、堆物堆料。', (0, 2)), ('甲街道，A路，积存垃圾。', (1,))]
    """
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for i, e in enumerate(entries):
        groups.setdefault((*place_of(e), e.followup), []).append(i)
    out = []
    for (sub, loc, followup), held in groups.items():
        problems = tuple(p for i in held for p in entries[i].problems)
        out.append((Entry(sub, loc, problems, followup), tuple(held)))
    return out


def format_line(position: int, entry: Entry) -> str:
    return numbered(position, line_body(entry))


def format_list(entries: Iterable[Entry]) -> str:
    """The numbered list, one line per entry, 1..N.

    >>> print(format_list([Entry("甲街道", "A路与B路交叉路口向北5米，A路西侧", ("积存垃圾",)),
    ...                    Entry("乙街道", "C路与D路交叉口向东10米，D路南侧", ("积存垃圾", "堆物堆料"))]))
    1. 甲街道，A路与B路交叉路口向北5米，A路西侧，积存垃圾。
    2. 乙街道，C路与D路交叉口向东10米，D路南侧，积存垃圾、堆物堆料。
    """
    return "\n".join(format_line(i, e) for i, e in enumerate(entries, start=1))


def issue_number(year: int, sequence: int) -> str:
    """A publication's number as the paper prints it.

    >>> issue_number(2026, 12)
    '2026年第12期'
    """
    return f"{year}年第{sequence}期"


def followup_for(*, latest_reinspection_passed: bool | None, status: str) -> str | None:
    """The follow-up of a published problem: 已整改 when its latest re-inspection passed
    or it was verified or closed, 整改不到位 when that re-inspection failed, else none.

    >>> followup_for(latest_reinspection_passed=False, status="closed")
    '整改不到位'
    >>> followup_for(latest_reinspection_passed=None, status="verified"), followup_for(
    ...     latest_reinspection_passed=None, status="dispatched")
    ('已整改', None)
    """
    if latest_reinspection_passed is False:
        return FOLLOWUP_NOT_RECTIFIED
    if latest_reinspection_passed is True or status in ("verified", "closed"):
        return FOLLOWUP_RECTIFIED
    return None
