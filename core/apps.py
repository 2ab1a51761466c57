from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台内核"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
