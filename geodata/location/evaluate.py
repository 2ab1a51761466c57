"""Per-field precision, recall and F1 of a location parser on hand-labelled lines.

For each line and field: a *hit* (true positive) needs the label to have a value
(non-null, non-empty) and the parser to give exactly that value. A parser value where
the label has none is a false positive; a wrong value is both a false positive and a
false negative; a labelled value the parser left empty is a false negative. A field
empty in both earns nothing: a parser cannot score by saying nothing.

Compared values:
- ``road_pair``: {road_a, road_b} as an unordered pair (A与B and B与A name the same junction);
- ``problems``: the *set* of problem items (order is how the writer listed them, not a
  fact about the place; duplicates carry no extra meaning);
- ``distance_m``: numerically (10 == 10.0);
- anything else: equality of the label value.

>>> labels = [{"text": "x", "direction": "东"}, {"text": "y", "direction": None}]
>>> answers = {"x": {"direction": "东"}, "y": {"direction": "西"}}
>>> s = field_f1(lambda text: answers[text], labels, ["direction"])["direction"]
>>> (s.tp, s.fp, s.fn, round(s.precision, 2), s.recall)
(1, 1, 0, 0.5, 1.0)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPORT_FIELDS = ("subdistrict", "road_pair", "anchor_kind", "direction", "distance_m", "side", "problems")


@dataclass(frozen=True)
class FieldScore:
    field: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _as_dict(result: Any) -> Mapping[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else result


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset, dict)) and not value)


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """The comparable value of a field in a label or a parser result (None if empty)."""
    if name == "road_pair":
        roads = frozenset(r for r in (record.get("road_a"), record.get("road_b")) if not _empty(r))
        return roads or None
    value = record.get(name)
    if _empty(value):
        return None
    if name == "problems":
        return frozenset(value)
    if name == "distance_m":
        return float(value)
    return value


def field_f1(
    parser: Callable[[str], Any],
    records: Iterable[Mapping[str, Any]],
    fields: Sequence[str] = REPORT_FIELDS,
) -> dict[str, FieldScore]:
    counts = {f: [0, 0, 0] for f in fields}
    for record in records:
        result = _as_dict(parser(record["text"]))
        for f in fields:
            gold, got = field_value(record, f), field_value(result, f)
            tp_fp_fn = counts[f]
            if gold is not None and got is not None and gold == got:
                tp_fp_fn[0] += 1
            else:
                if got is not None:
                    tp_fp_fn[1] += 1
                if gold is not None:
                    tp_fp_fn[2] += 1
    return {f: FieldScore(f, *c) for f, c in counts.items()}


def problem_items_f1(parser: Callable[[str], Any], records: Iterable[Mapping[str, Any]]) -> FieldScore:
    """F1 of the problem *items*: each phrase of a label is one unit (a hit when the parser
    gives the same phrase), where ``field_f1`` asks for the whole set of a line at once.
    Reported beside it, to show how much of a line's wording is found when not all of it is.

    >>> labels = [{"text": "x", "problems": ["积存垃圾", "堆物堆料"]}]
    >>> s = problem_items_f1(lambda text: {"problems": ["积存垃圾", "乱停"]}, labels)
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 1)
    """
    tp = fp = fn = 0
    for record in records:
        gold = field_value(record, "problems") or frozenset()
        got = field_value(_as_dict(parser(record["text"])), "problems") or frozenset()
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return FieldScore("problem items", tp, fp, fn)


def load_records(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def with_problems(records: Iterable[Mapping[str, Any]], labels_path: str | Path) -> list[dict[str, Any]]:
    """The records with their ``problems`` as another labelling of the same lines gives them
    (by id; ``fixtures/locations_problems_v2.jsonl`` holds every labelled line's phrases under
    the convention the parser follows, ``fixtures/problems_convention.md``).

    >>> import json, tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
    ...     _ = fh.write(json.dumps({"id": "a", "problems": ["积存垃圾"]}) + "\\n")
    >>> with_problems([{"id": "a", "text": "x", "problems": ["有积存垃圾"]}], fh.name)[0]["problems"]
    ['积存垃圾']
    """
    phrases = {r["id"]: r["problems"] for r in load_records(labels_path)}
    out = []
    for record in records:
        if record["id"] not in phrases:
            raise KeyError(f"{record['id']}: no problem labels in {labels_path}")
        out.append({**record, "problems": phrases[record["id"]]})
    return out


def format_table(scores: Mapping[str, Mapping[str, FieldScore]]) -> str:
    """Markdown table, one row per field, one column group per parser."""
    names = list(scores)
    fields = list(next(iter(scores.values())))
    header = "| field | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |"
    rule = "|---|" + "---|" * (3 * len(names))
    rows = [
        "| " + f + " | " + " | ".join(
            f"{scores[n][f].precision:.3f} | {scores[n][f].recall:.3f} | {scores[n][f].f1:.3f}" for n in names
        ) + " |"
        for f in fields
    ]
    return "\n".join([header, rule, *rows])
