"""The per-problem trail (ProblemEvent, a free-text action) becomes part of the one audit
log (core.AuditEvent, a closed list of verbs): its rows are copied with their times and
actors, each said of its problem, and the old table is dropped."""
from django.db import migrations

COPY = """
INSERT INTO core_auditevent (at, actor_id, verb, subject_type, subject_id, context_type, context_id,
                             before, after, reason, request_id)
SELECT at, actor_id,
       CASE action WHEN 'transition' THEN 'transitioned' WHEN 'outcome' THEN 'outcome_recorded'
                   WHEN 'photo' THEN 'photo_added' WHEN 'outcome_photo' THEN 'photo_added'
                   WHEN 'created' THEN 'created' WHEN 'escalated' THEN 'escalated'
                   WHEN 'escalation_answered' THEN 'escalation_answered'
                   WHEN 'reinspection_scheduled' THEN 'reinspection_scheduled'
                   WHEN 'reinspected' THEN 'reinspected' ELSE 'updated' END,
       'patrol.problem', problem_id::text, '', '',
       CASE WHEN from_status <> '' THEN jsonb_build_object('status', from_status) ELSE '{}'::jsonb END,
       data::jsonb || CASE WHEN to_status <> '' THEN jsonb_build_object('status', to_status) ELSE '{}'::jsonb END,
       reason, ''
FROM patrol_problemevent ORDER BY id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("patrol", "0003_people_to_org"),
    ]

    operations = [
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.DeleteModel(name="ProblemEvent"),
    ]
