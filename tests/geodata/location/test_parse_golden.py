"""The parser's output is pinned: every dev line and ~2,000 variants of them (full-width ↔
ASCII punctuation, numbering prefixes, Chinese numerals, truncations, describer-style
lines) must parse exactly as recorded in ``golden_parse.json`` — every field, span,
warning and error, plus what ``to_dict()`` leaves out (categories, problem spans, the
order of the spans). Speed-ups of the parser must not change a single output.

The fixture was recorded from the parser before its speed-up. Regenerate it only when
an output change is intended and reviewed:

    PYTHONPATH=. .venv/bin/python tests/geodata/location/test_parse_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from geodata.location.parse import parse

GOLDEN = Path(__file__).with_name("golden_parse.json")
ROOT = Path(__file__).resolve().parents[3]


def _extra(loc) -> dict:
    """What ``to_dict()`` leaves out."""
    return {
        "categories": list(loc.categories),
        "problem_spans": [p.span.as_list() if p.span else None for p in loc.problem_items],
        "landmark_spans": [lm.span.as_list() if lm.span else None for lm in loc.landmarks],
        "span_order": [k for k, _ in loc.spans],
    }


def _dump(text: str) -> dict:
    loc = parse(text)
    return {"text": text, "to_dict": loc.to_dict(), "extra": _extra(loc)}


def _canonical(case: dict) -> str:
    # a string compare also tells 120 from 120.0
    return json.dumps(case, ensure_ascii=False, sort_keys=True)


def test_parser_reproduces_the_recorded_output_exactly():
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(cases) > 1500
    mismatches = []
    for case in cases:
        got = _dump(case["text"])
        if _canonical(got) != _canonical(case):
            mismatches.append(case["text"])
    assert not mismatches, f"{len(mismatches)} lines parse differently, first: {mismatches[:5]}"


# -- re-recording the fixture ------------------------------------------------------------
# The texts are pinned (every dev line and its variants: full-width <-> ASCII punctuation,
# numbering prefixes, Chinese numerals, truncations, describer-style lines, odd inputs); a
# reviewed change of the parser re-records their outputs, never the set of texts.


def _write_golden() -> None:
    texts = [case["text"] for case in json.loads(GOLDEN.read_text(encoding="utf-8"))]
    cases = [_dump(t) for t in texts]
    lines = (json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases)
    GOLDEN.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    print(f"{len(cases)} cases re-recorded in {GOLDEN}")


if __name__ == "__main__":
    _write_golden()
