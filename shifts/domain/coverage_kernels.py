"""The inner loops of coverage matching, compiled (numba): plain loops over samples, the
segments in their grid cell and those segments' vertex pairs.

What this buys. The same steps written with numpy (as they were until 2026-11-30) need a
temporary array per operation over every (sample, segment, vertex pair) and a sort of all
pairs for the window scores: on Helsinki's dense centre (≈10 segments within reach of a
sample, up to 64 vertex pairs each) a district-day took ~5 s in one process, 25× faster than
the naive shapely loop. These loops take ~1 s for it (134×; the grid's 124,500 segments
0.44 s; bench/coverage_day.py). The numbers are computed with the same formulas in the same
order as GEOS's for distance and measure, so the results are shapely's to the bit:
`tests/shifts/domain/test_coverage_index.py` checks `near` against shapely, the whole
matching against a plain shapely and numpy reading of the method
(`tests/shifts/domain/reference_matching.py`), and `merge_items` against
`intervals.merge_intervals`.

The functions take the segment index's arrays as arguments (`coverage.SegmentIndex` holds
them and is the interface callers use); nothing here knows about Django or shapely.
Compiled on first use and cached beside this file (`cache=True`: ~7 s once per machine).
`error_model="numpy"`: a division by zero gives inf/nan as numpy's does (a zero-length
vertex pair), not an exception. Helpers marked inline="always" are small; where a helper's
call cost showed (the measure in the emitting loops), its few lines are written out.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


@njit(**_JIT, inline="always")
def _cell_of(x, y, ox, oy, cell, nx, ny):
    cx = min(max(np.floor((x - ox) / cell), 0.0), nx - 1.0)
    cy = min(max(np.floor((y - oy) / cell), 0.0), ny - 1.0)
    return np.int64(cx) * ny + np.int64(cy)


@njit(**_JIT, inline="always")
def locate_one(s, px, py, vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, vstart, lengths):
    """Distance from point (px, py) to segment `s`, the measure of the nearest point along
    it and the vertex pair that point lies on: GEOS's Distance::pointToSegment over the
    pairs in order (the first pair at the least distance), then LineSegment's
    projectionFactor and LengthIndexOfPoint's measure on that pair."""
    best = np.inf
    be = vfirst[s]
    br = 0.0
    bwx = bwy = bqx = bqy = 0.0
    for k in range(vfirst[s], vlast[s]):
        wx = px - ax[k]
        wy = py - ay[k]
        qx = px - bx[k]
        qy = py - by[k]
        l2 = len2[k]
        r = (wx * dx[k] + wy * dy[k]) / l2
        to_a = (l2 == 0) or (r <= 0)
        if to_a:
            end = np.sqrt(wx * wx + wy * wy)
        else:
            end = np.sqrt(qx * qx + qy * qy)
        if to_a or r >= 1:
            d = end
        else:
            # GEOS's s = ((ay - py) * dx - (ax - px) * dy) / len2 with both products negated:
            # the same magnitude to the bit (only |s| is used)
            d = abs((wx * dy[k] - wy * dx[k]) / l2) * plen[k]
        if d < best:
            best, be, br, bwx, bwy, bqx, bqy = d, k, r, wx, wy, qx, qy
    if bwx == 0 and bwy == 0:
        f = 0.0
    elif bqx == 0 and bqy == 0:
        f = 1.0
    else:
        f = br
    start = vstart[be]
    if np.isnan(f) or f > 1:
        m = start + plen[be]
    elif f <= 0:
        m = start
    else:
        m = start + f * plen[be]
    return best, min(max(m, 0.0), lengths[s]), be


# samples matched together: consecutive samples in one grid cell (a track crosses a 50 m
# cell in about ten), up to this many
RUN = 32


@njit(**_JIT, inline="always")
def _run_end(x, y, i0, ox, oy, cell, nx, ny):
    """(the cell of point i0, one past the last of the consecutive points after it in the
    same cell, at most RUN in all; their box) for a finite point i0."""
    c = _cell_of(x[i0], y[i0], ox, oy, cell, nx, ny)
    lo_px = hi_px = x[i0]
    lo_py = hi_py = y[i0]
    i1 = i0 + 1
    while (i1 < len(x) and i1 - i0 < RUN and np.isfinite(x[i1]) and np.isfinite(y[i1])
           and _cell_of(x[i1], y[i1], ox, oy, cell, nx, ny) == c):
        lo_px, hi_px = min(lo_px, x[i1]), max(hi_px, x[i1])
        lo_py, hi_py = min(lo_py, y[i1]), max(hi_py, y[i1])
        i1 += 1
    return c, i1, lo_px, lo_py, hi_px, hi_py


