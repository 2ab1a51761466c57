"""GPX and CSV files from GPS devices: read what can be read, name every bad row, never
crash on a bad file, and feed coverage."""
import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely import LineString

from shifts.domain.coverage import coverage_summary, covered_intervals
from shifts.domain.fixes import flag_fixes
from shifts.domain.tracks_io import (
    TrackRead,
    TrackReadError,
    parse_time,
    read_csv,
    read_gpx,
    read_track,
    to_fixes,
)

TO_STORAGE = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True).transform
FROM_STORAGE = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True).transform

# a road in Haidian, in EPSG:4548, walked along y + 4 m
X0, Y0 = TO_STORAGE(116.3500, 39.9900)
ROAD = {1: LineString([(X0, Y0), (X0 + 600, Y0)]), 2: LineString([(X0 + 600, Y0), (X0 + 1200, Y0)])}
T0 = 1_714_521_600  # 2024-05-01T00:00:00Z = 08:00 Beijing


def lonlat(i: int, step: float = 6.0) -> tuple[float, float]:
    return FROM_STORAGE(X0 + step * i, Y0 + 4.0)


def gpx_document() -> str:
    """Two track segments with a 3-minute gap, a duplicated timestamp, a point without a
    longitude and Garmin extensions, the way a handheld writes it."""
    rows = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<gpx version="1.1" creator="eTrex 32x" xmlns="http://www.topografix.com/GPX/1/1"'
            ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">',
            "<trk><name>早班 巡查</name>"]
    for seg, rng in enumerate((range(0, 60), range(96, 200))):
        rows.append("<trkseg>")
        for i in rng:
            lon, lat = lonlat(i)
            t = T0 + 5 * i
            stamp = f"2024-05-01T00:{t // 60 % 60:02d}:{t % 60:02d}Z"
            rows.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>52.1</ele><time>{stamp}</time><hdop>1.2</hdop>'
                        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>1.2</gpxtpx:speed>"
                        f"<gpxtpx:course>90</gpxtpx:course></gpxtpx:TrackPointExtension></extensions></trkpt>")
            if i == 30:  # the device wrote the same second twice
                rows.append(rows[-1])
        rows.append("</trkseg>")
        if seg == 0:
            rows.append('<trkseg><trkpt lat="39.99"><time>2024-05-01T00:05:00Z</time></trkpt></trkseg>')
    rows.append("</trk></gpx>")
    return "\n".join(rows)


def csv_document() -> str:
    """Beijing local times without offset, a bad latitude, a garbled time, a blank line."""
    lines = ["timestamp,latitude,longitude,accuracy,speed,heading"]
    for i in range(0, 200):
        if 60 <= i < 96:
            continue  # signal lost
        lon, lat = lonlat(i)
        t = T0 + 5 * i + 8 * 3600
        stamp = f"2024-05-01 {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
        lines.append(f"{stamp},{lat:.7f},{lon:.7f},6.5,1.2,90")
        if i == 10:
            lines.append(f"{stamp},{lat:.7f},{lon:.7f},6.5,1.2,90")  # duplicate row
    lines.insert(20, "2024-05-01 08:01:00,139.99,116.35,5,1,0")
    lines.insert(30, "yesterday,39.99,116.35,5,1,0")
    lines.insert(40, "")
    return "\n".join(lines) + "\n"


def test_a_gpx_file_of_real_world_shape_is_read_with_its_segments_and_problems():
    r = read_gpx(gpx_document())
    assert len(r.points) == 60 + 1 + 104
    assert sorted({p.segment_index for p in r.points}) == [0, 2]
    first = r.points[0]
    assert first.t == T0 and first.speed_mps == 1.2 and first.heading_deg == 90 and first.accuracy_m == 6.0
    assert first.ele_m == 52.1
    assert len(r.problems) == 1 and r.problems[0].endswith("缺少经度") and r.problems[0].startswith("第 ")


def test_a_csv_file_of_real_world_shape_is_read_with_its_problems():
    r = read_csv(csv_document())
    assert len(r.points) == 164 + 1
    assert r.points[0].t == T0  # naive times are Beijing time
    assert r.problems == ("第 21 行: 纬度超出范围", "第 31 行: 时间无法识别")


