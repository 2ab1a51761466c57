"""The 管理后台 reads in Chinese throughout, also where Django's and the packages' own catalogues
have nothing: strings newer than Django's zh_Hans translation (the index table's headings, the
user page's note, the two-list chooser of groups and permissions) and django-tasks-db, which
ships no translation at all ("Tasks Database Backend", "Task Results", READY, SUCCESSFUL).
The project's catalogue (locale/zh_Hans) fills those gaps."""
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from hotline.tasks import link_complaints

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def _text(response) -> str:
    """What the page says: its text and the attributes a person reads or hears."""
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", response.content.decode())
    return " ".join(re.findall(r">([^<>]+)<", html) + re.findall(r'(?:title|aria-label|alt|placeholder)="([^"]*)"', html))


def test_the_admin_index_has_no_english_headings():
    text = _text(_admin().get("/admin/"))
    for english in ("Model name", "Add link", "Change or view list link", "Tasks Database Backend", "Task Results"):
        assert english not in text
    assert "后台任务" in text and "模型名称" in text


def test_the_new_user_page_says_what_comes_next_in_chinese():
    text = _text(_admin().get("/admin/auth/user/add/"))
    assert "After you’ve created a user" not in text
    assert "创建用户后，才能编辑更多用户选项" in text


def test_the_chooser_of_groups_and_permissions_is_in_chinese():
    catalog = _admin().get("/admin/jsi18n/").content.decode()
    for english, chinese in (("Choose all %s", "选择全部%s"), ("Remove all %s", "删除全部%s"),
                             ("Choose selected %s", "选择选中的%s"), ("(click to clear)", "（点击清除）")):
        found = re.search(rf'{re.escape(json.dumps(english))}: (".*?(?<!\\)")', catalog)
        assert found and json.loads(found.group(1)) == chinese, english


def test_background_jobs_read_in_chinese():
    link_complaints.enqueue(0)
    result = DBTaskResult.objects.latest("enqueued_at")
    client = _admin()
    listing = _text(client.get("/admin/django_tasks_database/dbtaskresult/"))
    for english in ("Task Results", "Task name", "Enqueued at", "Queue name", "Priority", "Ready"):
        assert english not in listing
    for chinese in ("后台任务", "任务名称", "排队时间", "队列", "优先级", "待执行"):
        assert chinese in listing
    page = _text(client.get(f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/"))
    for english in ("Run after", "Traceback", "Task path", "Args kwargs", "Exception class path"):
        assert english not in page
    for chinese in ("最早执行时间", "异常回溯", "参数", "异常类型"):
        assert chinese in page


# -- the platform's own models ----------------------------------------------------------------
PROJECT_APPS = {"core", "org", "geodata", "patrol", "shifts", "publishing", "hotline", "api"}
# Names and codes that stay as they are: acronyms, and OSM tags quoted as examples (amenity=school).
KEPT = re.compile(r"OSM|SHA-256|API|Open311|WGS84|GeoJSON|URL|ID|osm:\d+|[a-z_]+=[a-z_]+|[nwr]\d+")


def test_every_field_in_the_admin_is_labelled_in_chinese():
    from django.contrib import admin

    english = []
    for model in admin.site._registry:
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # reverse relations: not shown
            for what in ("verbose_name", "help_text"):
                text = KEPT.sub("", str(getattr(field, what, "") or ""))
                if re.search(r"[A-Za-z]{2,}", text):
                    english.append(f"{model._meta.label}.{field.name} {what}: {getattr(field, what)}")
            for code, label in getattr(field, "flatchoices", None) or ():
                if code and str(label) == str(code) and re.search(r"[A-Za-z]{2,}", str(label)):
                    english.append(f"{model._meta.label}.{field.name} choice {code}")
    assert not english, "\n".join(english)
