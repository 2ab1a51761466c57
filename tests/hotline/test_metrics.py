"""The metrics' arithmetic, checked against numbers worked out by hand (in the comments),
starting with the source's sentence: "年度诉求总量比去年同期减少了1684件，同比下降了16.59%，
诉求解决率提高了3.19%，满意率提高了4.27%"."""
import datetime as dt
from decimal import Decimal as D

import pytest

from hotline.domain.metrics import (
    Tally,
    composite_score,
    parse_period_key,
    period_of,
    points_change,
    rank_units,
    rate,
    same_period_last_year,
    unit_metrics,
    volume_change,
)

W = {"response": 10, "resolution": 45, "satisfaction": 45}


def test_the_sources_volume_sentence_needs_a_base_of_10151():
    # 10151 − 1684 = 8467 complaints this year; 1684 / 10151 = 0.165895 → 16.59 %.
    change = volume_change(8467, 10151)
    assert change.count == -1684
    assert change.percent == D("-16.59")


def test_the_sources_rate_changes_are_percentage_points_of_the_printed_rates():
    # 7819 / 8467 = 0.923468 → 92.35 %; 9051 / 10151 = 0.891636 → 89.16 %; 92.35 − 89.16 = 3.19.
    this_year = Tally(total=8467, resolved=7819, resolution_assessed=8467, satisfied=7900, satisfaction_assessed=8467)
    # 7900 / 8467 = 0.933034 → 93.30 %; 9037 / 10151 = 0.890257 → 89.03 %; 93.30 − 89.03 = 4.27.
    last_year = Tally(total=10151, resolved=9051, resolution_assessed=10151, satisfied=9037,
                      satisfaction_assessed=10151)
    m = unit_metrics("方庄街道", this_year, last_year, W)
    assert (m.volume_change.count, m.volume_change.percent) == (-1684, D("-16.59"))
    assert (m.rates["resolution"], m.changes["resolution"]) == (D("92.35"), D("3.19"))
    assert (m.rates["satisfaction"], m.changes["satisfaction"]) == (D("93.30"), D("4.27"))
    assert m.rates["response"] is None  # nothing assessed for response: no rate, not 0 %


def test_rates_round_half_up_to_two_decimals():
    assert rate(1, 8) == D("12.50")
    assert rate(1, 3) == D("33.33")
    assert rate(2, 3) == D("66.67")
    assert rate(1, 800) == D("0.13")  # 0.125 → 0.13 (half up, not to even)
    assert rate(0, 0) is None


def test_orders_not_assessed_stay_out_of_the_denominator():
    # 5 orders: 3 assessed for satisfaction, 2 of them satisfied → 2/3 = 66.67 %, not 2/5.
    t = Tally(total=5, satisfied=2, satisfaction_assessed=3)
    assert unit_metrics("甲", t, Tally(), W).rates["satisfaction"] == D("66.67")


def test_composite_score_is_the_weighted_mean_of_the_rates():
    # (98 × 10 + 90 × 45 + 85 × 45) / 100 = (980 + 4050 + 3825) / 100 = 88.55
    assert composite_score(D("98"), D("90"), D("85"), W) == D("88.55")
    # Without a satisfaction rate the other two weigh alone: (98 × 10 + 90 × 45) / 55 = 91.4545… → 91.45
    assert composite_score(D("98"), D("90"), None, W) == D("91.45")
    assert composite_score(D("50"), D("50"), D("50"), {"response": 1, "resolution": 1, "satisfaction": 1}) == D("50.00")


