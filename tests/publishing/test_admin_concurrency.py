"""Two publishers save the same line of a draft at the same moment in the 管理后台, on two real
database connections: one edit is kept, the other is refused in words (not written over it).
One 增加 page posted twice at the same moment (a double click) makes one draft."""
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from core.models import AuditEvent
from geodata.services.demo import demo_load
from patrol.services.demo import demo_people_load
from publishing import admin as publishing_admin
from publishing.models import Publication
from publishing.services.publications import draft_create

from .conftest import user
from .test_admin_double_submit import ADD, add_page
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


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cur.fetchone()[0]


def test_one_page_posted_twice_at_once_makes_one_draft(monkeypatch, make_problem, subdistrict):
    """The first post is held after its draft was written and before it commits; the second
    is sent meanwhile. Before the page carried a token the second wrote a draft of its own."""
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    c = Client()
    c.force_login(user("publisher1"))
    form = add_page(c, subdistrict)
    written, release = threading.Event(), threading.Event()
    real_create = publishing_admin.draft_create

    def create_held(**kwargs):
        pub = real_create(**kwargs)
        if threading.current_thread().name == "first":
            written.set()
            assert release.wait(30)
        return pub

    monkeypatch.setattr(publishing_admin, "draft_create", create_held)
    said: dict[str, int] = {}
    pids: dict[str, int] = {}

    def post(name):
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pids[name] = cur.fetchone()[0]
            said[name] = c.post(ADD, form).status_code
        finally:
            connection.close()  # each thread has its own connection

    first = threading.Thread(target=post, args=("first",), name="first")
    first.start()
    assert written.wait(30)
    second = threading.Thread(target=post, args=("second",), name="second")
    second.start()
    deadline = time.monotonic() + 30
    while second.is_alive() and time.monotonic() < deadline:
        if "second" in pids and _waiting_on_a_lock(pids["second"]):
            break
        time.sleep(0.02)
    release.set()
    first.join(30)
    second.join(30)

    assert said == {"first": 302, "second": 302}
    assert Publication.objects.count() == 1
    assert AuditEvent.objects.filter(subject_type="publishing.publication", verb="created").count() == 1


@pytest.fixture(autouse=True)
def _demo(transactional_db):
    demo_load()  # transactional tests start from an emptied database
    demo_people_load()
