"""Putting the anchor together once the location is read.

`finish_anchor` decides the anchor's kind and relation from what was read: an
intersection (马家堡东路与革新南路交叉路口向东120米: offset), an address or the last
landmark of the anchor's chain (天成酒店南侧10米: side, with its direction and
distance), a road only (革新南路南侧: side; 太清路东段: along), or other.
"""

from __future__ import annotations

from geodata.location.constructs.reading import Reading, _span_tuple
from geodata.location.lexicon import GENERIC_FEATURES
from geodata.location.types import Segment


def finish_anchor(r: Reading) -> None:
    v = r.values
    if r.pending_segment and v.get("road") and not v.get("segment"):
        a, b, span = r.pending_segment
        v["segment"], r.spans["segment"] = Segment(v["road"], a, b), span
    chain = [mk for mk in r.marks if mk.in_chain] if r.marks else []
    if r.anchor == "intersection":
        v["anchor_kind"], v["anchor_relation"] = "intersection", r.offset_relation or "at"
        v["approximate"] = r.offset_approximate
        return
    if r.anchor == "address" or chain:
        v["anchor_kind"] = "landmark"
        if r.anchor == "address" and (r.address_relation or not chain):
            v["anchor_relation"] = r.address_relation or "at"
            v["approximate"] = r.offset_approximate
            return
        last = chain[-1]
        v["anchor_relation"] = last.relation
        if not last.direction and len(chain) > 1:
            # 亮哥名烟名酒西侧网点前: the site has no direction of its own, the landmark right
            # before it (same clause, only its side word between) places it
            prev = chain[-2]
            gap = r.t[prev.span.end:last.span.start]
            if prev.direction and prev.relation == "side" and len(gap) <= len(prev.direction) + 2 and "," not in gap:
                last = prev
            elif prev.direction and prev.distance_m is not None and gap.endswith("的") and "," not in gap:
                # 该公园南200米的十里河村: the place is found by the offset from the landmark
                last = prev
            elif (prev.direction and "," in gap and last.relation == "inside"
                  and r.t.startswith("的", last.span.end)):
                # 在某车站南侧,醒目的广告牌破损: a possessive in the next clause is the problem's
                # subject, the place is the landmark with its side before the comma
                last = prev
                v["anchor_relation"] = last.relation
        v["approximate"] = last.approximate
        if last.direction:
            r.put("direction", last.direction, *_span_tuple(last.direction_span))
        if last.distance_m is not None:
            r.put("distance_m", last.distance_m, *_span_tuple(last.distance_span))
        return
    if r.anchor == "road" or v.get("road"):
        v["anchor_kind"] = "road_only"
        feature = next((mk for mk in r.marks if mk.name in GENERIC_FEATURES), None)
        if v.get("segment"):
            v["anchor_relation"] = "segment"
        elif v.get("side") or any(mk.relation == "side" for mk in r.marks):
            v["anchor_relation"] = "side"
        elif feature:
            v["anchor_relation"] = feature.relation
        elif r.along:
            v["anchor_relation"] = "along"
        else:
            v["anchor_relation"] = "at"
        return
    if r.marks:
        v["anchor_kind"], v["anchor_relation"] = "landmark", r.marks[-1].relation
        return
    v["anchor_kind"] = "other"
    v["anchor_relation"] = "inside" if v.get("subdistrict") else None


