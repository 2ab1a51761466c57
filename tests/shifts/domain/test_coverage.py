"""Covered intervals: merged per segment, painted by the road actually run along, not by
standing still, the same whichever way the fixes arrive."""
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString

from shifts.domain.coverage import (
    Interval,
    SegmentIndex,
    coverage_summary,
    covered_intervals,
    is_covered,
    merge_coverage,
    merge_intervals,
)
from shifts.domain.fixes import Fix, flag_fixes
from shifts.domain.simulate import simulate_member

from .networks import grid_segments

T = 1_750_000_000.0


def spans(cov):
    return {k: [(round(i.start_m, 6), round(i.end_m, 6)) for i in v] for k, v in cov.items()}


# ---------------------------------------------------------------- merging

interval = st.builds(
    lambda a, length, t, dt, p: Interval(a, a + length, t, t + dt, p),
    st.integers(0, 500).map(float), st.integers(0, 80).map(float),
    st.integers(0, 10_000).map(float), st.integers(0, 600).map(float), st.integers(1, 3),
)
intervals = st.lists(interval, max_size=8).map(lambda ivs: merge_intervals([], ivs))


@settings(max_examples=300, deadline=None)
@given(intervals, intervals)
def test_merging_is_commutative_and_sorted_without_overlaps(a, b):
    ab = merge_intervals(a, b)
    assert ab == merge_intervals(b, a)
    for x, y in zip(ab, ab[1:], strict=False):
        assert x.end_m + 10.0 < y.start_m
    assert all(i.start_m <= i.end_m and i.first_t <= i.last_t for i in ab)


@settings(max_examples=300, deadline=None)
@given(intervals)
def test_merging_is_idempotent(a):
    assert merge_intervals(a, a) == a
    assert merge_intervals(a, []) == a


@settings(max_examples=300, deadline=None)
@given(intervals, intervals, intervals)
def test_merging_is_associative_in_extent_and_times(a, b, c):
    left = merge_intervals(merge_intervals(a, b), c)
    right = merge_intervals(a, merge_intervals(b, c))
    strip = lambda ivs: [(i.start_m, i.end_m, i.first_t, i.last_t) for i in ivs]  # noqa: E731
    assert strip(left) == strip(right)


@settings(max_examples=300, deadline=None)
@given(st.lists(interval, min_size=1, max_size=5))
def test_passes_of_batches_merged_in_time_order_are_bounded_and_exact_on_one_stretch(batches):
    # the worker's case: each batch later than everything stored
    later = lambda i, h: Interval(i.start_m, i.end_m, i.first_t + h, i.last_t + h, i.passes)  # noqa: E731
    batches = [later(iv, 100_000 * k) for k, iv in enumerate(batches)]
    stored: list[Interval] = []
    for batch in batches:
        stored = merge_intervals(stored, [batch])
    for merged in stored:
        inside = [b for b in batches if merged.start_m <= b.start_m and b.end_m <= merged.end_m]
        # an interval keeps only its first and last time, so a batch bridging two stored
        # intervals whose times interleave can be undercounted, never overcounted
        assert max(i.passes for i in inside) <= merged.passes <= sum(i.passes for i in inside)
    # every shift walking the same stretch: each one counts
    same = [Interval(10, 90, b.first_t, b.last_t, b.passes) for b in batches]
    stored = []
    for batch in same:
        stored = merge_intervals(stored, [batch])
    assert stored[0].passes == sum(b.passes for b in same)


def test_a_replayed_batch_adds_no_pass():
    a = [Interval(0, 100, T, T + 60, 1)]
    assert merge_intervals(a, a)[0].passes == 1
    later = [Interval(20, 80, T + 3600, T + 3660, 1)]
    assert merge_intervals(a, later) == [Interval(0, 100, T, T + 3660, 2)]


def test_summary_counts_covered_length_share_and_threshold():
    s = coverage_summary({5: [Interval(0, 50, T, T + 40, 1), Interval(60, 90, T + 50, T + 70, 1)]}, {5: 100.0, 6: 20.0})
    assert s[5].covered_m == 80 and s[5].share == 0.8 and is_covered(s[5].share)
    assert s[6].share == 0 and s[6].first_t is None and not is_covered(s[6].share)


# ---------------------------------------------------------------- geometry

