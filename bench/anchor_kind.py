"""The anchor kind: the rules alone against the rules with `geodata.location.anchor_kind`'s
model on top, measured side by side.

1. 5-fold cross-validated on the model's training lines (the dev files; folds by a seeded
   shuffle): the rules' kind (`parse_rules`; written from these lines, so flattered here),
   the model's kind on every line, and the model only promoting a road_only or other
   reading to landmark, as `parse` ships it. Accuracy over all lines and per file.
2. The held-out files (locations_heldout, locations_blind5, locations_blind6; no rule was written from them
   and the model never trained on them): the rules against `parse`, as
   `geodata.location.evaluate` counts the field (F1).

    .venv/bin/python bench/anchor_kind.py          (about 10 s; no database)

Last line: RESULT cv_rules_acc=… cv_model_acc=… cv_promoted_acc=… heldout_rules_f1=… heldout_shipped_f1=…
blind5_rules_f1=… blind5_shipped_f1=… blind6_rules_f1=… blind6_shipped_f1=…
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402

from geodata.location import anchor_kind as ak  # noqa: E402
from geodata.location.evaluate import field_f1, load_records  # noqa: E402
from geodata.location.parse import parse, parse_rules  # noqa: E402

FIXTURES = ROOT / "fixtures"
HELD_OUT = (("heldout", "locations_heldout.jsonl"), ("blind5", "locations_blind5.jsonl"),
            ("blind6", "locations_blind6.jsonl"))
FOLDS, SEED = 5, 7


def main() -> None:
    t0 = time.perf_counter()
    records = [(name, r) for name in ak.TRAINING_FILES for r in load_records(FIXTURES / name)]
    readings = [parse_rules(r["text"]) for _, r in records]
    items = [ak.features(r["text"], loc) for (_, r), loc in zip(records, readings, strict=True)]
    gold = [r["anchor_kind"] for _, r in records]
    rules = [loc.anchor_kind for loc in readings]
    order = list(range(len(records)))
    random.Random(SEED).shuffle(order)
    model: list[str] = [""] * len(records)
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(FOLDS):
            test = {order[k] for k in range(len(order)) if k % FOLDS == fold}
            trainer = pycrfsuite.Trainer(verbose=False)
            for i in range(len(records)):
                if i not in test:
                    trainer.append([items[i]], [gold[i]])
            trainer.set_params(ak.PARAMS)
            trainer.train(f"{tmp}/fold{fold}")
            tagger = pycrfsuite.Tagger()
            tagger.open(f"{tmp}/fold{fold}")
            for i in test:
                model[i] = tagger.tag([items[i]])[0]
    shipped = ["landmark" if ak.promoted(r["text"], loc, m) else loc.anchor_kind
               for (_, r), loc, m in zip(records, readings, model, strict=True)]

    def acc(pred: list[str], name: str | None = None) -> float:
        ids = [i for i, (n, _) in enumerate(records) if name is None or n == name]
        return round(sum(pred[i] == gold[i] for i in ids) / len(ids), 3)

    print(f"anchor kind; 1. training lines ({len(records)}), {FOLDS}-fold cross-validated, accuracy:")
    print(f"   {'':24s} {'rules':>7s} {'model':>7s} {'promoted (shipped)':>19s}")
    for name in (None, *ak.TRAINING_FILES):
        print(f"   {name or 'all':24s} {acc(rules, name):7.3f} {acc(model, name):7.3f} {acc(shipped, name):19.3f}")
    held = {}
    for label, file in HELD_OUT:
        recs = load_records(FIXTURES / file)
        held[label] = (field_f1(parse_rules, recs, ["anchor_kind"])["anchor_kind"].f1,
                       field_f1(parse, recs, ["anchor_kind"])["anchor_kind"].f1)
        print(f"2. {label} ({len(recs)} lines, never trained on, no rule written from it): "
              f"rules {held[label][0]:.3f}, shipped {held[label][1]:.3f} (F1)")
    print(f"   {time.perf_counter() - t0:.0f} s")
    print(f"RESULT cv_rules_acc={acc(rules)} cv_model_acc={acc(model)} cv_promoted_acc={acc(shipped)} "
          f"heldout_rules_f1={held['heldout'][0]:.3f} heldout_shipped_f1={held['heldout'][1]:.3f} "
          f"blind5_rules_f1={held['blind5'][0]:.3f} blind5_shipped_f1={held['blind5'][1]:.3f} "
          f"blind6_rules_f1={held['blind6'][0]:.3f} blind6_shipped_f1={held['blind6'][1]:.3f}")


if __name__ == "__main__":
    main()
