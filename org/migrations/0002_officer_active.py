from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="officer",
            name="active",
            field=models.BooleanField(default=True, help_text="离岗人员不能登录平台操作，记录保留", verbose_name="在岗"),
        ),
    ]
