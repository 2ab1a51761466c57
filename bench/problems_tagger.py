"""The problem phrases: the rules alone, a character CRF alone, and the CRF stacked on the
rules as `parse` ships it (`geodata.location.problem_tagger`), measured side by side.

The problems field is the one the rules read worst on lines no rule was written from:
where a reporter's sentence is cut, and which effects and conditions count, differ from
writer to writer. The shipped reader keeps the rules' reading of the district's catalogue
form and lets a CRF, which sees the rules' own cut as a feature, cut everything else.

1. 5-fold cross-validated on the model's training lines (the dev files, labelled to
   convention v2, fixtures/problems_convention.md; folds by a seeded shuffle): the rules
   (`parse_rules`; written from these lines, so flattered here), the CRF on the characters
   alone, and the stacked CRF as shipped. All lines, and the prose files (fresh, dev4, blind3,
   blind4, dev6, dev7), where the three differ most.
2. The held-out files (locations_heldout, locations_blind5, locations_blind6; no rule was written from them
   and the model never trained on them): the rules against `parse` with the shipped model.

Scores as `geodata.location.evaluate` counts them: a line's whole set of phrases (`set`),
and phrase by phrase (`item`).

    .venv/bin/python bench/problems_tagger.py          (about 1 min; no database)
    .venv/bin/python bench/problems_tagger.py --curve  (+2 min: the learning curve)

3. With --curve, the learning curve: the stacked model cross-validated again with the same folds,
   trained on a quarter, half and three quarters of each fold's training lines, and what a
   straight line through (log2 lines, set F1) says it would take to reach 0.80.

Last line: RESULT cv_rules_set_f1=… cv_crf_set_f1=… cv_stacked_set_f1=… cv_prose_rules_set_f1=…
cv_prose_crf_set_f1=… cv_prose_stacked_set_f1=… heldout_rules_set_f1=… heldout_tagged_set_f1=…
blind5_rules_set_f1=… blind5_tagged_set_f1=… blind6_rules_set_f1=…
blind6_tagged_set_f1=… [curve_gain_per_doubling=… curve_lines_for_080=…]
"""
from __future__ import annotations

import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402

from geodata.location import problem_tagger as pt  # noqa: E402
from geodata.location.evaluate import load_records, with_problems  # noqa: E402
from geodata.location.parse import parse, parse_rules  # noqa: E402

FIXTURES = ROOT / "fixtures"
PROSE = ("locations_fresh.jsonl", "locations_dev4.jsonl", "locations_blind3.jsonl", "locations_blind4.jsonl",
         "locations_dev6.jsonl", "locations_dev7.jsonl")
HELD_OUT = (("heldout", "locations_heldout.jsonl"), ("blind5", "locations_blind5.jsonl"),
            ("blind6", "locations_blind6.jsonl"))
FOLDS, SEED = 5, 7


def scores(gold: list[list[str]], predicted: list[list[str]]) -> tuple[float, float]:
    """(whole-set F1, phrase-by-phrase F1), as geodata.location.evaluate counts them."""
    tp = fp = fn = itp = ifp = ifn = 0
    for g, p in zip(gold, predicted, strict=True):
        gs, ps = frozenset(g), frozenset(p)
        if gs and ps and gs == ps:
            tp += 1
        else:
            fp += bool(ps)
            fn += bool(gs)
        itp, ifp, ifn = itp + len(gs & ps), ifp + len(ps - gs), ifn + len(gs - ps)

    def f1(a: int, b: int, c: int) -> float:
        return 2 * a / (2 * a + b + c) if a else 0.0

    return round(f1(tp, fp, fn), 3), round(f1(itp, ifp, ifn), 3)


def cross_validated(lines, keep: list[bool], feats: Callable, tmp: str, *, stacked: bool,
                    share: float = 1.0) -> list[list[str]]:
    """Each line's phrases from a CRF trained on the other folds (`keep`: lines whose rules'
    reading is kept, as `parse` keeps the catalogue form's; `stacked`: as shipped, where the
    tagger finding nothing leaves the rules' reading; `share`: train on only the first part of
    the other folds, in the shuffled order, for a learning curve)."""
    order = list(range(len(lines)))
    random.Random(SEED).shuffle(order)
    out: list[list[str]] = [[] for _ in lines]
    for fold in range(FOLDS):
        test = {order[k] for k in range(len(order)) if k % FOLDS == fold}
        train = [i for i in order if i not in test]
        trainer = pycrfsuite.Trainer(verbose=False)
        for i in train[:round(len(train) * share)]:
            t, gold, rules = lines[i]
            trainer.append(feats(t, rules), pt.tags_of(t, gold))
        trainer.set_params(pt.PARAMS)
        trainer.train(f"{tmp}/fold{fold}")
        tagger = pycrfsuite.Tagger()
        tagger.open(f"{tmp}/fold{fold}")
        for i in test:
            t, _, rules = lines[i]
            if stacked and (keep[i] or not pt.worth_tagging(t, rules)):
                spans = rules  # as parse does: the catalogue form, or a line with no word of what is wrong
            else:
                spans = pt.trim(t, pt.spans_of(tagger.tag(feats(t, rules))))
            if stacked and not spans:
                spans = rules  # as parse does: the tagger finding nothing leaves the rules' reading
            out[i] = [t[a:b] for a, b in spans]
    return out


