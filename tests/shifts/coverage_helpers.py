"""Simulated shifts on the demo network as stored in the database: tracks from the
simulator, sent through the ingestion service in batches, coverage computed by the service,
and the stored coverage scored against the simulator's truth."""
from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.contrib.auth import get_user_model
from pyproj import Transformer

from org.models import Officer, Role, Team
from shifts.domain.simulate import SimulatedTrack, _largest_component, segment_graph, truth_share
from shifts.models import SegmentCoverage
from shifts.selectors.coverage import segment_index
from shifts.services.coverage import coverage_update
from shifts.services.fixes import FixIn, fixes_ingest
from shifts.services.shifts import shift_create, shift_end, shift_start

from .domain.truth import confusion, merged_truth

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 15)
T0 = dt.datetime.combine(DAY, dt.time(8, 0), tzinfo=BJ).timestamp()
BATCH = 60  # fixes: five minutes at one fix per 5 s, as a tablet sends them
_to_wgs84 = Transformer.from_crs(4548, 4326, always_xy=True)


def demo_network() -> dict:
    """The patrolled demo segments from the database: {segment id: LineString (EPSG:4548)}."""
    index = segment_index()
    return dict(zip(index.ids.tolist(), index.geoms, strict=True))


def members(n: int) -> list[Officer]:
    team = Team.objects.get(name="执法一队")
    lead = Officer.objects.get(user__username="lead1")
    out = []
    for i in range(n):
        user, _ = get_user_model().objects.get_or_create(username=f"cov_member_{i}")
        officer, _ = Officer.objects.get_or_create(user=user, defaults=dict(
            name=f"覆盖{i}", role=Role.OFFICER, agency=lead.agency, team=team, jurisdiction=lead.jurisdiction))
        out.append(officer)
    return out


def on_duty_shift(*, period="morning", day=DAY, segment_ids=()):
    lead = get_user_model().objects.get(username="lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=day, period=period,
                         segment_ids=list(segment_ids))
    shift_start(actor=lead, shift_id=shift.pk)
    return shift


def end(shift, *, recompute: bool = True) -> None:
    """The shift ends; its job (a full recomputation) runs when `recompute`."""
    shift_end(actor=get_user_model().objects.get(username="lead1"), shift_id=shift.pk)
    shift.refresh_from_db()
    if recompute:
        coverage_update(shift_id=shift.pk)


def fix_ins(track: SimulatedTrack) -> list[FixIn]:
    xs = [f.x for f in track.fixes]
    ys = [f.y for f in track.fixes]
    lon, lat = _to_wgs84.transform(xs, ys)
    return [FixIn(t=dt.datetime.fromtimestamp(f.t, dt.UTC), lat=la, lon=lo, accuracy_m=f.accuracy_m,
                  speed_mps=f.speed_mps, heading_deg=f.heading_deg)
            for f, lo, la in zip(track.fixes, lon, lat, strict=True)]


def batches_of(fixes: list[FixIn], size: int = BATCH) -> list[list[FixIn]]:
    return [fixes[i:i + size] for i in range(0, len(fixes), size)]


def send(shift, officer, batches, *, shuffle_seed: int | None = None, compute: bool = True) -> list[int]:
    """Ingest `batches` (in the given order; each shuffled inside when `shuffle_seed`), and
    run the coverage job's service after each, as the worker would. Returns batch ids."""
    rnd = random.Random(shuffle_seed)
    ids = []
    for b in batches:
        if shuffle_seed is not None:
            b = list(b)
            rnd.shuffle(b)
        r = fixes_ingest(actor=None, shift=shift, officer=officer, device_id=f"sim-{officer.pk}", fixes=b,
                         source="api", now=T0 + 30 * 86400)
        ids.append(r.batch_id)
        if compute:
            coverage_update(shift_id=shift.pk, batch_id=r.batch_id)
    return ids


def stored(shift) -> dict[int, tuple]:
    return {r.segment_id: (r.intervals, r.covered_m, r.share, r.first_pass_at, r.last_pass_at, r.passes)
            for r in SegmentCoverage.objects.filter(shift=shift)}


def stored_shares(shift) -> dict[int, float]:
    return dict(SegmentCoverage.objects.filter(shift=shift).values_list("segment_id", "share"))


def f1_against_truth(tracks: list[SimulatedTrack], shares: dict[int, float], network: dict,
                     threshold: float = 0.8) -> tuple[float, float, float, float]:
    """(tp, fp, fn) metres of segments covered in truth / computed, over the segments the
    simulator can reach (as tests/shifts/domain/truth.py `score`), and the F1."""
    keep = set(_largest_component(segment_graph(network)))
    lengths = {k: g.length for k, g in network.items() if k in keep}
    tp, fp, fn = confusion(truth_share(merged_truth(tracks), lengths), shares, lengths, threshold)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return tp, fp, fn, f1
