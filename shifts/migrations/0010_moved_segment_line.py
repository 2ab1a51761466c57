"""A segment's line until a network import replaced it (`MovedSegmentLine`), kept when an
ended shift has coverage on it: the coverage page drew an ended shift's walk on a segment
outside its plan along today's geometry. Nothing to fill: a segment not moved since has its
line still, and the next import that moves it keeps it."""

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
            name='MovedSegmentLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('geom', django.contrib.gis.db.models.fields.LineStringField(help_text='路网重新导入前路段的几何', srid=settings.STORAGE_SRID, verbose_name='几何')),
                ('replaced_at', models.DateTimeField(help_text='路网重新导入改变该路段几何的时间', verbose_name='被替换时间')),
                ('segment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geodata.roadsegment', verbose_name='路段')),
            ],
            options={
                'verbose_name': '路段的原几何',
                'verbose_name_plural': '路段的原几何',
                'indexes': [models.Index(fields=['segment', 'replaced_at'], name='movedsegmentline_seg_time')],
            },
        ),
    ]