@njit(**_JIT, inline="always")
def _run_distances(x, y, i0, i1, c, lo_px, lo_py, hi_px, hi_py, reach, cell_segs, cell_start, lo_x, lo_y, hi_x,
                   hi_y, vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, cand, best, best_k):
    """For the points [i0, i1) (one run in cell c, within the box lo_p…hi_p): the cell's
    candidate segments whose box is within reach of the run's (into `cand`; their number
    is returned), and each point's distance to each of them (best[candidate, point]) with
    the vertex pair it is found on (best_k): GEOS's Distance::pointToSegment over the
    segment's pairs in order, the first pair at the least distance (as `locate_one`).

    One vertex pair against every point of the run, in an inner loop without branches:
    the compiler computes several points at once (SIMD) with the very same IEEE double
    operations, so the same bits as point by point, in ~40 % of the time."""
    n = i1 - i0
    nc = 0
    for j in range(cell_start[c], cell_start[c + 1]):
        s = cell_segs[j]
        if not (lo_x[s] <= hi_px + reach and hi_x[s] >= lo_px - reach and lo_y[s] <= hi_py + reach
                and hi_y[s] >= lo_py - reach):
            continue
        cand[nc] = s
        b = best[nc]
        bk = best_k[nc]
        for t in range(n):
            b[t] = np.inf
            bk[t] = vfirst[s]
        for k in range(vfirst[s], vlast[s]):
            axk, ayk, bxk, byk, dxk, dyk, l2, pl = ax[k], ay[k], bx[k], by[k], dx[k], dy[k], len2[k], plen[k]
            for t in range(n):
                px, py = x[i0 + t], y[i0 + t]
                wx, wy = px - axk, py - ayk
                qx, qy = px - bxk, py - byk
                r = (wx * dxk + wy * dyk) / l2
                to_a = (l2 == 0) | (r <= 0)
                end = np.sqrt(wx * wx + wy * wy if to_a else qx * qx + qy * qy)
                # GEOS's s = ((ay - py) * dx - (ax - px) * dy) / len2 with both products
                # negated: the same magnitude to the bit (only |s| is used)
                inner = abs((wx * dyk - wy * dxk) / l2) * pl
                d = end if (to_a | (r >= 1)) else inner
                better = d < b[t]
                b[t] = d if better else b[t]
                bk[t] = k if better else bk[t]
        nc += 1
    return nc


@njit(**_JIT)
def near_pairs(x, y, reach, ox, oy, cell, nx, ny, cell_segs, cell_start, max_cands, lo_x, lo_y, hi_x, hi_y,
               vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, vstart, lengths):
    """Every (point, segment) within `reach`: point positions, segment positions, distance,
    measure and the vertex pair of the nearest point; by point, then segment. The
    candidates are the segments listed in the point's grid cell whose box is within reach
    (`SegmentIndex._cells_within`; `max_cands`: the longest list)."""
    # room for every candidate: the arrays are never reallocated inside the loop (arrays
    # that may be were twice as slow to write to)
    cap = pair_capacity(x, y, ox, oy, cell, nx, ny, cell_start)
    p_out = np.empty(cap, np.int64)
    s_out = np.empty(cap, np.int64)
    d_out = np.empty(cap)
    m_out = np.empty(cap)
    k_out = np.empty(cap, np.int64)
    cand = np.empty(max_cands, np.int64)
    best = np.empty((max_cands, RUN))
    best_k = np.empty((max_cands, RUN), np.int64)
    q = 0
    i0 = 0
    while i0 < len(x):
        if not (np.isfinite(x[i0]) and np.isfinite(y[i0])):
            i0 += 1
            continue
        c, i1, lo_px, lo_py, hi_px, hi_py = _run_end(x, y, i0, ox, oy, cell, nx, ny)
        nc = _run_distances(x, y, i0, i1, c, lo_px, lo_py, hi_px, hi_py, reach, cell_segs, cell_start, lo_x, lo_y,
                            hi_x, hi_y, vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, cand, best, best_k)
        for t in range(i1 - i0):
            for j in range(nc):
                if best[j, t] <= reach:
                    s, k = cand[j], best_k[j, t]
                    px, py = x[i0 + t], y[i0 + t]
                    # the measure: LineSegment's projectionFactor, LengthIndexOfPoint's measure
                    # (as in locate_one; written out here: a call, even inlined, was 3× slower)
                    wx, wy = px - ax[k], py - ay[k]
                    if wx == 0 and wy == 0:
                        f = 0.0
                    elif px - bx[k] == 0 and py - by[k] == 0:
                        f = 1.0
                    else:
                        f = (wx * dx[k] + wy * dy[k]) / len2[k]
                    start = vstart[k]
                    if np.isnan(f) or f > 1:
                        mm = start + plen[k]
                    elif f <= 0:
                        mm = start
                    else:
                        mm = start + f * plen[k]
                    mm = min(max(mm, 0.0), lengths[s])
                    p_out[q], s_out[q], d_out[q], m_out[q], k_out[q] = i0 + t, s, best[j, t], mm, k
                    q += 1
        i0 = i1
    return p_out[:q], s_out[:q], d_out[:q], m_out[:q], k_out[:q]


