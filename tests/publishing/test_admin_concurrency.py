"""Two publishers save the same line of a draft at the same moment in the 管理后台, on two real
database connections: one edit is kept, the other is refused in words (not written over it)."""
import threading

import pytest
from django.db import connection
from django.test import Client

from core.models import AuditEvent
from geodata.services.demo import demo_load
from patrol.services.demo import demo_people_load
from publishing import admin as publishing_admin
from publishing.services.publications import draft_create

from .conftest import user
from .test_admin_stale_forms import line_field, rendered_form, staff
from .test_services import WEEK

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_saves_of_one_line_at_once_keep_one_and_refuse_the_other(monkeypatch, make_problem, subdistrict):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    pub = draft_create(actor=user("publisher1"), area_id=subdistrict.pk, **WEEK)
    first = pub.items.order_by("position").first()
    pages = {name: rendered_form(staff(name), pub) for name in ("publisher1", "supervisor1")}

    # Both saves read the lines before either writes: each waits in the formset's check for the other.
    both_read = threading.Barrier(2, timeout=10)
    real_clean = publishing_admin.LineFormSet.clean

    def clean_then_wait(formset):
        real_clean(formset)
        both_read.wait()

    monkeypatch.setattr(publishing_admin.LineFormSet, "clean", clean_then_wait)
    said: dict[str, str] = {}

    def save(name):
        try:
            c = Client()
            c.force_login(user(name))
            form = dict(pages[name])
            form[line_field(form, first, "edited_text")] = f"学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（{name}）。"
            r = c.post(f"/admin/publishing/publication/{pub.pk}/change/", form, follow=True)
            # the page's words (the test client's r.context may hold another thread's render)
            said[name] = r.content.decode()
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=save, args=(name,)) for name in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    first.refresh_from_db()
    winner = first.edited_text.removeprefix("学院路街道，学院路与清华东路交叉路口向南50米，积存垃圾（").removesuffix("）。")
    assert winner in pages, first.edited_text
    loser = next(name for name in pages if name != winner)
    assert "已被他人修改" in said[loser] and "未保存" in said[loser]
    assert "成功修改" in said[winner] and "成功修改" not in said[loser]
    assert AuditEvent.objects.filter(subject_type="publishing.publicationitem", verb="updated").count() == 1


@pytest.fixture(autouse=True)
def _demo(transactional_db):
    demo_load()  # transactional tests start from an emptied database
    demo_people_load()
