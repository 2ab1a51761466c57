"""django_tasks_db (where the background jobs wait and their results are kept) as installed here:
the package's own app, named in Chinese. Its admin section was headed "Tasks Database Backend"
(an app's name is no catalogue string). A module of its own: a second AppConfig in core/apps.py
would leave Django unsure which is core's, and core's ready() (the job retries) unrun."""
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务"
