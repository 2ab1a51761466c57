"""Two road network imports at once, on two real database connections: while one is writing,
the other is refused at once and in words, writes nothing, and the first is kept whole.

Before the import took its lock (geodata.services.network_import) the second ran beside the
first: each checked the other sources' roads for overlap before the other's were committed,
and each moved problems and plans onto a network the other was rewriting."""
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from geodata.models import Road
from geodata.services import network_import as ni

from ..network_osm import JIA, NODES, YI, osm

pytestmark = pytest.mark.django_db(transaction=True)

# Another small network beside tests.network_osm's (its own nodes and ways): not an overlap.
OTHER = ("".join(f'<node id="{910000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.3480"/>'
                 for i in range(1, 4))
         + '<way id="9100" version="1">' + "".join(f'<nd ref="{910000 + i}"/>' for i in range(1, 4))
         + '<tag k="highway" v="residential"/><tag k="name" v="测试丙路"/></way>')


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cur.fetchone()[0]


def test_a_second_import_while_one_is_writing_is_refused_in_words(tmp_path, monkeypatch):
    first_file = osm(tmp_path, NODES + JIA + YI, name="first.osm")
    second_file = osm(tmp_path, OTHER, name="second.osm")
    # The first import is held after writing its roads, before it commits.
    written, release = threading.Event(), threading.Event()
    real_write_segments = ni._write_segments

    def write_segments_held(*args, **kwargs):
        result = real_write_segments(*args, **kwargs)
        if threading.current_thread().name == "first":
            written.set()
            assert release.wait(30)
        return result

    monkeypatch.setattr(ni, "_write_segments", write_segments_held)
    outcome: dict[str, object] = {}
    pids: dict[str, int] = {}

    def run(name, path):
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pids[name] = cur.fetchone()[0]
            call_command("import_osm", str(path), "--no-progress")
            outcome[name] = "imported"
        except CommandError as exc:
            outcome[name] = exc
        finally:
            connection.close()  # each thread has its own connection

    first = threading.Thread(target=run, args=("first", first_file), name="first")
    first.start()
    assert written.wait(30)
    second = threading.Thread(target=run, args=("second", second_file), name="second")
    started = time.monotonic()
    second.start()
    while second.is_alive() and time.monotonic() - started < 30:
        if "second" in pids and _waiting_on_a_lock(pids["second"]):
            break
        time.sleep(0.02)
    second_waited = second.is_alive()
    release.set()
    first.join(30)
    second.join(30)

    assert not second_waited  # refused at once, not queued behind the first
    assert isinstance(outcome["second"], CommandError), outcome
    assert "另一个路网导入正在进行" in str(outcome["second"])
    assert outcome["first"] == "imported"
    assert set(Road.objects.filter(source="first").values_list("name", flat=True)) == {"测试甲路", "测试乙路"}
    assert not Road.objects.filter(source="second").exists()


def test_an_import_that_read_its_file_before_another_began_writing_is_refused_when_it_would_write(
        tmp_path, monkeypatch):
    """The second was started first: it read its file while no import was writing, and is held
    there; the first then writes and is held before it commits; the second, let go, is refused."""
    first_file = osm(tmp_path, NODES + JIA + YI, name="first.osm")
    second_file = osm(tmp_path, OTHER, name="second.osm")
    second_read, first_written, release_second, release_first = (threading.Event() for _ in range(4))
    real_build, real_write_segments = ni.build_network, ni._write_segments

    def build_held(*args, **kwargs):
        if threading.current_thread().name == "second":
            second_read.set()
            assert release_second.wait(30)
        return real_build(*args, **kwargs)

    def write_segments_held(*args, **kwargs):
        result = real_write_segments(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_written.set()
            assert release_first.wait(30)
        return result

    monkeypatch.setattr(ni, "build_network", build_held)
    monkeypatch.setattr(ni, "_write_segments", write_segments_held)
    outcome: dict[str, object] = {}

    def run(name, path):
        try:
            call_command("import_osm", str(path), "--no-progress")
            outcome[name] = "imported"
        except CommandError as exc:
            outcome[name] = exc
        finally:
            connection.close()

    second = threading.Thread(target=run, args=("second", second_file), name="second")
    second.start()
    assert second_read.wait(30)
    first = threading.Thread(target=run, args=("first", first_file), name="first")
    first.start()
    assert first_written.wait(30)
    release_second.set()
    second.join(10)  # refused at once; (had it waited for the first, it goes on when that commits)
    release_first.set()
    first.join(30)
    second.join(30)

    assert isinstance(outcome["second"], CommandError), outcome
    assert "另一个路网导入正在进行" in str(outcome["second"])
    assert outcome["first"] == "imported"
    assert Road.objects.filter(source="first").count() == 2
    assert not Road.objects.filter(source="second").exists()


def test_imports_one_after_the_other_both_write(tmp_path):
    call_command("import_osm", str(osm(tmp_path, NODES + JIA + YI, name="first.osm")), "--no-progress")
    call_command("import_osm", str(osm(tmp_path, OTHER, name="second.osm")), "--no-progress")
    assert Road.objects.filter(source="first").count() == 2
    assert Road.objects.filter(source="second").count() == 1
