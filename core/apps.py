from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台内核"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django_tasks_db.compat import task_finished

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .jobs import on_task_finished
        from .permission_names import name_permissions_in_chinese

        # A failed background job is retried a bounded number of times (core.jobs).
        task_finished.connect(on_task_finished, dispatch_uid="core.jobs.retry_failed")
        # Django's "Can add …" permissions, stored in English at migrate time, named in Chinese.
        post_migrate.connect(name_permissions_in_chinese, dispatch_uid="core.permission_names")
