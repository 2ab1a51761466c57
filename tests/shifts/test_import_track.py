"""`manage.py import_track`: a GPS device's file becomes one member's fixes of a shift,
all or nothing (unless --keep-good), each problem reported by row, once however often
the file is imported. The reader is the pure shifts.domain.tracks_io; the first tests
give the command its output directly, so they test the command and the storage alone."""
import datetime as dt
import importlib.util
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from org.models import Team
from shifts.models import Fix, FixBatch
from shifts.services.shifts import shift_create, shift_start

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 10, 15, 0, 0, tzinfo=dt.UTC)  # 08:00 in Beijing
LAT, LON = 39.99912, 116.34636


def _shift():
    lead = get_user_model().objects.get(username="lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 10, 15),
                         period="morning")
    shift_start(actor=lead, shift_id=shift.pk)
    return shift


def _points(n):
    return [SimpleNamespace(t=(T0 + dt.timedelta(seconds=5 * i)).timestamp(), lat=LAT + i * 4e-5, lon=LON,
                            accuracy_m=None, speed_mps=None, heading_deg=None, segment_index=0) for i in range(n)]


@pytest.fixture
def reader(monkeypatch, tmp_path):
    path = tmp_path / "track.gpx"
    path.write_text("<gpx/>")

    def use(points, problems=()):
        monkeypatch.setattr("shifts.management.commands.import_track.read_track",
                            lambda p, fmt: (points, list(problems)))
        return path
    return use


def _run(path, shift, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_track", str(path), "--shift", str(shift.pk), "--officer", "officer1", *extra,
                 stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_track_is_stored_for_the_member_once(reader):
    shift, path = _shift(), reader(_points(30))
    out, _ = _run(path, shift, "--device", "garmin-1")
    assert "已导入 30 个定位点" in out
    assert Fix.objects.filter(shift=shift, device_id="garmin-1").count() == 30
    assert FixBatch.objects.get(shift=shift).source == "import"
    out, _ = _run(path, shift, "--device", "garmin-1")
    assert "此前已导入" in out and Fix.objects.filter(shift=shift).count() == 30


def test_a_file_with_problems_imports_nothing_unless_keep_good(reader):
    shift = _shift()
    path = reader(_points(10), ["第 4 行：时间无法识别", "第 7 行：纬度超出范围"])
    with pytest.raises(CommandError, match="2 处问题"):
        _run(path, shift)
    assert not Fix.objects.filter(shift=shift).exists()
    out, err = _run(path, shift, "--keep-good")
    assert "第 4 行" in err and "第 7 行" in err and "跳过 2 处" in out
    assert Fix.objects.filter(shift=shift).count() == 10


def test_only_members_of_a_started_shift(reader):
    shift, path = _shift(), reader(_points(3))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="不是班次"):
        call_command("import_track", str(path), "--shift", str(shift.pk), "--officer", "officer2", stdout=out,
                     stderr=err)
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_track", str(path), "--shift", "999999999", "--officer", "officer1", stdout=out)


