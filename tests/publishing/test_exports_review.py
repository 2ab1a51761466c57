"""Review of the 未诉先办 downloads: an empty draft, a long list."""
import io
import time

import docx
import pytest
from rest_framework.test import APIClient

from publishing.services.publications import draft_create, publish

from .conftest import user
from .test_services import WEEK

pytestmark = pytest.mark.django_db


def client_for(username):
    c = APIClient()
    c.force_authenticate(user(username))
    return c


@pytest.mark.parametrize("kind", ["txt", "html", "pdf", "docx"])
def test_an_empty_draft_downloads(publisher, subdistrict, kind):
    draft = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    r = client_for("publisher1").get(f"/api/v1/publications/{draft.pk}/export.{kind}")
    assert r.status_code == 200


def test_a_long_list_downloads_in_bounded_time(publisher, subdistrict, make_problem):
    from patrol.models import Problem
    first = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    objs = []
    for i in range(1500):
        p = Problem(category=first.category, status=first.status, geom=first.geom,
                    location_text=f"学院路与清华东路交叉路口向南{i + 60}米，学院路西侧", subdistrict=subdistrict,
                    source=first.source, reporter=first.reporter)
        objs.append(p)
    Problem.objects.bulk_create(objs)
    Problem.objects.update(created_at=first.created_at)
    pub = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    n = pub.items.filter(position__isnull=False).count()
    c = client_for("officer1")
    for kind in ("txt", "html", "docx", "pdf"):
        t = time.monotonic()
        r = c.get(f"/api/v1/publications/{pub.pk}/export.{kind}")
        print(kind, n, round(time.monotonic() - t, 2), len(r.content))
        assert r.status_code == 200


@pytest.mark.parametrize("kind", ["txt", "html", "pdf", "docx"])
def test_a_title_pasted_with_a_control_character_downloads(publisher, subdistrict, make_problem, kind):
    # Word's soft line break is U+000B: a title copied from a Word document into the admin's
    # 标题 field carries it, and the form and the service accept it
    from django.test import Client

    from publishing.models import Publication
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    publisher.is_staff = True
    publisher.save()
    c = Client()
    c.force_login(publisher)
    r = c.post("/admin/publishing/publication/add/", {
        "title": "未诉先办\x0b第二批", "area": subdistrict.pk, "period_from": WEEK["period_from"].isoformat(),
        "period_to": WEEK["period_to"].isoformat(), "sources": [], "statuses": []})
    assert r.status_code == 302
    pub = publish(actor=publisher, publication_id=Publication.objects.get().pk)
    r = client_for("officer1").get(f"/api/v1/publications/{pub.pk}/export.{kind}")
    assert r.status_code == 200
    if kind == "docx":
        docx.Document(io.BytesIO(r.content))
