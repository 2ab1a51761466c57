"""Each member's km patrolled of an ended shift, stored (`ShiftMemberDistance`): the coverage
report read every fix of every member of every chosen shift on each view. Nothing to fill: a
pair without a row is measured from its fixes when first needed, and stored then."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_login_failure_device'),
        ('shifts', '0010_moved_segment_line'),
    ]

    operations = [
        migrations.CreateModel(
            name='ShiftMemberDistance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metres', models.FloatField(blank=True, help_text='空：尚未计算，或之后又收到定位点', null=True, verbose_name='巡查里程(米)')),
                ('version', models.PositiveIntegerField(default=0, help_text='每收到该人员该班次的一批定位点加一', verbose_name='版本')),
                ('computed_at', models.DateTimeField(blank=True, null=True, verbose_name='计算时间')),
                ('officer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.officer', verbose_name='人员')),
                ('shift', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='shifts.shift', verbose_name='班次')),
            ],
            options={
                'verbose_name': '班次人员巡查里程',
                'verbose_name_plural': '班次人员巡查里程',
                'constraints': [models.UniqueConstraint(fields=('shift', 'officer'), name='shiftmemberdistance_shift_officer_unique'), models.CheckConstraint(condition=models.Q(('metres__isnull', True), ('metres__gte', 0), _connector='OR'), name='shiftmemberdistance_metres_nonnegative')],
            },
        ),
    ]
