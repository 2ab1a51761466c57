"""Roads: a road named as the anchor, or a second road placed by a road side.

革新南路 (the road is the anchor), 太清路东段 (the road 太清路, read along a section),
裕京大厦天桥 alone in its clause (a bridge or expressway is a road too), and
京藏高速西侧盘桥路 (the side of the first road places the second).
"""

from __future__ import annotations

from geodata.location.constructs.reading import Mark, Reading, _base_road, valid_road
from geodata.location.constructs.sides import _WAY_ALONE
from geodata.location.lexicon import ROAD


def _read_road(r: Reading, pos: int, end: int) -> int | None:
    m = ROAD.match(r.t, pos, end)
    if not m or not valid_road(m.group("road")):
        if r.anchor is None and (w := _WAY_ALONE.match(r.t, pos, end)) and valid_road(w.group("road")):
            # "学院路街道，裕京大厦天桥": a bridge or expressway named alone is the road
            r.put("road", w.group("road"), w.start("road"), w.end("road"))
            r.anchor, r.anchor_clause, r.target, r.last = "road", r.clause, "road", "road"
            return w.end()
        return None
    name = m.group("road")
    if r.last == "road_side" and r.anchor == "road" and r.clause == r.anchor_clause:
        # 京藏高速西侧盘桥路: the side places the second road, it is not a road side
        old = r.values.get("road")
        side = r.values.pop("side", "")
        r.values.pop("side_road", None)
        r.spans.pop("side_road", None)
        side_span = r.spans.pop("side", None)
        r.marks.append(Mark(old, r.spans["road"], relation="side", direction=side[:1] or None,
                             direction_span=side_span, in_chain=False))
        r.along = False
    elif r.anchor is not None:
        return None
    base = _base_road(name)
    r.put("road", base, m.start("road"), m.start("road") + len(base))
    if m.group("section"):
        r.along = True
    if r.anchor is None:
        r.anchor, r.anchor_clause = "road", r.clause
    r.target, r.last = "road", "road"
    return m.end()
