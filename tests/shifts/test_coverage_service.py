"""Coverage stored per (shift, segment), computed batch by batch from fixes sent through the
ingestion service, checked against the simulator's truth on the demo network as loaded in
the database (storage CRS): covered segments match, a long stop paints nothing, replayed
and shuffled batches give the same coverage, flagged fixes paint nothing."""
import dataclasses
import datetime as dt

import numpy as np
import pytest

from core.models import AuditEvent
from shifts.domain.simulate import simulate_member, simulate_team
from shifts.models import FixBatch, SegmentCoverage
from shifts.services.coverage import coverage_update
from shifts.services.fixes import FixIn

from .coverage_helpers import (
    T0,
    _to_wgs84,
    batches_of,
    demo_network,
    end,
    f1_against_truth,
    fix_ins,
    members,
    on_duty_shift,
    send,
    stored,
    stored_shares,
)

pytestmark = pytest.mark.django_db
SEEDS = (1, 2, 3, 4)


@pytest.fixture(autouse=True)
def two_shifts_in_the_same_hours(settings):
    """Several tests compare a morning and an evening shift given the same simulated
    tracks: the evening is planned in the morning's hours, since fixes recorded outside
    their shift do not count for it (flagged off_shift)."""
    settings.SHIFT_PERIODS = {"morning": ("07:00", "15:00"), "evening": ("07:00", "15:00")}


def test_covered_segments_match_the_truth_batch_by_batch(capsys):
    # four scenarios of six members for two hours (as the pure tests), every member's fixes in 5-minute
    # batches, coverage added batch by batch (the worker's way); F1 pooled over the
    # scenarios as in tests/shifts/domain/test_truth.py. While the shift is on duty each
    # batch holds back its last 5 minutes (a stop may be beginning); the last batches'
    # jobs run after the shift ended paint them (as they do when a tablet's last upload
    # comes after the end), and the recomputation at the end is scored too
    network = demo_network()
    officers = members(6)
    incremental, full = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
    for k, seed in enumerate(SEEDS):
        shift = on_duty_shift(day=dt.date(2026, 10, 15) + dt.timedelta(days=k))
        tracks = simulate_team(network, members=6, start_t=T0 + k * 86400, end_t=T0 + k * 86400 + 7200, seed=seed)
        last = [send(shift, o, batches_of(fix_ins(t)))[-1] for o, t in zip(officers, tracks, strict=True)]
        end(shift, recompute=False)
        for batch in last:
            coverage_update(shift_id=shift.pk, batch_id=batch)
        *abc, f1 = f1_against_truth(tracks, stored_shares(shift), network)
        assert f1 >= 0.9, (seed, f1)
        incremental = [a + b for a, b in zip(incremental, abc, strict=True)]
        coverage_update(shift_id=shift.pk)
        *abc, f1 = f1_against_truth(tracks, stored_shares(shift), network)
        full = [a + b for a, b in zip(full, abc, strict=True)]
    f1s = [2 * tp / (2 * tp + fp + fn) for tp, fp, fn in (incremental, full)]
    with capsys.disabled():
        print(f"\n[coverage service] demo, {len(SEEDS)} scenarios × 6 members × 2 h in 5-minute batches: pooled F1 "
              f"batch by batch {f1s[0]:.4f}, recomputed at the end {f1s[1]:.4f}")
    assert min(f1s) >= 0.97, (incremental, full)


