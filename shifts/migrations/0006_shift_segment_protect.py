"""Shift.segments gets a model of its own (`ShiftSegment`, on the table Django made for it) whose
segment is PROTECTed, as coverage's is: deleting a planned segment outside a network import
took it out of the shift's plan without a word. Only the state changes: same table, same
columns, same constraints (Django enforces PROTECT itself)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("geodata", "0004_retired_network"),
        ("shifts", "0005_fix_starts_piece"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ShiftSegment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("segment", models.ForeignKey(db_column="roadsegment_id",
                                                      on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                      to="geodata.roadsegment", verbose_name="路段")),
                        ("shift", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                    to="shifts.shift", verbose_name="班次")),
                    ],
                    options={
                        "verbose_name": "班次计划路段",
                        "verbose_name_plural": "班次计划路段",
                        "db_table": "shifts_shift_segments",
                        "unique_together": {("shift", "segment")},
                    },
                ),
                migrations.AlterField(
                    model_name="shift",
                    name="segments",
                    field=models.ManyToManyField(blank=True, related_name="planned_shifts",
                                                 through="shifts.ShiftSegment", to="geodata.roadsegment",
                                                 verbose_name="计划路段"),
                ),
            ],
        ),
    ]
