"""A patrol problem reported after a 12345 complaint was imported is linked to it: the
problem's creation is signalled on commit, a job is queued, and the job links the located,
unlinked complaints of a matching category within the distance and days set."""
import datetime as dt

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import AuditEvent
from hotline.models import Complaint
from hotline.services.imports import complaints_import
from hotline.tasks import link_complaints
from patrol.models import Problem
from patrol.services.problems import problem_create

from .conftest import order, xlsx_bytes

pytestmark = pytest.mark.django_db


def _complaint(no: str, *, category="城市管理/市容环境/积存垃圾渣土", days_ago=1) -> Complaint:
    when = (timezone.localtime() - dt.timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")
    result = complaints_import(data=xlsx_bytes([order(no, when, address="学院路与清华东路交叉口东北角",
                                                      category=category)]), filename="o.xlsx")
    assert result.ok, result.lines()
    c = Complaint.objects.get(order_no=no)
    assert c.geom is not None and c.problem is None
    return c


def _problem(user, c: Complaint, *, east_m: float, category="积存垃圾渣土") -> Problem:
    at = Point(c.geom.x + east_m, c.geom.y, srid=settings.STORAGE_SRID)
    wgs = at.transform(4326, clone=True)
    problem, created = problem_create(actor=user, category_code=category, lon=wgs.x, lat=wgs.y)
    assert created
    return problem


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.get(username="officer1")


def test_creating_a_problem_queues_one_job_on_commit(officer, django_capture_on_commit_callbacks):
    c = _complaint("L1")
    with django_capture_on_commit_callbacks(execute=True):
        p = _problem(officer, c, east_m=10)
    jobs = DBTaskResult.objects.filter(task_path="hotline.tasks.link_complaints")
    assert [j.args_kwargs["args"] for j in jobs] == [[p.pk]]


def test_the_job_links_the_complaint_nearby_of_a_matching_category(officer):
    c = _complaint("L2")
    p = _problem(officer, c, east_m=10)  # no on-commit here: the job is run by hand
    out = link_complaints.call(p.pk)
    assert out == {"problem": p.pk, "linked": [c.pk]}
    assert Complaint.objects.get(pk=c.pk).problem == p
    ev = AuditEvent.objects.get(subject_type="patrol.problem", subject_id=str(p.pk), verb="updated")
    assert ev.after == {"complaints_linked": [c.pk]} and ev.actor is None
    # run again: nothing left to link, no second event
    assert link_complaints.call(p.pk)["linked"] == []
    assert AuditEvent.objects.filter(subject_id=str(p.pk), verb="updated").count() == 1


def test_far_other_category_old_or_already_linked_complaints_are_left_alone(officer):
    # every complaint here is located at the same crossing (same address)
    garbage = _complaint("F1")
    parking = _complaint("F2", category="城市管理/交通秩序/机动车乱停放")
    old = _complaint("F3", days_ago=settings.HOTLINE_PROBLEM_MATCH_DAYS + 2)
    taken = _complaint("F4")
    earlier = _problem(officer, taken, east_m=300)
    Complaint.objects.filter(pk=taken.pk).update(problem=earlier)
    far = _problem(officer, garbage, east_m=settings.HOTLINE_PROBLEM_MATCH_M + 30)
    assert link_complaints.call(far.pk)["linked"] == []  # beyond the distance
    near = _problem(officer, garbage, east_m=10)
    assert link_complaints.call(near.pk)["linked"] == [garbage.pk]
    assert Complaint.objects.get(pk=parking.pk).problem is None  # parking, not garbage
    assert Complaint.objects.get(pk=old.pk).problem is None  # outside the days either side
    assert Complaint.objects.get(pk=taken.pk).problem == earlier  # its link is kept


def test_a_problem_deleted_before_its_job_runs_links_nothing(officer):
    c = _complaint("D1")
    p = _problem(officer, c, east_m=10)
    pk = p.pk
    Problem.objects.filter(pk=pk).delete()
    assert link_complaints.call(pk) == {"problem": pk, "linked": []}
    assert Complaint.objects.get(pk=c.pk).problem is None