def learning_curve(lines, kept: list[bool], gold: list[list[str]], tmp: str,
                   full: float) -> tuple[float, int]:
    """Print the stacked model's cross-validated set F1 trained on shares of the training
    lines; return the gain per doubling of the lines (least squares over log2 of their
    number) and how many training lines that line puts at 0.80."""
    n_train = len(lines) - len(lines) // FOLDS
    points = []
    for share in (0.25, 0.5, 0.75):
        f1 = scores(gold, cross_validated(lines, kept, pt.features, tmp, stacked=True, share=share))[0]
        points.append((math.log2(n_train * share), f1))
        print(f"   {round(n_train * share):5d} training lines: set F1 {f1}")
    points.append((math.log2(n_train), full))
    print(f"   {n_train:5d} training lines: set F1 {full}")
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    needed = round(2 ** (mx + (0.80 - my) / slope)) if slope > 0 else 0
    return round(slope, 3), needed


def main() -> None:
    t0 = time.perf_counter()
    lines = pt.training_lines(parse_rules)
    files = [name for name in pt.TRAINING_FILES for _ in load_records(FIXTURES / name)]
    assert len(files) == len(lines)
    kept = []
    for name in pt.TRAINING_FILES:
        for r in load_records(FIXTURES / name):
            items = parse_rules(r["text"]).problem_items
            kept.append(bool(items) and all(p.category for p in items))
    gold = [[t[a:b] for a, b in g] for t, g, _ in lines]
    rules = [[t[a:b] for a, b in r] for t, _, r in lines]
    with tempfile.TemporaryDirectory() as tmp:
        crf = cross_validated(lines, [False] * len(lines), lambda t, r: pt.char_features(t), tmp, stacked=False)
        stacked = cross_validated(lines, kept, pt.features, tmp, stacked=True)
    prose = [i for i, f in enumerate(files) if f in PROSE]
    rows = {}
    for name, pred in (("rules", rules), ("crf", crf), ("stacked", stacked)):
        rows[name] = (scores(gold, pred), scores([gold[i] for i in prose], [pred[i] for i in prose]))
    print(f"problem phrases against the v2 labels; (whole set F1, phrase F1)\n"
          f"1. training lines ({len(lines)}; prose files {len(prose)}), {FOLDS}-fold cross-validated:")
    for name, (a, b) in rows.items():
        print(f"   {name:8s} all {a}   prose {b}")
    held = {}
    for name, file in HELD_OUT:
        recs = with_problems(load_records(FIXTURES / file), FIXTURES / pt.LABELS_FILE)
        g = [r["problems"] or [] for r in recs]
        held[name] = (scores(g, [list(parse_rules(r["text"]).problems) for r in recs]),
                      scores(g, [list(parse(r["text"]).problems) for r in recs]))
        print(f"2. {name} ({len(recs)} lines, never trained on, no rule written from it): "
              f"rules {held[name][0]}, shipped (rules + CRF) {held[name][1]}")
    curve = ""
    if "--curve" in sys.argv[1:]:
        print("3. learning curve (stacked, same folds):")
        with tempfile.TemporaryDirectory() as tmp:
            slope, needed = learning_curve(lines, kept, gold, tmp, rows["stacked"][0][0])
        print(f"   gain per doubling of the lines {slope}; a straight line reaches 0.80 at about "
              f"{needed:,} training lines ({needed / len(lines):.0f}x today's)")
        curve = f" curve_gain_per_doubling={slope} curve_lines_for_080={needed}"
    print(f"   {time.perf_counter() - t0:.0f} s")
    print(f"RESULT cv_rules_set_f1={rows['rules'][0][0]} cv_crf_set_f1={rows['crf'][0][0]} "
          f"cv_stacked_set_f1={rows['stacked'][0][0]} cv_prose_rules_set_f1={rows['rules'][1][0]} "
          f"cv_prose_crf_set_f1={rows['crf'][1][0]} cv_prose_stacked_set_f1={rows['stacked'][1][0]} "
          f"heldout_rules_set_f1={held['heldout'][0][0]} heldout_tagged_set_f1={held['heldout'][1][0]} "
          f"blind5_rules_set_f1={held['blind5'][0][0]} blind5_tagged_set_f1={held['blind5'][1][0]} "
          f"blind6_rules_set_f1={held['blind6'][0][0]} blind6_tagged_set_f1={held['blind6'][1][0]}{curve}")


if __name__ == "__main__":
    main()
