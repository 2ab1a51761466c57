"""The segment index's numbers are shapely's, bit for bit, and the compiled matching is the
method written plainly: the speed-ups of `SegmentIndex` and `intervals_from_path` (the
kernels in `coverage_kernels`) change no result."""
import functools

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from shifts.domain import intervals
from shifts.domain.coverage import SegmentIndex, intervals_from_path, track_path
from shifts.domain.fixes import Fix
from shifts.domain.intervals import Interval
from shifts.domain.simulate import simulate_team

from .networks import demo_segments, helsinki_segments
from .reference_matching import reference_intervals

T = 1_750_000_000.0


@pytest.fixture(scope="module")
def helsinki():
    segs = helsinki_segments()  # real curved ways: up to 64 vertex pairs per segment
    return segs, SegmentIndex(segs)


def shapely_near(segs, x, y, reach):
    """The slow reference: STRtree dwithin, then distance and line_locate_point."""
    ids = sorted(segs)
    geoms = np.array([segs[i] for i in ids], dtype=object)
    points = shapely.points(x, y)
    p, s = shapely.STRtree(geoms).query(points, predicate="dwithin", distance=reach)
    d = shapely.distance(geoms[s], points[p])
    m = shapely.line_locate_point(geoms[s], points[p])
    return p, s, d, m


def by_pair(p, s, *rest):
    order = np.lexsort((s, p))
    return [a[order] for a in (p, s, *rest)]


@pytest.mark.parametrize("reach", [45.0, 30.0, 7.5])
def test_near_gives_shapelys_pairs_distances_and_measures(helsinki, reach):
    segs, index = helsinki
    rng = np.random.default_rng(3)
    coords = index._coords
    lo, hi = coords.min(axis=0) - 60, coords.max(axis=0) + 60
    v = coords[rng.integers(0, len(coords), 3000)]
    # anywhere, exactly on vertices, exactly `reach` east of them, and on vertex pairs' midpoints
    x = np.r_[rng.uniform(lo[0], hi[0], 20_000), v[:, 0], v[:, 0] + reach, (coords[:-1, 0] + coords[1:, 0]) / 2]
    y = np.r_[rng.uniform(lo[1], hi[1], 20_000), v[:, 1], v[:, 1], (coords[:-1, 1] + coords[1:, 1]) / 2]
    got = by_pair(*index.near(x, y, reach))
    want = by_pair(*shapely_near(segs, x, y, reach))
    assert len(got[0]) > 10_000
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b)


def test_points_matched_in_runs_equal_points_matched_one_by_one(helsinki):
    """`near` computes a run of consecutive points against each vertex pair at once;
    `locate` takes one (point, segment) at a time: the same distances and measures."""
    segs, index = helsinki
    team = simulate_team(segs, members=2, start_t=T, end_t=T + 3600, seed=5)
    x = np.concatenate([[f.x for f in tr.fixes] for tr in team])
    y = np.concatenate([[f.y for f in tr.fixes] for tr in team])
    p, s, d, m = index.near(x, y, 45.0)
    d1, m1 = index.locate(s, x[p], y[p])
    assert len(p) > 5_000
    assert np.array_equal(d, d1) and np.array_equal(m, m1)


@pytest.mark.parametrize("network", ["helsinki", "demo"])
def test_compiled_matching_equals_the_plain_reference(helsinki, network):
    """The compiled matching (coverage_kernels.match_runs, runs_to_intervals) gives what
    the method says, written plainly with shapely and numpy (reference_matching.py), to
    the bit: same segments, measures, times and passes."""
    segs, index = helsinki if network == "helsinki" else (demo_segments(), SegmentIndex(demo_segments()))
    team = simulate_team(segs, members=3, start_t=T, end_t=T + 2 * 3600, seed=11)
    total = 0
    for tr in team:
        path = track_path(tr.fixes)
        got = intervals_from_path(path, index)
        assert got == reference_intervals(path, index)
        total += sum(len(v) for v in got.values())
    assert total > 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30), st.integers(0, 40), st.integers(0, 20),
                          st.integers(1, 3)), min_size=17, max_size=60),
       st.sampled_from([0.0, 2.0, 10.0]))
def test_compiled_merge_equals_the_python_merge(raw, gap):
    """Above 16 intervals `merge_intervals` folds in compiled code (`_merge_compiled`):
    the same result as its Python loops, ties and equal times included."""
    items = [Interval(float(a), float(a + b), float(t), float(t + dt), p) for a, b, t, dt, p in raw]
    old, new = items[: len(items) // 3], items[len(items) // 3:]
    assert intervals._merge_compiled([*old, *new], gap) == intervals._merge_python([*old, *new], gap)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 80), st.sampled_from([1.4, 4.0, 12.0]), st.booleans())
def test_compiled_matching_equals_the_plain_reference_on_odd_tracks(seed, n, speed, stall):
    """Short random tracks over the demo network, with a stall, jumps past the speed
    limit, gaps and repeated positions: where runs, pieces and windows start and end at
    odd places, the compiled matching still gives the reference's intervals."""
    segs = demo_segments()
    index = _demo_index()
    rng = np.random.default_rng(seed)
    g = segs[sorted(segs)[seed % len(segs)]]
    x, y = shapely.get_coordinates(g.interpolate(rng.uniform(0, g.length)))[0]
    t, fixes = T, []
    heading = rng.uniform(0, 2 * np.pi)
    for i in range(n):
        step = 0.0 if (stall and n // 3 <= i < n // 3 + 8) else speed * 5
        heading += rng.normal(0, 0.4)
        x, y = x + step * np.cos(heading) + rng.normal(0, 8), y + step * np.sin(heading) + rng.normal(0, 8)
        t += 5 if rng.random() > 0.05 else rng.choice([150.0, 1.0])  # a gap, or a burst
        if rng.random() < 0.03:
            x, y = x + 400, y  # an impossible jump
        fixes.append(Fix(t, float(x), float(y)))
    path = track_path(fixes)
    assert intervals_from_path(path, index) == reference_intervals(path, index)


@functools.cache
def _demo_index() -> SegmentIndex:
    return SegmentIndex(demo_segments())
