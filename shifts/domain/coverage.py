"""Coverage of the road network by GPS tracks: which parts of which segments a member
walked or rode.

The unit is the covered **interval** of a segment: measures along it (metres from its
start), with the first and last time it was seen and the number of passes. The method:

1. **Good fixes in track order** (`fixes.flag_fixes`: flagged fixes are kept by callers
   but never paint anything).
2. **Pieces.** The track is broken where two consecutive good fixes are more than
   `max_gap_s` apart or would need more than `max_speed_mps`: nothing is painted across
   a signal gap. It is broken too before a fix that `starts_piece` (the device stopped
   recording there: a GPX file's next ``trkseg``, a tablet's first fix after a pause),
   whatever the pause; a flagged fix's break moves on to the next good one
   (`fixes.piece_starts` for a file; shifts.selectors.coverage for a tablet's fixes).
3. **Stops.** Standing still, a GPS receiver wanders 10–40 m around the spot, and the
   straight lines between those fixes would paint every road nearby. A stop is a run of
   fixes whose smoothed position (a moving mean over `stop_smooth_s`, which cuts the noise
   by ~3×) stays within `stop_radius_m` of the run's centre for at least `stop_min_s`; the
   whole run becomes one point (the centre), so 20 minutes at a corner paints at most the
   few metres around the centre's projection.
4. **Path.** Between consecutive points the path is the straight line, sampled every
   `sample_m` metres (numpy, no Python loop over samples). Matching uses the path
   smoothed by a moving mean over `smooth_s` seconds, shortened to about ±`smooth_m` of
   travel (a walker's noise is averaged over ~5 fixes, a rider's corners are not cut);
   measures near a segment's ends come from the unsmoothed path (below).
5. **Matching.** One index over the segments (`SegmentIndex`, built once and reusable)
   gives every sample's segments within reach with distance and measure (`near`: the
   same pairs and numbers as an STRtree `dwithin` query followed by shapely's `distance`
   and `line_locate_point`; steps 5 and 6 run as compiled loops over the index's arrays,
   `coverage_kernels`, held to the plain reading of this docstring in
   tests/shifts/domain/reference_matching.py). A sample can count for a segment within
   `tolerance_m` that it runs *along*:
   the track's chord over ±`window_m` must be within 60° of the segment's direction (a
   track crossing a road does not paint it).
   Among those, **each sample counts for the segment the track runs nearest to, judged
   over ±`window_m` of track; within `tie_margin_m` (3 m) of a tie, for all the tied
   ones.** "Nearest over the window" is |mean signed offset| of the window's samples
   (distance beyond the segment's ends, `score_reach_m` where the sample is not near at
   all: 30 m, the tolerance; it was 45 m until 2026-11-30, and the 15 m more changed no
   F1 and no covered length on the bench's two networks or the demo's scenarios by more
   than 0.1 %, while a third of the pairs to score lay there), taken on the smoothed
   path: single fixes wander 10–15 m, the mean of several
   does not, so the two halves of a dual carriageway (12–25 m apart in the demo
   district) and a parallel 辅路 are told apart whenever the track keeps to one of them;
   a track running between two of them paints both (the split is where the evidence is,
   and where there is none, both). The window is short (±20 m) because city segments
   are (Helsinki's centre: tens of metres); longer windows starve short segments.
6. **Runs and intervals.** Samples of one piece assigned to the same segment, with no
   sample assigned to another segment between them and no more than `hole_s` without
   any, form a run: [min measure, max measure] (a run reaching within `tolerance_m` of
   the segment's end takes the unsmoothed measure there, so rounded corners do not
   shorten segments); a run of no length (one sample: a lone fix, a touch at a
   junction) covers nothing and is dropped. Runs of one segment whose times follow each other within
   `pass_gap_s` are one **visit**; each visit's runs are merged, then the visits with
   `merge_intervals` (overlapping intervals, or gaps under `merge_gap_m` = 2 samples,
   merge; passes add up across visits).

The defaults were set against the simulator (`simulate.py`, σ 10–15 m, outliers, drift,
stops, gaps) on three networks (tests/shifts/domain/test_truth.py and the bench): the demo
district's (85 segments, 学院路), Helsinki's centre (925, short segments) and a grid.
Length-weighted F1 of covered segments 0.97–0.99, covered length within ≈2 percentage
points on average. What limits it is parallel ways closer than the noise: 学院路 has a
footway, a cycleway, a service road and two carriageways within ±15 m, and there a
two-hour scenario's covered length can be 3–4 points off either way.

Incremental use. `merge_intervals(stored, new)` (or `merge_coverage` for a whole map)
adds a batch's intervals to stored ones. Computing batches separately and merging gives
exactly what computing them at once gives when the batches are split at gaps longer than
`max_gap_s` (the pieces are the same, and sums are done in integer millimetres so nothing
depends on what else was in the call). A batch that continues a track without such a gap
needs context: pass along the previous batch's good fixes of the last
`window_m`/speed + `smooth_s` + `stop_min_s` seconds (at the very least its last good fix,
which carries the path across the boundary). The context's repainted intervals overlap
the stored ones in time, so merging adds no pass; near the boundary the result may then
differ from one computation by a few metres.

>>> from shapely import LineString
>>> segments = {1: LineString([(0, 0), (200, 0)]), 2: LineString([(0, 25), (200, 25)])}
>>> track = [Fix(1.7e9 + 5 * i, 6.0 * i, 3.0) for i in range(30)]  # walking along y=3
>>> cov = covered_intervals(track, segments)
>>> sorted(cov), cov[1][0].start_m, round(cov[1][0].end_m)
([1], 0.0, 174)
>>> coverage_summary(cov, {1: 200.0, 2: 200.0})[2].share
0.0
"""
from __future__ import annotations

