"""Per-field F1 of the location parser, and the benchmark against the regex baseline."""

from pathlib import Path

import pytest

from geodata.location.baseline import parse_baseline
from geodata.location.evaluate import REPORT_FIELDS, field_f1, load_records, with_problems
from geodata.location.parse import parse

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
DEV = FIXTURES / "locations_dev.jsonl"
# the problem phrases as the convention the parser follows quotes them (problems_convention.md)
PROBLEMS_V2 = FIXTURES / "locations_problems_v2.jsonl"


def _parser(answers):
    return lambda text: answers[text]


def test_a_hit_needs_a_labelled_value_and_the_same_value():
    records = [
        {"text": "a", "direction": "东"},   # hit
        {"text": "b", "direction": "西"},   # wrong: fp and fn
        {"text": "c", "direction": "北"},   # missed: fn
        {"text": "d", "direction": None},  # invented: fp
    ]
    answers = {"a": {"direction": "东"}, "b": {"direction": "南"}, "c": {}, "d": {"direction": "北"}}
    s = field_f1(_parser(answers), records, ["direction"])["direction"]
    assert (s.tp, s.fp, s.fn) == (1, 2, 2)
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(1 / 3)
    assert s.f1 == pytest.approx(1 / 3)


def test_empty_in_label_and_parser_earns_nothing():
    records = [{"text": "a", "side": None, "problems": []}, {"text": "b", "side": ""}]
    answers = {"a": {"side": None, "problems": []}, "b": {"side": ""}}
    scores = field_f1(_parser(answers), records, ["side", "problems"])
    for s in scores.values():
        assert (s.tp, s.fp, s.fn, s.f1) == (0, 0, 0, 0.0)


def test_road_pair_is_unordered():
    records = [{"text": "a", "road_a": "马家堡东路", "road_b": "革新南路"}]
    answers = {"a": {"road_a": "革新南路", "road_b": "马家堡东路"}}
    assert field_f1(_parser(answers), records, ["road_pair"])["road_pair"].f1 == 1.0


def test_problems_compare_as_a_set_of_items():
    records = [{"text": "a", "problems": ["机动车乱停", "非机动车乱停"]},
               {"text": "b", "problems": ["积存垃圾", "堆物堆料"]}]
    answers = {"a": {"problems": ["非机动车乱停", "机动车乱停"]}, "b": {"problems": ["积存垃圾"]}}
    s = field_f1(_parser(answers), records, ["problems"])["problems"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)


def test_distance_compares_numerically():
    records = [{"text": "a", "distance_m": 10}]
    assert field_f1(_parser({"a": {"distance_m": 10.0}}), records, ["distance_m"])["distance_m"].tp == 1


def test_other_problem_labels_replace_the_records_by_id(tmp_path):
    labels = tmp_path / "p.jsonl"
    labels.write_text('{"id": "b", "problems": ["堆物堆料"]}\n{"id": "a", "problems": []}\n', encoding="utf-8")
    records = [{"id": "a", "text": "x", "problems": ["积存垃圾"]}, {"id": "b", "text": "y", "problems": []}]
    assert [r["problems"] for r in with_problems(records, labels)] == [[], ["堆物堆料"]]
    with pytest.raises(KeyError, match="c: no problem labels"):
        with_problems([{"id": "c", "text": "z", "problems": []}], labels)


def test_parser_objects_and_dicts_are_both_accepted():
    records = [{"text": "西罗园街道，马家堡东路与革新南路交叉路口向东120米，积存垃圾。", "direction": "东"}]
    assert field_f1(parse, records, ["direction"])["direction"].f1 == 1.0


@pytest.fixture(scope="module")
def dev_scores():
    records = with_problems(load_records(DEV), PROBLEMS_V2)
    assert len(records) == 82
    return field_f1(parse, records), field_f1(parse_baseline, records)


@pytest.mark.parametrize("field", REPORT_FIELDS)
def test_parser_reaches_090_f1_on_the_dev_set(dev_scores, field):
    parser_scores, _ = dev_scores
    assert parser_scores[field].f1 >= 0.90


@pytest.mark.parametrize("field", REPORT_FIELDS)
def test_parser_beats_the_regex_baseline(dev_scores, field):
    parser_scores, baseline_scores = dev_scores
    assert parser_scores[field].f1 > baseline_scores[field].f1
