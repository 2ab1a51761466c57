"""Shift.areas gets a model of its own (`ShiftArea`, on the table Django made for it) whose
area is PROTECTed, as `ShiftSegment`'s segment is (0006): deleting an area took it out of
every shift's plan without a word, ended shifts' included. Only the state changes: same
table, same columns, same constraints (Django enforces PROTECT itself)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("geodata", "0004_retired_network"),
        ("shifts", "0007_ended_plan_segment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ShiftArea",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("area", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                   to="geodata.area", verbose_name="区域")),
                        ("shift", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                    to="shifts.shift", verbose_name="班次")),
                    ],
                    options={
                        "verbose_name": "班次计划区域",
                        "verbose_name_plural": "班次计划区域",
                        "db_table": "shifts_shift_areas",
                        "unique_together": {("shift", "area")},
                    },
                ),
                migrations.AlterField(
                    model_name="shift",
                    name="areas",
                    field=models.ManyToManyField(blank=True, related_name="planned_shifts",
                                                 through="shifts.ShiftArea", to="geodata.area",
                                                 verbose_name="计划区域"),
                ),
            ],
        ),
    ]
