"""Flags of GPS fixes: bad fixes are named, never dropped, and the flags do not depend on
the order fixes arrive in."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString

from shifts.domain.coverage import covered_intervals
from shifts.domain.fixes import FLAGS, Fix, flag_fixes, good_fixes, track_order

T = 1_750_000_000.0  # 2025-06-15


def walk(n, dx=6.0):
    return [Fix(T + 5 * i, dx * i, 0.0, accuracy_m=8.0) for i in range(n)]


def test_a_clean_walk_has_no_flags():
    assert all(f == frozenset() for f in flag_fixes(walk(50)))


def test_one_outlier_between_consistent_fixes_is_the_one_flagged():
    fixes = walk(20)
    fixes[10] = Fix(fixes[10].t, fixes[10].x + 250.0, 0.0, accuracy_m=8.0)
    flags = flag_fixes(fixes)
    assert [i for i, f in enumerate(flags) if f] == [10]
    assert flags[10] == {"impossible_speed"}


def test_an_outlier_at_either_end_of_the_track_is_flagged():
    fixes = walk(10)
    fixes[0] = Fix(fixes[0].t, 0.0, 300.0)
    fixes[-1] = Fix(fixes[-1].t, fixes[-1].x, -300.0)
    flags = flag_fixes(fixes)
    assert [i for i, f in enumerate(flags) if f] == [0, 9]


def test_after_a_long_gap_a_far_fix_is_not_an_impossible_speed():
    fixes = walk(5) + [Fix(T + 5 * 4 + 600, 5_000.0, 0.0), Fix(T + 5 * 4 + 605, 5_006.0, 0.0)]
    assert all(not f for f in flag_fixes(fixes))


def test_poor_accuracy_is_flagged_and_the_threshold_is_configurable():
    fixes = [Fix(T, 0, 0, accuracy_m=31.0), Fix(T + 5, 6, 0, accuracy_m=30.0)]
    assert flag_fixes(fixes) == [{"poor_accuracy"}, frozenset()]
    assert flag_fixes(fixes, max_accuracy_m=50) == [frozenset(), frozenset()]


def test_clock_errors_before_2000_in_the_future_and_shared_timestamps():
    fixes = [Fix(900_000_000.0, 0, 0), Fix(T, 0, 0), Fix(T + 5, 3, 0), Fix(T + 5, 40, 0), Fix(T + 7200, 9, 0)]
    flags = flag_fixes(fixes, now=T + 60)
    assert flags[0] == {"clock"}
    assert flags[1] == frozenset()
    assert flags[2] == flags[3] == {"clock"}  # same time, different places: nothing says which is right
    assert flags[4] == {"clock"}


def test_an_exact_repeat_is_a_duplicate_and_the_first_copy_stays_good():
    fixes = [Fix(T, 0, 0), Fix(T + 5, 6, 0), Fix(T + 5, 6, 0)]
    assert flag_fixes(fixes) == [frozenset(), frozenset(), {"duplicate"}]
    assert len(good_fixes(fixes)) == 2


def test_track_order_breaks_time_ties_by_value_not_by_arrival():
    a, b = Fix(T, 5, 0), Fix(T, 1, 0)
    assert [[a, b][i] for i in track_order([a, b])] == [[b, a][i] for i in track_order([b, a])]


fix_strategy = st.builds(
    Fix,
    t=st.floats(min_value=T - 1e9, max_value=T + 1e6, allow_nan=False),
    x=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    y=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    accuracy_m=st.none() | st.floats(min_value=0, max_value=100),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(fix_strategy, max_size=30), st.randoms(use_true_random=False))
def test_flags_are_from_the_closed_set_one_per_fix_and_independent_of_order(fixes, rnd):
    flags = flag_fixes(fixes, now=T)
    assert len(flags) == len(fixes)
    assert all(f <= FLAGS for f in flags)
    shuffled = list(range(len(fixes)))
    rnd.shuffle(shuffled)
    again = flag_fixes([fixes[i] for i in shuffled], now=T)
    by_fix = {}
    for i, f in zip(shuffled, again, strict=True):
        by_fix.setdefault(fixes[i], []).append(f)
    for fx, f in zip(fixes, flags, strict=True):
        assert f in by_fix[fx]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=20))
def test_a_single_wild_fix_in_a_steady_walk_is_flagged_or_harmless(offsets):
    fixes = walk(len(offsets) + 4)
    k = 2
    wild = Fix(fixes[k].t, fixes[k].x + offsets[0], fixes[k].y)
    fixes[k] = wild
    flags = flag_fixes(fixes)
    assert [i for i, f in enumerate(flags) if f] in ([], [k])
    if abs(offsets[0]) > 100:
        assert flags[k] == {"impossible_speed"}


def test_a_logger_writing_two_fixes_a_second_in_whole_seconds_keeps_one_per_second():
    """2 Hz with whole-second times: every timestamp twice, 0.7 m apart. Every fix was
    flagged `clock` and the track painted nothing."""
    fixes = [Fix(T + i // 2, 0.7 * i, 0.0) for i in range(400)]
    flags = flag_fixes(fixes)
    assert [sorted(f) for f in flags[:4]] == [[], ["duplicate"], [], ["duplicate"]]
    assert sum(1 for f in flags if not f) == 200
    # farther apart than a second's travel at the speed limit: still a clock conflict
    assert [sorted(f) for f in flag_fixes([Fix(T, 0, 0), Fix(T, 40, 0), Fix(T + 1, 1, 0)])] == [
        ["clock"], ["clock"], []]


@pytest.mark.parametrize("run", [2, 3, 8])
def test_a_jump_of_several_fixes_away_and_back_is_flagged(run):
    """A jump of two or more fixes agreed with itself, so none was flagged and the
    coverage painted a road 150 m away that nobody walked."""
    fixes = [Fix(T + 5 * i, 6.5 * i, 152.0 if 20 <= i < 20 + run else 2.0) for i in range(60)]
    flags = flag_fixes(fixes)
    assert [i for i, f in enumerate(flags) if f] == list(range(20, 20 + run))
    assert all(flags[i] == {"impossible_speed"} for i in range(20, 20 + run))
    segs = {1: LineString([(0, 0), (400, 0)]), 7: LineString([(0, 150), (400, 150)])}
    cov = covered_intervals(fixes, segs)
    assert 7 not in cov and len(cov[1]) == 1  # and road 1 has no hole where the jump was


def test_a_long_departure_is_not_an_excursion():
    """Riding off at a legal speed and a single outlier on either side stay as they were."""
    fixes = [Fix(T + 5 * i, 6.5 * i, 0.0) for i in range(30)]
    fixes[10] = Fix(T + 50, 65, 900)  # one outlier
    fixes[13] = Fix(T + 65, 84.5, 900)  # another, two fixes later
    flags = flag_fixes(fixes)
    assert [i for i, f in enumerate(flags) if f] == [10, 13]
