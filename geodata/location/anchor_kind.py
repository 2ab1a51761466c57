"""What a writer placed the spot by (``anchor_kind``), second-guessed by a model where the
rules under-read it.

The rules name the anchor from what they could read: an intersection, a road, a house
number or a landmark, else "other". In reporters' and callers' prose the writer often places
the spot by a place the rules read only as a road, or not at all (桃临线北洪段村周边, 某小区
东门外的空地上, 大渡口绿地路至白居寺公园人行便桥上): the labels call those ``landmark``, the
rules ``road_only`` or ``other``.

This module is a classifier (python-crfsuite with one item per line: a logistic regression)
over the rules' reading of the line (its kind and relation, which fields it read, its last
landmark's and road's last characters) and the place words in the line's location part (村,
小区, 门口, 周边, 桥…). It only ever **promotes** a road_only or other reading to landmark:
the one move that held up, cross-validated on the dev files (`bench/anchor_kind.py`); an
intersection, an address or a landmark reading stands, and so does a line where the rules read
no location at all. The landmarks the rules read are kept as they are (the kind then says how
the writer placed the spot, the landmarks what was read); a promoted line's relation is its
last landmark's, else an offset where a distance was read, else the rules' own (none for a
road's along or segment).

The model ships beside this module (`crf_model.ShippedModel`); rebuild after a change of
labels, rules or lexicon (a test says when)::

    .venv/bin/python -m geodata.location.anchor_kind
"""

from __future__ import annotations

import re
from pathlib import Path

from geodata.location.crf_model import ShippedModel

TRAINING_FILES = (
    "locations_dev.jsonl", "locations_dev2.jsonl", "locations_fresh.jsonl",
    "locations_dev4.jsonl", "locations_blind3.jsonl", "locations_blind4.jsonl", "locations_dev6.jsonl",
    "locations_dev7.jsonl",
)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PARAMS = {"c1": 0.1, "c2": 0.1, "max_iterations": 200}
MODEL = ShippedModel(Path(__file__).with_name("anchor_kind.crfsuite"), PARAMS)

# Words of places in a line's location part: what a writer places a spot by, other than a
# road (a village, an estate, a gate, a bridge, a shop) and words of nearness.
PLACE_WORDS = (
    "村", "小区", "桥", "公园", "门口", "门前", "周边", "附近", "路口", "段", "号", "楼", "广场",
    "市场", "学校", "小学", "医院", "站", "对面", "旁", "侧", "内", "巷", "胡同", "街道", "社区",
    "大厦", "酒店", "店", "超市", "工地", "河", "沿线", "一带", "处",
)
PROMOTED_FROM = ("road_only", "other")
# What a promotion needs in the location part, outside the names the rules read (roads, the
# area): a word of a place a writer can place a spot by. Without one the model's landmark is
# a guess (今天天气很好, 207国道路边垃圾, a bridge the rules read as the road: 裕京大厦天桥).
PLACE_EVIDENCE = re.compile(
    r"村|小区|公园|广场|市场|学校|小学|中学|幼儿园|医院|车站|站台|大厦|酒店|饭店|宾馆|商店|超市|商场|工地|"
    r"门口|门前|大门|楼|院|桥|河|馆|厂|中心|园|场|店"
)
_READ_NAMES = ("district", "subdistrict", "road", "road_a", "road_b", "side_road")
# A place word that goes on a road's name is no place (中关村大街, 魏公村路, 洋桥村路口, 桥东路)
_ROAD_AFTER = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:大街|大道|路|街)(?!道)")
# Relations of a road reading that a place cannot have
_ROAD_RELATIONS = ("along", "segment")


def _place_part(text: str, loc) -> str:
    """The line's location part: the text before its first problem item."""
    starts = [p.span.start for p in loc.problem_items if p.span is not None]
    return text[:min(starts, default=len(text))]


def features(text: str, loc) -> list[str]:
    """One line's features from its text and the rules' reading of it (a ParsedLocation)."""
    kind = loc.anchor_kind
    f = [f"rk={kind}", f"rel={loc.anchor_relation}", f"hasA={bool(loc.road_a)}", f"hasRoad={bool(loc.road)}",
         f"nlm={min(len(loc.landmarks), 3)}", f"addr={bool(loc.address)}", f"side={bool(loc.side)}",
         f"dir={bool(loc.direction)}", f"dist={loc.distance_m is not None}", f"sub={bool(loc.subdistrict)}"]
    place = _place_part(text, loc)
    present = [w for w in PLACE_WORDS if w in place]
    f += [f"w={w}" for w in present] + [f"rk_w={kind}|{w}" for w in present]
    if loc.landmarks:
        name = loc.landmarks[-1].name
        f += [f"lmend={name[-1:]}", f"lmend2={name[-2:]}"]
    if loc.road:
        f.append(f"roadend={loc.road[-1:]}")
    return f


def unread_place(text: str, loc) -> bool:
    """Whether the location part names a place outside the names the rules read."""
    chars = list(_place_part(text, loc))
    for key in _READ_NAMES:
        span = loc.span_of(key)
        if span is not None:
            chars[span.start:span.end] = " " * max(0, min(span.end, len(chars)) - span.start)
    masked = "".join(chars)
    return any(not _ROAD_AFTER.match(masked, m.end()) for m in PLACE_EVIDENCE.finditer(masked))


def promoted(text: str, loc, predicted: str) -> bool:
    """Whether the model's kind replaces the rules' (only road_only or other → landmark, only
    where the rules read a location, and only with a place they did not read as a road or an
    area)."""
    return (loc.anchor_kind in PROMOTED_FROM and predicted == "landmark" and not loc.errors
            and unread_place(text, loc))


def relation(loc) -> str | None:
    """A promoted line's relation: its last landmark's; else an offset where a distance was
    read; else the rules' relation unless only a road can have it (along, segment)."""
    if loc.landmarks:
        return loc.landmarks[-1].relation
    if loc.distance_m is not None:
        return "offset"
    return None if loc.anchor_relation in _ROAD_RELATIONS else loc.anchor_relation


def read(text: str, loc) -> tuple[str, str | None] | None:
    """(anchor_kind, anchor_relation) where the model promotes the rules' reading, else None.
    A line where the rules read no location at all (its error says so) is not promoted."""
    if loc.anchor_kind not in PROMOTED_FROM or loc.errors or not unread_place(text, loc):
        return None
    if MODEL.tag([features(text, loc)])[0] != "landmark":
        return None
    return "landmark", relation(loc)


# -- training ---------------------------------------------------------------------------

def sequences(rules_reader) -> list[tuple[list[list[str]], list[str]]]:
    """What the trainer sees: each training line's features (from ``rules_reader``, the parser
    without the models: ``parse.parse_rules``) and its labelled kind."""
    from geodata.location.evaluate import load_records

    return [([features(r["text"], rules_reader(r["text"]))], [r["anchor_kind"]])
            for name in TRAINING_FILES for r in load_records(FIXTURES / name)]


def build() -> str:
    from geodata.location.parse import parse_rules

    seqs = sequences(parse_rules)
    return MODEL.build(seqs, {"lines": len(seqs), "files": list(TRAINING_FILES)})


if __name__ == "__main__":
    print(f"{MODEL.path.name}: trained, digest {build()[:12]}")
