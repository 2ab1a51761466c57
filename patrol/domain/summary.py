"""The summary of a joint inspection, written the way the district newspaper writes it.

After a joint inspection (联合检查: the street office's 平安办 leads, 城管办, 执法队,
市场所, police and traffic police join) the report counts what was done:

    据统计，此次检查共劝阻并整改店外经营7家，规范电动自行车停放10处，劝离违章停车8辆，
    对1辆特种设备车辆、2辆三轮摩托车进行扣分、罚款处罚。

The rules behind that sentence, implemented generally:

* each non-penalty outcome is a clause "{kinds joined by 并}{target}{count}{measure word}",
  in the order the records come, the first clause after 共;
* penalties (扣分, 罚款, 暂扣, 立案处罚) come last, as "对{count}{measure}{target}、…进行
  {kinds joined by 、}处罚", one clause per set of penalty kinds, targets sharing a set
  listed together;
* records with the same kinds and target are added up; kinds are written mildest first
  (劝阻并整改, 扣分、罚款) whatever order they were recorded in; a record mixing both
  sorts (教育 and 罚款) is split into its non-penalty and its penalty part;
* clauses are joined by "，" and the sentence ends with "。".

Measure words come from :mod:`patrol.domain.outcomes` (店外经营 家, 违章停车 辆, 游商 名 …).

>>> lines = [
...     OutcomeLine(("劝阻", "整改"), "店外经营", 7),
...     OutcomeLine(("规范",), "电动自行车停放", 10),
...     OutcomeLine(("劝离",), "违章停车", 8),
...     OutcomeLine(("扣分", "罚款"), "特种设备车辆", 1),
...     OutcomeLine(("扣分", "罚款"), "三轮摩托车", 2),
... ]
>>> outcome_sentence(lines)
'共劝阻并整改店外经营7家，规范电动自行车停放10处，劝离违章停车8辆，对1辆特种设备车辆、2辆三轮摩托车进行扣分、罚款处罚。'
>>> outcome_sentence([])
'此次检查未发现问题。'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from patrol.domain.outcomes import OutcomeKind, TargetKind, outcome_kind, target_kind

__all__ = ["NOTHING_FOUND", "OutcomeLine", "inspection_summary", "outcome_sentence"]

NOTHING_FOUND = "此次检查未发现问题。"


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    """A count of one target treated with one or more outcome kinds.

    ``kinds`` are outcome labels (劝阻, 罚款 …; slugs are accepted too), ``target`` a
    target kind label (店外经营, 三轮摩托车 …), ``count`` how many, at least 1.
    """

    kinds: tuple[str, ...]
    target: str
    count: int


def _resolve(line: OutcomeLine) -> tuple[tuple[OutcomeKind, ...], TargetKind, int]:
    if isinstance(line.count, bool) or not isinstance(line.count, int) or line.count < 1:
        raise ValueError(f"count must be a whole number of at least 1, got {line.count!r}")
    if not line.kinds:
        raise ValueError(f"no outcome kind for {line.target!r}")
    kinds = tuple(sorted({outcome_kind(k) for k in line.kinds}, key=lambda k: k.severity))
    return kinds, target_kind(line.target), line.count


def _labels(kinds: tuple[OutcomeKind, ...], sep: str) -> str:
    return sep.join(k.label for k in kinds)


def outcome_sentence(lines: Iterable[OutcomeLine]) -> str:
    """The counting sentence ("共…。") for an inspection's outcome records.

    Raises ``ValueError`` for an unknown kind or target, or a count below 1.

    >>> outcome_sentence([OutcomeLine(("罚款",), "游商", 1), OutcomeLine(("教育", "罚款"), "游商", 2)])
    '共教育游商2名，对3名游商进行罚款处罚。'
    """
    # dicts keep first-seen order, which is the order the report lists things in.
    plain: dict[tuple[tuple[OutcomeKind, ...], TargetKind], int] = {}
    penalties: dict[tuple[OutcomeKind, ...], dict[TargetKind, int]] = {}
    for line in lines:
        kinds, target, count = _resolve(line)
        mild = tuple(k for k in kinds if not k.is_penalty)
        harsh = tuple(k for k in kinds if k.is_penalty)
        if mild:
            plain[(mild, target)] = plain.get((mild, target), 0) + count
        if harsh:
            group = penalties.setdefault(harsh, {})
            group[target] = group.get(target, 0) + count

    clauses = [
        f"{_labels(kinds, '并')}{target.label}{count}{target.measure}"
        for (kinds, target), count in plain.items()
    ]
    clauses += [
        "对"
        + "、".join(f"{count}{target.measure}{target.label}" for target, count in group.items())
        + f"进行{_labels(kinds, '、')}处罚"
        for kinds, group in penalties.items()
    ]
    if not clauses:
        return NOTHING_FOUND
    return "共" + "，".join(clauses) + "。"


def inspection_summary(
    *,
    lead: str,
    agencies: Sequence[str],
    place: str,
    lines: Iterable[OutcomeLine],
    focus: Sequence[str] = (),
    problems_found: int = 0,
) -> str:
    """The report paragraph: who inspected where, what for, and the counts (with no outcome
    recorded, how many problems it found: `problems_found`).

    >>> print(inspection_summary(
    ...     lead="街道平安办",
    ...     agencies=["城管办", "执法队", "市场所", "驻街民警", "驻街交警", "安全生产检查队"],
    ...     place="卢沟桥路",
    ...     focus=["机动车、电动自行车停车秩序", "街面环境", "店外经营"],
    ...     lines=[OutcomeLine(("劝离",), "违章停车", 8)],
    ... ))
    街道平安办牵头，组织城管办、执法队、市场所、驻街民警、驻街交警、安全生产检查队前往卢沟桥路对机动车、电动自行车停车秩序、街面环境、店外经营等情况进行检查。据统计，此次检查共劝离违章停车8辆。
    """
    if not lead.strip():
        raise ValueError("an inspection needs a lead office")
    if not place.strip():
        raise ValueError("an inspection needs a place")
    team = f"{lead}牵头，组织{'、'.join(agencies)}" if agencies else lead
    # "街面环境、店外经营等" already ends in 等 (or 等情况): not 等等情况
    items = "、".join(focus).removesuffix("等情况").removesuffix("等")
    checked = f"对{items}等情况进行检查" if items else "进行检查"
    sentence = outcome_sentence(lines)
    if sentence != NOTHING_FOUND:
        counts = f"据统计，此次检查{sentence}"
    elif problems_found:
        # problems were found but nothing is recorded as done yet: not "未发现问题"
        counts = f"据统计，此次检查发现问题{problems_found}处。"
    else:
        counts = NOTHING_FOUND
    return f"{team}前往{place}{checked}。{counts}"