import operator
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString

from . import coverage_kernels as kernels
from .fixes import DEFAULT_MAX_SPEED_MPS, Fix, flag_fixes, order_and_positions, piece_starts
from .intervals import (  # noqa: F401 - the coverage API in one place for callers
    Interval,
    SegmentCoverage,
    coverage_summary,
    is_covered,
    merge_coverage,
    merge_intervals,
)

# A track crossing a segment (its chord over the window more than this far off the
# segment's direction, and at least this long) does not run along it
_MAX_ANGLE_DEG = 60.0
_MIN_CHORD_M = 20.0
_REACH = 30.0  # covered_intervals' default reach: max(tolerance_m, score_reach_m)


class SegmentIndex:
    """Segment geometries (storage CRS, metres) with their STRtree, built once and reused
    by every `covered_intervals` call on the same network.

    >>> index = SegmentIndex({7: LineString([(0, 0), (100, 0)]), 3: LineString([(0, 0), (0, 50)])})
    >>> index.ids.tolist(), index.lengths.tolist()
    ([3, 7], [50.0, 100.0])
    """

    def __init__(self, segments: Mapping[int, LineString]):
        ids = sorted(segments)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.geoms = np.empty(len(ids), dtype=object)
        self.geoms[:] = [segments[i] for i in ids]
        shapely.prepare(self.geoms)
        self.lengths = shapely.length(self.geoms) if len(ids) else np.zeros(0)
        self.tree = shapely.STRtree(self.geoms)
        # every segment's vertices in one array, keyed so that one searchsorted finds the
        # vertex pair under a measure (the local direction, without interpolating)
        coords, parts = shapely.get_coordinates(self.geoms, return_index=True)
        step = np.r_[0.0, np.hypot(*np.diff(coords, axis=0).T)][: len(coords)]
        first = np.searchsorted(parts, np.arange(len(ids)), side="left")
        step[first] = 0.0
        cum = np.cumsum(step)
        if len(ids):
            cum -= np.repeat(cum[first], np.diff(np.r_[first, len(parts)]))
        self._coords = coords
        self._span = float(self.lengths.max()) + 1.0 if len(ids) else 1.0
        self._vkey = parts * self._span + cum
        self._vfirst = first
        self._vlast = np.r_[first[1:], len(parts)] - 1
        # each vertex's measure summed from its segment's start pair by pair, as GEOS sums
        # it in line_locate_point (`locate` then gives the very same measures)
        self._vstart = np.zeros(len(coords))
        if len(ids):
            rank = np.arange(len(coords)) - np.repeat(first, np.diff(np.r_[first, len(parts)]))
            d = coords[1:] - coords[:-1]
            pair_len = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
            by_rank = np.argsort(rank, kind="stable")
            bounds = np.searchsorted(rank[by_rank], np.arange(1, int(rank.max()) + 2))
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                v = by_rank[a:b]
                self._vstart[v] = self._vstart[v - 1] + pair_len[v - 1]
        # each vertex pair k (vertex k to k + 1) in flat arrays, as `locate`, `direction` and
        # `project_near` compute with them: gathers from contiguous 1-D arrays instead of
        # rows of `coords`, and the pair's own numbers (vector, squared length, length)
        # computed once here rather than for every (point, pair) of every track; the same
        # formulas on the same coordinates, so the same bits
        self._ax, self._ay = coords[:-1, 0].copy(), coords[:-1, 1].copy()
        self._bx, self._by = coords[1:, 0].copy(), coords[1:, 1].copy()
        self._dx, self._dy = self._bx - self._ax, self._by - self._ay
        self._len2 = self._dx * self._dx + self._dy * self._dy
        self._plen = np.sqrt(self._len2)
        self._phypot = np.hypot(self._dx, self._dy)
        self._build_cells(coords, parts)

    def _build_cells(self, coords: np.ndarray, parts: np.ndarray) -> None:
        """A uniform grid of square cells over the network, each listing the segments whose
        bounding box, widened by the query's reach, overlaps it (CSR arrays, one set per
        reach, `_cells_within`): `near` finds a point's candidates in its own cell by array
        lookups, with no point geometry per query point (creating them and the STRtree
        query were half of a track's matching)."""
        self._within: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._most: dict[float, int] = {}
        n = len(self.ids)
        if n == 0:
            self._cell = 1.0
            return
        lo_x = np.minimum.reduceat(coords[:, 0], self._vfirst)
        hi_x = np.maximum.reduceat(coords[:, 0], self._vfirst)
        lo_y = np.minimum.reduceat(coords[:, 1], self._vfirst)
        hi_y = np.maximum.reduceat(coords[:, 1], self._vfirst)
        self._box = (lo_x, lo_y, hi_x, hi_y)
        self._origin = (float(lo_x.min()), float(lo_y.min()))
        # cells of about a city block, larger when the network is spread out (≤ ~4 M cells)
        width, height = float(hi_x.max()) - self._origin[0], float(hi_y.max()) - self._origin[1]
        cell = max(50.0, float(np.sqrt(width * height / 4e6)))
        self._cell = cell
        self._nx, self._ny = int(width // cell) + 1, int(height // cell) + 1
        self._cells_within(_REACH)  # built with the index: what covered_intervals uses by default

    def _cells_within(self, reach: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(segments, start of each cell's list in it, vertex pairs of the cells before it):
        the segments whose box widened by `reach` overlaps each cell, by cell. Built once
        per reach.

        One cell per point, rather than every cell of the point's ±reach box with the pairs
        met in several cells dropped (up to nine lookups per point at the default reach):
        on Helsinki's dense centre those were two fifths of `near`. The candidates are a superset of
        the boxes within reach of the point (the box is widened by a micrometre more, so
        that rounding cannot drop one), and `near` keeps those whose box is within reach,
        as before: the same pairs."""
        got = self._within.get(reach)
        if got is None:
            n = len(self.ids)
            lo_x, lo_y, hi_x, hi_y = self._box
            wide = reach + 1e-6
            cx0, cy0 = self._cells_of(lo_x - wide, lo_y - wide)
            cx1, cy1 = self._cells_of(hi_x + wide, hi_y + wide)
            # every (segment, cell) of its widened box, sorted by cell (in 32-bit integers:
            # at most ~4 M cells, and this is several times the segments on a grid)
            cx0, cy0, cx1, cy1 = (a.astype(np.int32) for a in (cx0, cy0, cx1, cy1))
            wx, wy = cx1 - cx0 + 1, cy1 - cy0 + 1
            count = wx * wy
            seg = np.repeat(np.arange(n, dtype=np.int32), count)
            j = np.arange(int(count.sum()), dtype=np.int32) - np.repeat((np.cumsum(count) - count).astype(np.int32), count)
            wy = wy[seg]
            cells = (cx0[seg] + j // wy) * np.int32(self._ny) + cy0[seg] + j % wy
            del j, wy
            order = np.argsort(cells, kind="stable")
            segs = seg[order].astype(np.int64)
            start = np.searchsorted(cells[order], np.arange(self._nx * self._ny + 1))
            del seg, cells, order
            # vertex pairs of each cell's list, summed over the cells before it
            work = np.r_[0, np.cumsum((self._vlast - self._vfirst)[segs])][start]
            got = self._within[reach] = (segs, start, work)
        return got

    def _max_cands(self, reach: float) -> int:
        """The most segments one cell lists for `reach` (the matching's buffers hold them)."""
        got = self._most.get(reach)
        if got is None:
            start = self._cells_within(reach)[1]
            got = self._most[reach] = max(1, int(np.diff(start).max())) if len(start) > 1 else 1
        return got

    def _cells_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cx = np.clip(np.floor((x - self._origin[0]) / self._cell), 0, self._nx - 1).astype(np.int64)
        cy = np.clip(np.floor((y - self._origin[1]) / self._cell), 0, self._ny - 1).astype(np.int64)
        return cx, cy

    def _grid(self) -> tuple:
        return (*self._origin, self._cell, self._nx, self._ny)

    def _pairs(self) -> tuple:
        """The vertex pairs' arrays, in the order the kernels take them."""
        return (self._vfirst, self._vlast, self._ax, self._ay, self._bx, self._by, self._dx, self._dy, self._len2,
                self._plen, self._vstart, self.lengths)

    def near(self, x: np.ndarray, y: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every (point, segment) within `reach` of each other: point positions, segment
        positions (in `ids`), distance and measure (as `locate`). The same pairs as the
        STRtree's `query(points, predicate="dwithin", distance=reach)`, found through the
        index's cells: boxes overlapping the point's ±reach box, then the exact distance.

        >>> index = SegmentIndex({1: LineString([(0, 0), (100, 0)]), 2: LineString([(0, 300), (100, 300)])})
        >>> [a.tolist() for a in index.near(np.array([50.0, 50.0, 500.0]), np.array([20.0, 290.0, 0.0]), 30.0)]
        [[0, 1], [0, 1], [20.0, 10.0], [50.0, 50.0]]
        """
        empty = np.zeros(0, dtype=np.int64)
        if len(self.ids) == 0 or len(x) == 0:
            return empty, empty, np.zeros(0), np.zeros(0)
        cell_segs, cell_start, _ = self._cells_within(reach)
        p, s, d, m, _ = kernels.near_pairs(np.asarray(x, dtype=float), np.asarray(y, dtype=float), float(reach),
                                           *self._grid(), cell_segs, cell_start, self._max_cands(reach), *self._box,
                                           *self._pairs())
        return p, s, d, m

    def __len__(self) -> int:
        return len(self.ids)

    def direction(self, seg: np.ndarray, measure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For segment positions `seg` (indices into `ids`) and measures: the start of the
        vertex pair under the measure and the pair's direction vector.

        >>> index = SegmentIndex({1: LineString([(0, 0), (10, 0), (10, 10)])})
        >>> start, vec = index.direction(np.array([0, 0]), np.array([5.0, 15.0]))
        >>> start.tolist(), vec.tolist()
        ([[0.0, 0.0], [10.0, 0.0]], [[10.0, 0.0], [0.0, 10.0]])
        """
        k = kernels.vertices_under(np.asarray(seg, dtype=np.int64), np.asarray(measure, dtype=float), self._span,
                                   self._vfirst, self._vlast, self._vkey)
        return self._coords[k], self._coords[k + 1] - self._coords[k]

    def locate(self, seg: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance of points (x, y) from segments `seg` (positions in `ids`) and the measure
        of the nearest point along each: what `shapely.distance` and `line_locate_point`
        give, with GEOS's own formulas in the same order (point to each vertex pair, the
        first pair at the least distance), on the index's vertex arrays, with no point
        geometry per pair.

        >>> index = SegmentIndex({1: LineString([(0, 0), (10, 0), (10, 10)])})
        >>> d, m = index.locate(np.array([0, 0, 0]), np.array([5.0, 13.0, -3.0]), np.array([2.0, 4.0, -4.0]))
        >>> d.tolist(), m.tolist()
        ([2.0, 3.0, 5.0], [5.0, 14.0, 0.0])
        """
        d, m, _ = kernels.locate_pairs(np.asarray(seg, dtype=np.int64), np.asarray(x, dtype=float),
                                       np.asarray(y, dtype=float), *self._pairs())
        return d, m

    def project_near(self, seg: np.ndarray, measure: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Measures of points (x, y) projected on the vertex pair under `measure` (a cheap
        `line_locate_point` for points close to where `measure` is), within [0, length].

        >>> index = SegmentIndex({1: LineString([(0, 0), (10, 0), (10, 10)])})
        >>> index.project_near(np.array([0, 0]), np.array([5.0, 12.0]), np.array([7.0, 13.0]), np.array([3.0, 4.0])).tolist()
        [7.0, 14.0]
        """
        seg = np.asarray(seg, dtype=np.int64)
        k = kernels.vertices_under(seg, np.asarray(measure, dtype=float), self._span, self._vfirst, self._vlast,
                                   self._vkey)
        return kernels.project_pairs(seg, k, np.asarray(x, dtype=float), np.asarray(y, dtype=float), self._span,
                                     self._vkey, self._ax, self._ay, self._dx, self._dy, self._phypot, self.lengths)


def index_as_then(index: SegmentIndex, lines: Mapping[int, LineString], *,
                  replaced_by: Sequence[int] = ()) -> SegmentIndex:
    """The network as it stood at an earlier time, from today's `index`: the segments of `lines`
    (id → their line then: a segment re-drawn since, or one retired since) put in with that
    line, and the segments of `replaced_by` (drawn since along one of those lines: the other
    piece of a way split, a way's new id) taken out, so that no stretch is in it twice. A
    track of that time is measured on it as it was then; `index` is left as it is.

    >>> today = SegmentIndex({7: LineString([(0, 8), (50, 8)]), 8: LineString([(50, 8), (100, 8)]),
    ...                       3: LineString([(0, 0), (0, -50)])})
    >>> then = index_as_then(today, {7: LineString([(0, 0), (100, 0)])}, replaced_by=[8])
    >>> then.ids.tolist(), then.lengths.tolist()
    ([3, 7], [50.0, 100.0])
    """
    if not lines and not replaced_by:
        return index
    drop = set(replaced_by) - set(lines)
    segments = {int(sid): geom for sid, geom in zip(index.ids.tolist(), index.geoms, strict=True) if sid not in drop}
    segments.update(lines)
    return SegmentIndex(segments)


# ---------------------------------------------------------------------------- the track

def _pieces(t: np.ndarray, x: np.ndarray, y: np.ndarray, max_gap_s: float, max_speed: float) -> np.ndarray:
    """Piece number of every point: a new piece after a gap or an impossible jump."""
    return kernels.path_pieces(t, x, y, float(max_gap_s), float(max_speed))


def _split_pieces(piece: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """`piece` numbered again with a new piece also where `breaks` is set.

    >>> _split_pieces(np.array([0, 0, 0, 1, 1]), np.array([False, False, True, False, True])).tolist()
    [0, 0, 1, 2, 3]
    """
    new = breaks.copy()
    new[1:] |= piece[1:] != piece[:-1]
    new[:1] = False
    return np.cumsum(new, dtype=np.int64)


_STARTS_PIECE = operator.attrgetter("starts_piece")


def _piece_bounds(piece: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every point, the index of its piece's first point and one past its last."""
    n = len(piece)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, piece[1:] != piece[:-1]])
    ends = np.r_[starts[1:], n]
    counts = ends - starts
    return np.repeat(starts, counts), np.repeat(ends, counts)


def _moving_mean(t, x, y, lo_piece, hi_piece, half_s, *, narrow_ends: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The mean position of the points within ±half_s seconds in the same piece (a number,
    or one per point), the windows narrowed near a piece's ends so that the ends are not
    pulled in (for the path; stop detection wants the full window everywhere)."""
    if len(t) == 0 or np.all(np.asarray(half_s) <= 0):
        return x, y
    half = np.broadcast_to(np.asarray(half_s, dtype=float), t.shape).copy()
    return kernels.moving_mean(t, x, y, lo_piece, hi_piece, half, narrow_ends)


def _smoothing_half_s(t, x, y, lo_piece, hi_piece, half_s: float, half_m: float) -> np.ndarray:
    """Half-window per point: `half_s`, shortened so that it spans about ±`half_m` of
    travel at the local speed (displacement over ±30 s), so that a rider's corners are not
    cut while a walker's noise is averaged over several fixes."""
    return kernels.smoothing_half(t, x, y, lo_piece, hi_piece, float(half_s), float(half_m))


def _stops(t, sx, sy, lo_piece, hi_piece, radius: float, min_s: float) -> list[tuple[int, int]]:
    """[start, end) index ranges of stops: smoothed positions within `radius` of their
    centre for at least `min_s` seconds (one piece)."""
    n = len(t)
    if n == 0:
        return []
    j = np.minimum(np.searchsorted(t, t + min_s, side="left"), hi_piece - 1)
    long_enough = t[j] - t >= min_s
    near = np.hypot(sx[j] - sx, sy[j] - sy) <= radius
    candidates = np.flatnonzero(long_enough & near)
    stops: list[tuple[int, int]] = []
    after = -1
    for i in candidates.tolist():
        if i < after:
            continue
        cx, cy = sx[i:j[i] + 1].mean(), sy[i:j[i] + 1].mean()
        if np.hypot(sx[i:j[i] + 1] - cx, sy[i:j[i] + 1] - cy).max() > radius:
            continue
        end = int(j[i]) + 1
        hi = int(hi_piece[i])
        step = 64
        while end < hi:  # extend while the smoothed position stays near the centre
            chunk = np.hypot(sx[end:min(hi, end + step)] - cx, sy[end:min(hi, end + step)] - cy) > radius
            if chunk.any():
                end += int(np.argmax(chunk))
                break
            end = min(hi, end + step)
            step *= 2
        stops.append((i, end))
        after = end
    return stops


@dataclass(frozen=True)
class _Path:
    """Points of the path: time, position for matching (smoothed), piece number, and the
    raw position (stops collapsed, not smoothed) that the measures are taken from."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    piece: np.ndarray
    rx: np.ndarray | None = None
    ry: np.ndarray | None = None


def track_path(fixes: Sequence[Fix], *, flags: Sequence[frozenset[str]] | None = None, max_gap_s: float = 120.0,
               max_speed_mps: float = DEFAULT_MAX_SPEED_MPS, stop_radius_m: float = 15.0, stop_min_s: float = 300.0,
               stop_smooth_s: float = 60.0, smooth_s: float = 20.0, smooth_m: float = 25.0) -> _Path:
    """The path coverage is computed from: good fixes in track order, stops collapsed,
    pieces numbered (steps 1–4 of the method). Returned as arrays t, x, y, piece.

    >>> p = track_path([Fix(1.7e9 + 5 * i, 0.0, (-1) ** i * 3.0) for i in range(200)])  # 1000 s still
    >>> len(p.t), p.x.tolist()
    (2, [0.0, 0.0])
    """
    if flags is None:
        flags = flag_fixes(fixes, max_speed_mps=max_speed_mps, max_gap_s=max_gap_s)
    if len(flags) != len(fixes):
        raise ValueError("one set of flags per fix")
    order, cols = order_and_positions(fixes)
    flagged = np.fromiter(map(bool, flags), dtype=bool, count=len(flags))
    good = order[~flagged[order]] if len(order) else order
    t, x, y = cols[good, 0], cols[good, 1], cols[good, 2]
    piece = _pieces(t, x, y, max_gap_s, max_speed_mps)
    if any(map(_STARTS_PIECE, fixes)):  # the device stopped recording: no path across, however short the pause
        marks = np.fromiter(map(_STARTS_PIECE, fixes), dtype=bool, count=len(fixes))
        piece = _split_pieces(piece, piece_starts(marks[order], ~flagged[order]))
    lo, hi = _piece_bounds(piece)
    sx, sy = _moving_mean(t, x, y, lo, hi, stop_smooth_s / 2, narrow_ends=False)
    stops = _stops(t, sx, sy, lo, hi, stop_radius_m, stop_min_s)
    rx, ry = x.copy(), y.copy()
    if smooth_s > 0:
        x, y = _moving_mean(t, x, y, lo, hi, _smoothing_half_s(t, x, y, lo, hi, smooth_s / 2, smooth_m))
    if stops:
        keep = np.ones(len(t), dtype=bool)
        x, y = x.copy(), y.copy()
        for a, b in stops:
            cx, cy = sx[a:b].mean(), sy[a:b].mean()
            keep[a + 1:b - 1] = False  # the stop's first and last fix stay, at the centre
            x[[a, b - 1]] = rx[[a, b - 1]] = cx
            y[[a, b - 1]] = ry[[a, b - 1]] = cy
        t, x, y, piece, rx, ry = t[keep], x[keep], y[keep], piece[keep], rx[keep], ry[keep]
    return _Path(t, x, y, piece, rx, ry)


def _samples(path: _Path, sample_m: float):
    """Points every `sample_m` along the straight lines between a piece's points, in
    path order: (x, y, t, piece, raw x, raw y); the raw ones at the same fractions of the
    same legs of the unsmoothed path (`coverage_kernels.path_samples`)."""
    rx = path.x if path.rx is None else path.rx
    ry = path.y if path.ry is None else path.ry
    return kernels.path_samples(path.t, path.piece, path.x, path.y, rx, ry, float(sample_m))


def covered_intervals(fixes: Sequence[Fix], segments: Mapping[int, LineString] | SegmentIndex, *,
                      tolerance_m: float = 30.0, max_gap_s: float = 120.0, stop_radius_m: float = 15.0,
                      stop_min_s: float = 300.0, flags: Sequence[frozenset[str]] | None = None,
                      max_speed_mps: float = DEFAULT_MAX_SPEED_MPS, sample_m: float = 5.0,
                      tie_margin_m: float = 3.0, pass_gap_s: float = 60.0, smooth_s: float = 20.0,
                      stop_smooth_s: float = 60.0, smooth_m: float = 25.0, window_m: float = 20.0,
                      score_reach_m: float = 30.0, hole_s: float = 30.0,
                      min_run_m: float = 0.0) -> dict[int, list[Interval]]:
    """The covered intervals of every segment one member's fixes touched (see the module
    docstring for the method). `segments` is a mapping id → LineString or a prebuilt
    `SegmentIndex`; `flags` as from `flag_fixes` (computed when not given). The result maps
    segment ids (ascending) to sorted, merged, non-overlapping intervals.

    >>> from shapely import LineString
    >>> segs = SegmentIndex({1: LineString([(0, 0), (100, 0)]), 2: LineString([(100, 0), (100, 100)])})
    >>> fixes = [Fix(1.7e9 + 5 * i, min(6.0 * i, 100.0), max(0.0, 6.0 * i - 100.0)) for i in range(30)]
    >>> {k: [(round(i.start_m, -1), round(i.end_m, -1), i.passes) for i in v] for k, v in covered_intervals(fixes, segs).items()}
    {1: [(0.0, 100.0, 1)], 2: [(0.0, 70.0, 1)]}
    """
    index = segments if isinstance(segments, SegmentIndex) else SegmentIndex(segments)
    path = track_path(fixes, flags=flags, max_gap_s=max_gap_s, max_speed_mps=max_speed_mps,
                      stop_radius_m=stop_radius_m, stop_min_s=stop_min_s, stop_smooth_s=stop_smooth_s,
                      smooth_s=smooth_s, smooth_m=smooth_m)
    return intervals_from_path(path, index, tolerance_m=tolerance_m, sample_m=sample_m,
                               tie_margin_m=tie_margin_m, pass_gap_s=pass_gap_s, window_m=window_m,
                               score_reach_m=score_reach_m, hole_s=hole_s, min_run_m=min_run_m)


_WORK = threading.local()


def _workspace(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This thread's workspaces for `kernels.match_runs`, rows of at least `size` (grown by
    a quarter at a time, kept for the next track)."""
    w32 = getattr(_WORK, "w32", None)
    if w32 is None or w32.shape[1] < size:
        size = max(size, int(1.25 * (0 if w32 is None else w32.shape[1])))
        _WORK.w32 = np.empty((kernels.WORK_INT32_ROWS, size), dtype=np.int32)
        _WORK.wi = np.empty((kernels.WORK_INT_ROWS, size), dtype=np.int64)
        _WORK.wf = np.empty((kernels.WORK_FLOAT_ROWS, size))
    return _WORK.w32, _WORK.wi, _WORK.wf


def intervals_from_path(path: _Path, index: SegmentIndex, *, tolerance_m: float = 30.0, sample_m: float = 5.0,
                        tie_margin_m: float = 3.0, pass_gap_s: float = 60.0,
                        window_m: float = 20.0, score_reach_m: float = 30.0,
                        hole_s: float = 30.0, min_run_m: float = 0.0) -> dict[int, list[Interval]]:
    """Steps 4–6 of the method on a `track_path`.

    >>> from shapely import LineString
    >>> p = _Path(np.array([0.0, 10.0]), np.array([0.0, 50.0]), np.array([1.0, 1.0]), np.array([0, 0]))
    >>> intervals_from_path(p, SegmentIndex({4: LineString([(0, 0), (80, 0)])}))
    {4: [Interval(start_m=0.0, end_m=50.0, first_t=0.0, last_t=10.0, passes=1)]}
    """
    sx, sy, st, spiece, rsx, rsy = _samples(path, sample_m)
    if len(sx) == 0 or len(index) == 0:
        return {}
    reach = max(tolerance_m, score_reach_m)
    w = max(1, int(np.ceil(window_m / sample_m)))
    lo_piece, hi_piece = _piece_bounds(spiece)
    cell_segs, cell_start, _ = index._cells_within(reach)
    w32, wi, wf = _workspace(max(kernels.pair_capacity(sx, sy, *index._grid(), cell_start), len(sx), len(index)) + 1)
    # steps 5 and 6 up to the runs, in compiled loops (coverage_kernels.match_runs)
    r_seg, r_lo, r_hi, r_t0, r_t1 = kernels.match_runs(
        sx, sy, st, spiece, rsx, rsy, lo_piece, hi_piece, float(tolerance_m), float(reach), w, float(tie_margin_m),
        float(np.cos(np.radians(_MAX_ANGLE_DEG))), _MIN_CHORD_M, float(hole_s),
        *index._grid(), cell_segs, cell_start, index._max_cands(reach), *index._box,
        index._vfirst, index._vlast, index._vkey, index._span, index._ax, index._ay, index._bx, index._by,
        index._dx, index._dy, index._len2, index._plen, index._phypot, index._vstart, index.lengths, w32, wi, wf)
    # a short run in the middle of a long segment is a few samples that strayed onto a
    # road beside the one walked (a tie, or noise), not a pass: dropped. Runs at a
    # segment's ends stay (short segments, turning in and out of a junction).
    if min_run_m > 0:
        r_len = index.lengths[r_seg]
        at_end = (r_lo <= tolerance_m) | (r_hi >= r_len - tolerance_m)
        keep_run = (r_hi - r_lo >= min_run_m) | at_end
        r_seg, r_lo, r_hi, r_t0, r_t1 = r_seg[keep_run], r_lo[keep_run], r_hi[keep_run], r_t0[keep_run], r_t1[keep_run]
    # a run of one sample (a lone fix, a track touching a segment's end at a junction) has
    # no length: it covers nothing and is no pass. Dropped per run, before the runs form
    # visits, so that computing batches split at gaps and merging still equals the whole.
    if not (r_hi > r_lo).all():
        keep_run = r_hi > r_lo
        r_seg, r_lo, r_hi, r_t0, r_t1 = r_seg[keep_run], r_lo[keep_run], r_hi[keep_run], r_t0[keep_run], r_t1[keep_run]
    if len(r_seg) == 0:
        return {}
    # runs of one segment whose times follow within pass_gap_s are one visit; the visits merged
    seg, lo, hi, t0, t1, passes = kernels.runs_to_intervals(r_seg, r_lo, r_hi, r_t0, r_t1, float(pass_gap_s),
                                                            2.0 * sample_m)
    bounds = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1], True]).tolist()
    sids = index.ids[seg[bounds[:-1]]].tolist()
    ivs = list(map(Interval, lo.tolist(), hi.tolist(), t0.tolist(), t1.tolist(), passes.tolist()))
    return {sid: ivs[a:b] for sid, a, b in zip(sids, bounds[:-1], bounds[1:], strict=True)}
