"""Outcome kinds, target kinds and the validation of one outcome record."""
import doctest
from decimal import Decimal

import pytest

from patrol.domain import outcomes
from patrol.domain.outcomes import (
    OutcomeKind,
    TargetKind,
    measure_word,
    outcome_kind,
    target_kind,
    validate_outcome,
)


def test_docstring_examples_hold():
    assert doctest.testmod(outcomes).failed == 0


def test_kinds_run_from_mildest_to_harshest():
    labels = [k.label for k in sorted(OutcomeKind, key=lambda k: k.severity)]
    assert labels == ["劝阻", "教育", "整改", "规范", "劝离", "警告", "扣分", "罚款", "暂扣", "立案处罚"]
    assert len({k.severity for k in OutcomeKind}) == len(OutcomeKind)


def test_only_points_fines_seizures_and_cases_are_penalties():
    assert {k.label for k in OutcomeKind if k.is_penalty} == {"扣分", "罚款", "暂扣", "立案处罚"}


def test_each_penalty_requires_its_particular():
    assert OutcomeKind.FINE.requires == ("fine_amount",)
    assert OutcomeKind.POINTS.requires == ("points",)
    assert OutcomeKind.SEIZE.requires == ("seized_items",)
    assert OutcomeKind.CASE.requires == ("case_number",)
    assert all(not k.requires for k in OutcomeKind if not k.is_penalty)


def test_kinds_are_found_by_slug_or_label():
    assert outcome_kind("move_on") is outcome_kind("劝离") is OutcomeKind.MOVE_ON
    assert target_kind("hawker") is target_kind("游商") is TargetKind.HAWKER
    with pytest.raises(ValueError):
        outcome_kind("拘留")


@pytest.mark.parametrize("target, measure", [
    ("商户", "家"), ("店外经营", "家"), ("电动自行车停放", "处"), ("违章停车", "辆"), ("机动车", "辆"),
    ("特种设备车辆", "辆"), ("三轮摩托车", "辆"), ("非机动车", "辆"), ("游商", "名"), ("广告", "处"),
    ("其他", "处"),
])
def test_targets_are_counted_in_their_measure_word(target, measure):
    assert measure_word(target) == measure


def test_a_valid_mild_outcome_has_no_errors():
    assert validate_outcome("劝阻", target_kind="店外经营", count=7) == []
    assert validate_outcome(OutcomeKind.REGULATE, target_kind=TargetKind.EBIKE_PARKING, count=10) == []


@pytest.mark.parametrize("count", [0, -1, 1.5, True, None])
def test_count_below_one_or_not_whole_is_rejected(count):
    assert validate_outcome("劝离", target_kind="违章停车", count=count) == ["数量（count）必须是不小于1的整数"]


def test_a_fine_needs_a_positive_amount():
    assert validate_outcome("罚款", target_kind="三轮摩托车", count=1) == ["罚款须填写罚款金额（fine_amount）"]
    assert validate_outcome("罚款", target_kind="三轮摩托车", count=1, fine_amount=0) == ["罚款金额（fine_amount）必须大于0"]
    assert validate_outcome("罚款", target_kind="三轮摩托车", count=1, fine_amount="abc") == [
        "罚款金额（fine_amount）必须是数字"]
    assert validate_outcome("罚款", target_kind="三轮摩托车", count=1, fine_amount=Decimal("200")) == []


def test_points_are_one_to_twelve_and_only_for_motor_vehicles():
    assert validate_outcome("扣分", target_kind="特种设备车辆", count=1, points=3) == []
    assert validate_outcome("扣分", target_kind="特种设备车辆", count=1) == ["扣分须填写扣分分值（points）"]
    assert validate_outcome("扣分", target_kind="机动车", count=1, points=13) == [
        "扣分分值（points）必须是1到12之间的整数"]
    assert validate_outcome("扣分", target_kind="非机动车", count=1, points=1) == [
        "扣分只适用于机动车类对象，“非机动车”不是机动车"]


def test_a_seizure_names_what_was_seized():
    assert validate_outcome("暂扣", target_kind="游商", count=1, seized_items=["三轮车", "货物"]) == []
    assert validate_outcome("暂扣", target_kind="游商", count=1, seized_items=[]) == ["暂扣物品（seized_items）不能为空"]
    assert validate_outcome("暂扣", target_kind="游商", count=1) == ["暂扣须填写暂扣物品（seized_items）"]


def test_a_case_needs_a_case_number():
    assert validate_outcome("立案处罚", target_kind="商户", count=1, case_number="京丰城罚字〔2026〕12号") == []
    assert validate_outcome("立案处罚", target_kind="商户", count=1, case_number=" ") == ["案件编号（case_number）不能为空"]


def test_a_particular_the_kind_does_not_take_is_rejected():
    assert validate_outcome("劝阻", target_kind="店外经营", count=1, fine_amount=100) == [
        "劝阻不应填写罚款金额（fine_amount）"]


def test_unknown_kind_and_target_are_named():
    assert validate_outcome("拘留", target_kind="行人", count=1) == [
        "处置方式“拘留”不在字典中", "处置对象“行人”不在字典中"]
