"""Publications and their items. Once published, a publication and its items are frozen
in PostgreSQL itself: triggers refuse UPDATE and DELETE of a published publication and
any INSERT, UPDATE or DELETE of an item of one, whatever issues them (the ORM, a bulk
`update()`, raw SQL, the admin). A draft is free to change; publishing is the one update
of a draft row that turns it into a published one (the trigger sees OLD.status = draft).
Integrity only: the triggers change no data (house style: no business rules in triggers)."""

import django.db.models.constraints
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FROZEN = """
CREATE FUNCTION publishing_publication_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'publication % is published and cannot be changed: % refused', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER publishing_publication_no_change BEFORE UPDATE OR DELETE ON publishing_publication
    FOR EACH ROW EXECUTE FUNCTION publishing_publication_frozen();

CREATE FUNCTION publishing_item_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pub_ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        pub_ids := ARRAY[NEW.publication_id];
    ELSIF TG_OP = 'UPDATE' THEN
        pub_ids := ARRAY[OLD.publication_id, NEW.publication_id];
    ELSE
        pub_ids := ARRAY[OLD.publication_id];
    END IF;
    IF EXISTS (SELECT 1 FROM publishing_publication WHERE id = ANY(pub_ids) AND status = 'published') THEN
        RAISE EXCEPTION 'items of a published publication cannot be changed: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER publishing_item_no_change BEFORE INSERT OR UPDATE OR DELETE ON publishing_publicationitem
    FOR EACH ROW EXECUTE FUNCTION publishing_item_frozen();
"""
UNFROZEN = """
DROP TRIGGER IF EXISTS publishing_item_no_change ON publishing_publicationitem;
DROP FUNCTION IF EXISTS publishing_item_frozen();
DROP TRIGGER IF EXISTS publishing_publication_no_change ON publishing_publication;
DROP FUNCTION IF EXISTS publishing_publication_frozen();
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0002_more_verbs'),
        ('geodata', '0002_network_change'),
        ('patrol', '0004_problem_events_to_audit_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Publication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(default='未诉先办', max_length=200, verbose_name='标题')),
                ('period_from', models.DateField(verbose_name='起始日期')),
                ('period_to', models.DateField(verbose_name='截止日期')),
                ('sources', models.JSONField(blank=True, default=list, help_text='空：全部来源', verbose_name='问题来源')),
                ('statuses', models.JSONField(blank=True, default=list, help_text='空：除不予立案、重复上报外的全部状态', verbose_name='问题状态')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], db_index=True, default='draft', max_length=10, verbose_name='状态')),
                ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='年份')),
                ('sequence', models.PositiveIntegerField(blank=True, null=True, verbose_name='期次')),
                ('number', models.CharField(blank=True, help_text='发布时生成，如 2026年第12期', max_length=30, verbose_name='期号')),
                ('text', models.TextField(blank=True, help_text='发布时冻结', verbose_name='正文')),
                ('checksum', models.CharField(blank=True, max_length=64, verbose_name='校验值(SHA-256)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geodata.area', verbose_name='区域')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
            ],
            options={
                'verbose_name': '未诉先办清单',
                'verbose_name_plural': '未诉先办清单',
                'ordering': ['-published_at', '-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PublicationItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(blank=True, help_text='空：已并入同一地点的另一条目', null=True, verbose_name='序号')),
                ('generated_text', models.TextField(help_text='不含序号', verbose_name='生成的文字')),
                ('edited_text', models.TextField(blank=True, help_text='空：使用生成的文字', verbose_name='修改后的文字')),
                ('edited_at', models.DateTimeField(blank=True, null=True, verbose_name='修改时间')),
                ('followup', models.CharField(blank=True, choices=[('', '—'), ('已整改', '已整改'), ('整改不到位', '整改不到位')], max_length=10, verbose_name='复查情况')),
                ('edited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='修改人')),
                ('followup_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followups', to='publishing.publicationitem', verbose_name='前次曝光')),
                ('merged_into', models.ForeignKey(blank=True, help_text='同一地点的几个问题写成一行：其余问题并入第一条', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='merged', to='publishing.publicationitem', verbose_name='并入条目')),
                ('problem', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publication_items', to='patrol.problem', verbose_name='问题')),
                ('publication', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='publishing.publication', verbose_name='清单')),
            ],
            options={
                'verbose_name': '清单条目',
                'verbose_name_plural': '清单条目',
                'ordering': ['publication', 'position'],
            },
        ),
        migrations.AddConstraint(
            model_name='publication',
            constraint=models.CheckConstraint(condition=models.Q(('period_from__lte', models.F('period_to'))), name='publication_period_ordered'),
        ),
        migrations.AddConstraint(
            model_name='publication',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('checksum__regex', '^[0-9a-f]{64}$'), ('published_at__isnull', False), ('published_by__isnull', False), ('sequence__isnull', False), ('status', 'published'), ('year__isnull', False), models.Q(('number', ''), _negated=True), models.Q(('text', ''), _negated=True)), models.Q(('checksum', ''), ('number', ''), ('published_at__isnull', True), ('published_by__isnull', True), ('sequence__isnull', True), ('status', 'draft')), _connector='OR'), name='publication_published_complete'),
        ),
        migrations.AddConstraint(
            model_name='publication',
            constraint=models.UniqueConstraint(fields=('area', 'year', 'sequence'), name='publication_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='publicationitem',
            constraint=models.UniqueConstraint(deferrable=django.db.models.constraints.Deferrable['DEFERRED'], fields=('publication', 'position'), name='publication_item_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='publicationitem',
            constraint=models.UniqueConstraint(fields=('publication', 'problem'), name='publication_item_problem_unique'),
        ),
        migrations.AddConstraint(
            model_name='publicationitem',
            constraint=models.CheckConstraint(condition=models.Q(('position__isnull', True), ('position__gte', 1), _connector='OR'), name='publication_item_position_positive'),
        ),
        migrations.AddConstraint(
            model_name='publicationitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('merged_into__isnull', True), ('position__isnull', False)), models.Q(('merged_into__isnull', False), ('position__isnull', True)), _connector='OR'), name='publication_item_line_or_merged'),
        ),
        migrations.AddConstraint(
            model_name='publicationitem',
            constraint=models.CheckConstraint(condition=models.Q(('followup', ''), ('followup_of__isnull', False), _connector='OR'), name='publication_item_followup_has_origin'),
        ),
        migrations.RunSQL(FROZEN, UNFROZEN),
    ]
