"""The segment index's numbers are shapely's, bit for bit, and the matching done block by
block is the matching done at once: the speed-ups of `SegmentIndex` and
`intervals_from_path` change no result."""
import numpy as np
import pytest
import shapely

from shifts.domain import coverage
from shifts.domain.coverage import SegmentIndex, covered_intervals
from shifts.domain.simulate import simulate_team

from .networks import helsinki_segments

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


def test_matching_block_by_block_equals_matching_at_once(helsinki, monkeypatch):
    segs, index = helsinki
    team = simulate_team(segs, members=3, start_t=T, end_t=T + 2 * 3600, seed=11)
    small = [covered_intervals(tr.fixes, index, flags=None) for tr in team]
    monkeypatch.setattr(coverage, "_BLOCK_WORK", 10**12)  # one block per track
    whole = [covered_intervals(tr.fixes, index) for tr in team]
    monkeypatch.setattr(coverage, "_BLOCK_WORK", 500)  # blocks of a few samples
    tiny = [covered_intervals(tr.fixes, index) for tr in team]
    assert whole == small == tiny
    assert sum(len(c) for c in whole) > 100
