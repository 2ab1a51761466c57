from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "人员与组织"