def test_coverage_from_an_imported_gpx_and_csv_file():
    for read in (read_gpx(gpx_document()), read_csv(csv_document())):
        fixes = to_fixes(read.points, TO_STORAGE)
        flags = flag_fixes(fixes)
        assert sum(1 for f in flags if "duplicate" in f) == 1  # kept, flagged
        cov = covered_intervals(fixes, ROAD, flags=flags)
        s = coverage_summary(cov, {1: 600.0, 2: 600.0})
        # walked 0-360 m, no signal for 3 minutes (360-576 m, not painted), then on to 1194 m
        assert cov[1][0].start_m < 5 and 350 < cov[1][0].end_m < 380
        assert all(i.start_m > 560 for i in cov[1][1:])
        assert s[2].share > 0.95


def test_a_short_pause_between_track_segments_is_not_walked():
    """Two trksegs one minute apart at a walking pace (360 m → 432 m, 1.2 m/s): the path
    joined them and the 72 m between were covered, though the device recorded nothing
    there. The gap is no walk whatever its length; one trkseg is one path."""
    rows = ['<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk>']
    for rng in (range(0, 61), range(72, 200)):  # fix 60 at 00:05:00, fix 72 at 00:06:00
        rows.append("<trkseg>")
        for i in rng:
            lon, lat = lonlat(i)
            t = T0 + 5 * i
            rows.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><time>2024-05-01T00:{t // 60 % 60:02d}:'
                        f"{t % 60:02d}Z</time></trkpt>")
        rows.append("</trkseg>")
    rows.append("</trk></gpx>")
    fixes = to_fixes(read_gpx("\n".join(rows)).points, TO_STORAGE)
    assert [i for i, f in enumerate(fixes) if f.starts_piece] == [61]
    cov = covered_intervals(fixes, ROAD)
    assert not any(i.start_m < 396 < i.end_m for i in cov[1])  # the middle of the pause
    assert cov[1][0].start_m < 5 and cov[1][-1].end_m > 595
    joined = [dataclasses.replace(f, starts_piece=False) for f in fixes]  # one trkseg: walked through
    assert [(round(i.start_m), round(i.end_m)) for i in covered_intervals(joined, ROAD)[1]] == [(0, 600)]


def test_dtd_and_entities_are_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><gpx>&lol2;</gpx>'
    r = read_gpx(bomb)
    assert r.points == () and "拒绝" in r.problems[0]
    external = '<?xml version="1.0"?><!DOCTYPE gpx SYSTEM "http://example.com/gpx.dtd"><gpx/>'
    assert "拒绝" in read_gpx(external).problems[0]


def test_a_file_without_points_is_an_error():
    r = read_csv("time,lat,lon\nx,y,z\n")
    assert r.error == "文件中没有可用的轨迹点"
    try:
        r.raise_for_error()
    except TrackReadError as exc:
        assert "第 2 行: 坐标无法识别" in exc.problems
    else:
        raise AssertionError("no error")
    assert read_gpx("<gpx></gpx>").error


def test_a_truncated_gpx_keeps_the_points_before_the_break():
    doc = gpx_document()
    r = read_gpx(doc[: len(doc) // 2])
    assert 0 < len(r.points) < 165 and "XML 格式错误" in r.problems[-1]


def test_csv_variants_headerless_semicolons_epoch_milliseconds_and_hdop():
    r = read_csv("1714521600000;39.99;116.35\n1714521605000;39.99;116.3501\n")
    assert [p.t for p in r.points] == [T0, T0 + 5] and "没有表头" in r.problems[0]
    r = read_csv("Time\tLat\tLng\tHDOP\tSpeed_kmh\n2024-05-01T00:00:00Z\t39.99\t116.35\t2\t36\n")
    assert r.points[0].accuracy_m == 10.0 and r.points[0].speed_mps == 10.0
    assert read_track(b"\xef\xbb\xbftime,lat,lon\n2024-05-01T08:00:00+08:00,39.9,116.3\n", "x.csv").points[0].t == T0
    assert read_track("时间,纬度,经度\n2024-05-01 08:00:00,39.9,116.3\n".encode("gb18030")).points[0].t == T0


def test_times_in_all_the_accepted_forms():
    assert parse_time("2024-05-01T08:00:00+08:00") == parse_time("2024-05-01T00:00:00.000Z") == T0
    assert parse_time(str(T0)) == parse_time(str(T0 * 1000)) == T0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_the_csv_reader_never_raises_on_arbitrary_text(text):
    r = read_csv(text)
    assert isinstance(r, TrackRead)
    assert r.points or r.problems


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.binary(max_size=400))
def test_the_gpx_reader_never_raises_on_arbitrary_input(data):
    r = read_gpx(data)
    assert isinstance(r, TrackRead)
    assert r.points or r.problems


row_value = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=12),
                      st.integers().map(str), st.just(""))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(row_value, row_value, row_value, row_value), max_size=12))