def test_a_twenty_minute_stop_paints_nothing():
    network = demo_network()
    (officer,) = members(1)
    shift = on_duty_shift()
    # standing at the middle of a segment for 20 minutes, GPS noise σ 12 m (seeded)
    sid = sorted(network)[len(network) // 2]
    x, y = network[sid].interpolate(0.5, normalized=True).coords[0]
    rng = np.random.default_rng(7)
    n = 240
    xs, ys = x + rng.normal(0, 12, n), y + rng.normal(0, 12, n)
    lon, lat = _to_wgs84.transform(xs, ys)
    fixes = [FixIn(t=dt.datetime.fromtimestamp(T0 + 5 * i, dt.UTC), lat=la, lon=lo, accuracy_m=10.0)
             for i, (lo, la) in enumerate(zip(lon, lat, strict=True))]
    send(shift, officer, batches_of(fixes))
    rows = list(SegmentCoverage.objects.filter(shift=shift))
    assert sum(r.covered_m for r in rows) <= 20.0  # at most a few metres around the stop's centre
    assert not any(r.share >= 0.8 for r in rows)


def test_a_stop_inside_a_walk_paints_nothing_the_walk_does_not():
    # the same walk twice, once with its 20-minute stop and once with the stop's fixes left
    # out, batched by the same 5-minute clock: the stop adds at most a few metres to any
    # segment the member did not walk
    # (学院路's parallel ways 11 m apart are painted by the walk itself, in both)
    network = demo_network()
    (officer,) = members(1)
    track = simulate_member(network, start_t=T0, end_t=T0 + 3600, seed=21, mode="walk", stops=1,
                            stop_s=(1200.0, 1200.0), gaps=0)
    (t_from, t_to), = track.stops
    walk_only = [f for f in fix_ins(track) if not t_from + 30 <= f.t.timestamp() <= t_to - 30]

    def by_clock(fixes):
        out: dict[int, list] = {}
        for f in fixes:
            out.setdefault(int((f.t.timestamp() - T0) // 300), []).append(f)
        return [out[k] for k in sorted(out)]

    with_stop, without = on_duty_shift(period="morning"), on_duty_shift(period="evening")
    send(with_stop, officer, by_clock(fix_ins(track)))
    send(without, officer, by_clock(walk_only))
    a, b = stored(with_stop), stored(without)
    assert a.keys() - b.keys() <= set(track.truth)
    for k, row in a.items():
        if k in track.truth:  # walked: the stop's segment is longer covered with the stop (no gap)
            continue
        assert row[1] <= (b[k][1] if k in b else 0.0) + 10.0, (k, row[1], b.get(k))


def _team_tracks(seed=31, n=3):
    return simulate_team(demo_network(), members=n, start_t=T0, end_t=T0 + 3600, seed=seed)


def test_replayed_batches_and_jobs_change_nothing():
    officers = members(3)
    shift = on_duty_shift()
    tracks = _team_tracks()
    sent = {o.pk: batches_of(fix_ins(t)) for o, t in zip(officers, tracks, strict=True)}
    ids = [i for o in officers for i in send(shift, o, sent[o.pk])]
    before = stored(shift)
    events = AuditEvent.objects.count()
    computed = dict(SegmentCoverage.objects.filter(shift=shift).values_list("segment_id", "computed_at"))
    # the same batches again (a tablet retrying): stored once, nothing to compute
    for o in officers:
        send(shift, o, sent[o.pk])
    assert FixBatch.objects.filter(shift=shift).count() == len(ids)
    # every job run again (a worker that died after computing, its job requeued)
    for i in ids:
        r = coverage_update(shift_id=shift.pk, batch_id=i)
        assert r.rows_written == 0
    assert stored(shift) == before
    assert dict(SegmentCoverage.objects.filter(shift=shift).values_list("segment_id", "computed_at")) == computed
    # replayed fixes write audit events of their own (fixes_received) only for new batches: none
    assert AuditEvent.objects.count() == events


def test_shuffled_batches_give_the_same_coverage():
    officers = members(3)
    tracks = _team_tracks(seed=32)
    in_order = on_duty_shift(period="morning")
    shuffled = on_duty_shift(period="evening")
    rng = np.random.default_rng(5)
    for o, t in zip(officers, tracks, strict=True):
        batches = batches_of(fix_ins(t))
        send(in_order, o, batches)
        order = rng.permutation(len(batches))
        send(shuffled, o, [batches[i] for i in order], shuffle_seed=int(order[0]))
    # when the shifts end (their jobs recompute them), the stored coverage is the same
    during = stored_shares(shuffled)
    end(in_order)
    end(shuffled)
    assert {k: v[0] for k, v in stored(in_order).items()} == {k: v[0] for k, v in stored(shuffled).items()}
    # and during the shift, batches joined out of order covered nothing that is not covered
    final = stored_shares(in_order)
    assert all(final.get(k, 0.0) >= 0.7 for k, v in during.items() if v >= 0.8), (during, final)


def test_flagged_fixes_are_kept_and_paint_nothing():
    network = demo_network()
    (officer,) = members(1)
    track = simulate_member(network, start_t=T0, end_t=T0 + 1800, seed=41, mode="walk", stops=0, gaps=0)
    walked = set(track.truth)
    far = next(sid for sid in sorted(network) if sid not in walked
               and min(network[sid].distance(network[w]) for w in walked) > 150)
    clean = on_duty_shift(period="morning")
    dirty = on_duty_shift(period="evening")
    good = fix_ins(track)
    # a second track along a segment nobody walked, every fix of it with 200 m accuracy
    pts = [network[far].interpolate(d) for d in np.linspace(0, network[far].length, 40)]
    lon, lat = _to_wgs84.transform([p.x for p in pts], [p.y for p in pts])
    bad = [FixIn(t=dt.datetime.fromtimestamp(T0 + 2.5 + 5 * i, dt.UTC), lat=la, lon=lo, accuracy_m=200.0)
           for i, (lo, la) in enumerate(zip(lon, lat, strict=True))]
    send(clean, officer, batches_of(good))
    ids = send(dirty, officer, [b + bad[20 * i:20 * (i + 1)] for i, b in enumerate(batches_of(good))])
    assert sum(FixBatch.objects.get(pk=i).flagged for i in ids) >= len(bad)  # kept, flagged
    assert far not in stored_shares(dirty)
    assert {k: v[0] for k, v in stored(clean).items()} == {k: v[0] for k, v in stored(dirty).items()}


def test_an_update_is_one_audit_event_on_the_shift():
    (officer,) = members(1)
    shift = on_duty_shift()
    track = dataclasses.replace(_team_tracks(seed=51, n=1)[0])
    (_, first, *_) = send(shift, officer, batches_of(fix_ins(track)), compute=False)
    before = AuditEvent.objects.filter(verb="updated", subject_id=str(shift.pk)).count()
    r = coverage_update(shift_id=shift.pk, batch_id=first)
    events = AuditEvent.objects.filter(verb="updated", subject_id=str(shift.pk))
    assert r.rows_written > 0 and events.count() == before + 1
    after = events.order_by("-id").first().after["coverage"]
    assert after["batch"] == first and after["rows_written"] == r.rows_written


def test_one_instant_stored_with_and_without_accuracy_is_read_once_and_breaks_nothing():
    """The same fixes stored twice, once without an accuracy (a GPX) and once with one (the
    logger's CSV export): reading them compared None with a number and every coverage read
    of the shift (and of its day) failed with a TypeError."""
    from shifts.selectors.coverage import good_fixes_of
    from shifts.services import fixes as fixes_service

    shift = on_duty_shift()
    (officer,) = members(1)
    shift.members.add(officer)
    start = dt.datetime.fromtimestamp(T0, dt.UTC)
    walk = [FixIn(t=start + dt.timedelta(seconds=5 * i), lat=39.99912 + i * 5e-5, lon=116.34636) for i in range(20)]
    with_accuracy = [dataclasses.replace(f, accuracy_m=5.0) for f in walk]
    xy = fixes_service.project(walk)
    for batch in (walk, with_accuracy):  # stored as two batches, as two imports before deduplication did
        key = fixes_service.batch_key(shift_id=shift.pk, officer_id=officer.pk, device_id="x", fixes=batch)
        claimed = fixes_service._claim(
            actor=None, shift=shift, officer=officer, device_id="x", source="import", key=key, received=20,
            flagged=0, flags_computed=True, t_min=batch[0].t, t_max=batch[-1].t, after={}, partitions=[],
            queue_coverage=False)
        fixes_service.copy_into_fixes(fixes_service.copy_buffer(
            shift_id=shift.pk, officer_id=officer.pk, batch_id=claimed[0], device_id="x", fixes=batch, xy=xy,
            flags=None, srid=4548))
    read = good_fixes_of(shift_id=shift.pk, officer_id=officer.pk, t_from=start - dt.timedelta(hours=1),
                         t_to=start + dt.timedelta(hours=1))
    assert [f.t for f in read] == [f.t.timestamp() for f in walk]  # one per instant
    end(shift)  # the full recompute reads them too
    assert coverage_update(shift_id=shift.pk).fixes == 20
