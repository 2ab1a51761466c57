"""The problem tagger: the CRF that cuts prose's problem phrases on top of the rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geodata.location import problem_tagger
from geodata.location.parse import parse, parse_rules


@st.composite
def _text_and_spans(draw):
    """A text and non-overlapping, non-empty spans in it, in order (back to back or apart)."""
    spans, pos = [], 0
    for gap, length in draw(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 6)), max_size=8)):
        spans.append((pos + gap, pos + gap + length))
        pos += gap + length
    return "字" * (pos + draw(st.integers(0, 3))), spans


@given(_text_and_spans())
def test_tags_give_back_the_spans_they_were_made_from(case):
    text, spans = case
    tags = problem_tagger.tags_of(text, spans)
    assert len(tags) == len(text)
    assert problem_tagger.spans_of(tags) == spans


def test_an_inside_tag_without_a_beginning_still_opens_a_phrase():
    assert problem_tagger.spans_of(["O", "I", "I", "O", "B", "I"]) == [(1, 3), (4, 6)]


def test_labelled_phrases_are_found_in_order_and_a_repeat_is_found_after_the_first():
    text = "垃圾乱堆,又见垃圾乱堆,路灯不亮"
    assert problem_tagger.find_spans(text, ["垃圾乱堆", "垃圾乱堆", "路灯不亮", "不在文中"]) == [
        (0, 4), (7, 11), (12, 16)]


def test_white_space_at_a_phrase_edge_is_not_part_of_it():
    assert problem_tagger.trim(" 乱停 ,  ", [(0, 4), (5, 7)]) == [(1, 3)]


def test_every_character_gets_features_and_the_rules_cut_is_one_of_them():
    text = "楼下堆放杂物,影响通行"
    feats = problem_tagger.features(text, [(2, 6)])
    assert len(feats) == len(text)
    assert "R=B" in feats[2] and "R=I" in feats[5] and "R=O" in feats[7]
    assert "c=堆" in feats[2] and "t=P" in feats[6]


def test_the_shipped_model_was_trained_on_todays_labels_rules_and_features():
    """A change to the labels, to the rules' reading of a training line or to the features
    needs a rebuild: `.venv/bin/python -m geodata.location.problem_tagger`."""
    lines = problem_tagger.training_lines(parse_rules)
    assert len(lines) > 800
    assert problem_tagger.MODEL.shipped_digest() == problem_tagger.MODEL.digest(problem_tagger.sequences(lines)), (
        "the problem tagger's model is stale: run .venv/bin/python -m geodata.location.problem_tagger")


def test_the_districts_catalogue_form_is_read_by_the_rules_alone():
    # every item a catalogue wording: the rules' reading stands, 机动车、非机动车乱停 two problems
    text = "3. 东铁匠营街道，横七条与顺八条交叉路口向东20米，顺八条北侧，积存垃圾，机动车、非机动车乱停。"
    loc = parse(text)
    assert loc.problems == parse_rules(text).problems == ("积存垃圾", "机动车乱停", "非机动车乱停")
    assert loc.categories == ("积存垃圾", "机动车乱停放", "非机动车乱停放")


def test_prose_the_rules_read_right_stays_right():
    # own wording, phrases written down before either reader was run
    cases = {
        "市民反映,和平里小区3号楼下的垃圾桶满溢,周边散落大量生活垃圾,希望尽快清理。": ("垃圾桶满溢", "散落大量生活垃圾"),
        "记者在现场看到,人行道上停满了共享单车,行人只能走到机动车道上。": ("停满了共享单车",),
        "有居民投诉,楼道内堆放大量纸箱杂物,存在消防隐患。": ("堆放大量纸箱杂物",),
    }
    for text, phrases in cases.items():
        assert parse(text).problems == phrases, text


def test_tagged_phrases_quote_the_text_at_their_spans_and_only_the_location_is_the_rules():
    texts = [
        "家住幸福小区的王女士说,每天晚上都有烧烤摊在楼下营业,油烟呛得人睡不着。",
        "近日有网友反映,新华路与建设街交叉口东侧的绿化带里被人倒了不少建筑垃圾,至今没人清理。",
        "记者走访发现,菜市场门口的排水沟堵塞,污水漫到路面上,过往行人只能绕行。",
    ]
    for text in texts:
        loc, rules = parse(text), parse_rules(text)
        for i, p in enumerate(loc.problem_items):
            assert p.span is not None and text[p.span.start:p.span.end] == p.text
            assert loc.span_of(f"problems[{i}]") == p.span
        assert loc.span_of(f"problems[{len(loc.problem_items)}]") is None
        assert (loc.road_a, loc.road_b, loc.anchor_kind, loc.direction, loc.side) == (
            rules.road_a, rules.road_b, rules.anchor_kind, rules.direction, rules.side)
        no_problem = [w for w in loc.warnings if "未识别出问题" in w.message]
        assert bool(no_problem) == (not loc.problem_items)


def test_a_line_without_chinese_is_not_tagged():
    loc = parse("12345 !!")
    assert loc.problems == () and loc.errors and loc.warnings == ()  # (no "未识别出问题" added)


def test_when_the_tagger_finds_nothing_the_rules_reading_stands():
    for text in ("横七条东侧，小广告。", "网友反映，方庄环岛附近有黑车揽客。", "成寿寺路与横七条交叉口，有人乱扔垃圾。"):
        rules = parse_rules(text).problems
        assert rules and parse(text).problems, text


def test_a_lone_surrogate_is_read_not_an_internal_error():
    loc = parse("记者看到\ud800,垃圾桶旁边堆着很多刚剪下的树枝,气味难闻")
    assert not loc.internal_error and loc.problems


def test_a_line_that_only_names_a_place_is_read_at_the_rules_speed(monkeypatch):
    # no word of what is wrong anywhere: the tagger is not asked (a batch of locations)
    def refuse(*args):
        raise AssertionError("the tagger was asked")

    monkeypatch.setattr(problem_tagger, "tag", refuse)
    for text in ("横七条与顺八条交叉路口向东60米", "横七条与顺八条交叉路口", "学院路街道，裕京大厦天桥"):
        assert parse(text) == parse_rules(text)
    monkeypatch.undo()
    assert parse("记者看到,垃圾桶旁边堆着很多刚剪下的树枝,气味难闻").problems
