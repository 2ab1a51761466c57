"""Agencies, teams and officers now live in `org` (see org.0001): point patrol's foreign
keys there and drop the models from patrol's state. The database is not touched here:
the tables were renamed by org.0001 and their foreign keys followed."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
        ("patrol", "0002_outcome_photo_paths"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="inspection", name="lead_agency",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="led_inspections",
                                            to="org.agency", verbose_name="牵头单位")),
                migrations.AlterField(
                    model_name="inspection", name="agencies",
                    field=models.ManyToManyField(related_name="inspections", to="org.agency", verbose_name="参加单位")),
                migrations.AlterField(
                    model_name="problem", name="agency",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="problems", to="org.agency", verbose_name="责任单位")),
                migrations.AlterField(
                    model_name="problem", name="team",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="problems", to="org.team", verbose_name="承办班组")),
                migrations.AlterField(
                    model_name="escalation", name="department",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="org.agency",
                                            verbose_name="职能部门")),
                migrations.AlterField(
                    model_name="reinspection", name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="reinspections",
                                            to="org.team", verbose_name="复查班组")),
                migrations.DeleteModel(name="Officer"),
                migrations.DeleteModel(name="Team"),
                migrations.DeleteModel(name="Agency"),
            ],
        ),
    ]
