"""The problem category dictionary: what kind of problem an issue is, who handles it, how fast.

China's digital urban-management standard (数字化城市管理信息系统 城市部件和事件分类,
GB/T 30428.2, earlier CJ/T 214) sorts *events* (事件: things people do or that happen,
as opposed to *components* 部件, the street furniture) into big classes (事件大类) with
two-digit codes and small classes (小类) under them. The five big classes used here are
the standard's: 01 市容环境, 02 宣传广告, 03 施工管理, 04 突发事件, 05 街面秩序.

A small class code is the big class code followed by two digits (``0103`` is a small
class of 市容环境). The small classes and their numbering are this catalogue's own,
modelled on the standard's event table; they are not copied from it, so a code is
only meaningful together with :data:`CATALOGUE_VERSION`. An issue stores both.

The district also works with categories the standard does not have: 门前三包 (the
shop-front responsibility agreement), 燃气安全, 背街小巷, 电动自行车停放, 供暖设施故障,
and the few component problems (道路破损, 井盖…) the location parser recognises. They are
marked ``source="local"``, have codes in the 9x range (``9001``…) and are filed under the
standard big class nearest to them, so counts by big class still add up.

Each entry names the agency that normally handles it and a default deadline in hours
(emergencies 2–4 h, street order a few hours to a day, the rest one to three days).

Published problem lines and officers write problems in their own words (积存垃圾, 门店前
堆物堆料, 机动车乱停). :func:`category_for_text` maps such an item, or a category name the
location parser (:func:`geodata.location.lexicon.category_of`) gave it, to an entry:

>>> category_for_text("积存垃圾").name
'积存垃圾渣土'
>>> spec = category_for_text("门店前堆物堆料")
>>> spec.code, spec.name, spec.big_class, spec.agency, spec.deadline_hours
('0107', '乱堆物堆料', '市容环境', '城管执法队', 24)
>>> category_for_text("非机动车乱停").name, category_for_text("机动车乱停").name
('非机动车乱停放', '机动车乱停放')
>>> by_code("9001").name, by_code("9001").source
('门前三包', 'local')
>>> category_for_text("墙皮脱落") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.location.lexicon import category_of

__all__ = [
    "AGENCIES",
    "BIG_CLASSES",
    "CATALOGUE_VERSION",
    "CategorySpec",
    "all_categories",
    "by_code",
    "by_name",
    "category_for_text",
]

CATALOGUE_VERSION = "2026.1"

# The standard's event big classes (事件大类) and their codes.
BIG_CLASSES: dict[str, str] = {
    "01": "市容环境",
    "02": "宣传广告",
    "03": "施工管理",
    "04": "突发事件",
    "05": "街面秩序",
}

# Agencies an issue can be dispatched to. A closed list so that a typo in the catalogue
# is a failing test, not a new agency on the dispatch screen.
AGENCIES = frozenset({
    "城管执法队",
    "环境卫生服务中心",
    "驻街交警",
    "交通支队",
    "驻街民警",
    "市场监管所",
    "燃气公司",
    "城市管理委",
    "供热单位",
    "街道城管办",
    "园林绿化所",
    "水务所",
    "自来水公司",
    "排水集团",
    "道路养护单位",
})


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One small class of the catalogue.

    ``aliases`` are other wordings of the same problem (the parser's category names,
    officers' short forms); they must be unique across the catalogue.
    """

    code: str
    name: str
    big_class: str
    big_class_code: str
    agency: str
    deadline_hours: int
    source: str = "standard"  # "standard" | "local"
    aliases: tuple[str, ...] = ()

    @property
    def is_local(self) -> bool:
        return self.source == "local"

    @property
    def wordings(self) -> tuple[str, ...]:
        """The name and every alias: all the texts that mean this category."""
        return (self.name, *self.aliases)


def _std(code: str, name: str, agency: str, hours: int, *aliases: str) -> CategorySpec:
    big = code[:2]
    return CategorySpec(code, name, BIG_CLASSES[big], big, agency, hours, "standard", aliases)


def _local(code: str, big: str, name: str, agency: str, hours: int, *aliases: str) -> CategorySpec:
    return CategorySpec(code, name, BIG_CLASSES[big], big, agency, hours, "local", aliases)


