"""From a complaint's address as 12345 writes it to texts the location language reads.

Exports prefix the address with the city, district and street office in one run
("北京市海淀区学院路街道清华东路与小月河东路交叉口东南角"); the published style the parser
knows puts the subdistrict first and a comma after it. A bare building or compound
("双泉嘉苑8号楼") is a place, not a road: it is tried as "at its gate" (门前), the way
officers write it. The candidates are tried in order; the first one located wins.

>>> location_candidates("北京市海淀区学院路街道清华东路与小月河东路交叉口东南角")
['学院路街道，清华东路与小月河东路交叉口东南角']
>>> location_candidates("北京市海淀区学院路街道双泉嘉苑8号楼")
['学院路街道，双泉嘉苑8号楼', '学院路街道，双泉嘉苑8号楼门前']
>>> location_candidates("静淑苑12号楼积存垃圾，希望尽快清理")
['静淑苑12号楼积存垃圾，希望尽快清理', '静淑苑12号楼门前']
>>> location_candidates("学院路30号")
['学院路30号']
>>> location_candidates("")
[]
"""
from __future__ import annotations

import re
import unicodedata

_PREFIX = re.compile(r"^(北京市|北京)?([\u4e00-\u9fff]{1,6}区)?")
_SUBDISTRICT = re.compile(r"^([\u4e00-\u9fff]{2,8}?(街道|地区|镇|乡))(?![与和及、路街])[,，\s]*")
# A building, courtyard or compound at the start of the text (what a caller names first).
_LEAD = r"^(?:[\u4e00-\u9fff]{2,8}(?:街道|地区)，)?"
_NAME = r"[\u4e00-\u9fff·A-Za-z0-9]"
_PLACES = (re.compile(_LEAD + _NAME + r"{2,16}?\d+(?:号楼|号院|单元)"),
           re.compile(_LEAD + _NAME + r"{1,16}?(?:小区|家园|公寓|大厦|花园|嘉苑|生活区|[苑院园])"))


def location_candidates(text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", text or "").strip()
    s = s.replace(",", "，")
    if not s:
        return []
    s = _PREFIX.sub("", s, count=1).strip()
    m = _SUBDISTRICT.match(s)
    if m and m.end() < len(s):
        s = f"{m.group(1)}，{s[m.end():]}"
    out = [s]
    place = _PLACES[0].match(s) or _PLACES[1].match(s)
    if place and s[place.end():place.end() + 1] not in ("路", "街", "道") and not re.search(r"(门前|门口|附近|[东南西北]侧|交叉|路口|与)", s):
        out.append(place.group(0) + "门前")
    return out


_SUBDISTRICT_NAME = re.compile(r"(街道|地区|镇|乡)(办事处)?$")


def expected_subdistrict(named: str | None, unit: str) -> str | None:
    """The subdistrict a complaint should fall in: the one its text names, else its
    responsible unit when that is a street office; None when neither says.

    >>> expected_subdistrict(None, "学院路街道办事处"), expected_subdistrict(None, "海淀区城管委")
    ('学院路街道', None)
    """
    if named:
        return named
    unit = (unit or "").strip()
    return _SUBDISTRICT_NAME.sub(r"\1", unit) if _SUBDISTRICT_NAME.search(unit) else None


def place_consistent(expected: str | None, found: str | None) -> bool:
    """A located point is kept only inside the subdistrict expected of it: the location
    language, given a place it does not know (a compound of another street), may settle on
    a namesake ("6号楼") in the streets it does know.

    >>> place_consistent("学院路街道", "学院路街道"), place_consistent("花园路街道", "学院路街道")
    (True, False)
    >>> place_consistent(None, None), place_consistent("花园路街道", None)
    (True, False)
    """
    if expected is None:
        return True
    return found is not None and found == expected
