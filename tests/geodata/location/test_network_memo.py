"""The network index's memos of written names stay bounded, and change no answer.

`/api/v1/locate` is anonymous, and the names in its texts key the index's memos: made-up
names must not grow a worker's memory. The network is SYNTHETIC (a local metric plane,
metres): six roads running east-west (横一路 … 横六路, y = 0, 200, …) crossing six running
north-south (纵一路 … 纵六路, x = 0, 200, …). No database.
"""
from itertools import product

from shapely.geometry import LineString, MultiLineString, Point

from geodata.location import parse as parse_module
from geodata.location.geocode import geocode
from geodata.location.network import (
    NAME_MEMO_SIZE,
    IntersectionRecord,
    NetworkIndex,
    RoadRecord,
    SegmentRecord,
)
from geodata.location.parse import parse

NUMERALS = "一二三四五六"
EAST_WEST = [f"横{n}路" for n in NUMERALS]
NORTH_SOUTH = [f"纵{n}路" for n in NUMERALS]
BOUND = 8


def grid(memo_size: int = NAME_MEMO_SIZE) -> NetworkIndex:
    roads, intersections, segments = [], [], []
    for i, name in enumerate(EAST_WEST):
        line = LineString([(-100, 200 * i), (1100, 200 * i)])
        roads.append(RoadRecord(1 + i, name, "secondary", MultiLineString([line])))
        segments.append(SegmentRecord(101 + i, 1 + i, line))
    for j, name in enumerate(NORTH_SOUTH):
        line = LineString([(200 * j, -100), (200 * j, 1100)])
        roads.append(RoadRecord(11 + j, name, "tertiary", MultiLineString([line])))
        segments.append(SegmentRecord(111 + j, 11 + j, line))
    for (i, a), (j, b) in product(enumerate(EAST_WEST), enumerate(NORTH_SOUTH)):
        intersections.append(IntersectionRecord(1000 + 10 * i + j, f"{a}与{b}交叉口", Point(200 * j, 200 * i), (1 + i, 11 + j)))
    return NetworkIndex(roads=roads, intersections=intersections, segments=segments, memo_size=memo_size)


def distinct_name_pairs() -> list[tuple[str, str]]:
    """Ten times BOUND pairs: crossing roads both ways round, names matched only by
    similarity (横一街), and names of no road at all — what anonymous callers may send."""
    crossing = [(a, b) for a, b in product(EAST_WEST, NORTH_SOUTH)]
    reversed_ = [(b, a) for a, b in crossing[:20]]
    similar = [(a.replace("路", "街"), b) for a, b in crossing[:8]]
    made_up = [(f"无名{NUMERALS[k % 6]}{NUMERALS[k // 6]}号路", EAST_WEST[k % 6]) for k in range(16)]
    pairs = crossing + reversed_ + similar + made_up
    assert len(set(pairs)) == len(pairs) >= 10 * BOUND
    return pairs


def test_memos_never_exceed_their_bound_and_answers_match_an_empty_cache():
    net = grid(memo_size=BOUND)
    pairs = distinct_name_pairs()
    # twice through: the second pass finds some pairs remembered and others evicted
    for a, b in pairs + pairs[::3]:
        parsed = parse(f"{a}与{b}交叉路口向东50米，积存垃圾")
        assert (parsed.road_a, parsed.road_b) == (a, b)
        result = geocode(parsed, net)
        assert (a, b) in net.memo  # remembered, so the bound is what limits it
        assert len(net.memo) <= BOUND and len(net.road_memo) <= BOUND
        assert result == geocode(parsed, grid()), (a, b)  # a fresh index: empty memos


def test_the_bound_keeps_the_names_in_use():
    net = grid(memo_size=BOUND)
    texts = [f"{a}与{b}交叉路口处" for a, b in distinct_name_pairs()[:BOUND - 1]]
    frequent = parse("横一路与纵一路交叉路口向北20米")
    for text in texts * 3:
        geocode(parse(text), net)
        geocode(frequent, net)  # used between every two others: never the least recent
    assert ("横一路", "纵一路") in net.memo


def test_an_internal_parser_error_reaches_the_geocoder_result_as_such(monkeypatch):
    def failing(r, pos, end):
        raise ZeroDivisionError("injected bug")

    monkeypatch.setattr(parse_module, "read_location", failing)
    result = geocode(parse("横一路北侧，积存垃圾"), grid())
    assert not result.ok and result.internal_error
    assert "internal parser error" in result.error
    monkeypatch.undo()
    result = geocode(parse("无名路北侧，积存垃圾"), grid())  # an answer about the text, not a bug
    assert not result.ok and result.error and not result.internal_error
