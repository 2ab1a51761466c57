"""The 增加 page of a 未诉先办 list posted twice (a double click, a reload that posts again, the
back button and 保存 again) makes one draft: the page carries a one-time token (publishing.admin
DraftForm.form_token) and a post of a token already used leads to the draft it made. A page
opened anew makes a new draft."""
import re

import pytest

from core.models import AuditEvent
from publishing.models import Publication

from .test_admin import staff
from .test_admin_stale_forms import _Inputs
from .test_services import WEEK

pytestmark = pytest.mark.django_db

ADD = "/admin/publishing/publication/add/"


def add_page(client, subdistrict, **changes) -> dict:
    """What a browser posts from a freshly opened 增加 page, filled in."""
    page = client.get(ADD)
    assert page.status_code == 200
    parser = _Inputs()
    parser.feed(page.content.decode())
    return {**parser.data, "title": "未诉先办", "area": subdistrict.pk,
            "period_from": WEEK["period_from"].isoformat(), "period_to": WEEK["period_to"].isoformat(),
            "sources": ["patrol"], **changes}


def _created_events() -> int:
    return AuditEvent.objects.filter(subject_type="publishing.publication", verb="created").count()


def test_the_same_page_posted_twice_makes_one_draft_and_leads_to_it(subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    c = staff("publisher1")
    form = add_page(c, subdistrict)
    first = c.post(ADD, form)
    assert first.status_code == 302
    again = c.post(ADD, form, follow=True)
    pub = Publication.objects.get()
    assert again.redirect_chain[-1][0] == f"/admin/publishing/publication/{pub.pk}/change/"
    assert "已经新增过" in " ".join(str(m) for m in again.context["messages"])
    assert _created_events() == 1


def test_a_page_opened_anew_makes_a_new_draft(subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    c = staff("publisher1")
    assert c.post(ADD, add_page(c, subdistrict)).status_code == 302
    assert c.post(ADD, add_page(c, subdistrict)).status_code == 302
    assert Publication.objects.count() == 2 and _created_events() == 2


def test_the_same_page_posted_again_with_other_dates_is_refused_in_words(subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    c = staff("publisher1")
    form = add_page(c, subdistrict)
    assert c.post(ADD, form).status_code == 302
    r = c.post(ADD, {**form, "period_to": WEEK["period_from"].isoformat()})
    assert r.status_code == 200
    assert "本页已新增过一份清单" in str(r.context["adminform"].form.errors)
    assert Publication.objects.count() == 1 and _created_events() == 1


def test_one_user_s_token_is_not_another_s(subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    a, b = staff("publisher1"), staff("supervisor1")
    form = add_page(a, subdistrict)
    assert a.post(ADD, form).status_code == 302
    assert b.post(ADD, form).status_code == 302  # the token is per user, as the API's client ids are
    assert set(Publication.objects.values_list("created_by__username", flat=True)) == {"publisher1", "supervisor1"}


def test_the_page_carries_a_token_of_its_own(subdistrict):
    c = staff("publisher1")
    tokens = [add_page(c, subdistrict).get("form_token") for _ in range(2)]
    assert all(t and re.fullmatch(r"[0-9a-f-]{36}", t) for t in tokens) and tokens[0] != tokens[1]
