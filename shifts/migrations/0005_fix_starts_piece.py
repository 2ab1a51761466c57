"""Fixes say where the device stopped recording (`starts_piece`, set on import from a file's
GPX trkseg): coverage breaks the path there. Nullable without a default, so adding it to
the partitioned table rewrites nothing and the rows without it cost nothing."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("shifts", "0004_segmentcoverage_segment_protect"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE shifts_fix ADD COLUMN starts_piece boolean",
            "ALTER TABLE shifts_fix DROP COLUMN starts_piece",
            state_operations=[
                migrations.AddField(
                    model_name="fix",
                    name="starts_piece",
                    field=models.BooleanField(help_text="是：设备在此前停止过记录，轨迹不与前一点相连", null=True,
                                              verbose_name="新轨迹段起点"),
                ),
            ],
        ),
    ]