ROAD = {1: LineString([(0, 0), (400, 0)]), 2: LineString([(400, 0), (800, 0)]),
        3: LineString([(400, 0), (400, 400)]), 4: LineString([(400, -400), (400, 0)])}


def noisy_walk(points, *, speed=1.3, sigma=12.0, seed=1, t0=T, interval=5.0):
    """Fixes every `interval` s along a polyline at `speed`, with Gaussian noise."""
    line = LineString(points)
    rng = np.random.default_rng(seed)
    n = int(line.length / speed / interval) + 1
    out = []
    for i in range(n):
        p = line.interpolate(min(line.length, i * interval * speed))
        dx, dy = rng.normal(0, sigma, 2)
        out.append(Fix(t0 + i * interval, p.x + dx, p.y + dy, accuracy_m=sigma))
    return out


def test_a_straight_walk_covers_the_segments_walked_and_not_the_crossing_road():
    fixes = noisy_walk([(0, 0), (800, 0)])
    s = coverage_summary(covered_intervals(fixes, ROAD), {k: g.length for k, g in ROAD.items()})
    assert s[1].share > 0.9 and s[2].share > 0.9
    assert s[3].covered_m < 25 and s[4].covered_m < 25  # only around the junction, within the tolerance


def test_a_long_stop_paints_nothing_on_the_neighbouring_segments():
    # 20 minutes standing 10 m from a crossing, with the receiver wandering ±15 m
    rng = np.random.default_rng(3)
    stop = [Fix(T + 5 * i, 410 + rng.normal(0, 15), 5 + rng.normal(0, 15), accuracy_m=15.0) for i in range(240)]
    cov = covered_intervals(stop, ROAD)
    painted = sum(i.end_m - i.start_m for v in cov.values() for i in v)
    assert painted <= 5.0, cov


def test_a_long_stop_inside_a_walk_adds_nothing_beyond_the_walk():
    walk = noisy_walk([(0, 0), (390, 0)], seed=2)
    t_end = walk[-1].t
    rng = np.random.default_rng(4)
    stop = [Fix(t_end + 5 * (i + 1), 390 + rng.normal(0, 12), rng.normal(0, 12), accuracy_m=12.0) for i in range(240)]
    cov = covered_intervals(walk + stop, ROAD)
    assert set(cov) <= {1, 2, 3, 4}
    for k in (3, 4):
        assert sum(i.end_m - i.start_m for i in cov.get(k, [])) <= 5.0


def test_the_half_of_a_dual_carriageway_that_was_walked_is_told_from_the_other():
    halves = {1: LineString([(0, 0), (600, 0)]), 2: LineString([(0, 14), (600, 14)])}
    fixes = noisy_walk([(0, 0), (600, 0)], sigma=10.0, seed=5)
    s = coverage_summary(covered_intervals(fixes, halves), {1: 600.0, 2: 600.0})
    assert is_covered(s[1].share) and not is_covered(s[2].share)


def test_a_track_halfway_between_two_parallel_roads_paints_both():
    halves = {1: LineString([(0, 0), (600, 0)]), 2: LineString([(0, 6), (600, 6)])}
    fixes = [Fix(T + 5 * i, 6.0 * i, 3.0) for i in range(100)]
    s = coverage_summary(covered_intervals(fixes, halves), {1: 600.0, 2: 600.0})
    assert s[1].share > 0.9 and s[2].share > 0.9


def test_flagged_fixes_are_ignored_for_coverage():
    fixes = noisy_walk([(0, 0), (380, 0)], sigma=3.0)
    spike = Fix(fixes[40].t + 1, 400.0, 300.0)  # onto road 3, one fix, impossible
    flags = flag_fixes([*fixes, spike])
    assert flags[-1] == {"impossible_speed"}
    cov = covered_intervals([*fixes, spike], ROAD, flags=flags)
    assert 3 not in cov


def test_a_signal_gap_paints_nothing_across_it():
    fixes = [f for f in noisy_walk([(0, 0), (800, 0)], sigma=2.0) if not (T + 100 < f.t < T + 200)]
    cov = covered_intervals(fixes, ROAD, max_gap_s=90)
    assert [(round(i.start_m, -1), round(i.end_m, -1)) for i in cov[1]] == [(0, 130), (260, 400)]


