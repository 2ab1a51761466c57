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
    assert anchor_kind.MODEL.file_matches(), "the model file is not the one its sidecar was written with"


def test_only_a_road_or_other_reading_is_promoted_and_only_to_landmark(training):
    promoted = 0
    for r in training:
        loc, rules = parse(r["text"]), parse_rules(r["text"])
        if loc.anchor_kind == rules.anchor_kind:
            assert loc.anchor_relation == rules.anchor_relation
            continue
        promoted += 1
        assert (rules.anchor_kind, loc.anchor_kind) in {("road_only", "landmark"), ("other", "landmark")}
        # the relation is the last landmark read's, else an offset with a distance, else the
        # rules' own unless only a road has it
        if rules.landmarks:
            assert loc.anchor_relation == rules.landmarks[-1].relation
        elif rules.distance_m is not None:
            assert loc.anchor_relation == "offset"
        else:
            assert loc.anchor_relation == (None if rules.anchor_relation in ("along", "segment")
                                           else rules.anchor_relation)
        assert not rules.errors
        assert (loc.landmarks, loc.road, loc.road_a, loc.side) == (
            rules.landmarks, rules.road, rules.road_a, rules.side)
    assert promoted > 0


def test_the_districts_own_form_keeps_the_rules_kind_whatever_the_model_says(monkeypatch, training):
    # the gate alone (a place word outside the names read, a location read) keeps the published
    # lines' kinds, even with a model that calls everything a landmark
    monkeypatch.setattr(anchor_kind.MODEL, "tag", lambda items: ["landmark"] * len(items))
    district = load_records(anchor_kind.FIXTURES / "locations_dev.jsonl")
    assert all(parse(r["text"]).anchor_kind == parse_rules(r["text"]).anchor_kind for r in district)
    for text in ("西罗园街道，中关村大街西侧辅路，乱停车。",  # 村 in a road's name is no place
                 "西罗园街道，魏公村路南侧便道，乱停车。",
                 "西罗园街道，马家堡东路东侧，洋桥村路口，积存垃圾。",
                 "东铁匠营街道，横七条北侧，堆物堆料。",
                 "门口有垃圾",  # no location read at all: no kind to second-guess
                 "今天天气很好"):
        assert parse(text).anchor_kind == parse_rules(text).anchor_kind, text
    promoted = parse("西罗园街道，革新南路南侧50米停车场，乱停车。")  # a place the rules did not read
    assert (promoted.anchor_kind, promoted.anchor_relation, promoted.distance_m) == ("landmark", "offset", 50)


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
