"""Two district administrators on one officer in the 管理后台: a change page opened before the
other's save must not put back what the other changed (a deactivated officer's login enabled
again by someone who only corrected the name); the same field changed by both is refused in words."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import AuditEvent
from org.models import Officer, Team

pytestmark = pytest.mark.django_db


def _admin(username: str) -> Client:
    user = get_user_model().objects.filter(username=username).first() or \
        get_user_model().objects.create_superuser(username, password="patrol-demo-xyz")
    client = Client()
    client.force_login(user)
    return client


def _shown(client, officer) -> dict:
    """What the officer's change page posts when saved as it was shown (hidden initials included)."""
    page = client.get(f"/admin/org/officer/{officer.pk}/change/")
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


def test_correcting_a_name_on_a_page_opened_before_a_deactivation_keeps_the_officer_deactivated():
    officer = Officer.objects.select_related("user").get(user__username="officer2")
    a, b = _admin("admin"), _admin("admin-b")
    page_a = _shown(a, officer)
    r = b.post("/admin/org/officer/", {"action": "deactivate_selected", "_selected_action": [officer.pk]})
    assert r.status_code == 302
    page_a["name"] = "李队员（更正）"
    r = a.post(f"/admin/org/officer/{officer.pk}/change/", page_a)
    assert r.status_code == 302, r.context["adminform"].form.errors
    officer.refresh_from_db(), officer.user.refresh_from_db()
    assert officer.name == "李队员（更正）"
    assert not officer.active and not officer.user.is_active  # the login stays disabled


def test_a_team_changed_by_both_on_stale_pages_is_refused_in_words():
    officer = Officer.objects.get(user__username="officer2")
    one = Team.objects.get(name="执法一队")
    other = Team.objects.exclude(pk__in=[one.pk, officer.team_id]).filter(agency=officer.agency).first() or one
    a, b = _admin("admin"), _admin("admin-b")
    page_a, page_b = _shown(a, officer), _shown(b, officer)
    page_b["team"] = one.pk
    assert b.post(f"/admin/org/officer/{officer.pk}/change/", page_b).status_code == 302
    page_a["team"] = other.pk if other != one else ""
    r = a.post(f"/admin/org/officer/{officer.pk}/change/", page_a)
    assert r.status_code == 200
    assert "已被他人修改" in str(r.context["adminform"].form.errors)
    officer.refresh_from_db()
    assert officer.team_id == one.pk
    assert AuditEvent.objects.filter(subject_type="org.officer", subject_id=str(officer.pk)).count() == 1