def test_a_stop_of_the_device_paints_nothing_across_it_however_short():
    # walking at 1.2 m/s, the device off for 50 s between x = 180 and x = 240: no signal gap
    # (under max_gap_s) and a plausible speed, but no walk was recorded there
    before = [Fix(T + 5 * i, 6.0 * i, 2.0) for i in range(31)]
    after = [Fix(T + 200 + 5 * i, 240.0 + 6.0 * i, 2.0, starts_piece=i == 0) for i in range(60)]
    cov = covered_intervals(before + after, ROAD)
    assert [(round(i.start_m, -1), round(i.end_m, -1)) for i in cov[1]] == [(0, 180), (240, 400)]
    # the first fix after the stop is a bad one: the break moves on to the next good fix
    bad = [Fix(T + 195, 900.0, 900.0, starts_piece=True), *after[1:]]
    flags = flag_fixes(before + bad)
    assert flags[31] and not flags[32]
    cov = covered_intervals(before + bad, ROAD, flags=flags)
    assert [(round(i.start_m, -1), round(i.end_m, -1)) for i in cov[1]] == [(0, 180), (250, 400)]


def test_shuffled_and_replayed_fixes_give_the_same_coverage():
    sim = simulate_member(ROAD, start_t=T, end_t=T + 3600, seed=8, mode="walk")
    fixes = list(sim.fixes)
    once = covered_intervals(fixes, ROAD)
    shuffled = fixes + fixes[:200]  # a replayed batch
    random.Random(1).shuffle(shuffled)
    assert covered_intervals(shuffled, ROAD) == once


def test_batches_split_at_gaps_and_merged_equal_the_whole():
    segs = grid_segments(12)
    sim = simulate_member(segs, start_t=T, end_t=T + 4 * 3600, seed=21, mode="ride", gaps=4, gap_s=(150, 200))
    fixes = list(sim.fixes)
    whole = covered_intervals(fixes, segs)
    cuts = [i for i in range(1, len(fixes)) if fixes[i].t - fixes[i - 1].t > 120]
    assert cuts
    merged, start = {}, 0
    for cut in [*cuts, len(fixes)]:
        merged = merge_coverage(merged, covered_intervals(fixes[start:cut], segs))
        start = cut
    assert merged == whole


def test_a_prebuilt_index_gives_the_same_as_a_mapping():
    fixes = noisy_walk([(0, 0), (400, 0), (400, 400)], seed=9)
    assert covered_intervals(fixes, SegmentIndex(ROAD)) == covered_intervals(fixes, ROAD)


def test_no_good_fix_means_no_coverage():
    assert covered_intervals([], ROAD) == {}
    assert covered_intervals([Fix(T, 0, 0, accuracy_m=99)], ROAD) == {}
    assert covered_intervals([Fix(T, 0, 0)], {}) == {}


# Speed is measured by a benchmark, not asserted here (a shared machine's timing is no
# test): the naive-loop comparison belongs in bench/coverage_day.py.


def test_a_batch_cut_mid_track_with_context_merges_to_nearly_the_whole():
    segs = grid_segments(12)
    sim = simulate_member(segs, start_t=T, end_t=T + 2 * 3600, seed=22, mode="walk", gaps=0, stops=0)
    fixes = list(sim.fixes)
    whole = covered_intervals(fixes, segs)
    cut = len(fixes) // 2
    context_s = 100 / 1.2 + 30 + 300  # window_m at walking speed + smooth_s + stop_min_s
    context = [f for f in fixes[:cut] if f.t >= fixes[cut].t - context_s]
    merged = merge_coverage(covered_intervals(fixes[:cut], segs), covered_intervals(context + fixes[cut:], segs))
    lengths = {k: g.length for k, g in segs.items()}
    a, b = coverage_summary(whole, lengths), coverage_summary(merged, lengths)
    assert all(abs(a[k].covered_m - b[k].covered_m) <= 10 for k in lengths)
    assert all(a[k].passes == b[k].passes for k in lengths)  # the context's repaint adds no pass


def test_a_lone_fix_covers_nothing():
    """One fix (or one good fix between signal gaps) made an interval of zero length on
    the segment under it, which then counted as a pass and a touched segment."""
    road = {1: LineString([(0, 0), (400, 0)])}
    assert covered_intervals([Fix(1.75e9, 100, 0)], road) == {}
    lone = [Fix(1.75e9, 100, 0), Fix(1.75e9 + 1000, 200, 0), Fix(1.75e9 + 2000, 300, 0)]  # 1000 s apart: three pieces
    assert covered_intervals(lone, road) == {}
