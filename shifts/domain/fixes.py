"""GPS fixes (one point of a member's track) and the flags that keep bad ones out of coverage.

A fix is a time (UTC epoch seconds) and a position in the storage CRS (metres), with what
the device said about it. Bad fixes are never dropped: `flag_fixes` gives each one a set
of flags from a closed vocabulary (`FLAGS`), callers store them with the fix, and coverage
uses only the fixes whose set is empty.

Order. Devices send batches out of order and repeat them, so every function here first
puts fixes in *track order*: by time, then by x, y, accuracy, speed and heading (a tie-break
on the values, not on the input position, so a shuffled batch is flagged the same way).
`track_order` returns that permutation.

>>> T = 1.7e9  # 2023-11-14
>>> fixes = [Fix(T, 0, 0), Fix(T + 5, 6, 0), Fix(T + 10, 900, 0), Fix(T + 15, 18, 0), Fix(T + 15, 18, 0)]
>>> [sorted(f) for f in flag_fixes(fixes)]
[[], [], ['impossible_speed'], [], ['duplicate']]
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

FLAGS = frozenset({"poor_accuracy", "impossible_speed", "clock", "duplicate", "off_shift", "outside_area"})

EPOCH_2000 = 946_684_800.0  # 2000-01-01T00:00:00Z: a fix older than this is a clock error
DEFAULT_MAX_SPEED_MPS = 15.0  # 54 km/h: patrols walk, cycle or ride e-bikes
DEFAULT_FUTURE_TOLERANCE_S = 300.0
# Loggers write whole seconds: two fixes of one second are up to a second apart, so up to
# max_speed_mps × this apart in space, and then they are one instant, not a clock error
TIME_RESOLUTION_S = 1.0
# A GPS jump of several fixes (the receiver locked onto a reflection and back): a run of at
# most this many fixes and seconds, entered and left by impossible speeds, whose two sides
# agree with each other
MAX_EXCURSION_FIXES = 10
MAX_EXCURSION_S = 60.0


@dataclass(frozen=True, slots=True)
class Fix:
    """One GPS point: `t` UTC epoch seconds, `x`, `y` metres in the storage CRS.
    `starts_piece`: the path is not joined from the fix before it, however near in time
    and place (the device stopped recording between them: a new GPX ``trkseg``, a tablet
    resuming after a pause).

    >>> Fix(1.7e9, 441_000.0, 4_428_000.0, accuracy_m=8.0).accuracy_m
    8.0
    """

    t: float
    x: float
    y: float
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading_deg: float | None = None
    starts_piece: bool = False


def fix_columns(fixes: Sequence[Fix]) -> np.ndarray:
    """The fields of every fix as an (n, 6) float array: t, x, y, accuracy_m, speed_mps,
    heading_deg (None as NaN). One pass over the fixes (a Python loop per field was most
    of `track_order`'s time on a shift's fixes).

    >>> fix_columns([Fix(5.0, 1.0, 2.0, accuracy_m=3.0)]).tolist()
    [[5.0, 1.0, 2.0, 3.0, nan, nan]]
    """
    if not fixes:
        return np.zeros((0, 6))
    return np.array([(f.t, f.x, f.y, f.accuracy_m, f.speed_mps, f.heading_deg) for f in fixes], dtype=float)


def _sort_keys(cols: np.ndarray) -> np.ndarray:
    """`fix_columns` with None and NaN as +inf (sorted last)."""
    out = cols.copy()
    out[np.isnan(out)] = np.inf
    return out


def order_of_columns(cols: np.ndarray) -> np.ndarray:
    """`track_order` of fixes given as `fix_columns`."""
    return np.lexsort(_sort_keys(cols)[:, ::-1].T)


_TXY = (operator.attrgetter("t"), operator.attrgetter("x"), operator.attrgetter("y"))


def order_and_positions(fixes: Sequence[Fix]) -> tuple[np.ndarray, np.ndarray]:
    """`track_order` as an array, and the (n, 3) columns t, x, y. When the times strictly
    increase (a tablet's fixes nearly always) the order is the fixes' own and only three
    fields are read (two thirds of the cost of `fix_columns`, and no sort).

    >>> order, txy = order_and_positions([Fix(10, 0, 0), Fix(5, 2, 0), Fix(5, 1, 0)])
    >>> order.tolist(), txy[:, 0].tolist()
    ([2, 1, 0], [10.0, 5.0, 5.0])
    """
    if not fixes:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
    n = len(fixes)
    t, x, y = (np.fromiter(map(get, fixes), dtype=float, count=n) for get in _TXY)
    if np.all(t[1:] > t[:-1]):
        return np.arange(n), np.column_stack((t, x, y))
    cols = fix_columns(fixes)
    return order_of_columns(cols), cols[:, :3]


def track_order(fixes: Sequence[Fix]) -> list[int]:
    """Indices of `fixes` in track order: time, then x, y, accuracy, speed, heading.

    >>> track_order([Fix(10, 0, 0), Fix(5, 2, 0), Fix(5, 1, 0)])
    [2, 1, 0]
    """
    if not fixes:
        return []
    return order_of_columns(fix_columns(fixes)).tolist()


def _impossible(t: np.ndarray, x: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray,
                max_speed: float, max_gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(impossible, known) for the pairs (i, j): known when both exist and are close in time."""
    n = len(t)
    ok = (i >= 0) & (j >= 0) & (i < n) & (j < n)
    ii, jj = np.where(ok, i, 0), np.where(ok, j, 0)
    dt = np.abs(t[jj] - t[ii])
    known = ok & (dt <= max_gap_s) & (dt > 0)
    d = np.hypot(x[jj] - x[ii], y[jj] - y[ii])
    with np.errstate(divide="ignore", invalid="ignore"):
        impossible = known & (d > max_speed * dt)
    return impossible, known


def _flag_excursions(t: np.ndarray, x: np.ndarray, y: np.ndarray, jump: np.ndarray, speed: np.ndarray,
                     idx: np.ndarray, max_speed: float, max_gap_s: float) -> None:
    """Set `speed` for the fixes of short excursions (two or more fixes; one is the
    single-outlier rule's): `jump[k]`, reaching fix k from k - 1 is impossible; an
    excursion is k..j-1 with jumps at k and j, j - k ≤ MAX_EXCURSION_FIXES, fixes k..j-1
    within MAX_EXCURSION_S, and k - 1 to j possible (the track comes back)."""
    jumps = np.flatnonzero(jump)
    if len(jumps) < 2:
        return
    for k in jumps.tolist():
        if k == 0 or speed[idx[k - 1]]:
            continue
        for j in jumps[(jumps > k) & (jumps <= k + MAX_EXCURSION_FIXES)].tolist():
            if t[j - 1] - t[k] > MAX_EXCURSION_S:
                break
            dt = t[j] - t[k - 1]
            if 0 < dt <= max_gap_s and np.hypot(x[j] - x[k - 1], y[j] - y[k - 1]) <= max_speed * dt:
                # back on the track: the first return ends the excursion (one fix: the
                # single-outlier rule's), unless the fix it returns to is an outlier itself
                if j >= k + 2 and not speed[idx[j]]:
                    speed[idx[k:j]] = True
                break


def flag_fixes(fixes: Sequence[Fix], *, max_accuracy_m: float = 30.0,
               max_speed_mps: float = DEFAULT_MAX_SPEED_MPS, now: float | None = None,
               future_tolerance_s: float = DEFAULT_FUTURE_TOLERANCE_S,
               max_gap_s: float = 120.0, window: tuple[float, float] | None = None,
               area=None) -> list[frozenset[str]]:
    """Each fix's flags, in the order of `fixes` (an empty set: a good fix).

    - ``poor_accuracy``: the device's accuracy is worse than `max_accuracy_m`, or the
      position is not a finite number;
    - ``clock``: the time is before 2000, more than `future_tolerance_s` after `now`
      (when given), not finite, or shared with another fix farther away than one
      `TIME_RESOLUTION_S` of travel at `max_speed_mps` (all fixes of such a timestamp are
      flagged: nothing says which one is right);
    - ``duplicate``: the same time as an earlier fix in track order, at the same position
      or within one `TIME_RESOLUTION_S` of travel of the timestamp's first fix (a logger
      writing 2 fixes a second in whole seconds: one instant; the first copy stays good);
    - ``off_shift``: a valid time (no ``clock`` flag) outside `window` (UTC epoch seconds,
      when given: the shift's time with its grace), e.g. another day's track;
    - ``outside_area``: a position outside `area` (a shapely geometry in the fixes' CRS,
      when given: the district with a margin);
    - ``impossible_speed``: reaching it from its neighbours needs more than
      `max_speed_mps`. Neighbours are the nearest fixes in track order that are not
      flagged otherwise and are at most `max_gap_s` away in time (a fix after a long
      gap says nothing about speed). Robust to one outlier: a fix is flagged when it is
      impossible against both neighbours while the neighbours agree with each other, or,
      at the end of a run, impossible against its one neighbour and that neighbour's
      next one (which agree with each other). So of A, X, B with X 900 m off, only X.
      And a short excursion: a run of up to `MAX_EXCURSION_FIXES` fixes within
      `MAX_EXCURSION_S`, entered and left by impossible speeds while the fixes on its two
      sides agree with each other (A, X1, X2, B: X1 and X2).

    >>> [sorted(f) for f in flag_fixes([Fix(1e9, 0, 0, accuracy_m=80), Fix(5e9, 0, 0)], now=2e9)]
    [['poor_accuracy'], ['clock']]
    >>> [sorted(f) for f in flag_fixes([Fix(1.7e9, 0, 0), Fix(1.7e9, 50, 0)])]
    [['clock'], ['clock']]
    >>> [sorted(f) for f in flag_fixes([Fix(1.7e9, 0, 0), Fix(1.7e9, 0.7, 0), Fix(1.7e9 + 1, 1.4, 0)])]
    [[], ['duplicate'], []]
    >>> walk = [Fix(1.7e9 + 5 * i, 6.5 * i, 150.0 if i in (4, 5) else 0.0) for i in range(10)]
    >>> [i for i, f in enumerate(flag_fixes(walk)) if f]
    [4, 5]
    """
    if not fixes:
        return []
    cols = _sort_keys(fix_columns(fixes)).T
    return flag_columns(*cols, max_accuracy_m=max_accuracy_m, max_speed_mps=max_speed_mps, now=now,
                        future_tolerance_s=future_tolerance_s, max_gap_s=max_gap_s, window=window, area=area)


def flag_columns(t: np.ndarray, x: np.ndarray, y: np.ndarray, accuracy_m: np.ndarray, speed_mps: np.ndarray,
                 heading_deg: np.ndarray, *, max_accuracy_m: float = 30.0,
                 max_speed_mps: float = DEFAULT_MAX_SPEED_MPS, now: float | None = None,
                 future_tolerance_s: float = DEFAULT_FUTURE_TOLERANCE_S,
                 max_gap_s: float = 120.0, window: tuple[float, float] | None = None,
                 area=None) -> list[frozenset[str]]:
    """`flag_fixes` over the fixes' fields as float arrays (None and NaN as +inf): for a caller that has the columns already (the ingestion: no
    `Fix` per row).

    >>> inf = np.inf
    >>> [sorted(f) for f in flag_columns(np.array([1e9, 5e9]), np.zeros(2), np.zeros(2), np.array([80.0, inf]),
    ...                                  np.full(2, inf), np.full(2, inf), now=2e9)]
    [['poor_accuracy'], ['clock']]
    """
    n = len(t)
    if n == 0:
        return []
    cols = {"t": t, "x": x, "y": y, "accuracy_m": accuracy_m, "speed_mps": speed_mps, "heading_deg": heading_deg}
    order = np.lexsort([cols[k] for k in ("heading_deg", "speed_mps", "accuracy_m", "y", "x", "t")])
    t, x, y, acc = (cols[k][order] for k in ("t", "x", "y", "accuracy_m"))
    order = order.tolist()

    poor = ~np.isfinite(x) | ~np.isfinite(y) | (np.isfinite(acc) & (acc > max_accuracy_m))
    clock = ~np.isfinite(t) | (t < EPOCH_2000)
    if now is not None:
        clock |= t > now + future_tolerance_s
    same_t = np.zeros(n, dtype=bool)
    same_t[1:] = t[1:] == t[:-1]
    same_pos = np.zeros(n, dtype=bool)
    same_pos[1:] = (x[1:] == x[:-1]) & (y[1:] == y[:-1])
    duplicate = same_t & same_pos
    # a timestamp shared by positions farther apart than one tick of travel: flag every fix
    # of that timestamp; nearer, the later ones are copies of the instant
    if (same_t & ~same_pos).any():
        first = np.maximum.accumulate(np.where(same_t, 0, np.arange(n)))  # each fix's timestamp's first
        with np.errstate(invalid="ignore"):
            apart = np.hypot(x - x[first], y - y[first]) > max_speed_mps * TIME_RESOLUTION_S
        conflict = same_t & ~same_pos & apart
        if conflict.any():
            clock |= np.isin(t, np.unique(t[conflict]))
        duplicate |= same_t & ~clock
    off_shift = np.zeros(n, dtype=bool)
    if window is not None:
        off_shift = ~clock & ((t < window[0]) | (t > window[1]))
    outside = np.zeros(n, dtype=bool)
    if area is not None:
        finite = np.isfinite(x) & np.isfinite(y)
        outside[finite] = ~shapely.contains_xy(area, x[finite], y[finite])
    other = poor | clock | duplicate | off_shift | outside

    # speed over the fixes not flagged otherwise, in track order
    idx = np.flatnonzero(~other)
    speed = np.zeros(n, dtype=bool)
    m = len(idx)
    if m >= 2:
        tt, xx, yy = t[idx], x[idx], y[idx]
        k = np.arange(m)
        imp_prev, known_prev = _impossible(tt, xx, yy, k, k - 1, max_speed_mps, max_gap_s)
        imp_next, known_next = _impossible(tt, xx, yy, k, k + 1, max_speed_mps, max_gap_s)
        imp_pn, known_pn = _impossible(tt, xx, yy, k - 1, k + 1, max_speed_mps, max_gap_s)
        imp_nn, known_nn = _impossible(tt, xx, yy, k, k + 2, max_speed_mps, max_gap_s)
        imp_n12, known_n12 = _impossible(tt, xx, yy, k + 1, k + 2, max_speed_mps, max_gap_s)
        imp_pp, known_pp = _impossible(tt, xx, yy, k, k - 2, max_speed_mps, max_gap_s)
        imp_p12, known_p12 = _impossible(tt, xx, yy, k - 1, k - 2, max_speed_mps, max_gap_s)
        middle = imp_prev & imp_next & known_pn & ~imp_pn
        # at a run's end (one neighbour known), use the neighbour's neighbour as the referee
        start = ~known_prev & imp_next & known_nn & imp_nn & known_n12 & ~imp_n12
        end = ~known_next & imp_prev & known_pp & imp_pp & known_p12 & ~imp_p12
        # two neighbours known but disagreeing with each other: flag X only when it is
        # impossible against both and against both second neighbours as well
        both_far = imp_prev & imp_next & known_pn & imp_pn & imp_nn & imp_pp & known_nn & known_pp
        speed[idx[middle | start | end | both_far]] = True
        _flag_excursions(tt, xx, yy, imp_prev & known_prev, speed, idx, max_speed_mps, max_gap_s)

    out: list[frozenset[str]] = [frozenset()] * n
    for pos in np.flatnonzero(other | speed).tolist():  # most fixes have none
        original = order[pos]
        flags = []
        if poor[pos]:
            flags.append("poor_accuracy")
        if clock[pos]:
            flags.append("clock")
        if duplicate[pos]:
            flags.append("duplicate")
        if speed[pos]:
            flags.append("impossible_speed")
        if off_shift[pos]:
            flags.append("off_shift")
        if outside[pos]:
            flags.append("outside_area")
        out[original] = frozenset(flags)
    return out


def piece_starts(marks: np.ndarray, good: np.ndarray) -> np.ndarray:
    """For each good fix, in track order: whether the path breaks before it. `marks` and
    `good` are per fix in track order (a mark: the device started recording again at that
    fix). A mark on a flagged fix moves on to the next good one: a receiver's first fix
    after a restart is often a poor one, and the gap before it is still no walk. The first
    good fix breaks nothing (what came before it is not in the call).

    >>> piece_starts(np.array([False, False, True, False, False]), np.array([True, True, False, True, True])).tolist()
    [False, False, True, False]
    """
    at = np.flatnonzero(good)
    out = np.zeros(len(at), dtype=bool)
    if len(at) > 1:
        seen = np.cumsum(marks)
        out[1:] = seen[at[1:]] > seen[at[:-1]]
    return out


def path_breaks(t: np.ndarray, part: np.ndarray, good: np.ndarray) -> np.ndarray:
    """Per fix, in the order given: whether the path breaks before it, for fixes read from
    a file whose track is recorded in parts (`part`: the GPX ``trkseg`` or a CSV's segment
    column, any numbers). In time order, a fix whose part differs from the one before starts
    a new recording; the break is put on the first good fix from there (`piece_starts`), so
    that it is stored where coverage, which reads good fixes only, finds it.

    >>> path_breaks(np.array([10.0, 0.0, 5.0, 15.0]), np.array([1, 0, 0, 1]), np.array([False, True, True, True])).tolist()
    [False, False, False, True]
    """
    n = len(t)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    order = np.argsort(t, kind="stable")
    p = part[order]
    marks = np.r_[False, p[1:] != p[:-1]]
    good_in_order = good[order]
    out[order[good_in_order]] = piece_starts(marks, good_in_order)
    return out


def good_fixes(fixes: Sequence[Fix], flags: Sequence[frozenset[str]] | None = None, **kwargs) -> list[Fix]:
    """The fixes without flags, in track order (`flags` computed with `flag_fixes` when not given).

    >>> [f.x for f in good_fixes([Fix(1.7e9 + 10, 5, 0), Fix(1.7e9, 0, 0), Fix(1.7e9, 0, 0)])]
    [0, 5]
    """
    if flags is None:
        flags = flag_fixes(fixes, **kwargs)
    if len(flags) != len(fixes):
        raise ValueError("one set of flags per fix")
    return [fixes[i] for i in track_order(fixes) if not flags[i]]
