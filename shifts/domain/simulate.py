"""A deterministic simulator of members patrolling the road network, with the truth kept.

It feeds the demo (a week of shifts, so the coverage map is not empty), the tests and the
benchmark. A member walks (1.2–1.5 m/s) or rides (3–5 m/s) a route of connected segments
(connectivity: segment ends within `snap_m` of each other), starting anywhere in the
largest connected part; the route prefers segments it has not taken yet, and turns back
only at a dead end. The receiver records a fix every
`interval_s` with Gaussian noise (σ drawn per member from `sigma_m`), a slow drift (a
random walk pulled back to zero, a few metres), outliers (`outlier_share` of the fixes,
100–300 m off) and signal gaps (no fix for `gap_s`); the member stops now and then
(`stops`, e.g. 20 minutes standing at a corner). The **truth** is what the member really
traversed: per segment, the measure intervals, merged.

Everything is drawn from one `numpy.random.Generator(seed)` in a fixed order over sorted
segment ids, so one seed gives the same tracks in any process.

>>> from shapely import LineString
>>> net = {1: LineString([(0, 0), (300, 0)]), 2: LineString([(300, 0), (300, 300)])}
>>> sim = simulate_member(net, start_t=1.7e9, end_t=1.7e9 + 600, seed=1, mode="walk")
>>> len(sim.fixes) > 100, sorted(sim.truth)
(True, [1, 2])
>>> simulate_member(net, start_t=1.7e9, end_t=1.7e9 + 600, seed=1, mode="walk") == sim
True
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString

from .fixes import Fix

SPEEDS = {"walk": (1.2, 1.5), "ride": (3.0, 5.0)}


@dataclass(frozen=True)
class SegmentGraph:
    """Segments and their ends: `ends[id] = (start node, end node)`, `at[node]` = the
    segment ids touching the node (ascending).

    >>> g = segment_graph({1: LineString([(0, 0), (10, 0)]), 2: LineString([(10.5, 0), (10, 9)])})
    >>> g.ends[1][1] == g.ends[2][0], g.at[g.ends[1][1]]
    (True, (1, 2))
    """

    ends: Mapping[int, tuple[int, int]]
    at: Mapping[int, tuple[int, ...]]


def segment_graph(segments: Mapping[int, LineString], *, snap_m: float = 1.0) -> SegmentGraph:
    """Nodes are clusters of segment ends within `snap_m` (numbered by first appearance
    over sorted segment ids)."""
    ids = sorted(segments)
    coords = []
    for sid in ids:
        c = shapely.get_coordinates(segments[sid])
        coords.append(c[0])
        coords.append(c[-1])
    pts = shapely.points(np.asarray(coords, dtype=float).reshape(-1, 2))
    parent = list(range(len(pts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(pts):
        a, b = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=snap_m)
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    ends = {sid: (find(2 * k), find(2 * k + 1)) for k, sid in enumerate(ids)}
    at: dict[int, list[int]] = {}
    for sid in ids:
        for node in ends[sid]:
            lst = at.setdefault(node, [])
            if sid not in lst:
                lst.append(sid)
    return SegmentGraph(ends=ends, at={n: tuple(sorted(v)) for n, v in sorted(at.items())})


@dataclass(frozen=True)
class SimulatedTrack:
    """One member's shift: the fixes the receiver recorded and what really happened.

    `route` is the legs in order as (segment id, forward); `truth` maps segment ids to
    merged (start_m, end_m) intervals actually traversed; `stops` and `gaps` are
    (start_t, end_t) pairs."""

    mode: str
    speed_mps: float
    sigma_m: float
    fixes: tuple[Fix, ...]
    truth: Mapping[int, tuple[tuple[float, float], ...]]
    route: tuple[tuple[int, bool], ...]
    stops: tuple[tuple[float, float], ...]
    gaps: tuple[tuple[float, float], ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimulatedTrack) and (
            self.mode, self.speed_mps, self.sigma_m, self.fixes, dict(self.truth), self.route, self.stops, self.gaps
        ) == (other.mode, other.speed_mps, other.sigma_m, other.fixes, dict(other.truth), other.route, other.stops,
              other.gaps)

    __hash__ = None  # type: ignore[assignment]


def _largest_component(graph: SegmentGraph) -> list[int]:
    """The segments of the largest connected part of the network (ascending): members
    start there, not on a stub that the extract cut off from everything else."""
    seen: set[int] = set()
    best: list[int] = []
    for start in sorted(graph.ends):
        if start in seen:
            continue
        comp, stack = [], [start]
        seen.add(start)
        while stack:
            sid = stack.pop()
            comp.append(sid)
            for node in graph.ends[sid]:
                for nxt in graph.at[node]:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
        if len(comp) > len(best):
            best = comp
    return sorted(best)


def _route(segments, graph: SegmentGraph, rng: np.random.Generator, length_needed: float):
    ids = _largest_component(graph)
    lengths = {sid: float(segments[sid].length) for sid in sorted(segments)}
    sid = ids[int(rng.integers(len(ids)))]
    forward = bool(rng.integers(2))
    legs = [(sid, forward)]
    total = lengths[sid]
    used = {sid}
    while total < length_needed:
        sid, forward = legs[-1]
        node = graph.ends[sid][1] if forward else graph.ends[sid][0]
        options = [s for s in graph.at.get(node, ()) if s != sid and lengths[s] > 0]
        if not options:
            nxt = sid  # a dead end: turn back
        else:
            fresh = [s for s in options if s not in used]
            pool = fresh if fresh and rng.random() < 0.85 else options
            nxt = pool[int(rng.integers(len(pool)))]
        s0, s1 = graph.ends[nxt]
        nfwd = (s0 == node) if s0 != s1 else bool(rng.integers(2))
        if nxt == sid and not options:
            nfwd = not forward
        legs.append((nxt, nfwd))
        used.add(nxt)
        total += lengths[nxt]
        if len(legs) > 1_000_000:  # a network of zero-length pieces only
            break
    return legs


def _merge(pairs: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[list[float]] = []
    for a, b in sorted(pairs):
        if out and a <= out[-1][1] + 1e-6:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def simulate_member(segments: Mapping[int, LineString], *, start_t: float, end_t: float, seed: int,
                    mode: str | None = None, graph: SegmentGraph | None = None, interval_s: float = 5.0,
                    sigma_m: tuple[float, float] = (10.0, 15.0), drift_m: float = 4.0,
                    outlier_share: float = 0.02, outlier_m: tuple[float, float] = (100.0, 300.0),
                    stops: int = 1, stop_s: tuple[float, float] = (1200.0, 1200.0),
                    gaps: int = 1, gap_s: tuple[float, float] = (60.0, 180.0)) -> SimulatedTrack:
    """One member's shift from `start_t` to `end_t` (epoch seconds) on `segments` (storage
    CRS, metres). `mode` "walk" or "ride" (drawn when None)."""
    rng = np.random.default_rng(seed)
    graph = graph or segment_graph(segments)
    if mode is None:
        mode = "walk" if rng.random() < 0.5 else "ride"
    lo, hi = SPEEDS[mode]
    speed = float(rng.uniform(lo, hi))
    sigma = float(rng.uniform(*sigma_m))
    duration = end_t - start_t

    # stops: (start offset, length), not overlapping, in time order
    stop_list: list[tuple[float, float]] = []
    for _ in range(stops):
        length = float(rng.uniform(*stop_s))
        at = float(rng.uniform(0.05, 0.9) * duration)
        if all(at + length < a or at > a + b for a, b in stop_list) and at + length < duration:
            stop_list.append((at, length))
    stop_list.sort()
    gap_list: list[tuple[float, float]] = []
    for _ in range(gaps):
        length = float(rng.uniform(*gap_s))
        at = float(rng.uniform(0.05, 0.95) * duration)
        gap_list.append((at, min(duration, at + length)))
    gap_list.sort()

    moving = duration - sum(b for _, b in stop_list)
    legs = _route(segments, graph, rng, speed * moving + 1.0)

    # when the member is where: distance travelled at fix times (stops hold it still)
    t_rel = np.arange(0.0, duration + 1e-9, interval_s)
    paused = np.zeros_like(t_rel)
    for a, b in stop_list:
        paused += np.clip(t_rel - a, 0.0, b)
    s = speed * (t_rel - paused)
    leg_len = np.array([segments[sid].length for sid, _ in legs])
    leg_start = np.r_[0.0, np.cumsum(leg_len)[:-1]]
    k = np.clip(np.searchsorted(leg_start, s, side="right") - 1, 0, len(legs) - 1)
    along = np.minimum(s - leg_start[k], leg_len[k])
    fwd = np.array([f for _, f in legs])[k]
    measure = np.where(fwd, along, leg_len[k] - along)
    geoms = np.empty(len(legs), dtype=object)
    geoms[:] = [segments[sid] for sid, _ in legs]
    true_xy = shapely.get_coordinates(shapely.line_interpolate_point(geoms[k], measure))

    # the truth: every leg passed completely, the last one as far as the member came
    s_end = float(s[-1])
    pairs: dict[int, list[tuple[float, float]]] = {}
    for i, (sid, f) in enumerate(legs):
        if leg_start[i] >= s_end and i > 0:
            break
        got = min(leg_len[i], s_end - leg_start[i])
        if got <= 0:
            continue
        a, b = (0.0, got) if f else (leg_len[i] - got, leg_len[i])
        pairs.setdefault(sid, []).append((float(a), float(b)))
    truth = {sid: _merge(v) for sid, v in sorted(pairs.items())}

    # the receiver: noise, drift, outliers, gaps
    n = len(t_rel)
    noise = rng.normal(0.0, sigma, size=(n, 2))
    drift = np.zeros((n, 2))
    steps = rng.normal(0.0, drift_m * 0.15, size=(n, 2))
    for i in range(1, n):  # a random walk pulled back to zero: a slow wander of a few metres
        drift[i] = 0.98 * drift[i - 1] + steps[i]
    xy = true_xy + noise + drift
    out_mask = rng.random(n) < outlier_share
    angle = rng.uniform(0, 2 * np.pi, n)
    dist = rng.uniform(*outlier_m, n)
    xy[out_mask, 0] += (dist * np.cos(angle))[out_mask]
    xy[out_mask, 1] += (dist * np.sin(angle))[out_mask]
    present = np.ones(n, dtype=bool)
    for a, b in gap_list:
        present &= ~((t_rel >= a) & (t_rel < b))
    accuracy = np.round(rng.uniform(0.8, 1.5, n) * sigma, 1)
    still = paused != np.r_[paused[1:], paused[-1] + 1] if n else np.zeros(0, dtype=bool)
    fixes = tuple(
        Fix(float(start_t + t_rel[i]), float(round(xy[i, 0], 2)), float(round(xy[i, 1], 2)),
            accuracy_m=float(accuracy[i]), speed_mps=0.0 if still[i] else round(speed, 2))
        for i in np.flatnonzero(present).tolist()
    )
    return SimulatedTrack(
        mode=mode, speed_mps=speed, sigma_m=sigma, fixes=fixes, truth=truth,
        route=tuple((int(sid), bool(f)) for sid, f in legs[: int(k[-1]) + 1]),
        stops=tuple((start_t + a, start_t + a + b) for a, b in stop_list),
        gaps=tuple((start_t + a, start_t + b) for a, b in gap_list),
    )


def simulate_team(segments: Mapping[int, LineString], *, members: int, start_t: float, end_t: float, seed: int,
                  **kwargs) -> list[SimulatedTrack]:
    """`members` members, member i seeded with (seed, i); the graph is built once.

    >>> from shapely import LineString
    >>> net = {1: LineString([(0, 0), (300, 0)]), 2: LineString([(300, 0), (300, 300)])}
    >>> [t.mode for t in simulate_team(net, members=3, start_t=1.7e9, end_t=1.7e9 + 300, seed=4)]
    ['walk', 'walk', 'ride']
    """
    graph = segment_graph(segments)
    return [
        simulate_member(segments, start_t=start_t, end_t=end_t, seed=int(np.random.SeedSequence([seed, i]).generate_state(1)[0]),
                        graph=graph, **kwargs)
        for i in range(members)
    ]


def truth_share(truth: Mapping[int, tuple[tuple[float, float], ...]], lengths: Mapping[int, float]) -> dict[int, float]:
    """The share of every segment's length that the truth traversed.

    >>> truth_share({1: ((0.0, 50.0), (60.0, 100.0))}, {1: 100.0, 2: 10.0})
    {1: 0.9, 2: 0.0}
    """
    return {sid: (min(1.0, sum(b - a for a, b in truth.get(sid, ())) / lengths[sid]) if lengths[sid] > 0 else 0.0)
            for sid in sorted(lengths)}
