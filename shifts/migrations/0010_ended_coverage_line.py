"""The line a segment had when an ended shift covered it outside its plan
(`EndedCoverageLine`), kept when a network import moves the segment: the coverage page drew
such an ended shift's intervals along today's geometry. Nothing to fill: a segment not moved
since has its line still, and the first import that moves it keeps it."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geodata', '0004_retired_network'),
        ('shifts', '0009_endedplansegment_geom'),
    ]

    operations = [
        migrations.CreateModel(
            name='EndedCoverageLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('geom', django.contrib.gis.db.models.fields.LineStringField(help_text='覆盖记录所沿的路段几何（路网重新导入前）', srid=settings.STORAGE_SRID, verbose_name='几何')),
                ('segment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geodata.roadsegment', verbose_name='路段')),
                ('shift', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='shifts.shift', verbose_name='班次')),
            ],
            options={
                'verbose_name': '已结束班次计划外覆盖路段的原几何',
                'verbose_name_plural': '已结束班次计划外覆盖路段的原几何',
                'constraints': [models.UniqueConstraint(fields=('shift', 'segment'), name='endedcoverageline_shift_segment_unique')],
            },
        ),
    ]
