from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "patrol"
    verbose_name = "巡查"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers
