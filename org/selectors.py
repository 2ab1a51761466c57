"""Who a user is in the platform (their officer profile) and where they may act.

Every app asks these: problems, outcomes and inspections today; shifts, publications and
complaints next. A jurisdiction is an area of the tree and everything below it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection

from core.errors import Forbidden, ServiceError
from geodata.models import Area
from geodata.selectors.areas import area_ancestor_ids, area_descendant_ids, descendants_sql

from .domain.login import login_key
from .models import LoginFailure, Officer, Team


def officer_of(user) -> Officer:
    """The user's officer profile; a user without one may not act in the platform."""
    if user is None or not user.is_authenticated:
        raise Forbidden("请先登录")
    try:
        # Every request asks this: fetch the ids that decisions need, nothing more (the
        # jurisdiction's boundary alone is megabytes); related rows load on use.
        officer = Officer.objects.only("id", "user_id", "name", "role", "agency_id", "team_id",
                                       "jurisdiction_id", "active").get(user=user)
    except Officer.DoesNotExist as exc:
        raise Forbidden(NO_PROFILE) from exc
    if not officer.active:
        raise Forbidden(INACTIVE)
    return officer


NO_PROFILE = "该账号没有人员档案（角色与辖区），不能操作问题"
INACTIVE = "该人员已离岗，不能操作"


def in_jurisdiction(officer: Officer, area: Area) -> bool:
    """Whether `area` (e.g. a problem's subdistrict) lies inside the officer's jurisdiction."""
    return officer.jurisdiction_id in area_ancestor_ids(area)


def jurisdiction_area_ids(officer: Officer) -> list[int]:
    return area_descendant_ids(officer.jurisdiction_id)


def district_wide(officer: Officer | None) -> bool:
    """Whether the officer's jurisdiction is a whole district (an area without a parent): what
    belongs to no subdistrict (the category catalogue, system events) is theirs to see and set."""
    return officer is not None and Area.objects.filter(pk=officer.jurisdiction_id, parent__isnull=True).exists()


_USER_JURISDICTION = descendants_sql(
    f"SELECT jurisdiction_id FROM {Officer._meta.db_table} WHERE user_id = %s AND active")


def user_jurisdiction_area_ids(user) -> list[int]:
    """The areas a user's jurisdiction spans, in one query (map layers ask on every pan).

    Raises Forbidden like `officer_of` for a user without an officer profile."""
    if user is None or not user.is_authenticated:
        raise Forbidden("请先登录")
    with connection.cursor() as cur:
        cur.execute(_USER_JURISDICTION, [user.pk])
        ids = [row[0] for row in cur.fetchall()]
    if not ids:
        raise Forbidden(NO_PROFILE)
    return ids


def team_serves(team, area: Area) -> bool:
    """Whether a team's area of responsibility includes `area` (a problem's subdistrict)."""
    return team.area_id in area_ancestor_ids(area)


def login_window_start():
    from django.conf import settings
    from django.utils import timezone

    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_locked(username: str, ip: str | None, device: str | None = None) -> bool:
    """Whether a sign-in for `username` from `ip` is refused unchecked: too many failures within
    the lockout window. An attempt from a known device (`device`, the nonce of its device cookie
    for this name, org.login) answers only for that device's own failures
    (settings.LOGIN_FAILURES_PER_USERNAME of them); any other for the name's and the address's
    failures without a device (LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURES_PER_IP)."""
    from django.conf import settings

    if device:
        return login_failures_of(device=device)[0] >= settings.LOGIN_FAILURES_PER_USERNAME
    if username and login_failures_of(username=username)[0] >= settings.LOGIN_FAILURES_PER_USERNAME:
        return True
    return bool(ip) and login_failures_of(ip=ip)[0] >= settings.LOGIN_FAILURES_PER_IP


def login_failures_of(*, username: str = "", ip: str | None = None,
                      device: str | None = None) -> tuple[int, datetime | None]:
    """How many failed sign-ins count now against `device` (a known device's), or else against
    `username` or else `ip` (strangers': failures without a device), and when the first of them
    was: the lock lasts until that one leaves the window."""
    from django.db.models import Count, Min

    recent = LoginFailure.objects.filter(at__gte=login_window_start())
    if device:
        recent = recent.filter(device=device)
    else:
        recent = recent.filter(device__isnull=True)
        recent = recent.filter(username=login_key(username)) if username else recent.filter(ip=ip)
    found = recent.aggregate(n=Count("id"), first=Min("at"))
    return found["n"], found["first"]


def login_account(username: str):
    """The account a sign-in under `username` is counted against (org.login counts names
    without regard to case), or None when no account has that name."""
    from django.contrib.auth import get_user_model

    name = username.strip()
    if not name:
        return None
    from django.db.models import Case, Value, When

    # The account with exactly this name first, as Django's sign-in itself looks it up.
    exact_first = Case(When(username=name, then=Value(0)), default=Value(1))
    return (get_user_model().objects.filter(username__iexact=name).only("id", "username", "password")
            .order_by(exact_first, "pk").first())


def team_named(officer: Officer, team_id: int) -> Team:
    """The team a request names by id (to dispatch to, to re-inspect, to plan a shift of): one of
    the officer's jurisdiction or above it (a district's team serves every office). Another
    office's team is refused in the very words of a team that is not there, so that neither its
    existence nor its name is told (README: an id outside the jurisdiction is not confirmed)."""
    team = Team.objects.select_related("area").defer("area__geom").filter(pk=team_id).first()
    if team is None or not (in_jurisdiction(officer, team.area)
                            or officer.jurisdiction_id in area_descendant_ids(team.area_id)):
        raise ServiceError(f"班组 {team_id} 不存在或不在您的辖区内", field="team")
    return team


def teams_serving(area: Area):
    """The teams `team_serves` accepts for `area`, by name: what a dispatch form may offer."""
    return Team.objects.filter(area_id__in=area_ancestor_ids(area)).order_by("name")
