"""carry: an ended shift's covered pieces, measured along the line it walked, put on the
segment's line as a re-import left it (shifts.domain.aggregates). Pure: no database."""
import math

import pytest
from shapely import LineString

from shifts.domain.aggregates import carry, union

WALKED = LineString([(0, 0), (100, 0)])


def test_a_line_moved_sideways_keeps_the_piece_where_it_was_on_the_ground():
    assert carry([(10, 40)], WALKED, LineString([(-20, 3), (100, 3)])) == [(30.0, 60.0)]


def test_a_line_turned_round_gives_the_same_stretch_counted_from_the_other_end():
    assert carry([(10, 40)], WALKED, LineString([(100, 2), (0, 2)])) == [(60.0, 90.0)]


def test_a_bend_the_re_import_added_is_not_covered_by_a_walk_that_went_straight_on():
    # today's line goes round a 40 m loop between x=40 and x=60; the shift walked the old
    # straight line from 10 to 90: 30 m before the loop and 30 m after it, not the loop's 100 m
    today = LineString([(0, 3), (40, 3), (40, 43), (60, 43), (60, 3), (100, 3)])
    pieces = carry([(10, 90)], WALKED, today)
    covered = sum(b - a for a, b in union(pieces))
    assert covered == pytest.approx(60.0, abs=5.0)
    # no piece reaches into the loop (measures 40..140 along today's line)
    assert all(b <= 40.0 + 1e-6 or a >= 140.0 - 1e-6 for a, b in pieces)


def test_a_walk_along_a_curve_that_moved_follows_the_curve():
    arc = LineString([(50 * math.cos(t / 20 * math.pi), 50 * math.sin(t / 20 * math.pi)) for t in range(21)])
    moved = LineString([(52 * math.cos(t / 40 * math.pi), 52 * math.sin(t / 40 * math.pi)) for t in range(41)])
    (a, b), = carry([(0, arc.length / 2)], arc, moved)
    assert a == pytest.approx(0.0, abs=1.0)
    assert b == pytest.approx(moved.length / 2, abs=2.0)


def test_pieces_given_end_first_and_pieces_of_no_length():
    today = LineString([(0, 1), (100, 1)])
    assert carry([(40, 10)], WALKED, today) == [(10.0, 40.0)]
    assert carry([(30, 30)], WALKED, today) == []