_CATEGORIES: tuple[CategorySpec, ...] = (
    # 01 市容环境
    _std("0101", "私搭乱建", "城管执法队", 72, "违章建筑", "私搭乱盖"),
    _std("0102", "暴露垃圾", "环境卫生服务中心", 24, "白色垃圾"),
    _std("0103", "积存垃圾渣土", "环境卫生服务中心", 24, "积存垃圾", "积存渣土", "积存沙石", "垃圾堆积"),
    _std("0104", "道路不洁", "环境卫生服务中心", 24, "路面不洁"),
    _std("0105", "水域不洁", "水务所", 48, "河道不洁"),
    _std("0106", "绿地脏乱", "园林绿化所", 48, "绿地不洁"),
    _std("0107", "乱堆物堆料", "城管执法队", 24, "堆物堆料", "堆放杂物", "杂物堆放"),
    _std("0108", "乱倒乱堆", "城管执法队", 24, "乱倒垃圾", "偷倒渣土"),
    _std("0109", "焚烧垃圾树叶", "城管执法队", 4, "焚烧垃圾", "焚烧树叶"),
    _std("0110", "废弃家具设备", "环境卫生服务中心", 48, "废弃家具"),
    _std("0111", "露天烧烤", "城管执法队", 4),
    # 02 宣传广告
    _std("0201", "非法小广告", "城管执法队", 24, "小广告"),
    _std("0202", "违章张贴悬挂", "城管执法队", 48, "违规张贴", "违章悬挂"),
    _std("0203", "占道广告牌", "城管执法队", 72),
    _std("0204", "散发小广告", "城管执法队", 24, "街头散发广告"),
    # 03 施工管理
    _std("0301", "施工扰民", "城管执法队", 24, "夜间施工"),
    _std("0302", "工地扬尘", "城管执法队", 24, "施工扬尘", "渣土未覆盖", "土堆未覆盖"),
    _std("0303", "道路遗撒", "城管执法队", 24),
    _std("0304", "施工废弃料", "城管执法队", 48),
    _std("0305", "施工占道", "城管执法队", 48),
    _std("0306", "无证掘路", "城管执法队", 24, "私自掘路"),
    # 04 突发事件
    _std("0401", "路面塌陷", "道路养护单位", 2),
    _std("0402", "自来水管破裂", "自来水公司", 2, "自来水管道破裂"),
    _std("0403", "燃气管道破裂", "燃气公司", 2, "燃气泄漏"),
    _std("0404", "下水道堵塞或破损", "排水集团", 4, "下水道堵塞", "污水外溢"),
    _std("0405", "供暖管道破裂", "供热单位", 2, "供暖主管道破裂", "供暖管道漏水", "暖气管道漏水"),
    _std("0406", "道路积水", "排水集团", 4),
    _std("0407", "道路积雪结冰", "环境卫生服务中心", 4, "道路结冰"),
    # 05 街面秩序
    _std("0501", "无照经营游商", "城管执法队", 4, "无照经营", "无证无照经营", "无证经营", "游商"),
    _std("0502", "店外经营", "城管执法队", 24, "出店经营"),
    _std("0503", "占道经营", "城管执法队", 4, "占道摆摊"),
    _std("0504", "机动车乱停放", "驻街交警", 2, "机动车乱停", "机动车违停", "违章停车", "车辆违停", "乱停车"),
    _std("0505", "非机动车乱停放", "街道城管办", 24, "非机动车乱停", "自行车乱停", "共享单车乱停"),
    _std("0506", "乞讨卖艺", "驻街民警", 24, "流浪乞讨"),
    _std("0507", "占道废品收购", "城管执法队", 24),
    # Local categories (source="local"), filed under the nearest standard big class.
    _local("9001", "01", "门前三包", "街道城管办", 24, "门前三包不到位", "门前三包不落实"),
    _local("9002", "04", "燃气安全", "城市管理委", 24, "燃气安全隐患"),
    _local("9003", "01", "背街小巷", "街道城管办", 72, "背街小巷环境"),
    _local("9004", "05", "电动自行车停放", "街道城管办", 24,
           "电动自行车乱停", "电动自行车乱停放", "电动车乱停", "电动车治理"),
    _local("9005", "04", "供暖设施故障", "供热单位", 4, "供暖", "停暖", "暖气不热"),
    # Component problems the location parser names (the standard files them as 部件).
    _local("9006", "04", "道路破损", "道路养护单位", 24, "路面破损"),
    _local("9007", "05", "交通标志损坏", "交通支队", 48, "交通标志牌损坏"),
    _local("9008", "04", "井盖及排水", "排水集团", 4, "井盖缺失", "井盖破损"),
    _local("9009", "02", "广告设施破损", "城管执法队", 48, "宣传栏破损"),
    _local("9010", "03", "其他施工问题", "城管执法队", 48, "施工管理"),
)


def _index(categories: tuple[CategorySpec, ...]) -> tuple[dict[str, CategorySpec], dict[str, CategorySpec]]:
    """Code and wording indexes; a duplicate is an error in the catalogue, raised at import."""
    codes: dict[str, CategorySpec] = {}
    wordings: dict[str, CategorySpec] = {}
    for spec in categories:
        if spec.code in codes:
            raise ValueError(f"duplicate category code {spec.code}")
        codes[spec.code] = spec
        for word in spec.wordings:
            if word in wordings:
                raise ValueError(f"wording {word!r} names both {wordings[word].code} and {spec.code}")
            wordings[word] = spec
    return codes, wordings


_BY_CODE, _BY_WORDING = _index(_CATEGORIES)
# Longest first: the most specific wording contained in a text wins (非机动车乱停 over
# 机动车乱停, 供暖管道漏水 over 供暖).
_WORDINGS_LONGEST_FIRST = sorted(_BY_WORDING, key=len, reverse=True)


def all_categories() -> tuple[CategorySpec, ...]:
    """Every entry of the current catalogue, in code order within each source."""
    return _CATEGORIES


def by_code(code: str) -> CategorySpec:
    """The entry with this code; ``KeyError`` if the catalogue has none.

    >>> by_code("0405").name
    '供暖管道破裂'
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no category {code!r} in catalogue {CATALOGUE_VERSION}") from None


def by_name(name: str) -> CategorySpec | None:
    """The entry whose name or alias is exactly ``name``.

    >>> by_name("违章停车").code
    '0504'
    """
    return _BY_WORDING.get(name.strip())


def category_for_text(item: str) -> CategorySpec | None:
    """The catalogue entry a problem item (as written, or a parser category) belongs to.

    Tried in order: the exact name or alias; the longest name or alias the item
    contains (门店前堆物堆料 → 乱堆物堆料); the location parser's category rules, whose
    category names are all aliases here (门口杂物较多 → 堆物堆料 → 乱堆物堆料).

    >>> category_for_text("小区供暖管道漏水").name
    '供暖管道破裂'
    >>> category_for_text("门口杂物较多").name
    '乱堆物堆料'
    """
    text = item.strip()
    if not text:
        return None
    if text in _BY_WORDING:
        return _BY_WORDING[text]
    for word in _WORDINGS_LONGEST_FIRST:
        if word in text:
            return _BY_WORDING[word]
    parser_category = category_of(text)
    return _BY_WORDING.get(parser_category) if parser_category else None
