"""Coverage of the road network by GPS tracks: which parts of which segments a member
walked or rode.

The unit is the covered **interval** of a segment: measures along it (metres from its
start), with the first and last time it was seen and the number of passes. The method:

1. **Good fixes in track order** (`fixes.flag_fixes`: flagged fixes are kept by callers
   but never paint anything).
2. **Pieces.** The track is broken where two consecutive good fixes are more than
   `max_gap_s` apart or would need more than `max_speed_mps`: nothing is painted across
   a signal gap.
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
   and `line_locate_point`, computed with numpy on the index's arrays, in under half the
   time). A sample can count for a segment within `tolerance_m` that it runs *along*:
   the track's chord over ±`window_m` must be within 60° of the segment's direction (a
   track crossing a road does not paint it).
   Among those, **each sample counts for the segment the track runs nearest to, judged
   over ±`window_m` of track; within `tie_margin_m` (3 m) of a tie, for all the tied
   ones.** "Nearest over the window" is |mean signed offset| of the window's samples
   (distance beyond the segment's ends, `score_reach_m` where the sample is not near at
   all), taken on the smoothed path: single fixes wander 10–15 m, the mean of several
   does not, so the two halves of a dual carriageway (12–25 m apart in the demo
   district) and a parallel 辅路 are told apart whenever the track keeps to one of them;
   a track running between two of them paints both (the split is where the evidence is,
   and where there is none, both). The window is short (±20 m) because city segments
   are (Helsinki's centre: tens of metres); longer windows starve short segments.
6. **Runs and intervals.** Samples of one piece assigned to the same segment, with no
   sample assigned to another segment between them and no more than `hole_s` without
   any, form a run: [min measure, max measure] (a run reaching within `tolerance_m` of
   the segment's end takes the unsmoothed measure there, so rounded corners do not
   shorten segments). Runs of one segment whose times follow each other within
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString

from .fixes import DEFAULT_MAX_SPEED_MPS, Fix, fix_columns, flag_fixes, order_of_columns
from .intervals import (  # noqa: F401 - the coverage API in one place for callers
    Interval,
    SegmentCoverage,
    coverage_summary,
    is_covered,
    merge_coverage,
    merge_intervals,
)

# Work per pass of the matching (`SegmentIndex._blocks`), in candidate vertex pairs. A whole
# track at once makes temporaries of megabytes (on Helsinki ~10 segments within reach × ~3
# vertex pairs per sample): above glibc's mmap threshold (128 KiB) each one is mapped and
# unmapped, and the page faults and cache misses made `near` on 8-hour tracks take nearly
# twice as long as on blocks of them. Blocks of this much work stay under it (on Helsinki ~550
# samples; twice that already has four times the page faults), and on a sparse network
# they hold thousands of samples, so numpy's cost per call does not add up.
_BLOCK_WORK = 30_000
_REACH = 45.0  # covered_intervals' default reach: max(tolerance_m, score_reach_m)


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

    def _cells_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cx = np.clip(np.floor((x - self._origin[0]) / self._cell), 0, self._nx - 1).astype(np.int64)
        cy = np.clip(np.floor((y - self._origin[1]) / self._cell), 0, self._ny - 1).astype(np.int64)
        return cx, cy

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
        # a block of points at a time (_BLOCK_WORK): a pair's numbers depend on its point
        # and segment only, so the same pairs
        blocks = self._blocks(x, y, reach)
        parts = [self._near_chunk(x[a:b], y[a:b], reach) for a, b in blocks]
        return (np.concatenate([q[0] + a for q, (a, _) in zip(parts, blocks, strict=True)]),
                *(np.concatenate([q[i] for q in parts]) for i in (1, 2, 3)))

    def _blocks(self, x: np.ndarray, y: np.ndarray, reach: float) -> list[tuple[int, int]]:
        """[a, b) ranges of consecutive points, each with about _BLOCK_WORK candidate
        vertex pairs in their cells (and 8 for the point itself)."""
        cell_segs, cell_start, cell_work = self._cells_within(reach)
        ok = np.isfinite(x) & np.isfinite(y)
        cx, cy = self._cells_of(np.where(ok, x, self._origin[0]), np.where(ok, y, self._origin[1]))
        cell = cx * self._ny + cy
        cum = np.cumsum(cell_work[cell + 1] - cell_work[cell] + 8)
        cuts = np.searchsorted(cum, np.arange(_BLOCK_WORK, int(cum[-1]), _BLOCK_WORK), side="right")
        edges = np.unique(np.r_[0, cuts, len(x)]).tolist()
        return list(zip(edges[:-1], edges[1:], strict=True))

    def _near_chunk(self, x: np.ndarray, y: np.ndarray, reach: float) -> tuple[np.ndarray, ...]:
        """`near` on one block of points, with a fifth array: the vertex pair each nearest
        point lies on (`_locate`)."""
        ok = np.isfinite(x) & np.isfinite(y)
        pts = np.flatnonzero(ok)
        if len(pts) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), np.zeros(0), empty
        px, py = x[pts], y[pts]
        cell_segs, cell_start, _ = self._cells_within(reach)
        cx, cy = self._cells_of(px, py)
        cell = cx * self._ny + cy
        start = cell_start[cell]
        count = cell_start[cell + 1] - start
        p = np.repeat(np.arange(len(px)), count)
        s = cell_segs[np.repeat(start - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))]
        lo_x, lo_y, hi_x, hi_y = self._box
        qx, qy = px[p], py[p]
        keep = (lo_x[s] <= qx + reach) & (hi_x[s] >= qx - reach) & (lo_y[s] <= qy + reach) & (hi_y[s] >= qy - reach)
        p, s = p[keep], s[keep]
        d, m, k = self._locate(s, px[p], py[p])
        within = d <= reach
        return pts[p[within]], s[within], d[within], m[within], k[within]

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
        k = self._vertex(seg, measure)
        return self._coords[k], self._coords[k + 1] - self._coords[k]

    def _vertex(self, seg: np.ndarray, measure: np.ndarray, hint: np.ndarray | None = None) -> np.ndarray:
        """The vertex pair under each measure (the last whose start is at or before it).
        `hint`: a guess for each, such as the pair `_locate` found the measure on; a guess
        is checked against the pair's bounds and searched for only where it is wrong (the
        search was a fifth of the scoring on Helsinki's bent segments): the same pairs."""
        first, last = self._vfirst[seg], self._vlast[seg] - 1
        k = first.copy()  # a straight segment (one vertex pair) needs no search
        bent = np.flatnonzero(last > first)
        if len(bent):
            key = seg[bent] * self._span + measure[bent]
            lo, hi = first[bent], last[bent]
            if hint is not None:
                h = hint[bent]
                right = (((h == lo) | (self._vkey[h] <= key)) & ((h == hi) | (key < self._vkey[h + 1]))
                         & (h >= lo) & (h <= hi))
                k[bent] = h
                bent, key, lo, hi = bent[~right], key[~right], lo[~right], hi[~right]
            found = np.searchsorted(self._vkey, key, side="right") - 1
            k[bent] = np.clip(found, lo, hi)
        return k

    def locate(self, seg: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance of points (x, y) from segments `seg` (positions in `ids`) and the measure
        of the nearest point along each: what `shapely.distance` and `line_locate_point`
        give, with GEOS's own formulas in the same order (point to each vertex pair, the
        first pair at the least distance), on the index's vertex arrays. Costs about half of
        the two shapely calls, which need a point geometry per pair.

        >>> index = SegmentIndex({1: LineString([(0, 0), (10, 0), (10, 10)])})
        >>> d, m = index.locate(np.array([0, 0, 0]), np.array([5.0, 13.0, -3.0]), np.array([2.0, 4.0, -4.0]))
        >>> d.tolist(), m.tolist()
        ([2.0, 3.0, 5.0], [5.0, 14.0, 0.0])
        """
        return self._locate(seg, x, y)[:2]

    def _locate(self, seg: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`locate`, with a third array: the vertex pair the nearest point lies on."""
        if len(seg) == 0:
            return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
        first = self._vfirst[seg]
        edges = self._vlast[seg] - first  # vertex pairs of each segment
        ends = np.cumsum(edges)
        starts = ends - edges
        pair = np.repeat(np.arange(len(seg)), edges)
        k = np.repeat(first - starts, edges) + np.arange(int(ends[-1]))
        ax, ay, dx, dy, len2 = self._ax[k], self._ay[k], self._dx[k], self._dy[k], self._len2[k]
        px, py = x[pair], y[pair]
        wx, wy = px - ax, py - ay
        with np.errstate(divide="ignore", invalid="ignore"):  # zero-length pairs: handled below
            r = (wx * dx + wy * dy) / len2
            # GEOS's s = ((ay - py) * dx - (ax - px) * dy) / len2 with both products
            # negated: the same magnitude to the bit (only |s| is used)
            s = (wx * dy - wy * dx) / len2
        # GEOS Distance::pointToSegment: to a (len2 == 0 or r <= 0), to b (r >= 1), else
        # |s| × length; one square root of whichever end is nearer, not one of each
        qx, qy = px - self._bx[k], py - self._by[k]
        to_a = (len2 == 0) | (r <= 0)
        end = np.sqrt(np.where(to_a, wx * wx + wy * wy, qx * qx + qy * qy))
        d = np.where(to_a | (r >= 1), end, np.abs(s) * self._plen[k])
        dist = np.minimum.reduceat(d, starts)
        # the first pair at that distance (GEOS LengthIndexOfPoint keeps the first minimum):
        # hits are in pair order, so the first hit of each pair
        hit = np.flatnonzero(d == np.repeat(dist, edges))
        hp = pair[hit]
        e = hit[np.r_[True, hp[1:] != hp[:-1]]]
        # GEOS LineSegment::projectionFactor and LengthIndexOfPoint::segmentNearestMeasure
        ke = k[e]
        f = np.where((wx[e] == 0) & (wy[e] == 0), 0.0, np.where((qx[e] == 0) & (qy[e] == 0), 1.0, r[e]))
        start = self._vstart[ke]
        length = self._plen[ke]
        m = np.where(f <= 0, start, np.where(f <= 1, start + f * length, start + length))
        m = np.where(np.isnan(f), start + length, m)
        return dist, np.clip(m, 0.0, self.lengths[seg]), ke

    def project_near(self, seg: np.ndarray, measure: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Measures of points (x, y) projected on the vertex pair under `measure` (a cheap
        `line_locate_point` for points close to where `measure` is), within [0, length].

        >>> index = SegmentIndex({1: LineString([(0, 0), (10, 0), (10, 10)])})
        >>> index.project_near(np.array([0, 0]), np.array([5.0, 12.0]), np.array([7.0, 13.0]), np.array([3.0, 4.0])).tolist()
        [7.0, 14.0]
        """
        return self._project_near(seg, self._vertex(seg, measure), x, y)

    def _project_near(self, seg: np.ndarray, k: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """`project_near` given the vertex pairs `k` under the measures (`_vertex`)."""
        base = self._vkey[k] - seg * self._span
        norm = self._phypot[k]
        with np.errstate(divide="ignore", invalid="ignore"):
            along = np.where(norm > 0, ((x - self._ax[k]) * self._dx[k] + (y - self._ay[k]) * self._dy[k]) / norm, 0.0)
        return np.clip(base + along, 0.0, self.lengths[seg])


# ---------------------------------------------------------------------------- the track

def _pieces(t: np.ndarray, x: np.ndarray, y: np.ndarray, max_gap_s: float, max_speed: float) -> np.ndarray:
    """Piece number of every point: a new piece after a gap or an impossible jump."""
    brk = np.zeros(len(t), dtype=bool)
    if len(t) > 1:
        dt = np.diff(t)
        d = np.hypot(np.diff(x), np.diff(y))
        brk[1:] = (dt > max_gap_s) | (d > max_speed * np.maximum(dt, 1e-9))
    return np.cumsum(brk)


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
    """The mean position of the points within ±half_s seconds in the same piece."""
    if len(t) == 0 or np.all(np.asarray(half_s) <= 0):
        return x, y
    # symmetric windows, narrowed near a piece's ends so that the ends are not pulled in
    # (for the path; stop detection wants the full window everywhere)
    h = np.minimum(half_s, np.minimum(t - t[lo_piece], t[hi_piece - 1] - t)) if narrow_ends else half_s
    lo = np.maximum(np.searchsorted(t, t - h, side="left"), lo_piece)
    hi = np.minimum(np.searchsorted(t, t + h, side="right"), hi_piece)
    # sums of millimetres from the piece's first point, in integers: exact, so a piece
    # gives the same path whatever came before it in the call (batches merge exactly)
    ox, oy = x[lo_piece], y[lo_piece]
    cx = np.r_[0, np.cumsum(np.round((x - ox) * 1000.0).astype(np.int64))]
    cy = np.r_[0, np.cumsum(np.round((y - oy) * 1000.0).astype(np.int64))]
    cnt = hi - lo
    return ox + (cx[hi] - cx[lo]) / cnt / 1000.0, oy + (cy[hi] - cy[lo]) / cnt / 1000.0


def _smoothing_half_s(t, x, y, lo_piece, hi_piece, half_s: float, half_m: float) -> np.ndarray:
    """Half-window per point: `half_s`, shortened so that it spans about ±`half_m` of
    travel at the local speed (displacement over ±30 s), so that a rider's corners are not
    cut while a walker's noise is averaged over several fixes."""
    a = np.maximum(np.searchsorted(t, t - 30.0, side="left"), lo_piece)
    b = np.minimum(np.searchsorted(t, t + 30.0, side="right"), hi_piece) - 1
    dt = t[b] - t[a]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(dt > 0, np.hypot(x[b] - x[a], y[b] - y[a]) / dt, 0.0)
    return np.minimum(half_s, half_m / np.maximum(v, 0.1))


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
    cols = fix_columns(fixes)
    order = order_of_columns(cols)
    good = order[[not flags[i] for i in order.tolist()]] if len(order) else order
    t, x, y = cols[good, 0], cols[good, 1], cols[good, 2]
    piece = _pieces(t, x, y, max_gap_s, max_speed_mps)
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
    same legs of the unsmoothed path."""
    t, piece = path.t, path.piece
    rx = path.x if path.rx is None else path.rx
    ry = path.y if path.ry is None else path.ry
    n = len(t)
    if n == 0:
        e = np.zeros(0)
        return e, e, e, np.zeros(0, dtype=int), e, e
    x, y = rx, ry
    same = piece[1:] == piece[:-1] if n > 1 else np.zeros(0, dtype=bool)
    k = np.flatnonzero(same)  # pairs (k, k+1)
    dx, dy, dt = x[k + 1] - x[k], y[k + 1] - y[k], t[k + 1] - t[k]
    # spacing by the matching path's legs (the raw legs zigzag with the noise)
    leg = np.hypot(path.x[k + 1] - path.x[k], path.y[k + 1] - path.y[k])
    cnt = np.maximum(1, np.ceil(leg / sample_m)).astype(np.int64)
    # the last point of every piece is a sample of its own
    last = np.flatnonzero(np.r_[~same, True]) if n > 1 else np.array([0])
    owner = np.r_[np.repeat(k, cnt), last]
    offs = np.r_[np.repeat(np.cumsum(cnt) - cnt, cnt), np.zeros(len(last), dtype=np.int64)]
    j = np.r_[np.arange(cnt.sum()), np.zeros(len(last), dtype=np.int64)] - offs
    frac = np.r_[j[:cnt.sum()] / np.repeat(cnt, cnt), np.zeros(len(last))]
    pdx = np.r_[np.repeat(dx, cnt), np.zeros(len(last))]
    pdy = np.r_[np.repeat(dy, cnt), np.zeros(len(last))]
    pdt = np.r_[np.repeat(dt, cnt), np.zeros(len(last))]
    order = np.lexsort((j, owner))
    owner, frac, pdx, pdy, pdt = owner[order], frac[order], pdx[order], pdy[order], pdt[order]
    # the matching path at the same fractions of the same legs
    mx, my = path.x, path.y
    nxt = np.minimum(owner + 1, n - 1)
    sx = mx[owner] + frac * (mx[nxt] - mx[owner])
    sy = my[owner] + frac * (my[nxt] - my[owner])
    return sx, sy, t[owner] + frac * pdt, piece[owner], x[owner] + frac * pdx, y[owner] + frac * pdy


def covered_intervals(fixes: Sequence[Fix], segments: Mapping[int, LineString] | SegmentIndex, *,
                      tolerance_m: float = 30.0, max_gap_s: float = 120.0, stop_radius_m: float = 15.0,
                      stop_min_s: float = 300.0, flags: Sequence[frozenset[str]] | None = None,
                      max_speed_mps: float = DEFAULT_MAX_SPEED_MPS, sample_m: float = 5.0,
                      tie_margin_m: float = 3.0, pass_gap_s: float = 60.0, smooth_s: float = 20.0,
                      stop_smooth_s: float = 60.0, smooth_m: float = 25.0, window_m: float = 20.0,
                      score_reach_m: float = 45.0, hole_s: float = 30.0,
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


def _window_score(index: SegmentIndex, sx, sy, pi, si, d, m, k, pieces, tolerance_m: float, w: int, want: np.ndarray, *,
                  max_angle_deg: float = 60.0, min_chord_m: float = 20.0) -> np.ndarray:
    """For every (sample, segment) pair: how far the path runs from the segment over the
    ±w samples around it (same piece): |mean signed offset| for the samples beside it
    (which tells parallel roads apart even when the noise is as wide as their distance),
    the distance for samples beyond its ends, `tolerance_m` for samples not near it at
    all. Infinite where the track crosses the segment rather than runs along it.

    `k`: the vertex pair under each measure (`SegmentIndex._vertex`); `pieces`:
    `_piece_bounds` of the samples' pieces. Every pair counts in the windows, but only the
    scores of the pairs at positions `want` are computed and returned (the caller uses
    those within the tolerance: two thirds of the pairs on Helsinki)."""
    lo_piece, hi_piece = pieces
    n = len(lo_piece)
    # signed offset: the side comes from the segment's direction at the projected point
    length = index.lengths[si]
    vx, vy = index._dx[k], index._dy[k]  # index.direction(si, m), as flat arrays
    cross = vx * (sy[pi] - index._ay[k]) - vy * (sx[pi] - index._ax[k])
    # beyond a segment's ends the distance counts whole: a crossing road sees the track
    # pass from one side of its end to the other, and signed offsets would cancel there
    beyond = (m <= 1e-6) | (m >= length - 1e-6)
    off = np.where(beyond, 0.0, np.where(cross < 0, -d, d))
    away = np.where(beyond, d, 0.0)
    key = si.astype(np.int64) * (n + 1) + pi
    order = np.argsort(key)  # the keys are unique: any sort gives this order (the default is ~5× a stable one)
    skey = key[order]
    # integer millimetres, for the same reason as in _moving_mean
    cs = np.r_[0, np.cumsum(np.round(off[order] * 1000.0).astype(np.int64))]
    ca = np.r_[0, np.cumsum(np.round(away[order] * 1000.0).astype(np.int64))]
    size_all = len(skey)
    at = np.empty(size_all, dtype=np.int64)
    at[order] = np.arange(size_all)
    pi, si, k, at = pi[want], si[want], k[want], at[want]
    lo_p = np.maximum(pi - w, lo_piece[pi])
    hi_p = np.minimum(pi + w, hi_piece[pi] - 1)
    base = si.astype(np.int64) * (n + 1)
    lo_key, hi_key = base + lo_p, base + hi_p
    # what searchsorted(skey, lo_key, "left") and (hi_key, "right") give, found next to
    # each pair's own place: a segment has at most w pairs on either side within the
    # window (one per sample), so w comparisons replace two binary searches per pair
    lo, hi = at.copy(), at + 1
    for step in range(1, w + 1):
        lo -= (at >= step) & (skey[np.maximum(at - step, 0)] >= lo_key)
        hi += (at + step < size_all) & (skey[np.minimum(at + step, size_all - 1)] <= hi_key)
    size = hi_p - lo_p + 1
    missing = (size - (hi - lo)) * tolerance_m
    score = ((np.abs(cs[hi] - cs[lo]) + (ca[hi] - ca[lo])) / 1000.0 + missing) / size
    # direction: the track's chord over the window against the segment's direction; a
    # track crossing the segment (more than max_angle off) does not run along it
    ux, uy = sx[hi_p] - sx[lo_p], sy[hi_p] - sy[lo_p]
    vx, vy = index._dx[k], index._dy[k]
    nu, nv = np.hypot(ux, uy), index._phypot[k]
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.abs(ux * vx + uy * vy) / (nu * nv)
    across = (nu >= min_chord_m) & (nv > 0) & (cos < np.cos(np.radians(max_angle_deg)))
    return np.where(across, np.inf, score)


def intervals_from_path(path: _Path, index: SegmentIndex, *, tolerance_m: float = 30.0, sample_m: float = 5.0,
                        tie_margin_m: float = 3.0, pass_gap_s: float = 60.0,
                        window_m: float = 20.0, score_reach_m: float = 45.0,
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
    pieces = _piece_bounds(spiece)
    kept, matched = [], False
    # a block of samples at a time (_BLOCK_WORK), with the w samples on either side that
    # their windows reach: a pair's score depends only on the pairs of its segment within
    # its window, and a sample's choice only on its own pairs, so the same as the whole
    # track at once (the integer sums are exact whatever they start from).
    for a, b in index._blocks(sx, sy, reach):
        lo = max(0, a - w)
        pi, si, d, m, k = index._near_chunk(sx[lo:b + w], sy[lo:b + w], reach)
        pi = pi + lo
        near = np.flatnonzero((d <= tolerance_m) & (pi >= a) & (pi < b))
        if len(near) == 0:
            continue
        matched = True
        k = index._vertex(si, m, hint=k)  # the pair under each measure, as direction() finds it
        score = _window_score(index, sx, sy, pi, si, d, m, k, pieces, reach, w, near)
        pi, si, m, k = pi[near], si[near], m[near], k[near]
        # the raw path's measures too: smoothing rounds corners, the fixes themselves do not
        mr = index._project_near(si, k, rsx[pi], rsy[pi])  # project_near(si, m, ...)
        # each sample counts for the segment it is nearest to over its window, and for those
        # within the tie margin of it
        # by sample, then segment (one integer key: the pairs are unique, and one argsort is
        # several times cheaper than lexsort's passes)
        order = np.argsort(pi.astype(np.int64) * len(index) + si)
        pi, si, score, m, mr = pi[order], si[order], score[order], m[order], mr[order]
        first = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
        best = np.repeat(np.minimum.reduceat(score, first), np.diff(np.r_[first, len(pi)]))
        keep = np.isfinite(score) & (score <= best + tie_margin_m)
        kept.append((pi[keep], si[keep], m[keep], mr[keep]))
    if not matched:
        return {}
    pi, si, m, mr = (np.concatenate([q[i] for q in kept]) for i in range(4))

    # runs: samples of one piece on one segment with no sample assigned elsewhere between
    # them; samples near no segment at all (noise beyond the tolerance) do not break a
    # run unless they last more than hole_s
    assigned = np.zeros(len(spiece), dtype=bool)
    assigned[pi] = True
    rank = np.cumsum(assigned)
    order = np.argsort(si.astype(np.int64) * len(spiece) + pi)  # by segment, then sample
    pi, si, m, mr = pi[order], si[order], m[order], mr[order]
    new_run = np.r_[True, (si[1:] != si[:-1]) | (rank[pi[1:]] != rank[pi[:-1]] + 1)
                    | (st[pi[1:]] - st[pi[:-1]] > hole_s) | (spiece[pi[1:]] != spiece[pi[:-1]])]
    starts = np.flatnonzero(new_run)
    r_seg = si[starts]
    r_lo = np.minimum.reduceat(m, starts)
    r_hi = np.maximum.reduceat(m, starts)
    # a run reaching the tolerance around a segment's end takes the raw path's extent
    # there (the corner smoothing cut off); elsewhere the smoothed extent, so that noise
    # does not stretch a run along the segment
    r_len = index.lengths[si[starts]]
    r_lo = np.where(r_lo <= tolerance_m, np.minimum(r_lo, np.minimum.reduceat(mr, starts)), r_lo)
    r_hi = np.where(r_hi >= r_len - tolerance_m, np.maximum(r_hi, np.maximum.reduceat(mr, starts)), r_hi)
    ts = st[pi]
    r_t0 = np.minimum.reduceat(ts, starts)
    r_t1 = np.maximum.reduceat(ts, starts)
    # a short run in the middle of a long segment is a few samples that strayed onto a
    # road beside the one walked (a tie, or noise), not a pass: dropped. Runs at a
    # segment's ends stay (short segments, turning in and out of a junction).
    if min_run_m > 0:
        at_end = (r_lo <= tolerance_m) | (r_hi >= r_len - tolerance_m)
        keep_run = (r_hi - r_lo >= min_run_m) | at_end
        r_seg, r_lo, r_hi, r_t0, r_t1 = r_seg[keep_run], r_lo[keep_run], r_hi[keep_run], r_t0[keep_run], r_t1[keep_run]
        if len(r_seg) == 0:
            return {}

    out: dict[int, list[Interval]] = {}
    merge_gap = 2 * sample_m
    bounds = np.flatnonzero(np.r_[True, r_seg[1:] != r_seg[:-1], True])
    # Python floats: the loop below reads them one by one
    sids = index.ids[r_seg[bounds[:-1]]].tolist()
    r_lo, r_hi, r_t0, r_t1 = r_lo.tolist(), r_hi.tolist(), r_t0.tolist(), r_t1.tolist()
    for sid, a, b in zip(sids, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if b - a == 1:  # one run (most segments): one visit, one interval, nothing to merge
            out[sid] = [Interval(r_lo[a], r_hi[a], r_t0[a], r_t1[a], 1)]
            continue
        # runs in time order, grouped into visits; each visit is one pass
        rs = sorted(range(a, b), key=lambda r: (r_t0[r], r_t1[r]))
        visits: list[list[int]] = []
        end_t = -np.inf
        for r in rs:
            if not visits or r_t0[r] - end_t > pass_gap_s:
                visits.append([])
            visits[-1].append(r)
            end_t = max(end_t, r_t1[r])
        merged: list[Interval] = []
        for v in visits:
            if len(v) == 1:  # most visits: one run, nothing to merge within (what merging one gives)
                r = v[0]
                visit = [Interval(r_lo[r], r_hi[r], r_t0[r], r_t1[r], 1)]
            else:
                t0, t1 = min(r_t0[r] for r in v), max(r_t1[r] for r in v)
                visit = merge_intervals([], [Interval(r_lo[r], r_hi[r], t0, t1, 1) for r in v], merge_gap_m=merge_gap)
            merged = merge_intervals(merged, visit, merge_gap_m=merge_gap) if merged else visit
        out[sid] = merged
    return dict(sorted(out.items()))
