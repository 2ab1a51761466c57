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
import unicodedata
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
_TRAILING = "，。；、.\u3000 \t\n"
# Full-width punctuation: no space goes next to it on a printed line.
_CLOSE_TO = "，。；：、（）！？“”"
_SPACES = re.compile(r"\s+")
_BREAK = re.compile(r"[ \t\u3000]*[\r\n\u2028\u2029\x0b\x0c\x85]+[ \t\u3000]*")
# Control and format characters, lone surrogates, and the two noncharacters XML 1.0 cannot hold
# (the Word export would have to print something else than the frozen text).
_NOT_PRINTED = ("Cc", "Cf", "Cs")
_NOT_XML = "\ufffe\uffff"
_SPACE_BY_CJK = re.compile(rf"\s(?=[\u4e00-\u9fff{_CLOSE_TO}])|(?<=[\u4e00-\u9fff{_CLOSE_TO}])\s")


def tidy(text: str) -> str:
    r"""Text as one printed line: no line break, control character or character XML cannot
    hold (a location typed on a tablet may carry them; one would split the published list's line
    in two, and Word refuses them), one space at most, and none beside Chinese words or
    full-width punctuation.

    >>> tidy("学院路与清华东路交叉路口向南50米\r\n学院路西侧"), tidy("向南50米， 学院路西侧\u3000。\x0b")
    ('学院路与清华东路交叉路口向南50米，学院路西侧', '向南50米，学院路西侧。')
    >>> tidy("向南50米，\n学院路西侧"), tidy("学院路\ufffe西侧\uffff")
    ('向南50米，学院路西侧', '学院路西侧')

    (A line break between words parts them as a comma would.)
    >>> tidy("B1 出口  A座")
    'B1出口A座'
    """
    text = _BREAK.sub(lambda m: "" if m.start() == 0 or m.end() == len(text) or text[m.start() - 1] in _CLOSE_TO
                      or text[m.end()] in _CLOSE_TO else "，", text)
    text = "".join(" " if unicodedata.category(c) in _NOT_PRINTED or c in _NOT_XML else c for c in text)
    text = _SPACES.sub(" ", text.strip())
    return _SPACE_BY_CJK.sub("", text).strip()


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
        p = tidy(p).translate(_FULL_WIDTH).strip(_TRAILING)
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


_DISTRICT = re.compile(r"(?:[\u4e00-\u9fff]{2,4}市)?[\u4e00-\u9fff]{1,4}区")


def clean_location(location: str, subdistrict: str = "") -> str:
    """A location text as the line prints it: full-width punctuation, without the
    subdistrict (the line writes it once) or a closing mark.

    >>> clean_location("西罗园街道，马家堡东路与革新南路交叉路口向东120米,革新南路南侧。", "西罗园街道")
    '马家堡东路与革新南路交叉路口向东120米，革新南路南侧'
    >>> clean_location("北京市海淀区学院路街道，学院路西侧.", "学院路街道")
    '学院路西侧'
    """
    text = tidy(location).translate(_FULL_WIDTH)
    if subdistrict:
        at = text.find(subdistrict)
        # the subdistrict at the start, maybe after its district or city (海淀区学院路街道，…)
        if at == 0 or (0 < at <= 8 and _DISTRICT.fullmatch(text[:at])):
            text = text[at + len(subdistrict):].lstrip("，、 ")
    return text.strip(_TRAILING)


def _strip_problems(location: str, problems: Sequence[str]) -> str:
    """A location text that already ends with the problem (as typed, in the list's words or
    the catalogue's: 积存垃圾 or 积存垃圾渣土) loses it.

    >>> _strip_problems("学院路西侧，积存垃圾渣土", ["积存垃圾"])
    '学院路西侧'
    """
    names = [n for p in problems for n in (p, *(k for k, v in PUBLISHED_PHRASES.items() if v == p))]
    for p in sorted(names, key=len, reverse=True):
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


# A list number typed before a line (2. / 2．/ 2、); not the start of its words: 12、13号楼之间,
# 1.5米宽便道 (a separator with a digit right after it is part of the words).
_NUMBER = re.compile(r"^\s*\d+\s*[.．、](?!\d)\s*")


def strip_number(line: str) -> str:
    """A line's words without a number typed in front of them.

    >>> strip_number(" 2．西罗园街道，积存垃圾。"), strip_number("12、13号楼之间，积存垃圾。")
    ('西罗园街道，积存垃圾。', '12、13号楼之间，积存垃圾。')
    """
    return _NUMBER.sub("", line.strip()).strip()


def numbered(position: int, body: str) -> str:
    """`N. body`: a line's body (generated, or edited and kept without a number) numbered.

    >>> numbered(3, "1.5米宽便道上，积存垃圾。")
    '3. 1.5米宽便道上，积存垃圾。'
    """
    return f"{position}. {body}"


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


# What happened to a published problem since it was on a list (the latest of these decides).
PASSED, FAILED, DONE, REOPENED = "passed", "failed", "done", "reopened"


def followup_for(*, latest_since: str | None, status: str) -> str | None:
    """The follow-up of a published problem, from the latest thing that happened to it since it
    was published: a re-inspection failed → 整改不到位; one passed, or the problem was verified
    or closed (DONE, and still is) → 已整改; it was reopened (重启), or nothing happened → none.

    >>> followup_for(latest_since=FAILED, status="closed"), followup_for(latest_since=DONE, status="verified")
    ('整改不到位', '已整改')
    >>> followup_for(latest_since=REOPENED, status="reopened"), followup_for(latest_since=None, status="closed")
    (None, None)
    """
    if latest_since == FAILED:
        return FOLLOWUP_NOT_RECTIFIED
    if latest_since == PASSED or (latest_since == DONE and status in ("verified", "closed")):
        return FOLLOWUP_RECTIFIED
    return None
