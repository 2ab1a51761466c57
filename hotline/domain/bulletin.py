"""The weekly bulletin (周通报) as the district's papers write it, from the metrics alone.

"本周共受理诉求N件，同比减少M件，下降P%；响应率…，同比提高…个百分点；…" then the best
street offices and those flagged for focused governance (重点治理). Percent changes of a
rate are said in percentage points (个百分点): the newspaper's "提高了3.19%" means points.

>>> from decimal import Decimal as D
>>> from hotline.domain.metrics import Change, RankedUnit, UnitMetrics
>>> total = UnitMetrics("全区", 8467, Change(-1684, D("-16.59")),
...     {"response": D("99.10"), "resolution": D("92.35"), "satisfaction": D("93.27")},
...     {"response": D("0.00"), "resolution": D("3.19"), "satisfaction": D("4.27")}, D("93.22"), D("3.4"))
>>> print(volume_sentence("本年度", total))
本年度共受理诉求8467件，同比减少1684件，下降16.59%。
>>> print(rates_sentence(total))
响应率99.10%，与去年同期持平；解决率92.35%，同比提高3.19个百分点；满意率93.27%，同比提高4.27个百分点。
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .metrics import RATE_LABELS, RATES, Change, RankedUnit, UnitMetrics


def _num(d: Decimal) -> str:
    return f"{d:.2f}"


def change_phrase(change: Change) -> str:
    """'同比增加12件，上升5.00%' / '同比减少…，下降…' / '与去年同期持平' / '去年同期无诉求'.

    >>> change_phrase(Change(12, Decimal("5.00"))), change_phrase(Change(3, None))
    ('同比增加12件，上升5.00%', '同比增加3件（去年同期无诉求）')
    """
    if change.count == 0:
        return "与去年同期持平"
    word, trend = ("增加", "上升") if change.count > 0 else ("减少", "下降")
    if change.percent is None:
        return f"同比{word}{abs(change.count)}件（去年同期无诉求）"
    return f"同比{word}{abs(change.count)}件，{trend}{_num(abs(change.percent))}%"


def points_phrase(points: Decimal | None) -> str:
    """'同比提高3.19个百分点' / '同比下降…' / '与去年同期持平' / '去年同期无可比数据'.

    >>> points_phrase(Decimal("-0.50")), points_phrase(None)
    ('同比下降0.50个百分点', '去年同期无可比数据')
    """
    if points is None:
        return "去年同期无可比数据"
    if points == 0:
        return "与去年同期持平"
    return f"同比{'提高' if points > 0 else '下降'}{_num(abs(points))}个百分点"


def volume_sentence(when: str, m: UnitMetrics) -> str:
    return f"{when}共受理诉求{m.volume}件，{change_phrase(m.volume_change)}。"


def rates_sentence(m: UnitMetrics) -> str:
    parts = []
    for key in RATES:
        value = m.rates.get(key)
        if value is None:
            parts.append(f"{RATE_LABELS[key]}暂无参评工单")
        else:
            parts.append(f"{RATE_LABELS[key]}{_num(value)}%，{points_phrase(m.changes.get(key))}")
    return "；".join(parts) + "。"


@dataclass(frozen=True)
class Bulletin:
    title: str
    period: str
    paragraphs: tuple[str, ...]
    note: str | None = None  # a period in progress: counted to date, set against the same days

    @property
    def text(self) -> str:
        return "\n".join((self.title, self.period, *((self.note,) if self.note else ()), *self.paragraphs))


def weekly_bulletin(*, district: str, period_label: str, total: UnitMetrics, ranking: list[RankedUnit],
                    previous_volume: int | None = None, top: int = 3, when: str = "本周", so_far: str = "",
                    note: str | None = None) -> Bulletin:
    """The bulletin's paragraphs: volume, rates, the best units (the first `top` not flagged),
    the flagged ones. Of a period in progress, `so_far` ('本周截至12月2日') opens the volume
    sentence, the previous period is compared by its same days (比上周同期) and `note` says how.

    >>> from hotline.domain.metrics import Tally, rank_units, unit_metrics, DEFAULT_WEIGHTS
    >>> a = unit_metrics("甲街道", Tally(4, 4, 4, 4, 4, 4, 4), Tally(5, 5, 5, 5, 5, 5, 5), DEFAULT_WEIGHTS)
    >>> b = unit_metrics("乙街道", Tally(2, 2, 2, 1, 2, 1, 2), Tally(), DEFAULT_WEIGHTS)
    >>> bulletin = weekly_bulletin(district="海淀区", period_label="2026年第48周", total=a,
    ...                            ranking=rank_units([a, b], flag_bottom=1), previous_volume=5)
    >>> print(bulletin.paragraphs[0])
    本周共受理诉求4件，同比减少1件，下降20.00%；比上周减少1件。
    >>> print(bulletin.paragraphs[2])
    综合得分排名前列的是：甲街道（100.00分）。
    >>> print(bulletin.paragraphs[3])
    列为重点治理的是：乙街道（第2名，55.00分；综合得分排名后1位），请相关单位认真分析诉求原因，限期整改。
    """
    first = volume_sentence(so_far or when, total)
    if previous_volume is not None:
        diff = total.volume - previous_volume
        week = {"本周": "上周", "本月": "上月"}.get(when, "上期") + ("同期" if so_far else "")
        tail = f"比{week}{'增加' if diff > 0 else '减少'}{abs(diff)}件" if diff else f"与{week}持平"
        first = first[:-1] + f"；{tail}。"
    paragraphs = [first, rates_sentence(total)]
    scored = [r for r in ranking if r.rank is not None]
    candidates = [r for r in scored if not r.flagged]  # a unit flagged for governance is no model
    leaders = candidates[:top]
    # Equal scores share a rank: a tie at the cut is named whole, not cut by the names' order.
    while leaders and len(leaders) < len(candidates) and candidates[len(leaders)].rank == leaders[-1].rank:
        leaders.append(candidates[len(leaders)])
    if leaders:
        best = "、".join(f"{r.metrics.name}（{_num(r.metrics.score)}分）" for r in leaders)
        paragraphs.append(f"综合得分排名前列的是：{best}。")
    flagged = [r for r in scored if r.flagged]
    if flagged:
        names = "、".join(f"{r.metrics.name}（第{r.rank}名，{_num(r.metrics.score)}分；{'，'.join(r.reasons)}）"
                         for r in flagged)
        paragraphs.append(f"列为重点治理的是：{names}，请相关单位认真分析诉求原因，限期整改。")
    elif scored:
        paragraphs.append("本期无列为重点治理的单位。")
    return Bulletin(title=f"{district}接诉即办工作周通报" if when == "本周" else f"{district}接诉即办工作通报",
                    period=period_label, paragraphs=tuple(paragraphs), note=note)
