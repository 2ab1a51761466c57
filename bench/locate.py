"""Benchmark: the location language, measured side by side in one run.

1. Parser per-field F1 for subdistrict, road pair (either order), anchor_kind, direction,
   distance_m, side and problems, next to a plain regular-expression baseline
   (geodata.location.baseline), on eleven labelled files: locations_dev.jsonl (82 real
   lines), locations_dev2.jsonl (the second set's dev part: rules may be written from it)
   and locations_heldout.jsonl (its held-out third: no rule is written from it; see
   fixtures/SOURCES.md), locations_fresh.jsonl (180 lines labelled blind later, from
   other pages and mostly other cities; a dev set since its first scores), locations_dev4.jsonl
   (185 landmark-heavy lines, a dev set), locations_blind3.jsonl (177 lines labelled blind
   from 91 pages no other set used; a dev set since 2026-12-01), locations_blind4.jsonl (200 lines from 88 further pages, a
   fourth blind set at first, a dev set since the second session of 2026-12-01),
   locations_dev6.jsonl (301 lines from 142 further pages, weighted to sides and offsets, a
   dev set from the start), locations_dev7.jsonl (174 lines from 89 further pages, a dev set
   from the start), and
   locations_blind5.jsonl (190 lines from 108 further pages, a fifth blind set: no rule is
   written from it and the models never train on it), and locations_blind6.jsonl (a sixth blind
   set, labelled at the end of 2026-12-01's second session, held out the same way). A hit counts only when the field is in the label and the value
   is the same; then the macro average of the seven fields, and the problems scored phrase
   by phrase (each labelled phrase a unit), beside the row that asks for a line's whole set.
   The problems are scored against the phrases labelled to the written convention the parser
   follows (fixtures/problems_convention.md, v2: fixtures/locations_problems_v2.jsonl, made
   blind for every line; two annotators agree on 0.895 of lines there); the row
   "problems v1" scores them against each file's first labels (two annotators agreed on 0.54).
2. Round trip on the real network: 1,000 seeded random points on the named roads'
   carriageways and 辅路 → describe → parse → geocode; error in metres (median, p95).
3. Throughput: parsing (dev lines), and batch geocoding of the 1,000 round-trip texts
   (already parsed) on the in-memory index, next to the same geocode (intersection by the
   two road names, then the walk along the road leaving closest to the direction) done
   as ONE hand-written PostGIS SQL statement over the whole batch.

    .venv/bin/python bench/locate.py      (needs the demo district: make run, or load_demo)
Last line: RESULT dev_min_field_f1=… dev2_min_field_f1=… heldout_min_field_f1=… heldout_macro_f1=… fresh_macro_f1=… blind3_macro_f1=…
blind4_macro_f1=… blind5_macro_f1=… blind6_macro_f1=… heldout_problems_v1_f1=… rt_median_m=… rt_p95_m=…
parse_per_s=… geocode_per_s=… ratio_to_sql=…
"""
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import INTERSECTION_OFFSET_SQL as SQL  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from geodata.geocoding import build_index  # noqa: E402
from geodata.location import compass  # noqa: E402
from geodata.location.baseline import parse_baseline  # noqa: E402
from geodata.location.describe import describe  # noqa: E402
from geodata.location.evaluate import (  # noqa: E402
    REPORT_FIELDS,
    field_f1,
    load_records,
    problem_items_f1,
    with_problems,
)
from geodata.location.geocode import geocode  # noqa: E402
from geodata.location.parse import parse  # noqa: E402
from geodata.names import normalize_name  # noqa: E402

N_POINTS = 1000
SEED = 20261126


F1_FILES = (("dev", "locations_dev.jsonl"), ("dev2", "locations_dev2.jsonl"),
            ("heldout", "locations_heldout.jsonl"), ("fresh", "locations_fresh.jsonl"),
            ("dev4", "locations_dev4.jsonl"), ("blind3", "locations_blind3.jsonl"),
            ("blind4", "locations_blind4.jsonl"), ("dev6", "locations_dev6.jsonl"), ("dev7", "locations_dev7.jsonl"),
            ("blind5", "locations_blind5.jsonl"), ("blind6", "locations_blind6.jsonl"))


def f1_tables():
    """Per-field F1 on each labelled file; the dev records (for the speed test) and each
    file's lowest field F1."""
    tables, mins, macros, v1 = {}, {}, {}, {}
    for key, name in F1_FILES:
        first_labels = load_records(ROOT / "fixtures" / name)
        records = with_problems(first_labels, ROOT / "fixtures" / "locations_problems_v2.jsonl")
        tables[key] = (records, field_f1(parse, records, REPORT_FIELDS),
                       field_f1(parse_baseline, records, REPORT_FIELDS))
        v1[key] = field_f1(parse, first_labels, ["problems"])["problems"].f1
        mins[key] = min(tables[key][1][f].f1 for f in REPORT_FIELDS)
        macros[key] = sum(tables[key][1][f].f1 for f in REPORT_FIELDS) / len(REPORT_FIELDS)
    print("1. parser F1 (baseline in brackets): " + ", ".join(
        f"{name} ({len(tables[key][0])} lines)" for key, name in F1_FILES))
    print(f"   {'field':12} " + " ".join(f"{key:>16}" for key, _ in F1_FILES))
    for f in REPORT_FIELDS:
        cells = (f"{tables[k][1][f].f1:.3f} ({tables[k][2][f].f1:.3f})" for k, _ in F1_FILES)
        print(f"   {f:12} " + " ".join(f"{c:>16}" for c in cells))
    print(f"   {'macro':12} " + " ".join(f"{macros[k]:>16.3f}" for k, _ in F1_FILES))
    # not a field of its own: the problems row asks for a line's whole set at once
    items = (f"{problem_items_f1(parse, tables[k][0]).f1:.3f}" for k, _ in F1_FILES)
    print(f"   {'(per item)':12} " + " ".join(f"{c:>16}" for c in items) + "   problem phrases one by one")
    print(f"   {'problems v1':12} " + " ".join(f"{v1[k]:>16.3f}" for k, _ in F1_FILES)
          + "   against the first labels' conventions")
    return tables["dev"][0], mins, macros, v1


