"""Two publishers on one draft in the 管理后台: a page rendered before the other's save, or the
list published meanwhile. What the other saved is kept; a change that would overwrite it,
or come after the publication, is refused and said in words (publishing.admin)."""
from html.parser import HTMLParser

import pytest

from core.models import AuditEvent
from publishing.models import PublicationItem
from publishing.services.publications import draft_create, publish

from .test_admin import staff
from .test_services import WEEK

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    """The values a browser would post from the page's change form (inputs and textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._textarea = {}, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "publication_form":
            self._in_form = True
        elif self._in_form and tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            self.data[a["name"]] = a.get("value") or ""
        elif self._in_form and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def rendered_form(client, pub, lines=2) -> dict:
    page = client.get(f"/admin/publishing/publication/{pub.pk}/change/")
    assert page.status_code == 200
    parser = _Inputs()
    parser.feed(page.content.decode())
    assert parser.data.get("items-TOTAL_FORMS") == str(lines), parser.data
    return parser.data


def line_field(form: dict, item, field: str) -> str:
    """The form's name of `field` of the line showing `item` (items-<n>-<field>)."""
    n = next(k.split("-")[1] for k, v in form.items() if k.endswith("-id") and v == str(item.pk))
    return f"items-{n}-{field}"


@pytest.fixture
def draft(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    return pub, list(pub.items.order_by("position"))


def _save(client, pub, form):
    return client.post(f"/admin/publishing/publication/{pub.pk}/change/", form, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_line_saved_from_a_page_opened_before_another_s_edit_keeps_that_edit(draft):
    pub, (first, second) = draft
    a, b = staff("publisher1"), staff("supervisor1")
    page_a = rendered_form(a, pub)
    page_b = rendered_form(b, pub)
    page_b[line_field(page_b, first, "edited_text")] = "学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（乙改）。"
    assert _save(b, pub, page_b).status_code == 200
    # A, on the page opened before B's save, changes the second line only
    page_a[line_field(page_a, second, "edited_text")] = "学院路街道，学院路与成府路交叉路口向北20米，积存垃圾（甲改）。"
    _save(a, pub, page_a)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.edited_text.endswith("（乙改）。")  # B's edit was not put back to the generated text
    assert second.edited_text.endswith("（甲改）。")


def test_the_same_line_changed_on_a_stale_page_is_refused_in_words(draft):
    pub, (first, _second) = draft
    a, b = staff("publisher1"), staff("supervisor1")
    page_a = rendered_form(a, pub)
    page_b = rendered_form(b, pub)
    page_b[line_field(page_b, first, "edited_text")] = "学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（乙改）。"
    _save(b, pub, page_b)
    page_a[line_field(page_a, first, "edited_text")] = "学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（甲改）。"
    r = _save(a, pub, page_a)
    first.refresh_from_db()
    assert first.edited_text.endswith("（乙改）。")
    assert "第1条已被他人修改" in _messages(r) and "未保存" in _messages(r)
    assert not [m for m in r.context["messages"] if m.level_tag == "success"]
    edits = AuditEvent.objects.filter(subject_type="publishing.publicationitem", verb="updated")
    assert edits.count() == 1


def test_an_order_changed_on_a_stale_page_does_not_undo_another_s_order(draft):
    pub, (first, second) = draft
    a, b = staff("publisher1"), staff("supervisor1")
    page_a = rendered_form(a, pub)
    page_b = rendered_form(b, pub)
    page_b[line_field(page_b, first, "position")], page_b[line_field(page_b, second, "position")] = "2", "1"
    _save(b, pub, page_b)
    # A only rewrites a line: B's order stands
    page_a[line_field(page_a, second, "edited_text")] = "学院路街道，学院路与成府路交叉路口向北20米，积存垃圾（甲改）。"
    _save(a, pub, page_a)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)
    assert second.edited_text.endswith("（甲改）。")


def test_a_reorder_on_a_stale_page_is_refused_in_words(publisher, subdistrict, make_problem):
    for minute, text in enumerate(("学院路与清华东路交叉路口向南50米，学院路西侧", "学院路与成府路交叉路口向北20米，学院路东侧",
                                   "学院路与志新路交叉路口向北10米，学院路东侧"), start=1):
        make_problem(text, minute=minute)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    one, two, three = pub.items.order_by("position")
    a, b = staff("publisher1"), staff("supervisor1")
    page_a = rendered_form(a, pub, lines=3)
    page_b = rendered_form(b, pub, lines=3)
    for item, position in ((three, "1"), (one, "2"), (two, "3")):  # B: the third line first
        page_b[line_field(page_b, item, "position")] = position
    _save(b, pub, page_b)
    for item, position in ((two, "1"), (one, "2")):  # A, on the page opened before: swaps the first two
        page_a[line_field(page_a, item, "position")] = position
    r = _save(a, pub, page_a)
    assert [i.pk for i in pub.items.order_by("position")] == [three.pk, one.pk, two.pk]  # B's order stands
    assert "顺序已被他人修改" in _messages(r) and "未保存" in _messages(r)
    assert AuditEvent.objects.filter(subject_type="publishing.publication", verb="reordered").count() == 1


def test_an_edit_saved_after_the_list_was_published_is_told_so(draft, publisher):
    pub, (first, _second) = draft
    a = staff("supervisor1")
    page_a = rendered_form(a, pub)
    done = publish(actor=publisher, publication_id=pub.pk)
    page_a[line_field(page_a, first, "edited_text")] = "学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（甲改）。"
    r = _save(a, pub, page_a)
    assert r.status_code == 200, r.status_code  # not 无权访问: the page opened was a draft this user may edit
    assert f"{done.number}已发布" in _messages(r) and "未保存" in _messages(r)
    assert PublicationItem.objects.get(pk=first.pk).edited_text == ""


def test_publishing_from_a_list_shown_before_another_published_says_it_was_published(draft, publisher):
    pub, _lines = draft
    a = staff("supervisor1")
    assert pub.pk in [p.pk for p in a.get("/admin/publishing/publication/").context["cl"].result_list]
    done = publish(actor=publisher, publication_id=pub.pk)
    r = a.post("/admin/publishing/publication/", {"action": "publish_selected", "_selected_action": [pub.pk]},
               follow=True)
    assert f"{done.number}已发布，未再次发布" in _messages(r)
    assert AuditEvent.objects.filter(subject_type="publishing.publication", verb="published").count() == 1
