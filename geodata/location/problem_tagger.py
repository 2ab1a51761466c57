"""The problem phrases of prose, cut by a character CRF that reads on top of the rules.

`geodata.location.problems` reads the district's own published form almost perfectly
(积存垃圾, 机动车乱停, 店外经营: the catalogue's words), but reporters' and callers' prose
(记者看到,垃圾桶旁堆放着刚剪下的树枝,空气中弥漫着难闻的气味) is another matter: which
clauses of a story are the problem, and where each phrase starts and ends, differ from
writer to writer, and a rule written from one page carries little to the next.

This module is a linear-chain CRF (python-crfsuite) over the characters of a line. Each
character carries what it is (itself, its neighbours, punctuation or digit), what the lexicon
says around it (a problem word, a road, a relation word), its place in its clause, and the
rules' own cut of the line (their B/I/O tag here and next door): the model learns where the
rules are right and where prose departs from them. It is trained on the dev files' phrases
labelled to convention v2 (``fixtures/problems_convention.md``). Measured 5-fold
cross-validated on those lines (``bench/problems_tagger.py --v2``), it reads more lines'
phrases right than the rules do, and most so on prose.

Where every item the rules read is a catalogue wording (`lexicon.category_of` knows it), the
rules' reading is kept: that is the district's form, where they are right and where the
convention's one recorded departure lives (机动车、非机动车乱停 stays two problems, as the
catalogue sends them to two agencies). Elsewhere the model's phrases are the line's problems.

The model is a file shipped with the code (``problem_tagger.crfsuite``, about 0.8 MB), with
a sidecar holding the digest of what it was trained on (`crf_model.ShippedModel`: each line's
features, the rules' cut among them, and its labels; the training parameters). A test
recomputes the digest, so a change of labels, rules or lexicon without a rebuild fails.
Rebuild (about 5 s, no database)::

    .venv/bin/python -m geodata.location.problem_tagger

>>> tags_of("甲积存垃圾,乙", [(1, 5)])
['O', 'B', 'I', 'I', 'I', 'O', 'O']
>>> spans_of(['O', 'B', 'I', 'I', 'I', 'O', 'B'])
[(1, 5), (6, 7)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from geodata.location.crf_model import ShippedModel
from geodata.location.lexicon import PROBLEM_WORD, REL, ROAD
from geodata.location.phrase_convention import says_something_wrong

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# The lines the model learns from: the dev files (no held-out file). locations_blind3 and
# locations_blind4 were blind files until they had been scored too often to stay so; they
# are dev files since.
TRAINING_FILES = (
    "locations_dev.jsonl", "locations_dev2.jsonl", "locations_fresh.jsonl",
    "locations_dev4.jsonl", "locations_blind3.jsonl", "locations_blind4.jsonl", "locations_dev6.jsonl",
    "locations_dev7.jsonl",
)
LABELS_FILE = "locations_problems_v2.jsonl"
PARAMS = {"c1": 0.1, "c2": 0.2, "max_iterations": 150, "feature.possible_transitions": True}

_PUNCT = frozenset(",，。;；:：!！?？、()（）【】[]“”\"' |-—")
_REL = re.compile(REL)

Span = tuple[int, int]


def _covered(pattern: re.Pattern, text: str) -> list[int]:
    marks = [0] * len(text)
    for m in pattern.finditer(text):
        for i in range(m.start(), m.end()):
            marks[i] = 1
    return marks


def _kind(c: str) -> str:
    if c in _PUNCT:
        return "P"
    if c.isdigit():
        return "D"
    if "\u4e00" <= c <= "\u9fff":
        return "H"
    return "S" if c.isspace() else "O"


def char_features(text: str) -> list[list[str]]:
    """Each character's features from the text and the lexicon alone."""
    n = len(text)
    pw, rd, rl = _covered(PROBLEM_WORD, text), _covered(ROAD, text), _covered(_REL, text)
    out = []
    for i, c in enumerate(text):
        f = {"c": c, "t": _kind(c), "pw": pw[i], "rd": rd[i], "rl": rl[i],
             "b-1": (text[i - 1] if i else "#") + c, "b+1": c + (text[i + 1] if i + 1 < n else "#"),
             "after_p": int(i == 0 or text[i - 1] in _PUNCT), "before_p": int(i == n - 1 or text[i + 1] in _PUNCT),
             "pw-1": pw[i - 1] if i else 0, "pw+1": pw[i + 1] if i + 1 < n else 0, "rd-1": rd[i - 1] if i else 0}
        for k in (-2, -1, 1, 2):
            f[f"c{k}"] = text[i + k] if 0 <= i + k < n else "#"
        out.append(f)
    start = 0  # clause-level: holds a problem word, a road; place in the clause
    for i in range(n + 1):
        if i == n or text[i] in _PUNCT:
            has_pw, has_rd = int(any(pw[start:i])), int(any(rd[start:i]))
            for j in range(start, i):
                out[j].update(cl_pw=has_pw, cl_rd=has_rd, cl_pos=min(j - start, 6), cl_rem=min(i - j, 6))
            start = i + 1
    return [[f"{k}={v}" for k, v in f.items()] for f in out]


def features(text: str, rule_spans: Sequence[Span]) -> list[list[str]]:
    """`char_features` plus the rules' own cut: their B/I/O tag here and next door."""
    tags, out = tags_of(text, rule_spans), char_features(text)
    n = len(tags)
    for i, t in enumerate(tags):
        out[i] += [f"R={t}", f"R-1={tags[i - 1] if i else '#'}", f"R+1={tags[i + 1] if i + 1 < n else '#'}",
                   f"Rc={t}|{text[i]}"]
    return out


