"""The geometry of each segment of an ended shift's plan as it stood when the shift ended
(`EndedPlanSegment.geom`), along which its covered intervals are drawn: the coverage page and
the API drew them along today's geometry, so a re-import that moved a segment moved an ended
shift's walk with it. For the shifts that ended before this migration, the geometry of the
day it runs (what every page drew for them that day)."""
import django.contrib.gis.db.models.fields
from django.conf import settings
from django.db import migrations

FREEZE_ENDED_GEOMETRIES = """
UPDATE shifts_endedplansegment e SET geom = g.geom
FROM geodata_roadsegment g
WHERE g.id = e.segment_id AND e.geom IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ("geodata", "0004_retired_network"),
        ("shifts", "0008_shift_area_protect"),
    ]

    operations = [
        migrations.AddField(
            model_name="endedplansegment",
            name="geom",
            field=django.contrib.gis.db.models.fields.LineStringField(
                blank=True, help_text="班次结束时路段的几何", null=True, srid=settings.STORAGE_SRID,
                verbose_name="几何"),
        ),
        # reversed, the column goes with the field
        migrations.RunSQL(FREEZE_ENDED_GEOMETRIES, migrations.RunSQL.noop),
    ]
