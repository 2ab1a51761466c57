"""API keys stored as prefix + SHA-256 digest, API tokens of our own instead of DRF's.

Existing Open311 keys keep working: each row's key is hashed and the plain column dropped.
Existing DRF tokens (rest_framework.authtoken, which kept them in plain text) become
ApiTokens the same way, and DRF's table is dropped with its migration records, so no
plain secret is left in the database. Neither step can be undone: the plain keys are gone.
"""
import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PREFIX_LENGTH = 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_api_keys(apps, schema_editor):
    ApiKey = apps.get_model("api", "ApiKey")
    for row in ApiKey.objects.all().only("pk", "key"):
        ApiKey.objects.filter(pk=row.pk).update(prefix=row.key[:PREFIX_LENGTH], digest=_digest(row.key))


def adopt_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(user_id=user_id, name="原 DRF 令牌", prefix=key[:PREFIX_LENGTH],
                                        digest=_digest(key))
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)  # auto_now_add set it to now
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE authtoken_token")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='apikey',
            name='prefix',
            field=models.CharField(db_index=True, default='', editable=False, help_text='密钥的前几位，用于辨认；完整密钥只在签发时显示一次', max_length=8, verbose_name='前缀'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='apikey',
            name='digest',
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name='摘要'),
        ),
        migrations.AddField(
            model_name='apikey',
            name='revoked_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='吊销时间'),
        ),
        migrations.AlterField(
            model_name='apikey',
            name='active',
            field=models.BooleanField(default=True, editable=False, verbose_name='有效'),
        ),
        migrations.AlterField(
            model_name='apikey',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='签发时间'),
        ),
        migrations.RunPython(hash_api_keys),
        migrations.RemoveField(
            model_name='apikey',
            name='key',
        ),
        migrations.AlterField(
            model_name='apikey',
            name='digest',
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name='摘要'),
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(db_index=True, editable=False, help_text='密钥的前几位，用于辨认；完整密钥只在签发时显示一次', max_length=8, verbose_name='前缀')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True, verbose_name='摘要')),
                ('active', models.BooleanField(default=True, editable=False, verbose_name='有效')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='签发时间')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='吊销时间')),
                ('name', models.CharField(help_text='如：执法一队 1 号平板', max_length=100, verbose_name='用途')),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='最近使用')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='账号')),
            ],
            options={
                'verbose_name': 'API 令牌',
                'verbose_name_plural': 'API 令牌',
            },
        ),
        migrations.RunPython(adopt_drf_tokens),
    ]
