"""未诉先办 planning, measured: does the ranking put next week's complaints in the top 10 % of segments?

Complaint histories are simulated (seeded) for a district's segments with patterns that are
known because they are written here:

- ``standing``: a few standing problems (a gamma mix of rates: most streets quiet, a few
  complained about week after week), nothing else;
- ``seasonal``: the same, plus summer-only places (night markets, barbecues: complaints from
  June to September) and winter-only ones (heating, December to February);
- ``drifting``: standing places that come and go (a shop opens, a building site closes: each
  place is active for a few months at a time), and patrol problems found where complaints will
  follow (the patrol sees the pile before the neighbours call);
- ``mixed``: all of the above at once: the headline.

For each: two years of weekly history; the ranking's weights are tuned on weeks 70–85
(``hotline.domain.hotspots.tune``) and the ranking is scored on weeks 86–104, which the tuning
never saw. The score is the share of each next week's complaints that fall in the top 10 % of
ranked segments, pooled over the scored weeks, beside a uniform ranking (any 10 %: an expected
10 %) and a "last week's counts" ranking (the segments with most complaints last week; ties
broken at random, seeded). Run:

    .venv/bin/python bench/hotspots.py [--segments 1500] [--seed 20261130]

Last line: ``RESULT top10_share=… uniform_share=… last_week_share=…`` (the mixed histories).
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotline.domain.hotspots import Event, rank, tune  # noqa: E402  (pure: no Django needed)

START = date(2024, 12, 2)  # a Monday; two years of weeks from here
WEEKS = 105
TRAIN = range(70, 86)
TEST = range(86, WEEKS)
# A small grid: the bench tunes 4 × 3 × 3 × 2 = 72 weight sets on 16 weeks.
GRID = {"half_life_days": (7.0, 14.0, 28.0, 56.0), "repeat": (0.0, 0.5, 1.0), "season": (0.0, 0.5, 1.5),
        "open_problem": (0.5, 1.5)}


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def simulate(pattern: str, *, segments: int, seed: int) -> list[Event]:
    """Weekly complaints (and patrol problems) per segment under `pattern`."""
    rng = random.Random(f"{pattern}:{seed}")
    base = {s: 0.02 for s in range(segments)}  # background: one complaint in a year on a quiet street
    standing = {s: rng.gammavariate(0.5, 0.35) if rng.random() < 0.08 else 0.0 for s in range(segments)}
    summer = {s for s in range(segments) if rng.random() < 0.03} if pattern in ("seasonal", "mixed") else set()
    winter = {s for s in range(segments) if rng.random() < 0.02} if pattern in ("seasonal", "mixed") else set()
    drifting = pattern in ("drifting", "mixed")
    # Places that come and go: active in spells of 8–20 weeks, then quiet for 10–40.
    spells: dict[int, list[tuple[int, int]]] = {}
    if drifting:
        for s in range(segments):
            if rng.random() < 0.06:
                w, runs = rng.randrange(0, 30), []
                while w < WEEKS:
                    length = rng.randrange(8, 21)
                    runs.append((w, w + length))
                    w += length + rng.randrange(10, 41)
                spells[s] = runs
    events: list[Event] = []
    for w in range(WEEKS):
        monday = START + timedelta(days=7 * w)
        month = (monday + timedelta(days=3)).month
        for s in range(segments):
            lam = base[s] + standing[s]
            if s in summer and month in (6, 7, 8, 9):
                lam += 0.9
            if s in winter and month in (12, 1, 2):
                lam += 0.7
            active = any(a <= w < b for a, b in spells.get(s, ()))
            if active:
                lam += 0.8
            for _ in range(poisson(rng, lam)):
                events.append(Event(s, "complaint", monday + timedelta(days=rng.randrange(7))))
            # The patrol finds piles where complaints are coming: more often where the rate is high,
            # and at a spell's start a week ahead of the calls.
            starting = drifting and any(a - 1 <= w < a + 1 for a, _ in spells.get(s, ()))
            if rng.random() < min(0.6, lam / 3 + (0.5 if starting else 0.0)):
                events.append(Event(s, "problem", monday + timedelta(days=rng.randrange(7))))
    return events


def shares(events: list[Event], *, segments: int, seed: int) -> dict[str, float]:
    k = max(1, round(segments * 0.10))
    mondays = [START + timedelta(days=7 * w) for w in range(WEEKS)]
    t0 = time.perf_counter()
    weights = tune(events, weeks=[mondays[w] for w in TRAIN], k=k, grid=GRID)
    tune_s = time.perf_counter() - t0
    complaints = [e for e in events if e.kind == "complaint"]
    rng = random.Random(seed)
    caught = {"model": 0, "last_week": 0, "uniform": 0.0}
    total = 0
    for w in TEST:
        start, end = mondays[w], mondays[w] + timedelta(days=7)
        actual = Counter(e.cell for e in complaints if start <= e.day < end)
        n = sum(actual.values())
        if not n:
            continue
        total += n
        top = [r.cell for r in rank(events, at=start, weights=weights, limit=k)]
        last = Counter(e.cell for e in complaints if start - timedelta(days=7) <= e.day < start)
        order = list(range(segments))
        rng.shuffle(order)  # ties in last week's counts broken at random
        by_last = sorted(order, key=lambda c: -last[c])[:k]
        caught["model"] += sum(actual[c] for c in top)
        caught["last_week"] += sum(actual[c] for c in by_last)
        caught["uniform"] += n * k / segments  # the expected share of any 10 %
    return {name: value / total for name, value in caught.items()} | {
        "complaints": total, "tune_s": tune_s, "half_life": weights.half_life_days, "repeat": weights.repeat,
        "season": weights.season, "open_problem": weights.open_problem}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    print(f"未诉先办 planning: {args.segments} segments, {WEEKS} weeks; tuned on weeks {TRAIN.start}-{TRAIN.stop - 1}, "
          f"scored on weeks {TEST.start}-{TEST.stop - 1} (never seen by the tuning); top 10 % = "
          f"{round(args.segments * 0.1)} segments")
    print(f"{'pattern':<10} {'complaints':>10} {'top 10%':>8} {'uniform':>8} {'last week':>9}   tuned weights (tune s)")
    results = {}
    for pattern in ("standing", "seasonal", "drifting", "mixed"):
        events = simulate(pattern, segments=args.segments, seed=args.seed)
        r = shares(events, segments=args.segments, seed=args.seed)
        results[pattern] = r
        print(f"{pattern:<10} {r['complaints']:>10} {r['model']:>8.3f} {r['uniform']:>8.3f} {r['last_week']:>9.3f}   "
              f"half-life {r['half_life']:.0f} d, repeat {r['repeat']}, season {r['season']}, "
              f"open {r['open_problem']} ({r['tune_s']:.1f} s)")
    m = results["mixed"]
    print(f"RESULT top10_share={m['model']:.3f} uniform_share={m['uniform']:.3f} last_week_share={m['last_week']:.3f}")


if __name__ == "__main__":
    main()