def test_a_tiny_district_is_scored_and_ranked_by_hand():
    # 甲: 4 orders, all responded; resolved 3/4 = 75 %; satisfied 2/4 = 50 %
    #     score = (100×10 + 75×45 + 50×45) / 100 = (1000 + 3375 + 2250) / 100 = 66.25
    # 乙: 2 orders, responded 2/2; resolved 2/2; satisfied 2/2 → 100.00
    # 丙: 3 orders, responded 2/3 = 66.67; resolved 3/3 = 100; satisfied 3/3 = 100
    #     score = (66.67×10 + 100×45 + 100×45) / 100 = (666.7 + 9000) / 100 = 96.667 → 96.67
    a = unit_metrics("甲", Tally(4, 4, 4, 3, 4, 2, 4), Tally(2, 2, 2, 2, 2, 2, 2), W)
    b = unit_metrics("乙", Tally(2, 2, 2, 2, 2, 2, 2), Tally(), W)
    c = unit_metrics("丙", Tally(3, 2, 3, 3, 3, 3, 3), Tally(3, 3, 3, 3, 3, 3, 3), W)
    assert (a.score, b.score, c.score) == (D("66.25"), D("100.00"), D("96.67"))
    assert a.volume_change.count == 2 and a.volume_change.percent == D("100.00")  # 4 vs 2
    assert b.volume_change.percent is None  # nothing last year: no percent
    assert a.changes["resolution"] == D("-25.00")  # 75.00 − 100.00
    rows = rank_units([a, b, c], flag_bottom=1, flag_below=D("70"))
    assert [(r.rank, r.metrics.name, r.flagged) for r in rows] == [(1, "乙", False), (2, "丙", False), (3, "甲", True)]
    assert rows[2].reasons == ("综合得分排名后1位", "综合得分低于70分")


def test_equal_scores_share_a_rank_and_a_tie_at_the_cut_is_flagged_together_within_half():
    def units(*pairs):
        return [unit_metrics(n, Tally(1, 1, 1, r, 1, r, 1), Tally(), W) for n, r in pairs]

    # 甲, 丁 100; 乙 and 丙 both (100×10)/100 = 10.00: rank 3 twice, both flagged (the cut falls in
    # the tie, and two of four is half).
    rows = rank_units(units(("甲", 1), ("丁", 1), ("乙", 0), ("丙", 0)), flag_bottom=1)
    assert [(r.rank, r.metrics.name, r.flagged) for r in rows] == [
        (1, "丁", False), (1, "甲", False), (3, "丙", True), (3, "乙", True)]
    # Of three, flagging the tie would flag two, more than half: neither is flagged by rank.
    rows = rank_units(units(("甲", 1), ("乙", 0), ("丙", 0)), flag_bottom=1)
    assert [(r.rank, r.metrics.name, r.flagged) for r in rows] == [(1, "甲", False), (2, "丙", False), (2, "乙", False)]


def test_when_every_unit_scores_the_same_none_is_last():
    tied = [unit_metrics(n, Tally(k, k, k, k, k, k, k), Tally(), W) for n, k in (("甲", 2), ("乙", 3), ("丙", 5))]
    for flag_bottom in (1, 2, 3):
        rows = rank_units(tied, flag_bottom=flag_bottom)
        assert [(r.rank, r.flagged) for r in rows] == [(1, False)] * 3
    # A threshold still flags whoever is below it, tie or not.
    assert all(r.flagged for r in rank_units(tied, flag_bottom=2, flag_below=D("100.01")))


def test_weeks_are_iso_weeks_and_last_year_is_the_same_week_number():
    p = period_of("week", dt.date(2026, 11, 29))  # a Sunday
    assert (p.start, p.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    last = same_period_last_year(p)
    assert (last.start, last.end) == (dt.date(2025, 11, 24), dt.date(2025, 11, 30))  # 2025-W48
    m = period_of("month", dt.date(2024, 2, 10))
    assert (m.start, m.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert same_period_last_year(m).end == dt.date(2023, 2, 28)


@pytest.mark.parametrize("key", ["2026-W60", "2026-13", "abc", "2026W1", "0001-W01", "9999-W52"])
def test_a_malformed_period_is_refused_in_chinese(key):
    kind = "month" if key == "2026-13" else "week"
    with pytest.raises(ValueError, match="统计周期"):
        parse_period_key(kind, key)


def test_points_change_needs_both_rates():
    assert points_change(D("90.00"), None) is None
    assert points_change(D("90.00"), D("91.50")) == D("-1.50")
