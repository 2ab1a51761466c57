"""Jobs that had FAILED before this release stay failed: each is marked given up.

Until 2026-12-01 the job engine retried nothing (core.jobs), so a FAILED row was final. Since
then the stale sweep (core.jobs.jobs_requeue_stale) takes a FAILED row whose traceback does not
end with the given-up mark as one whose worker died before its retry step, and runs it again:
after an upgrade from a release before the retries, its first sweep would have run every job
that had ever failed again, days later (a 12345 import the office had given up on, coverage
of a long-ended shift). Each such row now ends with the mark and why. A job that failed
moments before the upgrade under a release with the retries, its worker lost before the retry
step, is given up too: the upgrade stops the workers, and it can be queued again by hand.

The pattern is core.jobs._GIVEN_UP's, copied so that this migration does not change with it.
"""
import re

from django.conf import settings
from django.db import migrations

_GIVEN_UP = re.compile(r"（JOBS_MAX_ATTEMPTS=[0-9]+）\s*$")


def mark_failed_given_up(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    reason = f"在升级到自动重试的版本之前已失败，不自动重试（JOBS_MAX_ATTEMPTS={settings.JOBS_MAX_ATTEMPTS}）"
    for job in DBTaskResult.objects.filter(status="FAILED").only("id", "traceback").iterator():
        if not _GIVEN_UP.search(job.traceback or ""):
            job.traceback = f"{(job.traceback or '').rstrip()}\n{reason}\n".lstrip()
            job.save(update_fields=["traceback"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_login_verbs"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(mark_failed_given_up, migrations.RunPython.noop)]
