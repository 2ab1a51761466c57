"""Demo people for the demo district: agencies of 学院路街道, teams, one user per role,
and an Open311 key. Idempotent. All demo users share one password (printed by make run)."""
from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.db import transaction

from core import audit
from core.domain.verbs import Verb
from geodata.models import Area, AreaKind
from geodata.services.demo import DEMO_DISTRICT_CODE, DEMO_SUBDISTRICT
from org.models import Agency, AgencyKind, Officer, Role, Team
from org.services import STAFF_ROLES

from .catalogue import categories_load

DEMO_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "patrol-demo")

STREET_AGENCIES = [
    ("学院路街道平安办", AgencyKind.STREET_OFFICE), ("学院路街道城管办", AgencyKind.STREET_OFFICE),
    ("学院路街道综合行政执法队", AgencyKind.ENFORCEMENT), ("学院路市场监管所", AgencyKind.MARKET),
    ("学院路派出所", AgencyKind.POLICE), ("海淀交通支队学院路大队", AgencyKind.TRAFFIC),
    ("学院路街道安全生产检查队", AgencyKind.SAFETY),
]
DISTRICT_DEPARTMENTS = ["海淀区城市管理委员会", "海淀区市场监督管理局", "海淀区住房和城乡建设委员会"]
TEAMS = [("执法一队", "学院路街道综合行政执法队"), ("执法二队", "学院路街道综合行政执法队"),
         ("城管办巡查组", "学院路街道城管办")]
# username, name, role, agency, team, jurisdiction ("district" or "subdistrict")
USERS = [
    ("officer1", "王队员", Role.OFFICER, "学院路街道综合行政执法队", "执法一队", "subdistrict"),
    ("officer2", "李队员", Role.OFFICER, "学院路街道综合行政执法队", "执法二队", "subdistrict"),
    ("lead1", "张班长", Role.TEAM_LEAD, "学院路街道综合行政执法队", "执法一队", "subdistrict"),
    ("supervisor1", "赵督办", Role.SUPERVISOR, "学院路街道城管办", None, "subdistrict"),
    ("publisher1", "孙编辑", Role.PUBLISHER, "学院路街道平安办", None, "district"),
    ("open311", "Open311 外部系统", Role.OFFICER, "学院路街道城管办", "城管办巡查组", "subdistrict"),
]


def demo_people_load(*, admin_username: str = "admin") -> list[str]:
    """Create what of the demo's people is missing. An account that already has an officer
    profile is left as it is, and so are the agencies and teams once every demo account has one:
    an administrator's edits (a name, a role, a team, a renamed team) survive `load_demo` and every
    `make run`, and a renamed demo team is not created again beside its new name (which would take
    its members away and load the demo week a second time for it)."""
    lines = [f"问题类别: {categories_load()}"]
    district = Area.objects.get(kind=AreaKind.DISTRICT, code=DEMO_DISTRICT_CODE)
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT, parent=district)
    User = get_user_model()
    with transaction.atomic():
        admin = User.objects.filter(username=admin_username).first()
        missing = [row for row in USERS if not Officer.objects.filter(user__username=row[0]).exists()]
        admin_missing = admin is not None and not Officer.objects.filter(user=admin).exists()
        if not missing and not admin_missing:
            lines.append(f"演示人员: {len(USERS) + 1} 个账号已有人员档案，未改动")
            return lines
        agencies = {}
        for name, kind in STREET_AGENCIES:
            agencies[name], _ = Agency.objects.get_or_create(name=name, area=sub, defaults={"kind": kind})
        for name in DISTRICT_DEPARTMENTS:
            agencies[name], _ = Agency.objects.get_or_create(name=name, area=district,
                                                             defaults={"kind": AgencyKind.DEPARTMENT})
        teams = {}
        for name, agency in TEAMS:
            teams[name], _ = Team.objects.get_or_create(name=name, agency=agencies[agency], defaults={"area": sub})
        created = 0
        for username, name, role, agency, team, where in missing:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, password=DEMO_PASSWORD)
                created += 1
            if user.is_staff != (role in STAFF_ROLES):  # supervisors, admins, publishers use 管理后台
                user.is_staff = role in STAFF_ROLES
                user.save(update_fields=["is_staff"])
            Officer.objects.create(user=user, name=name, role=role, agency=agencies[agency], team=teams.get(team),
                                   jurisdiction=district if where == "district" else sub)
        if admin_missing:
            Officer.objects.create(user=admin, name="区级管理员", role=Role.DISTRICT_ADMIN,
                                   agency=agencies["海淀区城市管理委员会"], team=None, jurisdiction=district)
        audit.record(actor=None, verb=Verb.IMPORTED, subject=("org.people", "demo"),
                     after={"users": len(USERS) + 1, "created": created, "agencies": len(agencies),
                            "teams": len(teams)})
    lines.append(f"演示人员: {len(USERS) + 1} 个账号（新建 {created}），单位 {len(agencies)}，班组 {len(teams)}")
    return lines


def demo_api_key() -> str:
    """A fresh Open311 key for the demo system, the previous one revoked: keys are stored
    hashed, so the one issued last time cannot be shown again."""
    from api.models import ApiKey

    with transaction.atomic():
        ApiKey.revoke(ids=ApiKey.objects.filter(name="演示外部系统", active=True).values_list("pk", flat=True))
        _, key = ApiKey.issue(name="演示外部系统", user=get_user_model().objects.get(username="open311"))
    return key
