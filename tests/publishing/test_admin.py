"""The management pages: a publisher drafts, edits a line, reorders and publishes through
the services (one audit event each); others are kept out; a published list is read-only."""
import pytest
from django.test import Client

from core.models import AuditEvent
from publishing.models import Publication

from .conftest import user
from .test_services import WEEK

pytestmark = pytest.mark.django_db


def staff(username):
    u = user(username)
    u.is_staff = True
    u.save()
    c = Client()
    c.force_login(u)
    return c


def _events():
    return list(AuditEvent.objects.filter(subject_type__startswith="publishing.").values_list("verb", flat=True))


def test_a_publisher_drafts_edits_reorders_and_publishes_in_the_admin(subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    c = staff("publisher1")
    r = c.post("/admin/publishing/publication/add/", {
        "title": "未诉先办", "area": subdistrict.pk, "period_from": WEEK["period_from"].isoformat(),
        "period_to": WEEK["period_to"].isoformat(), "sources": ["patrol"], "statuses": []})
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    pub = Publication.objects.get()
    first, second = pub.items.order_by("position")
    page = c.get(f"/admin/publishing/publication/{pub.pk}/change/")
    assert "1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。" in page.content.decode()
    body = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "2", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-id": first.pk, "items-0-publication": pub.pk, "items-0-position": "2",
            "items-0-edited_text": "学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾渣土。",
            "items-1-id": second.pk, "items-1-publication": pub.pk, "items-1-position": "1",
            "items-1-edited_text": ""}
    r = c.post(f"/admin/publishing/publication/{pub.pk}/change/", body)
    assert r.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)
    assert first.edited_text.endswith("积存垃圾渣土。")
    r = c.post("/admin/publishing/publication/", {"action": "publish_selected", "_selected_action": [pub.pk]})
    assert r.status_code == 302
    pub.refresh_from_db()
    assert pub.is_published and pub.text.splitlines()[1].endswith("积存垃圾渣土。")
    assert _events() == ["created", "updated", "reordered", "published"]


def test_officers_cannot_open_the_publication_pages():
    assert staff("officer1").get("/admin/publishing/publication/").status_code == 403