def tags_of(text: str, spans: Iterable[Span]) -> list[str]:
    """B/I/O tags of phrases given by their spans (an empty or inverted span tags nothing)."""
    tags = ["O"] * len(text)
    for a, b in spans:
        if 0 <= a < b <= len(text):
            tags[a] = "B"
            for k in range(a + 1, b):
                tags[k] = "I"
    return tags


def spans_of(tags: Sequence[str]) -> list[Span]:
    """The phrases a tag sequence marks (an I without a B before it opens one)."""
    out, cur = [], None
    for i, t in enumerate(tags):
        if t == "B" or (t == "I" and cur is None):
            if cur is not None:
                out.append((cur, i))
            cur = i
        elif t == "O" and cur is not None:
            out.append((cur, i))
            cur = None
    if cur is not None:
        out.append((cur, len(tags)))
    return out


def _find(text: str, phrase: str, pos: int) -> int:
    """Where a phrase is: after ``pos`` if it is there, else anywhere (-1: nowhere, or empty)."""
    if not phrase:
        return -1
    j = text.find(phrase, pos)
    return text.find(phrase) if j < 0 else j


def find_spans(text: str, phrases: Iterable[str]) -> list[Span]:
    """Where labelled phrases are in the text, each looked for after the one before it."""
    out, pos = [], 0
    for p in phrases:
        if (j := _find(text, p, pos)) >= 0:
            out.append((j, j + len(p)))
            pos = j + len(p)
    return out


# What no phrase starts or ends with (the convention quotes none): a closing bracket or a
# separator before it, an opening bracket or a separator after it.
_NOT_AT_START = frozenset(")）]】,，;；:：、。!！?？")
_NOT_AT_END = frozenset("(（[【,，;；:：、")
# a bracket whose partner is not in the phrase
_OPENS, _CLOSES = re.compile(r"[(（]"), re.compile(r"[)）]")


def trim(text: str, spans: Iterable[Span]) -> list[Span]:
    """The spans without white space, or a stray bracket or separator, at their edges; spans of
    nothing else are dropped.

    >>> t = "永丰路)路面破损(建筑垃圾)"
    >>> [t[a:b] for a, b in trim(t, [(3, 9), (3, 4), (9, 14)])]
    ['路面破损', '建筑垃圾']
    """
    out = []
    for a, b in spans:
        while a < b and (text[a].isspace() or text[a] in _NOT_AT_START
                         or (text[a] in "(（" and not _CLOSES.search(text, a, b))):
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in _NOT_AT_END
                         or (text[b - 1] in ")）" and not _OPENS.search(text, a, b))):
            b -= 1
        if b > a:
            out.append((a, b))
    return out


MODEL = ShippedModel(Path(__file__).with_name("problem_tagger.crfsuite"), PARAMS)


def worth_tagging(text: str, rule_spans: Sequence[Span]) -> bool:
    """Whether the tagger may find a phrase the rules did not: they read one, or the line has a
    word of what is wrong (`PROBLEM_WORD`, the convention's states, acts and nuisances). A line
    that only names a place (横七条与顺八条交叉路口向东60米: an officer's location, a batch of
    locations) is then read at the rules' speed, 6 times the tagger's; of the 863 training lines,
    2 with a labelled problem have no such word."""
    return bool(rule_spans) or PROBLEM_WORD.search(text) is not None or says_something_wrong(text)


def tag(text: str, rule_spans: Sequence[Span]) -> list[Span]:
    """The problem phrases of a (width-folded) line, as spans, given the rules' spans."""
    if not text:
        return []
    return trim(text, spans_of(MODEL.tag(features(text, rule_spans))))


# -- training ---------------------------------------------------------------------------

def training_lines(rules_reader) -> list[tuple[str, list[Span], list[Span]]]:
    """(folded text, labelled spans, the rules' spans) of every training line.

    ``rules_reader(text)`` is the parser without this model (``parse.parse_rules``), as the
    model reads on top of it."""
    from geodata.location.evaluate import load_records, with_problems
    from geodata.location.text import fold

    out = []
    for name in TRAINING_FILES:
        for r in with_problems(load_records(FIXTURES / name), FIXTURES / LABELS_FILE):
            t = fold(r["text"])
            out.append((t, find_spans(t, r["problems"] or []), rule_spans(t, rules_reader(r["text"]))))
    return out


def rule_spans(text: str, parsed) -> list[Span]:
    """Where a parsed line's problem items are in its folded text: an item's span where it
    quotes the text there, else where the item is found."""
    out, pos = [], 0
    for p in parsed.problem_items:
        s = p.span
        if s is not None and text[s.start:s.end] == p.text:
            out.append((s.start, s.end))
            pos = s.end
        elif (j := _find(text, p.text, pos)) >= 0:
            out.append((j, j + len(p.text)))
            pos = j + len(p.text)
    return out


def sequences(lines: Sequence[tuple[str, list[Span], list[Span]]]) -> list[tuple[list[list[str]], list[str]]]:
    """What the trainer sees: each line's features and its labelled B/I/O tags."""
    return [(features(text, rules), tags_of(text, gold)) for text, gold, rules in lines]


def build() -> str:
    """Train the model from the fixtures and write it, with its digest, beside this module."""
    from geodata.location.parse import parse_rules

    lines = training_lines(parse_rules)
    return MODEL.build(sequences(lines), {"lines": len(lines), "files": list(TRAINING_FILES), "labels": LABELS_FILE})


if __name__ == "__main__":
    print(f"{MODEL.path.name}: trained, digest {build()[:12]}")
