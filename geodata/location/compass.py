"""Compass words ↔ bearings, in a metric plane whose y axis points north.

Bearings are degrees clockwise from north (北 0, 东 90, 南 180, 西 270).

>>> bearing_of("东北"), word_of(100.0), word_of(100.0, eight=False)
(45.0, '东', '东')
>>> round(angle_between(350, 10), 6)
20.0
"""
from __future__ import annotations

import math

BEARINGS = {"北": 0.0, "东北": 45.0, "东": 90.0, "东南": 135.0, "南": 180.0, "西南": 225.0, "西": 270.0,
            "西北": 315.0}
# Parsers write some directions the other way round (北东) or with 正 (正南).
_ALIASES = {"北东": "东北", "南东": "东南", "南西": "西南", "北西": "西北"}
FOUR = ("北", "东", "南", "西")
EIGHT = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def normalise(word: str | None) -> str | None:
    if not word:
        return None
    w = word.strip().removeprefix("正").removesuffix("方向").removesuffix("方").removesuffix("侧").removesuffix("面")
    w = _ALIASES.get(w, w)
    return w if w in BEARINGS else None


def bearing_of(word: str | None) -> float | None:
    w = normalise(word)
    return None if w is None else BEARINGS[w]


def bearing(dx: float, dy: float) -> float:
    return math.degrees(math.atan2(dx, dy)) % 360.0


def unit(bearing_deg: float) -> tuple[float, float]:
    r = math.radians(bearing_deg)
    return math.sin(r), math.cos(r)


def angle_between(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


def word_of(bearing_deg: float, *, eight: bool = True) -> str:
    words = EIGHT if eight else FOUR
    step = 360.0 / len(words)
    return words[int(((bearing_deg % 360.0) + step / 2) // step) % len(words)]