@njit(**_JIT)
def locate_pairs(seg, x, y, vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, vstart, lengths):
    """`locate_one` for every (segment, point): distances, measures, vertex pairs."""
    d, m, k = np.empty(len(seg)), np.empty(len(seg)), np.empty(len(seg), np.int64)
    for i in range(len(seg)):
        d[i], m[i], k[i] = locate_one(seg[i], x[i], y[i], vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, vstart,
                                      lengths)
    return d, m, k


@njit(**_JIT)
def vertices_under(seg, measure, span, vfirst, vlast, vkey):
    """`vertex_under` for every (segment, measure), with no hint."""
    k = np.empty(len(seg), np.int64)
    for i in range(len(seg)):
        k[i] = vertex_under(seg[i], measure[i], -1, span, vfirst, vlast, vkey)
    return k


@njit(**_JIT)
def project_pairs(seg, k, x, y, span, vkey, ax, ay, dx, dy, phypot, lengths):
    """`project_on_pair` for every (segment, vertex pair, point)."""
    out = np.empty(len(seg))
    for i in range(len(seg)):
        out[i] = project_on_pair(seg[i], k[i], x[i], y[i], span, vkey, ax, ay, dx, dy, phypot, lengths)
    return out


@njit(**_JIT, inline="always")
def vertex_under(s, measure, hint, span, vfirst, vlast, vkey):
    """The vertex pair of segment `s` under `measure` (the last whose start is at or before
    it), `hint` tried first (the pair the nearest point was found on: right nearly always)."""
    lo, hi = vfirst[s], vlast[s] - 1
    if hi <= lo:
        return lo
    key = s * span + measure
    if lo <= hint <= hi and (hint == lo or vkey[hint] <= key) and (hint == hi or key < vkey[hint + 1]):
        return hint
    # binary search in [lo, hi]: the last pair whose key is at or before `key` (else lo)
    a, b = lo, hi + 1
    while a < b:
        mid = (a + b) // 2
        if vkey[mid] <= key:
            a = mid + 1
        else:
            b = mid
    return max(lo, a - 1)


@njit(**_JIT, inline="always")
def project_on_pair(s, k, px, py, span, vkey, ax, ay, dx, dy, phypot, lengths):
    """The measure of (px, py) projected on segment `s`'s vertex pair `k` (a cheap
    line_locate_point for a point close to that pair), within [0, length]."""
    base = vkey[k] - s * span
    norm = phypot[k]
    along = ((px - ax[k]) * dx[k] + (py - ay[k]) * dy[k]) / norm if norm > 0 else 0.0
    return min(max(base + along, 0.0), lengths[s])


@njit(**_JIT)
def _by_segment(seg, nseg):
    """Positions of `seg`'s entries ordered by segment, keeping their order within one (a
    counting sort: the entries come in sample order, so this is (segment, sample) order)."""
    count = np.zeros(nseg + 1, np.int64)
    for s in seg:
        count[s + 1] += 1
    for i in range(nseg):
        count[i + 1] += count[i]
    order = np.empty(len(seg), np.int64)
    for i in range(len(seg)):
        order[count[seg[i]]] = i
        count[seg[i]] += 1
    return order


@njit(**_JIT, inline="always")
def _crosses(ux, uy, vx, vy, nv, min_chord, cos_max):
    """Whether chord u (at least `min_chord` long) is more than acos(cos_max) off the
    direction v (length nv): |u·v| / (|u| nv) < cos_max, with |u| = hypot(ux, uy).

    hypot is exact to the last bit but costs ~15 ns, a square root ~2; sqrt(ux² + uy²) is
    within a few ulps of it, so the cheap length decides every case but the ones within a
    millionth of a threshold, and those take hypot (the same decisions, in a tenth of the
    time: hypot was a quarter of the window scores)."""
    if nv <= 0:
        return False
    nu = np.sqrt(ux * ux + uy * uy)
    dot = abs(ux * vx + uy * vy)
    if nu < min_chord * (1 - 1e-6):
        return False
    if nu > min_chord * (1 + 1e-6):
        cos = dot / (nu * nv)
        if cos < cos_max * (1 - 1e-6):
            return True
        if cos > cos_max * (1 + 1e-6):
            return False
    nu = np.hypot(ux, uy)
    return nu >= min_chord and dot / (nu * nv) < cos_max


