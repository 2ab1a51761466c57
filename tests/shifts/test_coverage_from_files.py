"""Coverage from files of GPS devices: a GPX and a CSV of real-world shape (several track
segments, a signal gap, repeated timestamps, a bad row), imported with `import_track`, and
coverage computed from what was stored, scored against the simulator's truth."""
import datetime as dt
import io

import pytest
from django.core.management import call_command

from shifts.domain.simulate import simulate_member
from shifts.services.coverage import coverage_update

from .coverage_helpers import T0, _to_wgs84, demo_network, end, f1_against_truth, on_duty_shift, stored_shares

pytestmark = pytest.mark.django_db


def _points(track):
    lon, lat = _to_wgs84.transform([f.x for f in track.fixes], [f.y for f in track.fixes])
    return [(f.t, la, lo) for f, lo, la in zip(track.fixes, lon, lat, strict=True)]


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gpx(points) -> str:
    """Three track segments (the device lost the signal twice), one time repeated."""
    thirds = len(points) // 3
    parts = [points[:thirds], points[thirds + 12:2 * thirds], points[2 * thirds:]]  # 1 min without fixes
    segs = []
    for part in parts:
        rows = [f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><ele>48.0</ele><time>{_iso(t)}</time></trkpt>'
                for t, la, lo in part]
        rows.insert(5, rows[5])  # a repeated timestamp, as cheap loggers write
        segs.append("<trkseg>" + "".join(rows) + "</trkseg>")
    return ('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="test" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>巡查</name>' + "".join(segs) + "</trk></gpx>")


def _csv(points) -> str:
    lines = ["time,latitude,longitude,hdop,speed"]
    for i, (t, la, lo) in enumerate(points):
        local = dt.datetime.fromtimestamp(t, dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
        lines.append(f"{local.strftime('%Y-%m-%d %H:%M:%S')},{la:.7f},{lo:.7f},1.2,1.3")
        if i == 40:
            lines.append("2026-10-15 08:03:20,not-a-number,116.3,1.0,1.0")  # a bad row, reported
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["gpx", "csv"])
def test_coverage_from_an_imported_file_matches_the_truth(kind, tmp_path):
    network = demo_network()
    track = simulate_member(network, start_t=T0, end_t=T0 + 5400, seed=11, mode="walk")
    shift = on_duty_shift(day=dt.date(2026, 10, 15) + dt.timedelta(days=1 if kind == "csv" else 0))
    points = _points(track)
    if kind == "csv":  # the CSV's naive times are Beijing time: shift the day like the shift's
        points = [(t + 86400, la, lo) for t, la, lo in points]
    path = tmp_path / f"track.{kind}"
    path.write_text(_gpx(points) if kind == "gpx" else _csv(points), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_track", str(path), "--shift", str(shift.pk), "--officer", "lead1", "--keep-good",
                 stdout=out, stderr=err)
    assert "已导入" in out.getvalue(), (out.getvalue(), err.getvalue())
    if kind == "csv":  # the bad row is named (line 43: the header, 41 good rows, then it)
        assert "第 43 行" in err.getvalue(), err.getvalue()
    end(shift, recompute=False)
    coverage_update(shift_id=shift.pk)
    *_, f1 = f1_against_truth([track], stored_shares(shift), network)
    assert f1 >= 0.9, f1
