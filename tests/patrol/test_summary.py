"""The joint-inspection summary in the newspaper's style."""
import doctest

import pytest

from patrol.domain import summary
from patrol.domain.summary import OutcomeLine, inspection_summary, outcome_sentence

# 五里店街道's joint inspection on 卢沟桥路, from the seed page.
NEWSPAPER = "共劝阻并整改店外经营7家，规范电动自行车停放10处，劝离违章停车8辆，对1辆特种设备车辆、2辆三轮摩托车进行扣分、罚款处罚。"
RECORDS = [
    OutcomeLine(("劝阻", "整改"), "店外经营", 7),
    OutcomeLine(("规范",), "电动自行车停放", 10),
    OutcomeLine(("劝离",), "违章停车", 8),
    OutcomeLine(("扣分", "罚款"), "特种设备车辆", 1),
    OutcomeLine(("扣分", "罚款"), "三轮摩托车", 2),
]


def test_docstring_examples_hold():
    assert doctest.testmod(summary).failed == 0


def test_the_newspaper_sentence_is_reproduced_exactly():
    assert outcome_sentence(RECORDS) == NEWSPAPER


def test_penalties_come_last_and_kinds_are_written_mildest_first_whatever_the_record_order():
    shuffled = [
        OutcomeLine(("罚款", "扣分"), "特种设备车辆", 1),
        OutcomeLine(("整改", "劝阻"), "店外经营", 7),
        OutcomeLine(("规范",), "电动自行车停放", 10),
        OutcomeLine(("罚款", "扣分"), "三轮摩托车", 2),
        OutcomeLine(("劝离",), "违章停车", 8),
    ]
    assert outcome_sentence(shuffled) == NEWSPAPER


def test_records_with_the_same_kinds_and_target_are_summed():
    split = [
        OutcomeLine(("劝阻", "整改"), "店外经营", 3),
        OutcomeLine(("规范",), "电动自行车停放", 10),
        OutcomeLine(("劝阻", "整改"), "店外经营", 4),
        OutcomeLine(("劝离",), "违章停车", 8),
        OutcomeLine(("扣分", "罚款"), "特种设备车辆", 1),
        OutcomeLine(("扣分", "罚款"), "三轮摩托车", 1),
        OutcomeLine(("扣分", "罚款"), "三轮摩托车", 1),
    ]
    assert outcome_sentence(split) == NEWSPAPER


def test_only_penalties():
    lines = [OutcomeLine(("罚款",), "机动车", 2), OutcomeLine(("罚款",), "三轮摩托车", 1)]
    assert outcome_sentence(lines) == "共对2辆机动车、1辆三轮摩托车进行罚款处罚。"


def test_different_penalty_kinds_make_separate_clauses():
    lines = [
        OutcomeLine(("扣分", "罚款"), "特种设备车辆", 1),
        OutcomeLine(("暂扣",), "游商", 2),
        OutcomeLine(("扣分", "罚款"), "三轮摩托车", 2),
    ]
    assert outcome_sentence(lines) == "共对1辆特种设备车辆、2辆三轮摩托车进行扣分、罚款处罚，对2名游商进行暂扣处罚。"


def test_only_non_penalties():
    lines = [OutcomeLine(("教育",), "游商", 3), OutcomeLine(("规范",), "非机动车", 15)]
    assert outcome_sentence(lines) == "共教育游商3名，规范非机动车15辆。"


def test_a_record_mixing_education_and_a_fine_is_split():
    lines = [OutcomeLine(("教育", "罚款"), "游商", 2)]
    assert outcome_sentence(lines) == "共教育游商2名，对2名游商进行罚款处罚。"


def test_no_records_means_nothing_found():
    assert outcome_sentence([]) == "此次检查未发现问题。"


@pytest.mark.parametrize("target, counted", [
    ("商户", "3家"), ("店外经营", "3家"), ("电动自行车停放", "3处"), ("违章停车", "3辆"), ("游商", "3名"),
    ("广告", "3处"), ("非机动车", "3辆"),
])
def test_each_target_is_counted_in_its_measure_word(target, counted):
    assert outcome_sentence([OutcomeLine(("劝阻",), target, 3)]) == f"共劝阻{target}{counted}。"


@pytest.mark.parametrize("line", [
    OutcomeLine(("劝阻",), "店外经营", 0),
    OutcomeLine(("拘留",), "店外经营", 1),
    OutcomeLine(("劝阻",), "行人", 1),
    OutcomeLine((), "店外经营", 1),
])
def test_a_bad_record_is_rejected(line):
    with pytest.raises(ValueError):
        outcome_sentence([line])


def test_the_inspection_paragraph_follows_the_article():
    text = inspection_summary(
        lead="街道平安办",
        agencies=["城管办", "执法队", "市场所", "驻街民警", "驻街交警", "安全生产检查队"],
        place="卢沟桥路",
        focus=["机动车、电动自行车停车秩序", "街面环境", "店外经营"],
        lines=RECORDS,
    )
    assert text == (
        "街道平安办牵头，组织城管办、执法队、市场所、驻街民警、驻街交警、安全生产检查队前往卢沟桥路"
        "对机动车、电动自行车停车秩序、街面环境、店外经营等情况进行检查。据统计，此次检查" + NEWSPAPER
    )


def test_an_inspection_by_one_office_that_found_nothing():
    text = inspection_summary(lead="街道城管办", agencies=[], place="横五条北段", lines=[])
    assert text == "街道城管办前往横五条北段进行检查。此次检查未发现问题。"


def test_an_inspection_needs_a_lead_and_a_place():
    with pytest.raises(ValueError):
        inspection_summary(lead=" ", agencies=[], place="卢沟桥路", lines=[])
    with pytest.raises(ValueError):
        inspection_summary(lead="街道平安办", agencies=[], place="", lines=[])