HAS_READERS = importlib.util.find_spec("shifts.domain.tracks_io") is not None
GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>巡查</name>
<trkseg>
<trkpt lat="39.99912" lon="116.34636"><time>2026-10-15T00:00:00Z</time></trkpt>
<trkpt lat="39.99916" lon="116.34636"><time>2026-10-15T00:00:05Z</time></trkpt>
<trkpt lat="39.99920" lon="116.34636"><time>2026-10-15T00:00:10Z</time></trkpt>
</trkseg>
<trkseg>
<trkpt lat="39.99960" lon="116.34636"><time>2026-10-15T00:05:00Z</time></trkpt>
<trkpt lat="39.99964" lon="116.34636"><time>2026-10-15T00:05:05Z</time></trkpt>
</trkseg>
</trk></gpx>
"""


@pytest.mark.skipif(not HAS_READERS, reason="shifts.domain.tracks_io (the pure GPX/CSV readers) is not there yet")
def test_a_real_gpx_file_through_the_pure_reader(tmp_path):
    shift = _shift()
    path = tmp_path / "device.gpx"
    path.write_text(GPX)
    out, _ = _run(path, shift)
    stored = list(Fix.objects.filter(shift=shift).order_by("t"))
    assert len(stored) == 5 and stored[0].t == T0
    back = stored[0].geom.transform(4326, clone=True)
    assert abs(back.y - 39.99912) < 1e-8 and abs(back.x - 116.34636) < 1e-8


CSV = """时间,纬度,经度,精度,速度,方向
2026-10-15 08:00:00,39.99912,116.34636,5,1.1,0
2026-10-15 08:00:05,39.99916,116.34636,5,1.1,0
2026-10-15 08:00:05,39.99916,116.34636,5,1.1,0
2026-10-15 08:00:10,不是数字,116.34636,5,1.1,0
2026-10-15 08:05:00,39.99960,116.34636,40,1.1,0
"""


@pytest.mark.skipif(not HAS_READERS, reason="shifts.domain.tracks_io (the pure GPX/CSV readers) is not there yet")
def test_a_csv_in_gbk_with_a_bad_row_a_gap_and_a_repeated_time(tmp_path):
    shift = _shift()
    path = tmp_path / "device.csv"
    path.write_bytes(CSV.encode("gbk"))
    with pytest.raises(CommandError, match="1 处问题"):
        _run(path, shift)
    assert not Fix.objects.filter(shift=shift).exists()
    out, err = _run(path, shift, "--keep-good")
    assert "第 5 行" in err
    stored = list(Fix.objects.filter(shift=shift).order_by("t", "id"))
    assert len(stored) == 4 and stored[0].t == T0  # naive CSV times are Beijing time
    flags = [sorted(f.flags or []) for f in stored]
    assert flags[2] == ["duplicate"] and flags[3] == ["poor_accuracy"]  # kept, flagged


def _gpx_of(n, *, declaration='<?xml version="1.0" encoding="UTF-8"?>', extra=""):
    return (f'{declaration}\n<gpx version="1.1" creator="国产记录仪"><trk><name>巡查</name><trkseg>\n'
            + "\n".join(f'<trkpt lat="{LAT + i * 4e-5:.6f}" lon="{LON}">{extra}'
                        f'<time>{(T0 + dt.timedelta(seconds=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")}</time></trkpt>'
                        for i in range(n)) + "\n</trkseg></trk></gpx>\n")


def test_epoch_microseconds_are_imported_at_their_time(tmp_path):
    """µs were read as ms and the command died with `ValueError: year 58756 is out of range`."""
    shift = _shift()
    t0 = int(T0.timestamp()) * 1_000_000
    path = tmp_path / "track.csv"
    path.write_text("time,lat,lon\n" + "".join(f"{t0 + 5_000_000 * i},{LAT + i * 4e-5},{LON}\n" for i in range(5)))
    out, _ = _run(path, shift)
    assert "已导入 5 个定位点" in out
    assert list(Fix.objects.filter(shift=shift).order_by("t").values_list("t", flat=True)) == [
        T0 + dt.timedelta(seconds=5 * i) for i in range(5)]


def test_a_file_name_longer_than_a_device_name_is_cut(tmp_path):
    """The file name is the default device name; over 100 characters the insert failed
    with a DataError (a traceback, nothing said)."""
    shift = _shift()
    path = tmp_path / ("2026-10-15_执法一队_王队员_巡查轨迹_Garmin-eTrex-32x_" + "x" * 70 + ".gpx")
    path.write_text(_gpx_of(5))
    out, _ = _run(path, shift)
    assert "已导入 5 个定位点" in out
    (device,) = set(Fix.objects.filter(shift=shift).values_list("device_id", flat=True))
    assert len(device) == 100 and device.startswith("2026-10-15_执法一队") and device.endswith(".gpx")
    with pytest.raises(CommandError, match="设备名称过长"):
        _run(path, shift, "--device", "d" * 101)


def test_a_gpx_declared_gbk_is_imported(tmp_path):
    """Expat reads no GBK: the file was refused with `文件无法读取: ValueError`."""
    shift = _shift()
    path = tmp_path / "track.gpx"
    path.write_bytes(_gpx_of(5, declaration='<?xml version="1.0" encoding="GBK"?>').encode("gbk"))
    out, _ = _run(path, shift)
    assert "已导入 5 个定位点" in out and Fix.objects.filter(shift=shift).count() == 5


def test_an_ignored_optional_value_does_not_stop_the_import(tmp_path):
    """`<ele>NaN</ele>` was reported as ignored and then refused the whole file."""
    shift = _shift()
    path = tmp_path / "track.gpx"
    path.write_text(_gpx_of(5, extra="<ele>NaN</ele>"))
    out, err = _run(path, shift)
    assert "已导入 5 个定位点" in out and "跳过" not in out and "ele_m 无法识别，已忽略" in err


def test_a_logger_writing_two_fixes_a_second_in_whole_seconds_paints_its_road(tmp_path):
    """Every fix of such a file was flagged `clock`, nothing was painted, and the import
    said 已导入 400 个定位点 all the same."""
    from pyproj import Transformer

    from shifts.selectors.coverage import segment_index
    from shifts.services.coverage import coverage_update

    index = segment_index()
    i = int(index.lengths.argmax())
    sid, geom = int(index.ids[i]), index.geoms[i]
    to_wgs = Transformer.from_crs(4548, 4326, always_xy=True)
    pts = [geom.interpolate(min(0.7 * k, geom.length)) for k in range(400)]  # 1.4 m/s at 2 Hz
    lon, lat = to_wgs.transform([p.x for p in pts], [p.y for p in pts])
    body = "".join(f'<trkpt lat="{b:.7f}" lon="{a:.7f}"><time>'
                   f'{(T0 + dt.timedelta(seconds=k // 2)).strftime("%Y-%m-%dT%H:%M:%SZ")}</time></trkpt>'
                   for k, (a, b) in enumerate(zip(lon, lat, strict=True)))
    path = tmp_path / "logger.gpx"
    path.write_text(f'<gpx version="1.1"><trk><trkseg>{body}</trkseg></trk></gpx>')
    shift = _shift()
    out, _ = _run(path, shift)
    assert "已导入 400 个定位点" in out and "其中 200 个被标记（重复 200）" in out
    coverage_update(shift_id=shift.pk)
    from shifts.models import SegmentCoverage
    assert SegmentCoverage.objects.get(shift=shift, segment_id=sid).covered_m > 200


def test_a_file_nothing_of_which_would_count_is_refused(tmp_path):
    """A track of another day, or of another city, was imported and reported as success."""
    shift = _shift()
    path = tmp_path / "yesterday.gpx"
    path.write_text(_gpx_of(5).replace("2026-10-15T", "2026-10-14T"))
    with pytest.raises(CommandError, match="不在班次时段内"):
        _run(path, shift)
    path = tmp_path / "tianjin.csv"
    path.write_text("time,lat,lon\n" + "".join(f"2026-10-15 09:00:{5 * i:02d},{39.08 + i * 4e-5},117.20\n"
                                               for i in range(10)))
    with pytest.raises(CommandError, match="区范围"):
        _run(path, shift)
    path = tmp_path / "half.gpx"  # half of it yesterday: imported, and it says how many do not count
    half = _gpx_of(10).split("\n")
    half[2:7] = [line.replace("2026-10-15T", "2026-10-14T") for line in half[2:7]]
    path.write_text("\n".join(half))
    out, _ = _run(path, shift)
    assert "已导入 10 个定位点" in out and "其中 5 个被标记（不在班次时段内 5）" in out
    assert not Fix.objects.filter(shift=shift, t__lt=T0).exclude(flags=["off_shift"]).exists()


def test_the_same_track_under_another_name_or_format_is_stored_once(tmp_path):
    shift = _shift()
    (tmp_path / "track.gpx").write_text(_gpx_of(30))
    (tmp_path / "track (1).gpx").write_text(_gpx_of(30))
    (tmp_path / "track.csv").write_text("time,lat,lon,accuracy\n" + "".join(
        f"{(T0 + dt.timedelta(seconds=5 * i)).isoformat()},{LAT + i * 4e-5:.6f},{LON},5\n" for i in range(30)))
    assert "已导入 30 个定位点" in _run(tmp_path / "track.gpx", shift)[0]
    assert "此前已全部导入" in _run(tmp_path / "track (1).gpx", shift)[0]
    assert "此前已全部导入" in _run(tmp_path / "track.csv", shift)[0]
    assert Fix.objects.filter(shift=shift).count() == 30


def _walk_with_a_pause(geom, *, pause_s=60, speed=1.3):
    """Along `geom` at `speed`, a fix every 5 s, the device stopped for `pause_s` in the
    middle of it (walking on): [(t, x, y, part)] and where along the segment the pause was."""
    stop_at = 0.4 * geom.length
    out, d, t, part = [], 0.0, 0.0, 0
    while d <= geom.length:
        p = geom.interpolate(d)
        out.append((t, p.x, p.y, part))
        if part == 0 and d + 5 * speed > stop_at:
            t, d, part = t + pause_s, d + pause_s * speed, 1
        else:
            t, d = t + 5, d + 5 * speed
    return out, (stop_at, stop_at + pause_s * speed)


@pytest.mark.parametrize("kind", ["gpx", "csv"])
def test_no_coverage_is_painted_where_the_device_stopped_recording(kind, tmp_path):
    """A pause under 2 minutes between two GPX trksegs (or two values of a CSV's segment
    column), at a walking pace, was bridged: the path joined the last fix before it to the
    first after it, and the metres between were covered though nobody was seen there. The
    first fix after the pause is a poor one (the receiver's cold start): the break moves on
    to the next good fix."""
    from pyproj import Transformer

    from shifts.models import SegmentCoverage
    from shifts.selectors.coverage import segment_index
    from shifts.services.coverage import coverage_update

    index = segment_index()
    i = int(index.lengths.argmax())
    sid, geom = int(index.ids[i]), index.geoms[i]
    walk, (gap_from, gap_to) = _walk_with_a_pause(geom)
    lon, lat = Transformer.from_crs(4548, 4326, always_xy=True).transform([w[1] for w in walk],
                                                                          [w[2] for w in walk])
    first_after = next(k for k, w in enumerate(walk) if w[3] == 1)
    rows = []
    for k, ((t, _, _, part), a, b) in enumerate(zip(walk, lon, lat, strict=True)):
        when = T0 + dt.timedelta(seconds=t)
        hdop = 20 if k == first_after else 1  # 100 m: flagged poor_accuracy
        rows.append((part, when, a, b, hdop))
    if kind == "gpx":
        segs = ["".join(f'<trkpt lat="{b:.7f}" lon="{a:.7f}"><time>{w:%Y-%m-%dT%H:%M:%SZ}</time><hdop>{h}</hdop>'
                        "</trkpt>" for p, w, a, b, h in rows if p == part) for part in (0, 1)]
        text = '<gpx version="1.1"><trk>' + "".join(f"<trkseg>{s}</trkseg>" for s in segs) + "</trk></gpx>"
    else:
        text = "time,lat,lon,hdop,segment\n" + "".join(f"{w.isoformat()},{b:.7f},{a:.7f},{h},{p}\n"
                                                        for p, w, a, b, h in rows)
    path = tmp_path / f"paused.{kind}"
    path.write_text(text)
    shift = _shift()
    out, _ = _run(path, shift)
    assert f"已导入 {len(walk)} 个定位点" in out
    starts = list(Fix.objects.filter(shift=shift, starts_piece=True).values_list("t", flat=True))
    assert starts == [T0 + dt.timedelta(seconds=walk[first_after + 1][0])]  # on the first good fix after it

    coverage_update(shift_id=shift.pk)
    intervals = SegmentCoverage.objects.get(shift=shift, segment_id=sid).intervals
    middle = (gap_from + gap_to) / 2
    assert not any(a < middle < b for a, b, *_ in intervals), (gap_from, gap_to, intervals)
    assert intervals[0][0] < 10 and intervals[-1][1] > geom.length - 10  # the rest of it is covered
