"""People and permissions changed on the 管理后台's 用户 page (django.contrib.auth's UserAdmin,
registered as Django ships it): the README says every write of every app is in the audit log."""
import pytest
from django.contrib.auth import get_user_model

from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def test_making_an_account_superuser_on_the_user_page_is_in_the_audit_log(admin_client):
    user = _user("officer1")
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    before = AuditEvent.objects.count()
    r = admin_client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": user.username, "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00"})
    assert r.status_code == 302, r.context and r.context["adminform"].form.errors
    assert _user("officer1").is_superuser  # the change is made ...
    events = AuditEvent.objects.filter(subject_type="auth.user", subject_id=str(user.pk))
    assert AuditEvent.objects.count() > before and events.exists()  # ... and is in the log


def test_setting_a_password_on_the_user_page_is_in_the_audit_log(admin_client):
    user = _user("officer2")
    r = admin_client.post(f"/admin/auth/user/{user.pk}/password/",
                          {"password1": "Brand-new-2026", "password2": "Brand-new-2026", "usable_password": "true"})
    assert r.status_code == 302, r.context and r.context["form"].errors
    assert _user("officer2").check_password("Brand-new-2026")
    assert AuditEvent.objects.filter(subject_type__in=["auth.user", "org.officer"],
                                     subject_id__in=[str(user.pk), str(user.officer.pk)]).exists()