@njit(**_JIT)
def pair_capacity(x, y, ox, oy, cell, nx, ny, cell_start):
    """An upper bound of the (point, segment) pairs within reach: the candidates in the
    points' cells."""
    cap = 0
    for i in range(len(x)):
        if np.isfinite(x[i]) and np.isfinite(y[i]):
            c = _cell_of(x[i], y[i], ox, oy, cell, nx, ny)
            cap += cell_start[c + 1] - cell_start[c]
    return cap


# rows of the workspaces `match_runs` takes (see `work_rows`)
WORK_INT32_ROWS = 5
WORK_INT_ROWS = 10
WORK_FLOAT_ROWS = 9


@njit(**_JIT)
def match_runs(sx, sy, st, spiece, rsx, rsy, lo_piece, hi_piece, tolerance, reach, w, tie_margin, cos_max,
               min_chord, hole_s, ox, oy, cell, nx, ny, cell_segs, cell_start, max_cands, lo_x, lo_y, hi_x, hi_y,
               vfirst, vlast, vkey, span, ax, ay, bx, by, dx, dy, len2, plen, phypot, vstart, lengths, w32, wi, wf):
    """Steps 5 and 6 of `coverage`'s method on a track's samples, up to the runs: each
    sample's segments within reach; for those within `tolerance`, the score over ±w samples
    (|mean signed offset|, the distance beyond the segment's ends, `reach` for samples not
    near it; infinite where the track crosses rather than runs along); each sample kept for
    the segments within `tie_margin` of its best; then runs of samples of one segment.
    Returns the runs (segment position, lo and hi measure, first and last time), by
    segment, then time.

    The (sample, segment) pairs are kept in the order they are found (by sample, then the
    cell's order of segments), each linked to the previous and next pair of its segment: a
    pair's window is a stretch of its segment's chain.

    `w32`, `wi`, `wf`: workspaces of WORK_INT32_ROWS, WORK_INT_ROWS and WORK_FLOAT_ROWS rows
    (int32, int64, float64), each row longer than `pair_capacity`, the samples and the
    segments. Reused from track to track: fresh arrays of this size are mapped and unmapped
    by the C library on every call, and their page faults cost a fifth of the matching."""
    n = len(sx)
    nseg = len(lengths)
    # (32-bit positions: each pair is written and read again several times, and half the
    # bytes are a few per cent of the matching)
    pi, si, k, prev, nxt = w32[0], w32[1], w32[2], w32[3], w32[4]
    c_off, c_away, r_seg, r_last = wi[0], wi[1], wi[2], wi[3]
    rank, first_pair = wi[4][:n], wi[5][:n + 1]
    last, tot_off, tot_away, run_of = wi[6][:nseg], wi[7][:nseg], wi[8][:nseg], wi[9][:nseg]
    d, m, score, r_lo, r_hi, r_t0, r_t1, raw_lo, raw_hi = wf[0], wf[1], wf[2], wf[3], wf[4], wf[5], wf[6], wf[7], wf[8]
    # signed offsets and distances beyond the ends in integer millimetres (exact sums,
    # whatever else is in the call), summed per segment over its pairs before each pair
    last[:] = -1
    tot_off[:] = 0
    tot_away[:] = 0
    npair = 0
    cand = np.empty(max_cands, np.int64)
    best_d = np.empty((max_cands, RUN))
    best_k = np.empty((max_cands, RUN), np.int64)
    i0 = 0
    while i0 < n:
        if not (np.isfinite(sx[i0]) and np.isfinite(sy[i0])):
            first_pair[i0] = npair
            i0 += 1
            continue
        c, i1, lo_px, lo_py, hi_px, hi_py = _run_end(sx, sy, i0, ox, oy, cell, nx, ny)
        nc = _run_distances(sx, sy, i0, i1, c, lo_px, lo_py, hi_px, hi_py, reach, cell_segs, cell_start, lo_x,
                            lo_y, hi_x, hi_y, vfirst, vlast, ax, ay, bx, by, dx, dy, len2, plen, cand, best_d, best_k)
        for t in range(i1 - i0):
            i = i0 + t
            first_pair[i] = npair
            px, py = sx[i], sy[i]
            for j in range(nc):
                dd = best_d[j, t]
                if dd > reach:
                    continue
                s, kn = cand[j], best_k[j, t]
                # the measure (as in near_pairs)
                wx, wy = px - ax[kn], py - ay[kn]
                if wx == 0 and wy == 0:
                    f = 0.0
                elif px - bx[kn] == 0 and py - by[kn] == 0:
                    f = 1.0
                else:
                    f = (wx * dx[kn] + wy * dy[kn]) / len2[kn]
                start = vstart[kn]
                if np.isnan(f) or f > 1:
                    mm = start + plen[kn]
                elif f <= 0:
                    mm = start
                else:
                    mm = start + f * plen[kn]
                mm = min(max(mm, 0.0), lengths[s])
                kk = vertex_under(s, mm, kn, span, vfirst, vlast, vkey)  # the pair under the measure
                q = npair
                pi[q], si[q], d[q], m[q], k[q] = i, s, dd, mm, kk
                prev[q] = last[s]
                nxt[q] = -1
                if last[s] >= 0:
                    nxt[last[s]] = q
                last[s] = q
                # the side comes from the segment's direction at the projected point; beyond
                # a segment's ends the distance counts whole (a crossing road sees the track
                # pass from one side of its end to the other, and signed offsets would cancel)
                cross = dx[kk] * (py - ay[kk]) - dy[kk] * (px - ax[kk])
                beyond = (mm <= 1e-6) or (mm >= lengths[s] - 1e-6)
                o = 0.0 if beyond else (-dd if cross < 0 else dd)
                a = dd if beyond else 0.0
                c_off[q], c_away[q] = tot_off[s], tot_away[s]
                tot_off[s] += np.int64(np.rint(o * 1000.0))
                tot_away[s] += np.int64(np.rint(a * 1000.0))
                npair += 1
        i0 = i1
    first_pair[n] = npair
    # each pair within the tolerance: its score over the window of ±w samples around it
    # (its piece's part), from its segment's pairs in the window. Along each segment's chain
    # of pairs (in sample order) the windows only move forward, so two pointers follow
    # them: first…end, the chain's pairs in the window, `count` of them.
    for head in range(npair):
        if prev[head] >= 0:
            continue  # not the start of a chain
        s = si[head]
        first = end = head
        count = 1
        cur = head
        while cur >= 0:
            p = pi[cur]
            if d[cur] <= tolerance:
                lo_p = max(p - w, lo_piece[p])
                hi_p = min(p + w, hi_piece[p] - 1)
                while pi[end] < p:  # the window holds the pair itself
                    end = nxt[end]
                    count += 1
                while pi[first] < lo_p:
                    first = nxt[first]
                    count -= 1
                while nxt[end] >= 0 and pi[nxt[end]] <= hi_p:
                    end = nxt[end]
                    count += 1
                # the sums before the pair after the window (with none, the segment's total)
                after = nxt[end]
                s_off = (c_off[after] if after >= 0 else tot_off[s]) - c_off[first]
                s_away = (c_away[after] if after >= 0 else tot_away[s]) - c_away[first]
                size = hi_p - lo_p + 1
                missing = (size - count) * reach  # `reach` for each sample of the window without a pair
                score[cur] = ((abs(s_off) + s_away) / 1000.0 + missing) / size
            else:
                score[cur] = np.inf
            cur = nxt[cur]
    # sample by sample (its pairs are first_pair[p]…first_pair[p + 1]): the best of its
    # pairs, the pairs kept
    rank_before = 0  # samples assigned to a segment before the one in hand
    for p in range(n):
        qa, qb = first_pair[p], first_pair[p + 1]
        lo_p = max(p - w, lo_piece[p])
        hi_p = min(p + w, hi_piece[p] - 1)
        # the best: the least score of a pair whose segment the track runs along rather than
        # crosses (the track's chord over the window against the segment's direction, tested
        # for the least scores in turn until one passes: usually the first)
        ux, uy = sx[hi_p] - sx[lo_p], sy[hi_p] - sy[lo_p]
        best = np.inf
        qm = -1
        while True:
            qm = -1
            for q in range(qa, qb):
                if score[q] < np.inf and (qm < 0 or score[q] < score[qm]):
                    qm = q
            if qm < 0:
                break
            kk = k[qm]
            if _crosses(ux, uy, dx[kk], dy[kk], phypot[kk], min_chord, cos_max):
                score[qm] = np.inf
                continue
            best = score[qm]
            break
        # kept: the pairs within the tie margin of the best that run along their segment
        # (the others' scores become inf)
        assigned = 0
        for q in range(qa, qb):
            if score[q] <= best + tie_margin and score[q] < np.inf:
                kk = k[q]
                if q != qm and _crosses(ux, uy, dx[kk], dy[kk], phypot[kk], min_chord, cos_max):
                    score[q] = np.inf
                else:
                    assigned = 1
            else:
                score[q] = np.inf
        rank[p] = rank_before + assigned
        rank_before = rank[p]
    # runs: samples of one piece on one segment with no sample assigned elsewhere between
    # them and no more than hole_s without any; each segment's open run in `run_of`
    run_of[:] = -1
    nr = 0  # r_last: each run's last sample
    for q in range(npair):
        if score[q] == np.inf:  # not kept
            continue
        p, s = pi[q], si[q]
        # the raw path's measure too: smoothing rounds corners, the fixes themselves do not
        mr = project_on_pair(s, k[q], rsx[p], rsy[p], span, vkey, ax, ay, dx, dy, phypot, lengths)
        r = run_of[s]
        if r >= 0:
            lp = r_last[r]
            if not (rank[p] == rank[lp] + 1 and st[p] - st[lp] <= hole_s and spiece[p] == spiece[lp]):
                r = -1
        if r >= 0:
            r_lo[r], r_hi[r] = min(r_lo[r], m[q]), max(r_hi[r], m[q])
            raw_lo[r], raw_hi[r] = min(raw_lo[r], mr), max(raw_hi[r], mr)
            r_t0[r], r_t1[r] = min(r_t0[r], st[p]), max(r_t1[r], st[p])
        else:
            r = nr
            nr += 1
            run_of[s] = r
            r_seg[r], r_lo[r], r_hi[r], raw_lo[r], raw_hi[r], r_t0[r], r_t1[r] = s, m[q], m[q], mr, mr, st[p], st[p]
        r_last[r] = p
    # a run reaching within the tolerance of a segment's end takes the raw path's extent
    # there (the corner smoothing cut off); elsewhere the smoothed extent stays, so that
    # noise does not stretch a run along the segment
    for r in range(nr):
        if r_lo[r] <= tolerance:
            r_lo[r] = min(r_lo[r], raw_lo[r])
        if r_hi[r] >= lengths[r_seg[r]] - tolerance:
            r_hi[r] = max(r_hi[r], raw_hi[r])
    order = _by_segment(r_seg[:nr], nseg)  # by segment, then first sample (the order they began)
    return r_seg[order], r_lo[order], r_hi[order], r_t0[order], r_t1[order]


