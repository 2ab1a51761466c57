"""The simulator: deterministic for a seed, its truth consistent with its route, its
receiver as noisy as configured."""
import subprocess
import sys

import numpy as np
from shapely import Point

from shifts.domain.fixes import flag_fixes
from shifts.domain.simulate import SPEEDS, segment_graph, simulate_member, simulate_team

from .networks import ROOT, demo_segments, grid_segments

T = 1_750_000_000.0


def test_the_demo_network_is_mostly_connected():
    g = segment_graph(demo_segments())
    assert len(g.ends) == 83
    assert sum(len(v) >= 3 for v in g.at.values()) > 20  # junctions


def test_same_seed_same_tracks_and_another_seed_other_tracks():
    segs = demo_segments()
    a = simulate_team(segs, members=3, start_t=T, end_t=T + 1800, seed=7)
    b = simulate_team(segs, members=3, start_t=T, end_t=T + 1800, seed=7)
    c = simulate_team(segs, members=3, start_t=T, end_t=T + 1800, seed=8)
    assert a == b and a != c


def test_the_same_seed_gives_the_same_fixes_in_another_process():
    code = ("from tests.shifts.domain.networks import demo_segments;"
            "from shifts.domain.simulate import simulate_member;"
            "s = simulate_member(demo_segments(), start_t=1.75e9, end_t=1.75e9 + 600, seed=3);"
            "import hashlib; print(hashlib.sha256(repr((s.fixes, s.route, s.truth)).encode()).hexdigest())")
    runs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                           env={"PYTHONHASHSEED": str(i)}, check=True).stdout for i in (1, 2)}
    assert len(runs) == 1


def test_truth_follows_the_route_and_the_speed():
    segs = grid_segments(20)
    sim = simulate_member(segs, start_t=T, end_t=T + 3600, seed=4, mode="walk", stops=1, stop_s=(600, 600))
    lo, hi = SPEEDS["walk"]
    assert lo <= sim.speed_mps <= hi
    travelled = sum(b - a for v in sim.truth.values() for a, b in v)
    # walked for the shift less the stop; the truth is the union, so a segment walked twice counts once
    assert travelled <= sim.speed_mps * 3000 + 1
    assert {sid for sid, _ in sim.route} == set(sim.truth)
    for (a, fa), (b, fb) in zip(sim.route, sim.route[1:], strict=False):  # legs connect
        g = segment_graph(segs)
        end_a = g.ends[a][1] if fa else g.ends[a][0]
        start_b = g.ends[b][0] if fb else g.ends[b][1]
        assert end_a == start_b


def test_the_receiver_has_noise_outliers_gaps_and_a_stop():
    segs = grid_segments(20)
    sim = simulate_member(segs, start_t=T, end_t=T + 4 * 3600, seed=6, sigma_m=(12, 12), outlier_share=0.03,
                          gaps=2, gap_s=(240, 240))
    t = np.array([f.t for f in sim.fixes])
    assert (np.diff(t) >= 240).sum() == 2 or (np.diff(t) > 200).sum() >= 1
    flags = flag_fixes(sim.fixes)
    outliers = sum("impossible_speed" in f for f in flags)
    assert 0.015 * len(t) < outliers < 0.05 * len(t)
    # during the stop the fixes scatter around one point with about the configured sigma
    (a, b), = sim.stops
    pts = np.array([(f.x, f.y) for f, fl in zip(sim.fixes, flags, strict=True) if a + 60 < f.t < b - 60 and not fl])
    spread = pts.std(axis=0).mean()
    assert 8 < spread < 18
    d = min(g.distance(Point(pts.mean(axis=0))) for g in segs.values())
    assert d < 10
