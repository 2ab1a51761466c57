from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "patrol"
    verbose_name = "巡查"
