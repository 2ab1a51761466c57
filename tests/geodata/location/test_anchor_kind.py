"""The anchor-kind model: it only promotes a road_only or other reading to landmark."""

from __future__ import annotations

import random

import pycrfsuite
import pytest

from geodata.location import anchor_kind
from geodata.location.evaluate import load_records
from geodata.location.parse import parse, parse_rules


@pytest.fixture(scope="module")
def training():
    return [r for name in anchor_kind.TRAINING_FILES for r in load_records(anchor_kind.FIXTURES / name)]


def test_the_shipped_model_was_trained_on_todays_labels_rules_and_features():
    seqs = anchor_kind.sequences(parse_rules)
    assert anchor_kind.MODEL.shipped_digest() == anchor_kind.MODEL.digest(seqs), (
        "the anchor-kind model is stale: run .venv/bin/python -m geodata.location.anchor_kind")


def test_only_a_road_or_other_reading_is_promoted_and_only_to_landmark(training):
    promoted = 0
    for r in training:
        loc, rules = parse(r["text"]), parse_rules(r["text"])
        if loc.anchor_kind == rules.anchor_kind:
            assert loc.anchor_relation == rules.anchor_relation
            continue
        promoted += 1
        assert (rules.anchor_kind, loc.anchor_kind) in {("road_only", "landmark"), ("other", "landmark")}
        # the relation is the last landmark read's, none when no landmark's name was read
        assert loc.anchor_relation == (rules.landmarks[-1].relation if rules.landmarks else None)
        assert (loc.landmarks, loc.road, loc.road_a, loc.side) == (
            rules.landmarks, rules.road, rules.road_a, rules.side)
    assert promoted > 0


def test_the_districts_own_form_keeps_the_rules_kind():
    for text, kind in [
        ("2. 西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。", "intersection"),
        ("东铁匠营街道，横七条北侧，堆物堆料。", "road_only"),
    ]:
        assert parse(text).anchor_kind == kind == parse_rules(text).anchor_kind


def test_promoting_beats_the_rules_on_lines_it_did_not_learn_from(training, tmp_path):
    """5-fold cross-validated on the training lines (where the rules were written, so they are
    flattered): the promoted kinds agree with the labels more often than the rules' do."""
    readings = [parse_rules(r["text"]) for r in training]
    items = [anchor_kind.features(r["text"], loc) for r, loc in zip(training, readings, strict=True)]
    order = list(range(len(training)))
    random.Random(7).shuffle(order)
    shipped = [loc.anchor_kind for loc in readings]
    for fold in range(5):
        test = {order[k] for k in range(len(order)) if k % 5 == fold}
        trainer = pycrfsuite.Trainer(verbose=False)
        for i in set(range(len(training))) - test:
            trainer.append([items[i]], [training[i]["anchor_kind"]])
        trainer.set_params(anchor_kind.PARAMS)
        trainer.train(str(tmp_path / f"fold{fold}"))
        tagger = pycrfsuite.Tagger()
        tagger.open(str(tmp_path / f"fold{fold}"))
        for i in test:
            if anchor_kind.promoted(training[i]["text"], readings[i], tagger.tag([items[i]])[0]):
                shipped[i] = "landmark"
    rules_right = sum(loc.anchor_kind == r["anchor_kind"] for r, loc in zip(training, readings, strict=True))
    shipped_right = sum(k == r["anchor_kind"] for r, k in zip(training, shipped, strict=True))
    assert shipped_right > rules_right