def sample_points(net, n, seed):
    rng = random.Random(seed)
    lines = [ln for ln in net.reference_lines]
    weights = [ln.geom.length for ln in lines]
    out = []
    for _ in range(n):
        ln = rng.choices(lines, weights)[0]
        out.append(ln.geom.interpolate(rng.uniform(0, ln.geom.length)))
    return out


def _best_of(n, fn) -> float:
    """Best of n passes with the cyclic garbage collector paused, as timeit does: a full
    collection walks every object of this process (Django, the network index), which
    measures the benchmark's heap, not the parser."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    finally:
        if enabled:
            gc.enable()
    return best


def main():
    records, mins, macros, v1 = f1_tables()

    t0 = time.perf_counter()
    net = build_index()
    t_index = time.perf_counter() - t0
    points = sample_points(net, N_POINTS, SEED)
    texts = [describe(p, net).text for p in points]
    parsed = [parse(t) for t in texts]
    results = [geocode(p, net) for p in parsed]
    errors = sorted(r.point.distance(p) if r.point is not None else float("inf") for r, p in zip(results, points, strict=True))
    median = statistics.median(errors)
    p95 = errors[int(0.95 * len(errors)) - 1]
    print(f"\n2. round trip on the real network ({N_POINTS} points, seed {SEED}; index built in {t_index:.2f} s)")
    print(f"   error median {median:.2f} m, p95 {p95:.2f} m, worst {errors[-1]:.1f} m")

    # Best of many passes, as timeit does: the machine is shared, the minimum is the code's cost.
    # Many short passes (820 lines, some 40 ms each): the shorter a pass, the likelier one
    # falls in a quiet moment of a shared machine.
    dev_texts = [r["text"] for r in records] * 10
    parse_per_s = len(dev_texts) / _best_of(60, lambda: [parse(t) for t in dev_texts])
    parse_rt_per_s = len(texts) / _best_of(60, lambda: [parse(t) for t in texts])

    # Batch geocoding: the project on its in-memory index vs one SQL statement.
    batch = [p for p in parsed if p.road_a and p.road_b and p.direction and p.distance_m]
    a = [normalize_name(p.road_a) for p in batch]
    b = [normalize_name(p.road_b) for p in batch]
    brg = [compass.bearing_of(p.direction) for p in batch]
    dist = [float(p.distance_m) for p in batch]
    # Alternating passes, best of fifteen each (the machine is shared). The index keeps
    # what it worked out from road names (as a server's index does across requests), and
    # PostgreSQL keeps its buffers: both sides run warm.
    project_times, sql_times = [], []
    for _ in range(15):
        project_times.append(_best_of(1, lambda: [geocode(p, net) for p in batch]))
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(SQL, [a, b, brg, dist])
            rows = cur.fetchall()
        sql_times.append(time.perf_counter() - t0)
    t_project, t_sql = min(project_times), min(sql_times)
    t0 = time.perf_counter()
    for t in texts:
        geocode(parse(t), net)
    parse_geocode_per_s = len(texts) / (time.perf_counter() - t0)
    print("\n3. throughput")
    print(f"   parse, dev lines:                       {parse_per_s:10,.0f} lines/s")
    print(f"   parse, round-trip texts:                {parse_rt_per_s:10,.0f} lines/s")
    print(f"   parse + geocode, round-trip texts:      {parse_geocode_per_s:10,.0f} texts/s")
    print(f"   geocode batch of {len(batch)} parsed texts:   project {len(batch) / t_project:10,.0f} texts/s"
          f" ({t_project * 1000:.1f} ms)")
    print(f"   same batch as one PostGIS statement:    {len(batch) / t_sql:10,.0f} texts/s ({t_sql * 1000:.1f} ms,"
          f" {len(rows)} rows)")
    print(f"   ratio project / SQL time: {t_project / t_sql:.2f}")
    print(f"RESULT dev_min_field_f1={mins['dev']:.3f} dev2_min_field_f1={mins['dev2']:.3f} "
          f"heldout_min_field_f1={mins['heldout']:.3f} heldout_macro_f1={macros['heldout']:.3f} "
          f"fresh_macro_f1={macros['fresh']:.3f} blind3_macro_f1={macros['blind3']:.3f} "
          f"blind4_macro_f1={macros['blind4']:.3f} blind5_macro_f1={macros['blind5']:.3f} blind6_macro_f1={macros['blind6']:.3f} heldout_problems_v1_f1={v1['heldout']:.3f} rt_median_m={median:.2f} rt_p95_m={p95:.2f} "
          f"parse_per_s={parse_per_s:.0f} geocode_per_s={len(batch) / t_project:.0f} "
          f"ratio_to_sql={t_project / t_sql:.2f}")


if __name__ == "__main__":
    main()
