"""Steps 5 and 6 of coverage's method written plainly with shapely and numpy: the reference
the compiled matching (`shifts.domain.coverage_kernels`) is held to, number for number.

Slow (a shapely query and whole-track numpy arrays), and written from the module
docstring of `shifts.domain.coverage`: pairs within reach from an STRtree and shapely's
distance and line_locate_point; each pair's window score from its segment's pairs among
the ±w samples around it; each sample kept for the segments within the tie margin of its
best; runs, visits and `merge_intervals`.
"""
from __future__ import annotations

import numpy as np
import shapely

from shifts.domain.coverage import (
    _MAX_ANGLE_DEG,
    _MIN_CHORD_M,
    SegmentIndex,
    _Path,
    _piece_bounds,
    _samples,
)
from shifts.domain.intervals import Interval, merge_intervals


def reference_intervals(path: _Path, index: SegmentIndex, *, tolerance_m: float = 30.0, sample_m: float = 5.0,
                        tie_margin_m: float = 3.0, pass_gap_s: float = 60.0, window_m: float = 20.0,
                        score_reach_m: float = 30.0, hole_s: float = 30.0) -> dict[int, list[Interval]]:
    sx, sy, st, spiece, rsx, rsy = _samples(path, sample_m)
    if len(sx) == 0:
        return {}
    reach = max(tolerance_m, score_reach_m)
    w = max(1, int(np.ceil(window_m / sample_m)))
    lo_piece, hi_piece = _piece_bounds(spiece)
    n = len(sx)

    # every (sample, segment) within reach, by sample then segment
    points = shapely.points(sx, sy)
    pi, si = index.tree.query(points, predicate="dwithin", distance=reach)
    order = np.lexsort((si, pi))
    pi, si = pi[order], si[order]
    d = shapely.distance(index.geoms[si], points[pi])
    m = shapely.line_locate_point(index.geoms[si], points[pi])
    if len(pi) == 0:
        return {}

    # signed offset (the side from the segment's direction at the measure), or the whole
    # distance beyond the segment's ends; in integer millimetres
    start, vec = index.direction(si, m)
    cross = vec[:, 0] * (sy[pi] - start[:, 1]) - vec[:, 1] * (sx[pi] - start[:, 0])
    beyond = (m <= 1e-6) | (m >= index.lengths[si] - 1e-6)
    off = np.round(np.where(beyond, 0.0, np.where(cross < 0, -d, d)) * 1000.0).astype(np.int64)
    away = np.round(np.where(beyond, d, 0.0) * 1000.0).astype(np.int64)
    by_pair = {(int(p), int(s)): j for j, (p, s) in enumerate(zip(pi, si, strict=True))}

    # each pair within the tolerance: its score over the window, infinite where it crosses
    score = np.full(len(pi), np.inf)
    for j in np.flatnonzero(d <= tolerance_m):
        p, s = int(pi[j]), int(si[j])
        lo_p, hi_p = max(p - w, lo_piece[p]), min(p + w, hi_piece[p] - 1)
        inside = [by_pair[(q, s)] for q in range(lo_p, hi_p + 1) if (q, s) in by_pair]
        size = hi_p - lo_p + 1
        total = abs(int(off[inside].sum())) + int(away[inside].sum())
        sc = (total / 1000.0 + (size - len(inside)) * reach) / size
        ux, uy = sx[hi_p] - sx[lo_p], sy[hi_p] - sy[lo_p]
        nu, nv = np.hypot(ux, uy), np.hypot(vec[j, 0], vec[j, 1])
        if nu >= _MIN_CHORD_M and nv > 0 and abs(ux * vec[j, 0] + uy * vec[j, 1]) / (nu * nv) < np.cos(
                np.radians(_MAX_ANGLE_DEG)):
            sc = np.inf
        score[j] = sc

    # each sample kept for the segments within the tie margin of its best
    best = np.full(n, np.inf)
    np.minimum.at(best, pi, score)
    keep = np.isfinite(score) & (score <= best[pi] + tie_margin_m)
    pi, si, m = pi[keep], si[keep], m[keep]
    mr = index.project_near(si, m, rsx[pi], rsy[pi])

    # runs: one segment, one piece, no sample assigned elsewhere between, no hole > hole_s
    assigned = np.zeros(n, dtype=bool)
    assigned[pi] = True
    rank = np.cumsum(assigned)
    out: dict[int, list[Interval]] = {}
    for s in np.unique(si).tolist():
        mine = np.flatnonzero(si == s)  # in sample order
        runs: list[list[int]] = []
        for j in mine.tolist():
            if runs:
                q = pi[runs[-1][-1]]
                p = pi[j]
                if rank[p] == rank[q] + 1 and st[p] - st[q] <= hole_s and spiece[p] == spiece[q]:
                    runs[-1].append(j)
                    continue
            runs.append([j])
        length = float(index.lengths[s])
        ivs = []
        for run in runs:
            lo, hi = float(m[run].min()), float(m[run].max())
            if lo <= tolerance_m:
                lo = min(lo, float(mr[run].min()))
            if hi >= length - tolerance_m:
                hi = max(hi, float(mr[run].max()))
            if hi > lo:  # a run of no length (one sample) covers nothing
                ivs.append((lo, hi, float(st[pi[run]].min()), float(st[pi[run]].max())))
        if not ivs:
            continue
        # visits: runs in time order whose times follow within pass_gap_s; one pass each
        ivs.sort(key=lambda r: (r[2], r[3]))
        visits: list[list[tuple]] = []
        end_t = -np.inf
        for r in ivs:
            if not visits or r[2] - end_t > pass_gap_s:
                visits.append([])
            visits[-1].append(r)
            end_t = max(end_t, r[3])
        merged: list[Interval] = []
        for v in visits:
            t0, t1 = min(r[2] for r in v), max(r[3] for r in v)
            visit = merge_intervals([], [Interval(r[0], r[1], t0, t1, 1) for r in v], merge_gap_m=2 * sample_m)
            merged = merge_intervals(merged, visit, merge_gap_m=2 * sample_m) if merged else visit
        out[int(index.ids[s])] = merged
    return out