@njit(**_JIT, inline="always")
def _first_at_or_after(t, v, guess):
    """np.searchsorted(t, v, side="left") on sorted t, walking from `guess` (the answer for
    a nearby value: a few steps, where a binary search costs a dozen unpredictable ones)."""
    i = min(max(guess, 0), len(t))
    while i > 0 and t[i - 1] >= v:
        i -= 1
    while i < len(t) and t[i] < v:
        i += 1
    return i


@njit(**_JIT, inline="always")
def _first_after(t, v, guess):
    """np.searchsorted(t, v, side="right") on sorted t, walking from `guess`."""
    i = min(max(guess, 0), len(t))
    while i > 0 and t[i - 1] > v:
        i -= 1
    while i < len(t) and t[i] <= v:
        i += 1
    return i


@njit(**_JIT)
def path_pieces(t, x, y, max_gap_s, max_speed):
    """Piece number of every point: a new piece after a gap of more than `max_gap_s` or a
    jump faster than `max_speed`."""
    out = np.empty(len(t), np.int64)
    piece = 0
    for i in range(len(t)):
        if i > 0:
            dt = t[i] - t[i - 1]
            if dt > max_gap_s or np.hypot(x[i] - x[i - 1], y[i] - y[i - 1]) > max_speed * max(dt, 1e-9):
                piece += 1
        out[i] = piece
    return out


