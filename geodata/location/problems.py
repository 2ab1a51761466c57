"""Reading the problem part of a location line into items.

After the place comes what is wrong there: 积存垃圾; 门店前堆物堆料，机动车、非机动车乱停;
"1.未按…停止土石方作业;2.“门前三包”不到位". Items are separated by punctuation or
numbered; a shared subject is distributed (机动车、非机动车乱停 is two items); spot
words (人行道上, 有, “插花地”), counts (2处), licence-plate lists and administrative
tails (责任辖区…, 多次通报未整改) are not part of an item. Each item keeps its wording as
written (the labels compare wording) and gets a category when the wording is known.

>>> [p.text for p in read_problems("有机动车、非机动车乱停,多次通报未整改", 0, 19)[0]]
['机动车乱停', '非机动车乱停']
"""

from __future__ import annotations

import re

from geodata.location.lexicon import (
    JOINABLE_ITEMS,
    PROBLEM_WORD,
    SHARED_SUBJECTS,
    category_of,
)
from geodata.location.types import Landmark, Problem, _make_landmark, _make_problem, _make_span

_PIECE = re.compile(r"[^,;。!?]+")
_SEPARATOR = re.compile(r"[,;。!?(]")
_BRACKET_OR_SEPARATOR = re.compile(r"[(),;。!?]")
_ENUMERATOR = re.compile(r"\s*(?:\d{1,2}\s*[.、](?!\d)|[一二三四五六七八九十]{1,2}、)\s*")
_LEAD = re.compile(
    r"(?:\s+|处|(?:小巷)?路边|非?机动车道(?:边)?上?|人行道(?:地|边)?上?|马路(?:边)?上?"
    r"|绿地上|立杆上|路面上|“[^”]{1,5}地”|\"[^\"]{1,5}地\"|附近|有(?!限)|存在|均|近期|发现|看到|另外|且"
    r"|但|而|也是|也|就)+"
)
_TRAIL_CHARS = " \t有等.。,;:"
_ENUMERATOR_FIRST = frozenset(" 一二三四五六七八九十")
_COUNT = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)处$")
_PLATES = re.compile(
    r"(?:[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}、?)+"
    r"等?(?:多|\d+|[一二两三四五六七八九十]+)?辆?"
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
# Clauses that report the administration, not the street: from the first of these on,
# nothing is a problem any more.
_ADMIN_TAIL = r"\s*(?:责任|路长|环卫监理|分包|督办|整改时限|整改要求)"
# Single clauses that are a follow-up or a speaker, not a problem.
_NOT_A_PROBLEM = (
    r"\s*(?:多次通报|仍未整改|拟|已(?:移交|整改|处理|督促)|希望|要求|建议|请|经核实)|.*?(?:告知|表示)"
    # who reported it (…向本报反映, 拨打12345市民热线), and a time span (大风蓝色预警期间)
    r"|.*?(?:反映|热线|本报|记者)|[^,;。]*期间$"
)
# Both in one call: an administrative tail first (it ends the problems), else a clause
# that is not a problem (it is skipped).
_CLAUSE_KIND = re.compile(f"(?P<admin>{_ADMIN_TAIL})|{_NOT_A_PROBLEM}")
# what such a clause can start with (after white space)…
_CLAUSE_KIND_FIRST = frozenset("责路环分督整多仍拟已希要建请经")
# …or has one of these words anywhere in it
_CLAUSE_KIND_ANYWHERE = re.compile(r"告知|表示|反映|热线|本报|记者|期间")
_JOINED = re.compile(
    "(" + "|".join(JOINABLE_ITEMS) + ")(" + "|".join(JOINABLE_ITEMS) + ")"
)


# Characters a _LEAD match can start with (besides white space): one set lookup
# instead of a failed regular-expression call at most item starts.
_LEAD_FIRST = frozenset("处小路非机人马绿立“\"附有存均近发看另且但而也就")


# A spot named before 有 (绿化带内有很多垃圾, 排水沟有垃圾): where, not what.
_SPOT_HAS = re.compile(r"[^有,;。]{1,10}?(?:内|上|里|下|旁|边|前|后|外|周边|附近|处|沟|带|池)有(?!限)")


def _strip(text: str, start: int) -> tuple[str, int]:
    """Remove lead-in and trailing words that are not the problem; keep the offset."""
    c = text[:1]
    if c in _LEAD_FIRST or c.isspace():
        m = _LEAD.match(text)
        if m:
            text, start = text[m.end():], start + m.end()
    if "有" in text[1:13]:
        m = _SPOT_HAS.match(text)
        if m and m.end() < len(text):
            text, start = text[m.end():], start + m.end()
    while len(text) > 1:
        last = text[-1]
        if last in _TRAIL_CHARS:
            text = text[:-1]
        elif last == "处" and (c := _COUNT.search(text)) and c.start() > 0:
            text = text[: c.start()]
        else:
            break
    return text, start


def _split_pieces(t: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Split at separators and enumerators, ignoring separators inside parentheses."""
    if _SEPARATOR.search(t, start, end) is None:
        # one piece (the usual case: 积存垃圾渣土)
        pieces = [(t[start:end], start, end)] if end > start else []
    elif "(" in t[start:end]:
        pieces: list[tuple[str, int, int]] = []
        depth, piece_start = 0, start
        # only brackets and separators matter: visit just those
        for m in _BRACKET_OR_SEPARATOR.finditer(t, start, end):
            ch = m.group()
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif depth == 0:
                i = m.start()
                pieces.append((t[piece_start:i], piece_start, i))
                piece_start = i + 1
        pieces.append((t[piece_start:end], piece_start, end))
    else:
        pieces = [(m.group(), *m.span()) for m in _PIECE.finditer(t, start, end)]
    out = []
    for text, s, e in pieces:
        c = text[:1]
        if c in _ENUMERATOR_FIRST or c.isdigit():
            m = _ENUMERATOR.match(text)
            if m and m.end() < len(text):
                text, s = text[m.end():], s + m.end()
        if text and not text.isspace():  # text.strip() without the copy
            out.append((text, s, e))
    return out


def _split_joined(item: str) -> list[str]:
    """道路遗撒积存沙石 → 道路遗撒, 积存沙石 (two event names with no separator)."""
    m = _JOINED.fullmatch(item) if len(item) >= 8 else None
    return [m.group(1), m.group(2)] if m else [item]


def _split_list(item: str, start: int, end: int):
    """Split at 、: distribute a shared subject, or peel off a list of shop names.

    Returns (items as (text, start, end), landmark names as (name, start, end)).
    """
    if "、" not in item:
        return [(item, start, end)], []
    parts, offsets, offset = item.split("、"), [], 0
    for part in parts:
        offsets.append(offset)
        offset += len(part) + 1
    last = parts[-1]
    heads = parts[:-1]
    subject = SHARED_SUBJECTS.match(last)
    if subject and all(SHARED_SUBJECTS.fullmatch(h) for h in heads):
        predicate = last[subject.end():]
        # each item's span covers the whole list: its words are not contiguous
        return [(h + predicate, start, end) for h in heads] + [(last, start, end)], []
    problem = PROBLEM_WORD.search(last)
    if (problem and problem.start() >= 2 and all(len(h) >= 2 for h in heads)
            and not any(PROBLEM_WORD.search(h) for h in heads)):
        # 文海汽配、大宝汽配占道修车: the heads are places, the problem is shared
        names = [(h, start + o, start + o + len(h)) for h, o in zip(heads, offsets, strict=False)]
        last_start = start + offsets[-1]
        names.append((last[: problem.start()], last_start, last_start + problem.start()))
        return [(last[problem.start():], last_start + problem.start(), end)], names
    return [
        (p, start + o, start + o + len(p)) for p, o in zip(parts, offsets, strict=True) if p
    ], []


def read_problems(
    t: str, start: int, end: int, *, first_only: bool = False
) -> tuple[list[Problem], list[Landmark]]:
    """Problem items in ``t[start:end]`` (``t`` already width-folded)."""
    problems: list[Problem] = []
    landmarks: list[Landmark] = []
    text = t[start:end]
    c = text[:1]
    if c in _ENUMERATOR_FIRST or c.isdigit() or _SEPARATOR.search(text) is not None:
        pieces = _split_pieces(t, start, end)
    else:
        # one piece (the usual case: 积存垃圾渣土), as _split_pieces would give it
        pieces = [(text, start, end)] if text and not text.isspace() else []
    for text, s, e in pieces:
        if "(" in text:
            text = _PARENTHETICAL.sub("", text)
        c = text[:1]
        kind = (_CLAUSE_KIND.match(text)
                if c in _CLAUSE_KIND_FIRST or c.isspace() or _CLAUSE_KIND_ANYWHERE.search(text) else None)
        if kind:
            if kind.lastgroup == "admin":
                break
            continue
        if "辆" in text:
            text = _PLATES.sub("", text)
        text, s = _strip(text, s)
        if not text:
            continue
        if "、" not in text:
            # a single item, already stripped (_strip is idempotent)
            span = _make_span(s, max(s, e))
            if len(text) >= 8 and (m := _JOINED.fullmatch(text)):
                problems.append(_make_problem(m.group(1), category_of(m.group(1)), span))
                problems.append(_make_problem(m.group(2), category_of(m.group(2)), span))
            else:
                problems.append(_make_problem(text, category_of(text), span))
            if first_only:
                break
            continue
        items, names = _split_list(text, s, e)
        for name, ns, ne in names:
            landmarks.append(_make_landmark(name, None, None, "at", _make_span(ns, ne)))
        for item, is_, ie in items:
            item, is_ = _strip(item, is_)
            span = _make_span(is_, max(is_, ie))
            if len(item) >= 8 and (m := _JOINED.fullmatch(item)):
                problems.append(_make_problem(m.group(1), category_of(m.group(1)), span))
                problems.append(_make_problem(m.group(2), category_of(m.group(2)), span))
            elif item:
                problems.append(_make_problem(item, category_of(item), span))
        if first_only and problems:
            break
    return problems, landmarks
