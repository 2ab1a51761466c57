"""Two administrators save the same row's change page at the same moment, on two real database
connections, each from a page opened before either save, each with another name: one save is
kept and the other is refused in words (org.admin.ShownValuesForm), never both.

The first save is held after its form was checked and before it writes; the second is sent
meanwhile. Before the row was locked for the change page's transaction (RoleAdmin.get_object)
the second found the row as its page showed it, wrote, and then the first wrote over it: both
pages said saved, one name was lost."""
import threading
import time

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from core.models import AuditEvent
from geodata.services.demo import demo_load
from org.models import Agency, Officer, Team
from patrol.models import Category
from patrol.services.demo import demo_people_load

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = {
    "officer": lambda: Officer.objects.get(user__username="officer2"),
    "team": lambda: Team.objects.get(name="执法一队"),
    "agency": lambda: Agency.objects.get(name="海淀区城市管理委员会"),
    "category": lambda: Category.objects.order_by("code").first(),
}


def _admin(username: str) -> Client:
    user = get_user_model().objects.filter(username=username).first() or \
        get_user_model().objects.create_superuser(username, password="patrol-demo-xyz")
    client = Client()
    client.force_login(user)
    return client


def _shown(client: Client, url: str) -> dict:
    """What the change page posts when saved as it was shown (hidden initials included)."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if name == "new_password" or value is None or value is False:
            continue
        data[name] = "on" if value is True else getattr(value, "pk", value)
        if field.show_hidden_initial:
            data[bound.html_initial_name] = data[name]
    return data


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cur.fetchone()[0]


@pytest.mark.parametrize("kind", list(ROWS))
def test_two_saves_of_one_row_at_once_keep_one_and_refuse_the_other(kind, monkeypatch):
    row = ROWS[kind]()
    url = f"/admin/{row._meta.app_label}/{row._meta.model_name}/{row.pk}/change/"
    clients = {"甲": _admin("admin"), "乙": _admin("admin-b")}
    pages = {name: _shown(c, url) for name, c in clients.items()}
    original = pages["甲"]["name"]

    # The first save waits between its check and its write until the second has finished or
    # waits for a lock the first holds.
    admin_class = type(admin.site._registry[type(row)])
    real_save = admin_class.save_model
    checked, release = threading.Event(), threading.Event()

    def save_model_held(self, request, obj, form, change):
        if threading.current_thread().name == "甲":
            checked.set()
            assert release.wait(30)
        return real_save(self, request, obj, form, change)

    monkeypatch.setattr(admin_class, "save_model", save_model_held)
    said: dict[str, tuple[int, str]] = {}
    pids: dict[str, int] = {}

    def save(name):
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pids[name] = cur.fetchone()[0]
            r = clients[name].post(url, {**pages[name], "name": f"{original}（{name}改）"})
            said[name] = (r.status_code, r.content.decode())
        finally:
            connection.close()  # each thread has its own connection

    first = threading.Thread(target=save, args=("甲",), name="甲")
    first.start()
    assert checked.wait(30), said
    second = threading.Thread(target=save, args=("乙",), name="乙")
    second.start()
    deadline = time.monotonic() + 30
    while second.is_alive() and time.monotonic() < deadline:
        if "乙" in pids and _waiting_on_a_lock(pids["乙"]):
            break
        time.sleep(0.02)
    release.set()
    first.join(30)
    second.join(30)

    statuses = {name: status for name, (status, _) in said.items()}
    assert sorted(statuses.values()) == [200, 302], statuses  # one saved, one page shown again
    winner = next(name for name, status in statuses.items() if status == 302)
    loser = next(name for name in statuses if name != winner)
    assert "此项在您打开本页后已被他人修改" in said[loser][1]
    row.refresh_from_db()
    assert row.name == f"{original}（{winner}改）"
    events = AuditEvent.objects.filter(subject_type=row._meta.label_lower, subject_id=str(row.pk), verb="updated")
    assert events.count() == 1


@pytest.fixture(autouse=True)
def _demo(transactional_db):
    demo_load()  # transactional tests start from an emptied database
    demo_people_load()
