"""Properties of the location parser over arbitrary text (hypothesis)."""

import json
import logging
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.location import parse as parse_module
from geodata.location.parse import parse
from geodata.location.text import fold
from geodata.location.types import INTERNAL

DEV = Path(__file__).resolve().parents[3] / "fixtures" / "locations_dev.jsonl"
DEV_TEXTS = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line]

# Characters the parser reacts to, so random text often looks like a location line.
VOCAB = list("东西南北正向往以约米公里路街道与和、/交叉口处侧角段辅号的门前对面内外下旁附近有,，:：;。()（）"
             "街道镇乡社区所属一二三四五六七八九十百0123456789环岛转盘从至—-| \n\t\x00“”")
LOCATION_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(VOCAB), max_size=60),
    st.lists(st.sampled_from(VOCAB + ["积存垃圾", "马家堡东路", "革新南路", "天成酒店", "西罗园街道"]),
             max_size=25).map("".join),
    st.sampled_from(DEV_TEXTS).flatmap(
        lambda s: st.integers(0, len(s)).flatmap(lambda i: st.integers(i, len(s)).map(lambda j: s[i:j]))
    ),
)

NAME_FIELDS = ("district", "subdistrict", "road_a", "road_b", "road", "side_road", "address")


def _check_spans(text: str) -> None:
    loc = parse(text)
    # parse() never raises, not even on a bug of its own: that comes back as an error with
    # code INTERNAL, which no text may produce
    assert not loc.internal_error, (text, loc.errors)
    n = len(text)
    for key, span in loc.spans:
        assert 0 <= span.start <= span.end <= n, (key, span)
    for message in loc.warnings + loc.errors:
        assert 0 <= message.span.start <= message.span.end <= n
    d = loc.to_dict()
    json.dumps(d, ensure_ascii=False)
    for key in NAME_FIELDS:
        span = loc.span_of(key)
        if d[key] is not None and span is not None:
            assert fold(text[span.start:span.end]) == d[key], key
    for key in ("direction", "corner"):
        span = loc.span_of(key)
        if d[key] is not None and span is not None:
            assert d[key] in fold(text[span.start:span.end]), key
    if loc.span_of("side") is not None:
        assert d["side"][0] in fold(text[loc.span_of("side").start:loc.span_of("side").end])
    for i, lm in enumerate(loc.landmarks):
        span = loc.span_of(f"landmarks[{i}]")
        assert span is not None and fold(text[span.start:span.end]) == lm.name


@settings(max_examples=600, deadline=None)
@given(LOCATION_TEXT)
@example("|一 –一|")  # found 2026-12-02: the en dash, read as a clause's comma, came back in a landmark's name
def test_parse_never_raises_and_spans_lie_in_the_text(text):
    _check_spans(text)


def test_parse_reports_no_internal_error_on_the_dev_lines():
    for text in DEV_TEXTS:
        assert not parse(text).internal_error, text
        _check_spans(text)


def test_parse_rejects_non_strings_without_raising():
    loc = parse(None)  # type: ignore[arg-type]
    assert not loc.ok and not loc.internal_error  # the caller's fault, not the parser's


def _read_location_failing_on_roads(read_location):
    """`read_location` with a bug injected: it raises wherever the location names a road."""
    def failing(r, pos, end):
        if "路" in r.t[pos:end]:
            raise ZeroDivisionError("injected bug")
        return read_location(r, pos, end)
    return failing


def test_a_bug_inside_parsing_is_reported_as_internal_and_fails_the_property(monkeypatch, caplog):
    monkeypatch.setattr(parse_module, "read_location", _read_location_failing_on_roads(parse_module.read_location))
    text = "革新南路南侧，积存垃圾。"
    with caplog.at_level(logging.ERROR, logger=parse_module.__name__):
        loc = parse(text)  # still does not raise
    assert loc.internal_error and not loc.ok
    assert [e.code for e in loc.errors] == [INTERNAL]
    assert "ZeroDivisionError('injected bug')" in loc.errors[0].message
    assert loc.to_dict()["errors"] == [{"span": [0, len(text)], "message": loc.errors[0].message, "code": "internal"}]
    assert "ZeroDivisionError" in caplog.text  # the traceback is logged
    # a line the bug does not reach is read as before
    assert parse("天成酒店南侧10米，积存垃圾。").ok
    # the checks of the property test fail on it, and so does the property test itself
    with pytest.raises(AssertionError):
        _check_spans(text)
    with pytest.raises(AssertionError):
        test_parse_never_raises_and_spans_lie_in_the_text()
