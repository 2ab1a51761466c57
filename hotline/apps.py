from django.apps import AppConfig


class HotlineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hotline"
    verbose_name = "接诉即办"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers
