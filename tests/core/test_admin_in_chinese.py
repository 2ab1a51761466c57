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


# -- what Django stores or shows as raw codes ---------------------------------------------------
def test_permissions_are_named_in_chinese_on_the_group_page():
    from django.contrib.auth.models import Permission

    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.get(codename="change_problem").name == "可修改问题"
    assert Permission.objects.get(codename="view_session").name == "可查看会话"
    page = _admin().get("/admin/auth/group/add/").content.decode()
    assert "Can change" not in page and "Can view" not in page
    assert "可修改问题" in page


def test_a_permission_the_project_names_itself_keeps_its_name():
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from core.permission_names import name_permissions_in_chinese

    kind = ContentType.objects.get_for_model(apps.get_model("patrol.problem"))
    own = Permission.objects.create(codename="export_problem", name="Can export (own wording)", content_type=kind)
    stale = Permission.objects.create(codename="view_oldmodel", name="Can view old model", content_type=kind)
    Permission.objects.filter(codename="add_problem").update(name="Can add problem")
    name_permissions_in_chinese(apps.get_app_config("patrol"))
    own.refresh_from_db(), stale.refresh_from_db()
    assert own.name == "Can export (own wording)"  # not one of Django's four
    assert stale.name == "Can view old model"  # its model is gone: nothing to name it after
    assert Permission.objects.get(codename="add_problem").name == "可添加问题"


def test_the_audit_log_names_what_an_event_is_said_of():
    from django.db import transaction

    from core import audit
    from core.domain.verbs import Verb
    from geodata.models import Area

    record = Area.objects.first()  # any record: an area here
    with transaction.atomic():
        audit.record(actor=None, verb=Verb.UPDATED, subject=record)
        audit.record(actor=None, verb=Verb.IMPORTED, subject=("geodata.network", "demo"))
        audit.record(actor=None, verb=Verb.UPDATED, subject=("test.thing", 3))
    text = _text(_admin().get("/admin/core/auditevent/"))
    assert f"行政区划 #{record.pk}" in text and f"geodata.area #{record.pk}" not in text
    assert "路网 #demo" in text
    assert "test.thing #3" in text  # a type with no name is shown as stored
    filtered = _text(_admin().get("/admin/core/auditevent/?subject_type=geodata.network"))
    assert "路网 #demo" in filtered and f"行政区划 #{record.pk}" not in filtered


def test_road_classes_are_named_in_chinese_in_the_admin():
    from geodata.models import RoadSegment

    segment = RoadSegment.objects.filter(highway="primary").first() or RoadSegment.objects.first()
    client = _admin()
    listing = _text(client.get("/admin/geodata/roadsegment/"))
    assert "主干路（primary）" in listing or segment.highway != "primary"
    assert re.search(r"[\u4e00-\u9fff]+（[a-z_]+）", listing)
    road = _text(client.get(f"/admin/geodata/road/{segment.road_id}/change/"))
    assert re.search(r"[\u4e00-\u9fff]+（" + segment.highway + "）", road)
    filtered = _text(client.get(f"/admin/geodata/roadsegment/?highway={segment.highway}"))
    assert segment.key in filtered
