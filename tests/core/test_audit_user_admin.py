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


def _group_events(group_id):
    return list(AuditEvent.objects.filter(subject_type="auth.group", subject_id=str(group_id))
                .order_by("id").values_list("verb", "before", "after"))


def test_a_group_and_the_permissions_it_grants_are_in_the_audit_log(admin_client):
    """The 组 page (Django's GroupAdmin, as shipped) wrote nothing to the log: a group granting
    auth.change_user to a district admin's account let them edit accounts, unrecorded."""
    from django.contrib.auth.models import Group, Permission

    change_user = Permission.objects.get(codename="change_user")
    r = admin_client.post("/admin/auth/group/add/", {"name": "账号维护", "permissions": [change_user.pk]})
    assert r.status_code == 302, r.context and r.context["adminform"].form.errors
    group = Group.objects.get(name="账号维护")
    assert _group_events(group.pk) == [("created", {}, {"name": "账号维护", "permissions": [change_user.pk]})]
    view_user = Permission.objects.get(codename="view_user")
    r = admin_client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "账号维护", "permissions": [view_user.pk]})
    assert r.status_code == 302
    assert _group_events(group.pk)[1] == ("updated", {"permissions": [change_user.pk]},
                                          {"permissions": [view_user.pk]})
    r = admin_client.post("/admin/auth/group/", {"action": "delete_selected", "_selected_action": [group.pk],
                                                 "post": "yes"})
    assert r.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()
    assert _group_events(group.pk)[2] == ("deleted", {"name": "账号维护", "permissions": [view_user.pk]}, {})
