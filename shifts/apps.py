from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "shifts"
    verbose_name = "班次与轨迹"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers
