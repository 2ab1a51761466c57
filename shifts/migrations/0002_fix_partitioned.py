"""The fixes table: PostgreSQL native partitioning by day on the device time `t`.

- one partition a day (`shifts_fix_pYYYYMMDD`, bounds at local midnight of TIME_ZONE),
  created on demand by `shifts.services.partitions.fixes_partition_ensure` and dropped
  whole by `manage.py fixes_prune` (no DELETE, no VACUUM of a city's day);
- a DEFAULT partition for fixes whose time is far from their shift's day (a device clock
  in 1970 or 2099): they are kept, flagged, and do not create partitions of their own;
- a BRIN index on `t` (a few pages per day: rows arrive roughly in time order) and a
  b-tree on (shift_id, officer_id), small thanks to b-tree deduplication, to read one
  member's track of one shift;
- no primary key and no foreign keys (see shifts.models.fixes): every index and check on
  this table is paid by 60 M rows a day.
The geometry column takes its SRID from settings.STORAGE_SRID, like every geometry here.
"""
from django.conf import settings
from django.db import migrations


def _create(srid: int) -> str:
    return f"""
CREATE TABLE shifts_fix (
    id bigint GENERATED ALWAYS AS IDENTITY,
    shift_id bigint NOT NULL,
    officer_id bigint NOT NULL,
    batch_id bigint NOT NULL,
    device_id text NOT NULL,
    t timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    geom geometry(Point, {int(srid)}),
    accuracy_m double precision,
    speed_mps double precision,
    heading_deg double precision,
    flags text[]
) PARTITION BY RANGE (t);
CREATE TABLE shifts_fix_default PARTITION OF shifts_fix DEFAULT;
CREATE INDEX shifts_fix_t_brin ON shifts_fix USING brin (t) WITH (pages_per_range = 32);
CREATE INDEX shifts_fix_shift_officer ON shifts_fix (shift_id, officer_id);
"""


DROP = "DROP TABLE IF EXISTS shifts_fix CASCADE;"


class Migration(migrations.Migration):

    dependencies = [
        ("shifts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(_create(settings.STORAGE_SRID), DROP),
    ]
