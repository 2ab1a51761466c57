"""How far two people agree on the labels: the ceiling of any parser's score.

A parser scored against one annotator's labels cannot be expected to agree with them more
often than a second, equally careful annotator does. This prints that agreement, field by
field, counted exactly as `geodata.location.evaluate` scores a parser (the first annotator's
labels as the truth, the second's as the answers; F1 is the same either way round).

1. Convention v1 (the earlier sets' written conventions): 125 dev lines (45 of
   `locations_dev2.jsonl`, 40 of `locations_fresh.jsonl`, 40 of `locations_dev4.jsonl`, a seeded
   sample) labelled a second time, blind — from the text, the conventions and eight example
   records only, without the first labels, the parser or its code
   (`fixtures/locations_agreement.jsonl`).
2. Convention v2 for the problem phrases (`fixtures/problems_convention.md`): every line of the
   labelled files labelled to it, blind, by seven annotators
   (`fixtures/locations_problems_v2.jsonl`), and the same 125 lines by a seventh
   (`fixtures/locations_problems_v2_second.jsonl`).

    .venv/bin/python bench/label_agreement.py          (a second; no database)

Last line: RESULT v1_problems_f1=… v1_anchor_kind_f1=… v1_macro_f1=… v2_problems_f1=… v2_items_f1=…
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata.location.evaluate import REPORT_FIELDS, field_f1, load_records, problem_items_f1  # noqa: E402

FIXTURES = ROOT / "fixtures"
LABELLED = ("dev", "dev2", "fresh", "dev4", "heldout", "blind3", "blind4")


def first_labels() -> dict[str, dict]:
    return {r["id"]: r for name in LABELLED for r in load_records(FIXTURES / f"locations_{name}.jsonl")}


def agreement(first: dict[str, dict], second: dict[str, dict], fields=REPORT_FIELDS):
    """Per-field scores of the second annotator's labels against the first's, on the lines both labelled."""
    ids = [i for i in second if i in first]
    truth = [{**first[i], "text": i} for i in ids]
    return field_f1(lambda i: second[i], truth, fields), problem_items_f1(lambda i: second[i], truth), len(ids)


def main() -> None:
    first = first_labels()
    second = {r["id"]: r for r in load_records(FIXTURES / "locations_agreement.jsonl")}
    scores, items, n = agreement(first, second)
    macro = sum(s.f1 for s in scores.values()) / len(scores)
    print(f"1. convention v1, {n} dev lines labelled twice (blind):")
    for f, s in scores.items():
        print(f"   {f:12s} F1 {s.f1:.3f}   (agree {s.tp}, values only one gave or that differ: {s.fp}/{s.fn})")
    print(f"   macro {macro:.3f}; problem phrases one by one {items.f1:.3f}")
    result = (f"v1_problems_f1={scores['problems'].f1:.3f} v1_anchor_kind_f1={scores['anchor_kind'].f1:.3f} "
              f"v1_macro_f1={macro:.3f}")
    v2_path, v2_second_path = FIXTURES / "locations_problems_v2.jsonl", FIXTURES / "locations_problems_v2_second.jsonl"
    v2 = {r["id"]: r for r in load_records(v2_path)}
    v2_second = {r["id"]: r for r in load_records(v2_second_path)}
    s2, items2, n2 = agreement(v2, v2_second, ("problems",))
    old_vs_new, _, n3 = agreement(first, v2, ("problems",))
    print(f"2. problem phrases, convention v2: {n2} lines labelled twice (blind): whole set F1 "
          f"{s2['problems'].f1:.3f}, phrase by phrase {items2.f1:.3f}")
    print(f"   v2 labels against the v1 labels of the same {n3} lines: whole set F1 {old_vs_new['problems'].f1:.3f}")
    result += f" v2_problems_f1={s2['problems'].f1:.3f} v2_items_f1={items2.f1:.3f}"
    print("RESULT " + result)


if __name__ == "__main__":
    main()
