from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import receivers  # noqa: F401 - a changed password revokes the account's API tokens
