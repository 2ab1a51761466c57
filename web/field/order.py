"""The order of the category buttons on the tablet: the common ones first.

"Common" is what this officer's area actually reports (the last 90 days), then the street
patrol's staples (the problems the district's lists name most: 积存垃圾, 堆物堆料, 机动车与
非机动车乱停, 店外经营, 占道经营, 小广告), then the rest of the catalogue in its own order.
The first COMMON_COUNT are shown as large buttons; the others behind "更多类别".

>>> cats = [("0103", "积存垃圾渣土", 0), ("0301", "施工扰民", 9), ("0502", "店外经营", 0), ("0406", "道路积水", 0)]
>>> [(code, common) for (code, _), common in field_category_order(cats, common_count=3)]
[('0301', True), ('0103', True), ('0502', True), ('0406', False)]
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

#: The staples, most frequent first (codes of patrol.domain.categories).
STAPLES = ("0103", "0107", "0504", "0505", "9004", "0502", "0503", "0201", "0102", "0501")
COMMON_COUNT = 8


class Category(NamedTuple):
    code: str
    name: str


def field_category_order(categories: Iterable[tuple[str, str, int]], *,
                         common_count: int = COMMON_COUNT) -> list[tuple[Category, bool]]:
    """(category, is_common) pairs: used ones by use, then staples, then the catalogue order.

    `categories` are (code, name, times reported recently) in catalogue order.
    """
    items = list(categories)
    staple_rank = {code: i for i, code in enumerate(STAPLES)}
    position = {code: i for i, (code, _, _) in enumerate(items)}

    def key(item):
        code, _, used = item
        return (-used, staple_rank.get(code, len(STAPLES)), position[code])

    ordered = sorted(items, key=key)
    return [(Category(code, name), i < common_count) for i, (code, name, _) in enumerate(ordered)]
