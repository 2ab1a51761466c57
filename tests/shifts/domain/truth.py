"""Scoring coverage against the simulator's truth (shared by the tests and the bench)."""
from __future__ import annotations

from dataclasses import dataclass

from shifts.domain.coverage import (
    SegmentIndex,
    coverage_summary,
    covered_intervals,
    is_covered,
    merge_coverage,
)
from shifts.domain.simulate import SimulatedTrack, _largest_component, segment_graph, truth_share


@dataclass(frozen=True)
class Score:
    f1: float
    truth_share: float  # covered length / network length, truth
    covered_share: float  # the same, computed
    fixes: int
    tp: float = 0.0  # metres of segments covered in both
    fp: float = 0.0  # covered in the computation only
    fn: float = 0.0  # covered in the truth only

    @property
    def length_error_pp(self) -> float:
        return 100.0 * (self.covered_share - self.truth_share)


def merged_truth(tracks: list[SimulatedTrack]) -> dict[int, tuple[tuple[float, float], ...]]:
    """What the members really traversed, per segment, as merged (start_m, end_m) intervals."""
    truth: dict[int, list[tuple[float, float]]] = {}
    for tr in tracks:
        for k, v in tr.truth.items():
            truth.setdefault(k, []).extend(v)
    merged = {}
    for k, pairs in truth.items():
        out: list[list[float]] = []
        for a, b in sorted(pairs):
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        merged[k] = tuple((a, b) for a, b in out)
    return merged


def confusion(true_share: dict, shares: dict, lengths: dict, threshold: float = 0.8) -> tuple[float, float, float]:
    """(tp, fp, fn) in metres of segments covered in truth / in the computation."""
    tp = fp = fn = 0.0
    for k, length in lengths.items():
        t, c = true_share[k] >= threshold, is_covered(shares.get(k, 0.0), threshold)
        tp += length * (t and c)
        fp += length * (c and not t)
        fn += length * (t and not c)
    return tp, fp, fn


def score(tracks: list[SimulatedTrack], index: SegmentIndex, threshold: float = 0.8, reachable_only: bool = True,
          **kwargs) -> Score:
    """Length-weighted F1 of covered segments (a segment is covered in truth when at least
    `threshold` of its length was traversed, in the computation when `is_covered`), and
    the covered share of the network's length in both."""
    lengths = {int(k): float(v) for k, v in zip(index.ids, index.lengths, strict=True)}
    if reachable_only:
        # the simulator's members start in the largest connected part and stay there, so
        # the truth says nothing about ways cut off from it (Helsinki: 13 % of the length,
        # footways ending a few metres short of the street they run beside)
        keep = set(_largest_component(segment_graph(dict(zip(index.ids.tolist(), index.geoms, strict=True)))))
        lengths = {k: v for k, v in lengths.items() if k in keep}
    cov: dict = {}
    for tr in tracks:
        cov = merge_coverage(cov, covered_intervals(tr.fixes, index, **kwargs))
    true_share = truth_share(merged_truth(tracks), lengths)
    got = coverage_summary(cov, lengths)
    tp, fp, fn = confusion(true_share, {k: got[k].share for k in lengths}, lengths, threshold)
    total = sum(lengths.values())
    return Score(
        f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
        truth_share=sum(true_share[k] * lengths[k] for k in lengths) / total,
        covered_share=sum(got[k].share * lengths[k] for k in lengths) / total,
        fixes=sum(len(tr.fixes) for tr in tracks),
        tp=tp, fp=fp, fn=fn,
    )


def pooled_f1(scores: list[Score]) -> float:
    """F1 over several independent scenarios: their confusion lengths summed."""
    tp, fp, fn = (sum(getattr(s, k) for s in scores) for k in ("tp", "fp", "fn"))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
