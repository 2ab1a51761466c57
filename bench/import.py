"""Benchmark: importing the Helsinki OSM PBF (real network, 2.5k highway ways).

Measured side by side in one run: reading the file alone (pyosmium), building the
network (pure Python), the full import into PostGIS, and a second import of the same file
(which must change nothing). Runs inside a transaction that is rolled back, so the
database is left as it was.

    make bench            # or: .venv/bin/python bench/import.py [FILE]
Last line: RESULT ways=… segments=… seconds=… segments_per_s=… read_share=… reimport_ratio=…
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from geodata.importers.network import build_network  # noqa: E402
from geodata.importers.osm import read_osm  # noqa: E402
from geodata.services.network_import import network_import  # noqa: E402


class Rollback(Exception):
    pass


def main(path: Path) -> None:
    t0 = time.perf_counter()
    data = read_osm(path)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = build_network(data.ways)
    t_build = time.perf_counter() - t0
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            report = network_import(path=path, source="bench-" + path.name)
            t_import = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = network_import(path=path, source="bench-" + path.name)
            t_reimport = time.perf_counter() - t0
            assert not again.changed, "re-import changed data"
            raise Rollback
    except Rollback:
        pass
    segments = report.segments.created
    print(f"file                 {path.name}")
    print(f"highway ways         {data.highway_ways_seen} (named, kept: {len(data.ways)})")
    print(f"roads / segments / intersections / landmarks   "
          f"{len(net.roads)} / {len(net.segments)} / {len(net.intersections)} / {len(data.landmarks)}")
    print(f"read file only       {t_read:8.3f} s")
    print(f"build network only   {t_build:8.3f} s")
    print(f"full import          {t_import:8.3f} s   ({segments / t_import:,.0f} segments/s)")
    print(f"re-import (no-op)    {t_reimport:8.3f} s   ({t_reimport / t_import:.2f}× the first import)")
    print(f"share of import spent reading the file: {t_read / t_import:.2f}")
    print(f"RESULT ways={data.highway_ways_seen} segments={segments} seconds={t_import:.3f} "
          f"segments_per_s={segments / t_import:.0f} read_share={t_read / t_import:.3f} "
          f"reimport_ratio={t_reimport / t_import:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "osm" / "osm_helsinki_fi.osm.pbf")