@njit(**_JIT)
def moving_mean(t, x, y, lo_piece, hi_piece, half, narrow_ends):
    """The mean position of the points within ±half[i] seconds of each point i in its piece;
    with `narrow_ends`, the window is narrowed near the piece's ends (symmetric: the ends
    are not pulled in). Sums of millimetres from the piece's first point, in integers: a
    piece gives the same path whatever came before it in the call."""
    n = len(t)
    cx = np.zeros(n + 1, np.int64)
    cy = np.zeros(n + 1, np.int64)
    for i in range(n):
        cx[i + 1] = cx[i] + np.int64(np.rint((x[i] - x[lo_piece[i]]) * 1000.0))
        cy[i + 1] = cy[i] + np.int64(np.rint((y[i] - y[lo_piece[i]]) * 1000.0))
    mx, my = np.empty(n), np.empty(n)
    a = b = 0
    for i in range(n):
        h = half[i]
        if narrow_ends:
            h = min(h, min(t[i] - t[lo_piece[i]], t[hi_piece[i] - 1] - t[i]))
        a = _first_at_or_after(t, t[i] - h, a)
        b = _first_after(t, t[i] + h, b)
        lo = max(a, lo_piece[i])
        hi = min(b, hi_piece[i])
        count = hi - lo
        mx[i] = x[lo_piece[i]] + (cx[hi] - cx[lo]) / count / 1000.0
        my[i] = y[lo_piece[i]] + (cy[hi] - cy[lo]) / count / 1000.0
    return mx, my