def test_csv_rows_are_either_points_or_named_problems(rows):
    text = "time,lat,lon,speed\n" + "\n".join(",".join(r).replace("\n", " ").replace("\r", " ").replace('"', "")
                                              for r in rows)
    r = read_csv(text)
    assert all(p.startswith("第 ") or p.startswith("文件") or p.startswith("问题") for p in r.problems)
    for p in r.points:
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(-200, 200), st.integers(946_684_800, 4_000_000_000)),
                min_size=1, max_size=10))
def test_gpx_points_round_trip(points):
    body = "".join(
        f'<trkpt lat="{lat!r}" lon="{lon!r}"><time>{t}</time></trkpt>' for lat, lon, t in points)
    r = read_gpx(f"<gpx><trk><trkseg>{body}</trkseg></trk></gpx>")
    good = [(lat, lon, float(t)) for lat, lon, t in points if -90 <= lat <= 90 and -180 <= lon <= 180
            and not (lat == 0 and lon == 0)]
    assert [(p.lat, p.lon, p.t) for p in r.points] == good
    assert len(r.problems) == len(points) - len(good)


def test_epoch_numbers_are_read_in_their_unit_and_impossible_times_are_row_errors():
    """Epoch microseconds were taken as milliseconds (a year ~58 000), and the import
    crashed converting them; a year 1 was read as a valid point."""
    text = ("time,lat,lon\n"
            f"{T0},39.99,116.35\n{T0 * 1000},39.99,116.35\n{T0 * 1_000_000},39.99,116.35\n"
            f"{T0 * 1_000_000_000},39.99,116.35\n0001-01-01T00:00:00+08:00,39.99,116.35\n"
            "2200-01-01T00:00:00Z,39.99,116.35\n")
    r = read_csv(text)
    assert [p.t for p in r.points] == [T0] * 4
    assert r.problems == ("第 6 行: 时间无法识别", "第 7 行: 时间无法识别")
    gpx = '<gpx><trk><trkseg><trkpt lat="39.99" lon="116.35"><time>1e15</time></trkpt></trkseg></trk></gpx>'
    assert read_gpx(gpx).points[0].t == 1e9  # 1e15 µs: 2001-09-09


def test_a_gpx_declared_gbk_is_read_and_an_unknown_encoding_is_named():
    body = ('<gpx version="1.1" creator="国产记录仪"><trk><name>巡查</name><trkseg>'
            '<trkpt lat="39.99" lon="116.35"><time>2024-05-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>')
    for declared, codec in (("GBK", "gbk"), ("gb2312", "gb2312"), ("GB18030", "gb18030")):
        r = read_gpx(f'<?xml version="1.0" encoding="{declared}"?>\n{body}'.encode(codec))
        assert (len(r.points), r.problems) == (1, ()), declared
    r = read_gpx(f'<?xml version="1.0" encoding="x-unknown"?>\n{body}'.encode())
    assert r.problems == ("不支持的文件编码 x-unknown，请另存为 UTF-8",) and r.error
    r = read_gpx(f'<?xml version="1.0" encoding="GBK"?>\n{body}'.encode("utf-16-le"))
    assert r.error and not r.points


def test_a_bad_optional_value_is_a_note_not_a_problem():
    """`<ele>NaN</ele>` kept the point and said the value was ignored, yet counted as a
    problem, and a problem stops an import."""
    gpx = ('<gpx><trk><trkseg><trkpt lat="39.99" lon="116.35"><ele>NaN</ele><time>2024-05-01T00:00:00Z</time>'
           '</trkpt></trkseg></trk></gpx>')
    r = read_gpx(gpx)
    assert (len(r.points), r.problems, r.notes) == (1, (), ("第 1 行: ele_m 无法识别，已忽略",))
    r = read_csv("time,lat,lon,speed\n2024-05-01 08:00:00,39.99,116.35,fast\n")
    assert (len(r.points), r.problems, r.notes) == (1, (), ("第 2 行: speed 无法识别，已忽略",))


def test_spreadsheet_times_and_utf16_csv_are_read():
    """Excel/WPS resave times unpadded (2024-5-1 8:00:00) and "Unicode text" is UTF-16:
    both were refused on every row."""
    text = "时间,纬度,经度\n2024-5-1 8:00:00,39.99,116.35\n2024/5/1 8:00:05,39.99,116.35\n2024-5-1 8:01,39.99,116.35\n"
    for data in (text, text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        r = read_csv(data)
        assert ([p.t for p in r.points], r.problems) == ([T0, T0 + 5, T0 + 60], ()), data[:4]
