"""The weekly bulletin's sentences, written from metrics worked out by hand, and its PDF."""
import datetime as dt
import shutil
import subprocess
from decimal import Decimal as D

import pytest

from hotline.domain.bulletin import weekly_bulletin
from hotline.domain.metrics import (
    Tally,
    as_of,
    parse_period_key,
    rank_units,
    same_period_last_year,
    so_far_phrase,
    to_date_note,
    unit_metrics,
)
from hotline.exporters.bulletin_pdf import bulletin_pdf

W = {"response": 10, "resolution": 45, "satisfaction": 45}


def _bulletin():
    # 甲: 10 orders (12 last year): responded 10/10, resolved 9/10 = 90 %, satisfied 9/10 = 90 %
    #     score (100×10 + 90×45 + 90×45) / 100 = 91.00; last year resolved 9/12 = 75 %: +15.00 points
    # 乙: 5 orders (5 last year): responded 4/5 = 80 %, resolved 3/5 = 60 %, satisfied 2/5 = 40 %
    #     score (80×10 + 60×45 + 40×45) / 100 = (800 + 2700 + 1800) / 100 = 53.00
    a = unit_metrics("甲街道", Tally(10, 10, 10, 9, 10, 9, 10), Tally(12, 12, 12, 9, 12, 9, 12), W)
    b = unit_metrics("乙街道", Tally(5, 4, 5, 3, 5, 2, 5), Tally(5, 5, 5, 5, 5, 5, 5), W)
    # The whole district: 15 orders against 17: −2, −2/17 = −11.76 %; responded 14/15 = 93.33 %
    # (last year 17/17 = 100 %: −6.67 points); resolved 12/15 = 80 % (14/17 = 82.35 %: −2.35);
    # satisfied 11/15 = 73.33 % (14/17 = 82.35 %: −9.02).
    total = unit_metrics("全区", Tally(15, 14, 15, 12, 15, 11, 15), Tally(17, 17, 17, 14, 17, 14, 17), W)
    return weekly_bulletin(district="海淀区", period_label="2026年第48周（11月23日至11月29日）", total=total,
                           ranking=rank_units([a, b], flag_bottom=1, flag_below=D("85")), previous_volume=18)


def test_the_bulletin_says_volume_rates_best_and_flagged_in_the_papers_style():
    b = _bulletin()
    assert b.title == "海淀区接诉即办工作周通报"
    assert b.paragraphs == (
        "本周共受理诉求15件，同比减少2件，下降11.76%；比上周减少3件。",
        "响应率93.33%，同比下降6.67个百分点；解决率80.00%，同比下降2.35个百分点；满意率73.33%，同比下降9.02个百分点。",
        "综合得分排名前列的是：甲街道（91.00分）。",  # not 乙街道: flagged, it is no model
        "列为重点治理的是：乙街道（第2名，53.00分；综合得分排名后1位，综合得分低于85分），请相关单位认真分析诉求原因，限期整改。",
    )


def test_a_flagged_unit_is_never_among_the_best_and_a_tie_of_all_flags_none():
    units = [unit_metrics(n, Tally(4, 4, 4, k, 4, k, 4), Tally(), W) for n, k in
             (("甲街道", 4), ("乙街道", 3), ("丙街道", 2), ("丁街道", 1))]
    b = weekly_bulletin(district="海淀区", period_label="第48周", total=units[0],
                        ranking=rank_units(units, flag_bottom=2, flag_below=D("60")))
    assert b.paragraphs[2] == "综合得分排名前列的是：甲街道（100.00分）、乙街道（77.50分）。"
    assert b.paragraphs[3].startswith("列为重点治理的是：丙街道（第3名") and "丁街道（第4名" in b.paragraphs[3]
    # Everyone below the threshold: no one is named among the best.
    b = weekly_bulletin(district="海淀区", period_label="第48周", total=units[0],
                        ranking=rank_units(units, flag_bottom=2, flag_below=D("101")))
    assert not any(p.startswith("综合得分排名前列") for p in b.paragraphs)
    # Everyone tied: none is last, none flagged.
    tied = [unit_metrics(n, Tally(2, 2, 2, 2, 2, 2, 2), Tally(), W) for n in ("甲街道", "乙街道", "丙街道", "丁街道")]
    b = weekly_bulletin(district="海淀区", period_label="第48周", total=tied[0], ranking=rank_units(tied, flag_bottom=2))
    assert b.paragraphs[-1] == "本期无列为重点治理的单位。"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_the_bulletin_pdf_reads_back_as_its_text(tmp_path):
    pdf = bulletin_pdf(_bulletin())
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "海淀区接诉即办工作周通报" in flat
    assert "本周共受理诉求15件，同比减少2件，下降11.76%；比上周减少3件。" in flat
    assert "乙街道（第2名，53.00分" in flat


def test_a_week_in_progress_is_said_so_in_the_bulletin_and_its_pdf(tmp_path):
    p = as_of(parse_period_key("week", "2026-W49"), dt.date(2026, 12, 2))
    note = to_date_note(p, same_period_last_year(p))
    # 3 orders so far against 3 on last year's Monday to Wednesday; 2 on last week's.
    total = unit_metrics("全区", Tally(3, 3, 3, 3, 3, 3, 3), Tally(3, 3, 3, 3, 3, 3, 3), W)
    b = weekly_bulletin(district="海淀区", period_label=p.label, total=total, ranking=rank_units([total]),
                        previous_volume=2, so_far=so_far_phrase(p), note=note)
    assert b.note == "本周截至12月2日（周三），同比按去年同期同日数（2025年12月1日至12月3日），环比按上周同日数。"
    assert b.paragraphs[0] == "本周截至12月2日（周三）共受理诉求3件，与去年同期持平；比上周同期增加1件。"
    assert b.text.splitlines()[2] == b.note
    if shutil.which("pdftotext"):
        path = tmp_path / "b.pdf"
        path.write_bytes(bulletin_pdf(b))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert b.note in flat and b.paragraphs[0] in flat
