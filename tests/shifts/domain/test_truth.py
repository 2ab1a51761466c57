"""Coverage against the truth of simulated members on the real demo network (imported
without a database by the pure OSM importers) and on a synthetic grid.

Targets (issue 11): length-weighted F1 of covered segments ≥ 0.97; covered length within
±3 percentage points of the truth. "Covered" in truth: ≥ 80 % of the segment's length
traversed; computed: `is_covered` (share ≥ 0.8)."""
import time

import pytest

from shifts.domain.coverage import SegmentIndex
from shifts.domain.simulate import simulate_team

from .networks import demo_segments, grid_segments, helsinki_segments
from .truth import pooled_f1, score

T = 1_750_000_000.0


@pytest.fixture(scope="module")
def demo_index():
    return SegmentIndex(demo_segments())


def test_the_demo_network_is_built_without_a_database(demo_index):
    everything = demo_segments(patrolled_only=False)
    assert len(everything) == 85
    assert 32_000 < sum(g.length for g in everything.values()) < 33_500  # m in EPSG:4548; 32,550 geodesic
    assert len(demo_index) == 83  # without the two halves of the G6 expressway


SEEDS = range(1, 9)


@pytest.fixture(scope="module")
def demo_scores(demo_index):
    """Eight independent scenarios (seeds 1-8) of six members patrolling for two hours:
    about 60-90 % of the network, so misses and false hits both show."""
    out = []
    for seed in SEEDS:
        tracks = simulate_team(demo_segments(), members=6, start_t=T, end_t=T + 2 * 3600, seed=seed)
        t0 = time.perf_counter()
        s = score(tracks, demo_index)
        out.append((s, time.perf_counter() - t0))
    return out


def test_covered_segments_match_the_truth_on_the_demo_network(demo_scores, capsys):
    scores = [s for s, _ in demo_scores]
    f1 = pooled_f1(scores)
    errors = [s.length_error_pp for s in scores]
    mean_error = sum(errors) / len(errors)
    speed = sum(s.fixes for s in scores) / sum(t for _, t in demo_scores)
    with capsys.disabled():
        print(f"\n[coverage] demo, {len(scores)} scenarios: pooled F1 {f1:.4f} (each "
              f"{min(s.f1 for s in scores):.3f}-{max(s.f1 for s in scores):.3f}); covered-length error mean "
              f"{mean_error:+.2f} pp (each {min(errors):+.2f} to {max(errors):+.2f}); {speed:,.0f} fixes/s")
    assert f1 >= 0.97
    assert abs(mean_error) <= 3.0
    # single two-hour scenarios vary with where six members happened to walk: 学院路's
    # parallel ways (footway, cycleway, service road, two carriageways within ±15 m) are
    # closer than the GPS noise, and a scenario that keeps to them paints their
    # neighbours (seed 5: +6.8 pp, every false metre on a way 7-15 m beside a walked one)
    assert min(s.f1 for s in scores) >= 0.95
    assert max(abs(e) for e in errors) <= 7.5


def test_covered_segments_match_the_truth_on_helsinki():
    # short city segments (tens of metres): the case that bounds the matching window
    segs = helsinki_segments()
    index = SegmentIndex(segs)
    scores = [score(simulate_team(segs, members=6, start_t=T, end_t=T + 2 * 3600, seed=seed), index) for seed in SEEDS]
    errors = [s.length_error_pp for s in scores]
    assert pooled_f1(scores) >= 0.97
    assert abs(sum(errors) / len(errors)) <= 3.0
    assert max(abs(e) for e in errors) <= 4.0


def test_covered_segments_match_the_truth_on_a_grid():
    segs = grid_segments(30)
    tracks = simulate_team(segs, members=12, start_t=T, end_t=T + 3 * 3600, seed=5)
    s = score(tracks, SegmentIndex(segs))
    assert s.f1 >= 0.97
    assert abs(s.length_error_pp) <= 3.0
