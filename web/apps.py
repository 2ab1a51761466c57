from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages people use: the supervisors' dashboard, the tablet field app, coverage and hotline pages."""

    name = "web"
    verbose_name = "页面"
