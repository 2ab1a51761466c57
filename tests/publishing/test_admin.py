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


def _two_line_draft(publisher, subdistrict, make_problem):
    from publishing.services.publications import draft_create

    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    return pub, list(pub.items.order_by("position"))


def _lines(pub, items, positions, texts=("", "")):
    body = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "2", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000"}
    for k, (item, position, text) in enumerate(zip(items, positions, texts, strict=True)):
        body |= {f"items-{k}-id": item.pk, f"items-{k}-publication": pub.pk, f"items-{k}-position": position,
                 f"items-{k}-edited_text": text}
    return body


@pytest.mark.parametrize(("position", "message"), [("", "请填写序号"), ("0", "序号须为正整数")])
def test_a_missing_or_odd_position_is_named_on_its_line(publisher, subdistrict, make_problem, position, message):
    pub, items = _two_line_draft(publisher, subdistrict, make_problem)
    r = staff("publisher1").post(f"/admin/publishing/publication/{pub.pk}/change/",
                                 _lines(pub, items, (position, "1")))
    assert r.status_code == 200
    assert message in str(r.context["inline_admin_formsets"][0].formset.errors)
    assert [i.position for i in pub.items.order_by("pk")] == [1, 2]


def test_a_save_with_one_bad_line_keeps_none_of_its_changes(publisher, subdistrict, make_problem):
    pub, items = _two_line_draft(publisher, subdistrict, make_problem)
    r = staff("publisher1").post(f"/admin/publishing/publication/{pub.pk}/change/",
                                 _lines(pub, items, ("2", "1"), ("学院路街道，改写第一行。", "1. ")), follow=True)
    assert "请填写条目文字" in str(r.context["inline_admin_formsets"][0].formset.errors)
    assert not [m for m in r.context["messages"] if m.level_tag == "success"]
    assert [(i.position, i.edited_text) for i in pub.items.order_by("pk")] == [(1, ""), (2, "")]
    assert _events() == ["created"]


def test_a_reversed_period_is_said_in_words(subdistrict):
    r = staff("publisher1").post("/admin/publishing/publication/add/", {
        "title": "未诉先办", "area": subdistrict.pk, "period_from": "2026-11-07", "period_to": "2026-11-01"})
    assert r.status_code == 200 and "起始日期不能晚于截止日期" in str(r.context["adminform"].form.errors)
    assert not Publication.objects.exists()


def test_an_edited_line_keeps_a_number_that_begins_its_words(publisher, subdistrict, make_problem):
    pub, items = _two_line_draft(publisher, subdistrict, make_problem)
    staff("publisher1").post(f"/admin/publishing/publication/{pub.pk}/change/",
                             _lines(pub, items, ("1", "2"), ("12、13号楼之间，积存垃圾。", "")))
    items[0].refresh_from_db()
    assert items[0].edited_text == "12、13号楼之间，积存垃圾。"