@njit(**_JIT)
def smoothing_half(t, x, y, lo_piece, hi_piece, half_s, half_m):
    """Half-window per point: `half_s`, shortened to span about ±`half_m` of travel at the
    local speed (displacement over ±30 s)."""
    out = np.empty(len(t))
    sa = sb = 0
    for i in range(len(t)):
        sa = _first_at_or_after(t, t[i] - 30.0, sa)
        sb = _first_after(t, t[i] + 30.0, sb)
        a = max(sa, lo_piece[i])
        b = min(sb, hi_piece[i]) - 1
        dt = t[b] - t[a]
        v = np.hypot(x[b] - x[a], y[b] - y[a]) / dt if dt > 0 else 0.0
        out[i] = min(half_s, half_m / max(v, 0.1))
    return out


@njit(**_JIT)
def path_samples(t, piece, mx, my, rx, ry, sample_m):
    """Points every `sample_m` along the straight legs between consecutive points of a
    piece, in path order, and each piece's last point: (x, y) on the matching path (mx,
    my), time, piece, and (x, y) at the same fraction of the same leg of the raw path (rx,
    ry). A leg of length L has ceil(L / sample_m) samples, at fractions j / count."""
    n = len(t)
    total = 0
    for i in range(n):
        if i + 1 < n and piece[i + 1] == piece[i]:
            total += np.int64(max(1.0, np.ceil(np.hypot(mx[i + 1] - mx[i], my[i + 1] - my[i]) / sample_m)))
        else:
            total += 1
    sx, sy, st = np.empty(total), np.empty(total), np.empty(total)
    sp = np.empty(total, piece.dtype)
    srx, sry = np.empty(total), np.empty(total)
    q = 0
    for i in range(n):
        nxt = min(i + 1, n - 1)
        if i + 1 < n and piece[i + 1] == piece[i]:
            count = np.int64(max(1.0, np.ceil(np.hypot(mx[i + 1] - mx[i], my[i + 1] - my[i]) / sample_m)))
            ddx, ddy, ddt = rx[i + 1] - rx[i], ry[i + 1] - ry[i], t[i + 1] - t[i]
        else:
            count = 1
            ddx = ddy = ddt = 0.0
        for j in range(count):
            f = j / count
            sx[q] = mx[i] + f * (mx[nxt] - mx[i])
            sy[q] = my[i] + f * (my[nxt] - my[i])
            st[q] = t[i] + f * ddt
            sp[q] = piece[i]
            srx[q] = rx[i] + f * ddx
            sry[q] = ry[i] + f * ddy
            q += 1
    return sx, sy, st, sp, srx, sry


# ------------------------------------------------------------------ runs into intervals

@njit(**_JIT, inline="always")
def _before(a0, a1, a2, a3, a4, b0, b1, b2, b3, b4):
    """(a0, …, a4) < (b0, …, b4), as Python compares tuples."""
    if a0 != b0:
        return a0 < b0
    if a1 != b1:
        return a1 < b1
    if a2 != b2:
        return a2 < b2
    if a3 != b3:
        return a3 < b3
    return a4 < b4


@njit(**_JIT)
def _sort(lo, hi, t0, t1, ps, a, b, by_time):
    """Insertion sort of items [a, b) by (start, end, first, last, passes), or by (first,
    last, start, end, passes) with `by_time`: `intervals._by_measure` and `_by_time`. Stable;
    the lists are a segment's few intervals."""
    for i in range(a + 1, b):
        x0, x1, x2, x3, x4 = lo[i], hi[i], t0[i], t1[i], ps[i]
        j = i - 1
        while j >= a:
            if by_time:
                earlier = _before(x2, x3, x0, x1, x4, t0[j], t1[j], lo[j], hi[j], ps[j])
            else:
                earlier = _before(x0, x1, x2, x3, x4, lo[j], hi[j], t0[j], t1[j], ps[j])
            if not earlier:
                break
            lo[j + 1], hi[j + 1], t0[j + 1], t1[j + 1], ps[j + 1] = lo[j], hi[j], t0[j], t1[j], ps[j]
            j -= 1
        lo[j + 1], hi[j + 1], t0[j + 1], t1[j + 1], ps[j + 1] = x0, x1, x2, x3, x4


