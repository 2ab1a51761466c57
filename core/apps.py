from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台内核"

    def ready(self):
        from django_tasks_db.compat import task_finished

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .jobs import on_task_finished

        # A failed background job is retried a bounded number of times (core.jobs).
        task_finished.connect(on_task_finished, dispatch_uid="core.jobs.retry_failed")
