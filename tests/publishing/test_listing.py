"""The 未诉先办 list's style, character for character (pure: no database)."""
import pytest

from publishing.domain.listing import (
    Entry,
    clean_location,
    format_list,
    join_problems,
    line_body,
    numbered,
    problem_phrase,
    strip_number,
)

# The four lines of the source page (Fengtai district paper), as printed.
SEED_LINES = [
    "1. 东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。",
    "2. 西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。",
    "3. 右安门街道，玉林南路与玉林东路交叉路口向北100米，玉林东路东侧，门店前堆物堆料，机动车、非机动车乱停。",
    "4. 玉泉营街道，南三环西路辅路与万柳园小区门前路交叉口向北60米，万柳园小区门前路东侧，积存垃圾。",
]
SEED_ENTRIES = [
    Entry("东铁匠营街道", "横五条北段与顺五条交叉路口向北5米，横五条北段西侧", ("积存垃圾",)),
    Entry("西罗园街道", "马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米", ("积存垃圾",)),
    Entry("右安门街道", "玉林南路与玉林东路交叉路口向北100米，玉林东路东侧",
          ("门店前堆物堆料", "机动车乱停", "非机动车乱停")),
    Entry("玉泉营街道", "南三环西路辅路与万柳园小区门前路交叉口向北60米，万柳园小区门前路东侧", ("积存垃圾",)),
]


def test_the_four_published_lines_are_rendered_character_for_character():
    assert format_list(SEED_ENTRIES) == "\n".join(SEED_LINES)


def test_the_subdistrict_is_written_once_even_when_the_location_text_carries_it():
    e = Entry("东铁匠营街道", "东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧", ("积存垃圾",))
    assert line_body(e) == SEED_LINES[0][3:]


def test_half_width_punctuation_and_a_typed_problem_and_full_stop_are_normalised():
    e = Entry("东铁匠营街道", "横五条北段与顺五条交叉路口向北5米,横五条北段西侧,积存垃圾。", ("积存垃圾",))
    assert line_body(e) == SEED_LINES[0][3:]


def test_several_problems_of_one_place_are_joined_with_the_enumeration_comma():
    assert join_problems(["积存垃圾", "堆物堆料"]) == "积存垃圾、堆物堆料"
    assert join_problems(["积存垃圾", "堆物堆料", "店外经营"]) == "积存垃圾、堆物堆料、店外经营"


def test_problems_sharing_a_subject_are_written_once_and_then_set_apart_with_commas():
    assert join_problems(["机动车乱停", "非机动车乱停"]) == "机动车、非机动车乱停"
    assert join_problems(["积存垃圾", "机动车乱停", "非机动车乱停"]) == "积存垃圾，机动车、非机动车乱停"


@pytest.mark.parametrize(("category", "phrase"), [
    ("积存垃圾渣土", "积存垃圾"), ("乱堆物堆料", "堆物堆料"), ("机动车乱停放", "机动车乱停"),
    ("非机动车乱停放", "非机动车乱停"), ("店外经营", "店外经营"), ("无照经营游商", "无照经营"),
])
def test_category_names_become_the_published_phrases(category, phrase):
    assert problem_phrase(category) == phrase


def test_follow_ups_are_marked_after_the_full_stop():
    e = Entry("东铁匠营街道", "横五条北段与顺五条交叉路口向北5米，横五条北段西侧", ("积存垃圾",), "整改不到位")
    assert line_body(e) == SEED_LINES[0][3:] + "（复查：整改不到位）"
    with pytest.raises(ValueError):
        line_body(Entry("甲街道", "A路", ("积存垃圾",), "不知道"))


def test_numbering_runs_from_one_without_gaps():
    lines = format_list(SEED_ENTRIES[::-1]).splitlines()
    assert [line.split(".")[0] for line in lines] == ["1", "2", "3", "4"]


def test_clean_location_keeps_a_subdistrict_it_was_not_told_about():
    assert clean_location("西罗园街道，马家堡东路", "右安门街道") == "西罗园街道，马家堡东路"


@pytest.mark.parametrize("typed", [
    "学院路与清华东路交叉路口向南50米，学院路西侧.",            # a half-width full stop
    "学院路与清华东路交叉路口向南50米, 学院路西侧",             # a space after a half-width comma
    "学院路与清华东路交叉路口向南50米，学院路西侧\u3000。",     # an ideographic space before the stop
    "学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾渣土",  # the catalogue's name typed after it
    "海淀区学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧",  # the district before the subdistrict
    "学院路与清华东路交叉路口向南50米\r\n学院路西侧",           # a line break typed on the tablet
])
def test_a_location_as_officers_type_it_prints_in_the_published_style(typed):
    assert line_body(Entry("学院路街道", typed, ("积存垃圾",))) == (
        "学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。")


def test_a_number_that_begins_the_words_of_a_line_is_kept():
    assert strip_number("12、13号楼之间，积存垃圾。") == "12、13号楼之间，积存垃圾。"
    assert strip_number("3. 12、13号楼之间，积存垃圾。") == "12、13号楼之间，积存垃圾。"  # (a space parts them)
    assert numbered(1, "1.5米宽便道上，积存垃圾。") == "1. 1.5米宽便道上，积存垃圾。"