@njit(**_JIT)
def merge_items(lo, hi, t0, t1, ps, n, gap):
    """`intervals.merge_intervals` on items [0, n) of the arrays, in place: the merged
    intervals are written to the front and their number returned. Items that overlap or
    are less than `gap` apart along the segment form a group; each group is folded in time
    order (passes: the larger of two that overlap in time, else their sum)."""
    if n <= 1:
        return n
    _sort(lo, hi, t0, t1, ps, 0, n, False)
    out = 0
    a = 0
    while a < n:
        reach = hi[a]
        b = a + 1
        while b < n and lo[b] <= reach + gap:
            reach = max(reach, hi[b])
            b += 1
        _sort(lo, hi, t0, t1, ps, a, b, True)
        l0, h0, f0, e0, p0 = lo[a], hi[a], t0[a], t1[a], ps[a]
        for i in range(a + 1, b):
            p0 = max(p0, ps[i]) if (f0 <= t1[i] and t0[i] <= e0) else p0 + ps[i]
            l0, h0, f0, e0 = min(l0, lo[i]), max(h0, hi[i]), min(f0, t0[i]), max(e0, t1[i])
        lo[out], hi[out], t0[out], t1[out], ps[out] = l0, h0, f0, e0, p0
        out += 1
        a = b
    return out


@njit(**_JIT)
def runs_to_intervals(r_seg, r_lo, r_hi, r_t0, r_t1, pass_gap, gap):
    """Each segment's runs (by segment) into its intervals: runs whose times follow each other
    within `pass_gap` are one visit (one pass), a visit's runs merged, then the visits one
    after another (`merge_items`). Returns segment positions and intervals, by segment."""
    nr = len(r_seg)
    o_seg = np.empty(nr, np.int64)
    o_lo, o_hi, o_t0, o_t1 = np.empty(nr), np.empty(nr), np.empty(nr), np.empty(nr)
    o_ps = np.empty(nr, np.int64)
    no = 0
    # scratch: the merged intervals so far, then one visit's, of the segment in hand
    w_lo, w_hi, w_t0, w_t1 = np.empty(2 * nr), np.empty(2 * nr), np.empty(2 * nr), np.empty(2 * nr)
    w_ps = np.empty(2 * nr, np.int64)
    idx = np.empty(nr, np.int64)
    a = 0
    while a < nr:
        b = a + 1
        while b < nr and r_seg[b] == r_seg[a]:
            b += 1
        # the runs in time order (stable, as Python's sorted by (first, last))
        for i in range(a, b):
            idx[i - a] = i
        for i in range(1, b - a):
            x = idx[i]
            j = i - 1
            while j >= 0 and (r_t0[x] < r_t0[idx[j]] or (r_t0[x] == r_t0[idx[j]] and r_t1[x] < r_t1[idx[j]])):
                idx[j + 1] = idx[j]
                j -= 1
            idx[j + 1] = x
        merged = 0  # intervals in w[0, merged)
        v = 0
        end_t = -np.inf
        while v < b - a:
            # one visit: runs starting within pass_gap of the visit's end so far
            u = v + 1
            end_t = max(end_t, r_t1[idx[v]])
            while u < b - a and not (r_t0[idx[u]] - end_t > pass_gap):
                end_t = max(end_t, r_t1[idx[u]])
                u += 1
            t_first, t_last = np.inf, -np.inf
            for q in range(v, u):
                t_first, t_last = min(t_first, r_t0[idx[q]]), max(t_last, r_t1[idx[q]])
            if u - v == 1:
                t_first, t_last = r_t0[idx[v]], r_t1[idx[v]]
            # the visit's runs after the merged ones, merged among themselves
            c = merged
            for q in range(v, u):
                r = idx[q]
                w_lo[c], w_hi[c], w_t0[c], w_t1[c], w_ps[c] = r_lo[r], r_hi[r], t_first, t_last, 1
                c += 1
            nv = merge_items(w_lo[merged:c], w_hi[merged:c], w_t0[merged:c], w_t1[merged:c], w_ps[merged:c],
                             c - merged, gap)
            if merged == 0:
                merged = nv
            else:
                merged = merge_items(w_lo, w_hi, w_t0, w_t1, w_ps, merged + nv, gap)
            v = u
        for q in range(merged):
            o_seg[no], o_lo[no], o_hi[no], o_t0[no], o_t1[no], o_ps[no] = r_seg[a], w_lo[q], w_hi[q], w_t0[q], \
                w_t1[q], w_ps[q]
            no += 1
        a = b
    return o_seg[:no].copy(), o_lo[:no].copy(), o_hi[:no].copy(), o_t0[:no].copy(), o_t1[:no].copy(), \
        o_ps[:no].copy()
