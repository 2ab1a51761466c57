"""Text helpers for location lines: width folding and numerals.

Location lines arrive with full-width punctuation (，：（）), ASCII punctuation, or a
mix, and distances written as digits (120米) or in Chinese numerals (一百二十米).
`fold` maps every character to exactly one character, so offsets found in the folded
text are offsets in the original text too: spans stay valid without bookkeeping.

>>> fold("玉泉营街道，南三环西路辅路（北）")
'玉泉营街道,南三环西路辅路(北)'
>>> parse_number("一百二十"), parse_number("十"), parse_number("1.5")
(120, 10, 1.5)
"""

from __future__ import annotations

import re

_FOLD_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_FOLD_TABLE[0x3000] = " "  # ideographic space
# Control characters (newlines from hard-wrapped copies included) become spaces, one
# for one, so they never glue two words into a name and never shift offsets.
for _cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
    _FOLD_TABLE[_cp] = " "
_FOLD_TABLE.update(
    {
        ord("﹐"): ",",
        ord("﹔"): ";",
        ord("﹕"): ":",
        ord("〔"): "(",
        ord("〕"): ")",
        ord("【"): "(",
        ord("】"): ")",
        ord("－"): "-",
        ord("―"): "—",
        ord("–"): "—",
        ord("～"): "~",
        ord("\u2028"): " ",
        ord("\u2029"): " ",
    }
)


_FOLDABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD_TABLE)) + "]")


def fold(text: str) -> str:
    """Full-width to half-width, one character for one (so offsets are preserved)."""
    # str.translate looks every character up; a line has only a few foldable ones
    # (its commas), so replacing just those is several times faster.
    first = _FOLDABLE.search(text)
    if first is None:
        return text
    found = set(_FOLDABLE.findall(text, first.start()))
    if len(found) > 6:
        return text.translate(_FOLD_TABLE)
    for ch in found:
        text = text.replace(ch, _FOLD_TABLE[ord(ch)])
    return text


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万"
_ARABIC = re.compile(r"\d+(?:\.\d+)?")


def _chinese_below_10000(s: str) -> int | None:
    total, digit = 0, None
    for ch in s:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row ("一二") is not a number we read
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            # a bare unit means one of it: 十米 = 10 m
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_number(s: str) -> int | float | None:
    """Arabic or Chinese numeral to a number; ``None`` when it is not one."""
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        value = float(s)
        return int(value) if value.is_integer() else value
    if "万" in s:
        high, _, low = s.partition("万")
        high_value = _chinese_below_10000(high) if high else 1
        low_value = _chinese_below_10000(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    return _chinese_below_10000(s)


def metres(number: int | float, unit: str) -> int | float:
    """Distance in metres, integral values as int (labels write 120, not 120.0)."""
    value = number * 1000 if unit in ("公里", "千米", "km", "KM", "Km") else number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
