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
import random
import re
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


# -- generating the fixture -------------------------------------------------------------
_FW = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？", " ": "\u3000"}
_HW = {v: k for k, v in _FW.items()}
_CN = "零一二三四五六七八九"


def _cn_num(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 100:
        return ("" if n // 10 == 1 else _CN[n // 10]) + "十" + (_CN[n % 10] if n % 10 else "")
    h, rest = divmod(n, 100)
    out = _CN[h] + "百"
    if rest == 0:
        return out
    if rest < 10:
        return out + "零" + _CN[rest]
    return out + _CN[rest // 10] + "十" + (_CN[rest % 10] if rest % 10 else "")


def _cn_numerals(s: str) -> str:
    return re.sub(r"\d{1,3}(?=\s*(?:米|处|号|公里))", lambda m: _cn_num(int(m.group())), s)


def _golden_texts() -> list[str]:
    import sys

    from geodata.location.evaluate import load_records

    sys.path.insert(0, str(Path(__file__).parent))
    from test_parse_describer_style import CASES, _generated_lines, _variants

    dev = [r["text"] for r in load_records(ROOT / "fixtures" / "locations_dev.jsonl")]
    rnd = random.Random(20240607)
    texts: list[str] = []
    seen: set[str] = set()

    def add(t: str) -> None:
        if t not in seen:
            seen.add(t)
            texts.append(t)

    for t in dev:
        add(t)
        add("".join(_FW.get(c, c) for c in t))
        add("".join(_HW.get(c, c) for c in t))
        add(_cn_numerals(t))
        for prefix in ("1. ", "2、", "三、", "(4)", "● "):
            add(prefix + t)
        add(t.replace("，", ",").replace(",", ", "))
        for _ in range(3):  # truncations: half-readable lines
            i = rnd.randrange(0, len(t))
            add(t[i:rnd.randrange(i, len(t) + 1)])
        add(t + "\n")
        add(" " + t + "。")
    for line in _generated_lines():
        for v in _variants(line):
            add(v)
    for c in CASES:
        add(c[0] + "，积存垃圾。")
        add(_cn_numerals(c[0]))
    for t in ["", " ", "。", "abc", "不知道在哪里", "今天天气很好", "在这里", "是哪条路", "积存垃圾",
              "马家堡东路", "(1)", "|||", "1. | a | b |", "\x00\t东西"]:
        add(t)
    return texts


def _write_golden() -> None:
    cases = [_dump(t) for t in _golden_texts()]
    lines = (json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases)
    GOLDEN.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    print(f"{len(cases)} cases written to {GOLDEN}")


if __name__ == "__main__":
    _write_golden()
