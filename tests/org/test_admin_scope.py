"""RoleAdmin limits every page to the viewer's jurisdiction and fails closed: a page whose rows
reach no area shows them to district-wide viewers only, never to a viewer of one subdistrict."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from geodata.models import Area, AreaKind
from org.admin import RoleAdmin
from org.models import Agency, Officer, Role
from patrol.models import Category

pytestmark = pytest.mark.django_db


class _Unscoped(RoleAdmin):
    """A page that forgot its scope_lookups."""


def _request(username: str):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=username)
    return request


def _district_admin(username: str, jurisdiction: Area) -> str:
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    Officer.objects.create(user=user, name=username, role=Role.DISTRICT_ADMIN, jurisdiction=jurisdiction,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"))
    return username


def test_a_page_without_scope_lookups_shows_nothing_to_a_subdistrict_viewer():
    page = _Unscoped(Category, admin.site)
    everything = Category.objects.count()
    assert everything > 0
    assert page.get_queryset(_request("supervisor1")).count() == 0
    sub_admin = _district_admin("xy_admin", Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道"))
    assert page.get_queryset(_request(sub_admin)).count() == 0
    wide = _district_admin("hd_admin", Area.objects.get(kind=AreaKind.DISTRICT, code="110108"))
    assert page.get_queryset(_request(wide)).count() == everything
    assert page.get_queryset(_request("admin")).count() == everything


def test_every_role_page_is_scoped_or_says_why_not():
    """A new RoleAdmin page either names the lookups that reach an area or decides its own
    scope (in_scope): none may fall back to whatever RoleAdmin does by default unnoticed."""
    for model, page in admin.site._registry.items():
        if isinstance(page, RoleAdmin):
            assert page.scope_lookups or type(page).in_scope is not RoleAdmin.in_scope, model
