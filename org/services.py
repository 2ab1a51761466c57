"""Setting people to work: agencies, teams and officers (with their login), written here only.

Every function writes one audit event (core.audit) in the transaction of its write, and
checks that the actor may manage people (org.domain.permissions: "manage_people") inside
their own jurisdiction; a superuser may act anywhere. Officers are never deleted: their
records are evidence, so an officer who leaves is deactivated, and so is their login.

Who enters the Django admin follows the role: district administrators manage people
there, supervisors read problems and the audit log there (`is_staff`); the pages
themselves check the role (org.admin), not Django's model permissions.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core import audit
from core.domain.verbs import Verb
from core.errors import Forbidden, ServiceError
from geodata.models import Area

from .domain import officer_sheet
from .domain.login import nonce_hint
from .domain.permissions import denial
from .domain.roles import ROLE_LABELS, Role
from .models import Agency, LoginFailure, Officer, Team
from .selectors import (
    jurisdiction_area_ids,
    login_account,
    login_failures_of,
    login_key,
    login_window_start,
    officer_of,
)

# Roles whose login may enter the admin (the pages check the role again); publishers
# draft and publish the 未诉先办 lists there (publishing.admin).
STAFF_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.SUPERVISOR, Role.PUBLISHER})


# -- who may manage what ---------------------------------------------------------------

def managed_area_ids(actor) -> list[int] | None:
    """The areas an actor may set people up in: None means everywhere (a superuser).

    Raises Forbidden for anyone whose role may not manage people."""
    if actor is not None and actor.is_authenticated and actor.is_superuser:
        return None
    officer = officer_of(actor)
    why = denial(officer.role, "manage_people")
    if why:
        raise Forbidden(why)
    return jurisdiction_area_ids(officer)


def _require_in_scope(scope: list[int] | None, area: Area | None, *, field_name: str) -> None:
    if scope is None:
        return
    if area is None or area.pk not in scope:
        raise Forbidden("该区域不在您的辖区内", field=field_name)


def validate_officer(*, role: str, agency: Agency, team: Team | None, jurisdiction: Area) -> None:
    """Checks that need no actor: a known role, a team of the officer's own agency."""
    if role not in ROLE_LABELS:
        raise ServiceError(f"未知角色 {role!r}", field="role")
    if team is not None and team.agency_id != agency.pk:
        raise ServiceError(f"班组“{team.name}”不属于单位“{agency.name}”", field="team")
    if jurisdiction is None:
        raise ServiceError("请选择辖区", field="jurisdiction")


def login_username(typed: str) -> str:
    """A username as it is stored and signed in with: stripped and NFKC-normalised, as Django's
    sign-in forms (UsernameField) and create_user read it. Without this, ａｄｍｉｎ (full-width)
    was stored beside admin as another account, which no sign-in form could ever reach."""
    return get_user_model().normalize_username(typed.strip())


def validate_new_login(*, username: str, password: str) -> None:
    User = get_user_model()
    username = login_username(username)
    if not username:
        raise ServiceError("请填写用户名", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名“{username}”已被使用", field="username")
    try:
        User.username_validator(username)
        validate_password(password, User(username=username))
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), field="password" if password else "username") from exc


def _officer_state(officer: Officer) -> dict:
    return {"username": officer.user.username, "name": officer.name, "role": officer.role,
            "agency": officer.agency_id, "team": officer.team_id, "jurisdiction": officer.jurisdiction_id,
            "active": officer.active}


def _sync_login(user, *, role: str, active: bool, enable: bool = False) -> None:
    """The login follows the profile: staff for the roles that use the admin, disabled with it.
    It is enabled only when asked (`enable`: a new officer, one set back to work): a login a
    superuser disabled on the 用户 page stays disabled when the profile is merely edited."""
    if not user.is_superuser:
        user.is_staff = active and role in STAFF_ROLES
    user.is_active = active and (user.is_active or enable)


# -- officers ----------------------------------------------------------------------------

def officer_create(*, actor, username: str, password: str, name: str, role: str, agency: Agency,
                   jurisdiction: Area, team: Team | None = None, reason: str = "") -> Officer:
    """A new officer with their own login (auth user), in one transaction."""
    scope = managed_area_ids(actor)
    username = login_username(username)
    validate_officer(role=role, agency=agency, team=team, jurisdiction=jurisdiction)
    _require_in_scope(scope, jurisdiction, field_name="jurisdiction")
    _require_in_scope(scope, agency.area, field_name="agency")
    validate_new_login(username=username, password=password)
    with transaction.atomic():
        user = get_user_model()(username=username)
        user.set_password(password)
        _sync_login(user, role=role, active=True, enable=True)
        user.save()
        officer = Officer.objects.create(user=user, name=name.strip(), role=role, agency=agency, team=team,
                                         jurisdiction=jurisdiction, active=True)
        audit.record(actor=actor, verb=Verb.CREATED, subject=officer, after=_officer_state(officer), reason=reason)
    return officer


_OFFICER_FIELDS = ("name", "role", "agency", "team", "jurisdiction")


def officer_update(*, actor, officer: Officer, password: str = "", reason: str = "", **changes) -> Officer:
    """Change an officer's profile (name, role, agency, team, jurisdiction, active) and,
    when given, set a new password; the login follows (staff by role, disabled with the
    profile). One event: DEACTIVATED when the officer leaves, UPDATED otherwise."""
    unknown = set(changes) - {*_OFFICER_FIELDS, "active"}
    if unknown:
        raise ValueError(f"officer_update: unknown fields {sorted(unknown)}")
    scope = managed_area_ids(actor)
    if changes.get("active") is False and officer.user_id == getattr(actor, "pk", None):
        raise ServiceError("不能停用自己的账号", field="active")
    with transaction.atomic():
        officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
        _require_in_scope(scope, officer.jurisdiction, field_name="jurisdiction")
        if officer.user.is_superuser and scope is not None:
            raise Forbidden("超级管理员的账号只能由超级管理员修改", field="non_field_errors")
        before = _officer_state(officer)
        for key, value in changes.items():
            setattr(officer, key, value)
        validate_officer(role=officer.role, agency=officer.agency, team=officer.team,
                         jurisdiction=officer.jurisdiction)
        _require_in_scope(scope, officer.jurisdiction, field_name="jurisdiction")
        _require_in_scope(scope, officer.agency.area, field_name="agency")
        after = _officer_state(officer)
        changed = [k for k in after if after[k] != before[k]]
        if password:
            try:
                validate_password(password, officer.user)
            except ValidationError as exc:
                raise ServiceError("；".join(exc.messages), field="password") from exc
        user = officer.user
        login_before = (user.is_active, user.is_staff)
        _sync_login(user, role=officer.role, active=officer.active, enable=changes.get("active") is True)
        if not changed and not password and (user.is_active, user.is_staff) == login_before:
            return officer
        if password:
            user.set_password(password)
        user.save()
        officer.save()
        verb = Verb.DEACTIVATED if before["active"] and not officer.active else Verb.UPDATED
        audit.record(actor=actor, verb=verb, subject=officer,
                     before={k: before[k] for k in changed},
                     after={**{k: after[k] for k in changed}, **({"password": "已重置"} if password else {})},
                     reason=reason)
    return officer


def officer_deactivate(*, actor, officer: Officer, reason: str = "") -> Officer:
    """The officer leaves: the profile and the login are disabled, nothing is deleted."""
    return officer_update(actor=actor, officer=officer, active=False, reason=reason)


# -- teams and agencies ------------------------------------------------------------------

def _state(obj, fields: tuple[str, ...]) -> dict:
    return {f: getattr(obj, f"{f}_id") if hasattr(obj, f"{f}_id") else getattr(obj, f) for f in fields}


def _save_with_event(*, actor, obj, fields: tuple[str, ...], before: dict | None, reason: str):
    after = _state(obj, fields)
    with transaction.atomic():
        if before is None:
            obj.save()
            audit.record(actor=actor, verb=Verb.CREATED, subject=obj, after=_state(obj, fields), reason=reason)
            return obj
        changed = [k for k in after if after[k] != before[k]]
        if not changed:
            return obj
        obj.save()
        audit.record(actor=actor, verb=Verb.UPDATED, subject=obj, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed}, reason=reason)
    return obj


_TEAM_FIELDS = ("name", "agency", "area")
_AGENCY_FIELDS = ("name", "kind", "area")


def team_create(*, actor, name: str, agency: Agency, area: Area, reason: str = "") -> Team:
    scope = managed_area_ids(actor)
    _require_in_scope(scope, area, field_name="area")
    _require_in_scope(scope, agency.area, field_name="agency")
    _unique(Team.objects.filter(agency=agency, name=name.strip()), f"单位“{agency.name}”已有班组“{name}”")
    return _save_with_event(actor=actor, obj=Team(name=name.strip(), agency=agency, area=area),
                            fields=_TEAM_FIELDS, before=None, reason=reason)


def validate_team_agency(*, team: Team, agency: Agency) -> None:
    """A team keeps its agency while it has members: each member's agency is their team's
    (validate_officer), so moving the team alone would leave them in a team of another
    agency, and every later edit of them refused. Its members are moved first."""
    if team.pk is None or agency is None or team.agency_id == agency.pk:
        return
    members = Officer.objects.filter(team_id=team.pk).exclude(agency=agency).count()
    if members:
        raise ServiceError(f"班组“{team.name}”还有 {members} 名人员（含已停用）属于原单位，不能改到单位“{agency.name}”："
                           "请先把这些人员调出该班组", field="agency")


def team_update(*, actor, team: Team, reason: str = "", **changes) -> Team:
    scope = managed_area_ids(actor)
    team = Team.objects.select_related("agency").get(pk=team.pk)
    _require_in_scope(scope, team.area, field_name="area")
    before = _state(team, _TEAM_FIELDS)
    for key, value in changes.items():
        if key not in _TEAM_FIELDS:
            raise ValueError(f"team_update: unknown field {key!r}")
        if key == "agency":
            validate_team_agency(team=team, agency=value)
        setattr(team, key, value)
    _require_in_scope(scope, team.area, field_name="area")
    _require_in_scope(scope, team.agency.area, field_name="agency")
    _unique(Team.objects.filter(agency=team.agency, name=team.name).exclude(pk=team.pk),
            f"单位“{team.agency.name}”已有班组“{team.name}”")
    return _save_with_event(actor=actor, obj=team, fields=_TEAM_FIELDS, before=before, reason=reason)


def validate_agency_name(*, name: str, area: Area | None, agency: Agency | None = None) -> None:
    """One agency of a name per area, and one of a name without an area (the database's unique
    constraint lets two rows without an area through: NULLs are distinct)."""
    others = Agency.objects.filter(name=name.strip(), area=area)
    if agency is not None and agency.pk is not None:
        others = others.exclude(pk=agency.pk)
    _unique(others, f"该区域已有单位“{name.strip()}”" if area is not None else f"已有不属于任何区域的单位“{name.strip()}”")


def agency_create(*, actor, name: str, kind: str, area: Area | None, reason: str = "") -> Agency:
    scope = managed_area_ids(actor)
    _require_in_scope(scope, area, field_name="area")
    validate_agency_name(name=name, area=area)
    return _save_with_event(actor=actor, obj=Agency(name=name.strip(), kind=kind, area=area),
                            fields=_AGENCY_FIELDS, before=None, reason=reason)


def agency_update(*, actor, agency: Agency, reason: str = "", **changes) -> Agency:
    scope = managed_area_ids(actor)
    agency = Agency.objects.get(pk=agency.pk)
    _require_in_scope(scope, agency.area, field_name="area")
    before = _state(agency, _AGENCY_FIELDS)
    for key, value in changes.items():
        if key not in _AGENCY_FIELDS:
            raise ValueError(f"agency_update: unknown field {key!r}")
        setattr(agency, key, value)
    _require_in_scope(scope, agency.area, field_name="area")
    validate_agency_name(name=agency.name, area=agency.area, agency=agency)
    return _save_with_event(actor=actor, obj=agency, fields=_AGENCY_FIELDS, before=before, reason=reason)


def _unique(queryset, message: str) -> None:
    if queryset.exists():
        raise ServiceError(message, field="name")


# -- the officer sheet -------------------------------------------------------------------

@dataclass
class ImportReport:
    """What an import did: the officers created, or the errors (and then nothing was saved)."""
    created: list[Officer] = field(default_factory=list)
    errors: list[officer_sheet.SheetError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def officers_import(*, actor, filename: str, data: bytes) -> ImportReport:
    """Read an officer sheet (.xlsx or .csv) and create everyone on it, or no one: any
    error in any row leaves the database as it was and comes back in the report."""
    scope = managed_area_ids(actor)
    try:
        sheet = officer_sheet.read_sheet(filename, data)
    except officer_sheet.SheetFormatError as exc:
        return ImportReport(errors=[officer_sheet.SheetError(0, "", str(exc))])
    report = ImportReport(errors=list(sheet.errors), rows=len(sheet.rows))
    resolved = []
    for row in sheet.rows:
        found = _resolve(row, scope, report.errors, bad=sheet.bad_columns(row.row))
        if found is not None:
            resolved.append((row, *found))
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, officer_sheet.COLUMNS.index(e.column)
                                          if e.column in officer_sheet.COLUMNS else -1))
        return report
    reason = f"批量导入：{filename}"
    current = None
    try:
        with transaction.atomic():
            for current, area, agency, team in resolved:
                report.created.append(officer_create(
                    actor=actor, username=current.username, password=current.password, name=current.name,
                    role=current.role, agency=agency, team=team, jurisdiction=area,
                    reason=f"{reason} 第 {current.row} 行"))
    except ServiceError as exc:  # e.g. a username taken meanwhile: nothing of this file stays
        return ImportReport(errors=[officer_sheet.SheetError(current.row if current else 0, "", exc.message)],
                            rows=report.rows)
    return report


def _resolve(row: officer_sheet.OfficerRow, scope: list[int] | None, errors: list, *,
             bad: set[str]) -> tuple | None:
    """The row's area, agency and team from the database; errors appended in the sheet's
    terms. Cells the parser already found wrong (`bad`) are not checked again."""
    sheet = officer_sheet
    before = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(sheet.SheetError(row.row, column, message))

    area = agency = team = None
    if sheet.AREA not in bad:
        areas = Area.objects.defer("geom")
        if scope is not None:
            areas = areas.filter(pk__in=scope)
        matches = list(areas.filter(code=row.area)[:2]) or list(areas.filter(name=row.area)[:2])
        if not matches:
            fail(sheet.AREA, f"“{row.area}”不是您辖区内的区域（填区域名称或代码）")
        elif len(matches) > 1:
            fail(sheet.AREA, f"“{row.area}”对应多个区域，请填区域代码")
        else:
            area = matches[0]
    if sheet.AGENCY not in bad:
        agencies = Agency.objects.filter(name=row.agency)
        if scope is not None:
            agencies = agencies.filter(area_id__in=scope)
        agency_matches = list(agencies[:2])
        if not agency_matches:
            fail(sheet.AGENCY, f"没有名为“{row.agency}”的单位（先在“单位”中添加）")
        elif len(agency_matches) > 1:
            fail(sheet.AGENCY, f"有多个名为“{row.agency}”的单位，无法确定")
        else:
            agency = agency_matches[0]
    if row.team and agency is not None:
        team = Team.objects.filter(agency=agency, name=row.team).first()
        if team is None:
            fail(sheet.TEAM, f"单位“{agency.name}”没有班组“{row.team}”")
    User = get_user_model()
    if sheet.USERNAME not in bad and User.objects.filter(username__iexact=login_username(row.username)).exists():
        fail(sheet.USERNAME, f"用户名“{row.username}”已被使用")
    if sheet.PASSWORD not in bad:
        try:
            validate_password(row.password, User(username=row.username))
        except ValidationError as exc:
            fail(sheet.PASSWORD, "；".join(exc.messages))
    if len(errors) > before or bad:
        return None
    return area, agency, team


# -- sign-in throttling (org.login) ------------------------------------------------------------

# The longest name a failed sign-in keeps in the audit log: the longest a username can be
# (auth.User.username, and the sign-in forms' limit); anything past it names no account.
TYPED_USERNAME_MAX = 150


# pg_advisory_xact_lock(int, int): (namespace, a hash of the count's name).
_COUNT_LOCK_NAMESPACE = 0x10C1


def _count_lock_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big", signed=True)


def _serialize_counts(*, device: str | None, username: str, ip: str | None) -> None:
    """Hold, until this transaction ends, the counts a failure enters: the device's, or the
    name's and the address's. The lockout is written by the failure that finds the count at the
    limit; two failures counted at once (two wrong passwords sent together) each saw its own
    row and not the other's, both found the limit and both wrote the lockout. Taken in one
    order (by key), so two failures sharing one count and not the other cannot deadlock."""
    names = [f"device:{device}"] if device else [f"username:{username}", *([f"ip:{ip}"] if ip else [])]
    with connection.cursor() as cur:
        for key in sorted({_count_lock_key(name) for name in names}):
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_COUNT_LOCK_NAMESPACE, key])


# the attempts' lock (login_attempt), apart from the counts': taken first in its transaction,
# before any count's, so no one holding a count's lock waits for an attempt's
_ATTEMPT_LOCK_NAMESPACE = 0x10C2


@contextmanager
def login_attempt(*, username: str, device: str | None = None) -> Iterator[None]:
    """One sign-in attempt from its lockout check to its failure counted, in one transaction that
    holds a lock on the name (or on the device, for a known device's attempt) until it ends.

    The check (org.selectors.login_locked) and the count (login_failure_record) were two steps:
    wrong passwords for one name sent together all passed the check before any was counted, so
    a lockout after N failures let through N plus as many guesses as the server ran at once.
    Attempts for one name now follow one another, and the one after the limit's is refused
    unchecked. Attempts for different names from one address still run side by side (an
    office's officers sign in behind one address at the start of a shift): the address's count
    can still be passed by as many attempts as run at once, by a stranger trying many names.
    The transaction also spans the password check (a slow hash, by design), so the lock is held
    for one check; a body that raises rolls back whatever it wrote, so a refusal is raised after
    the block, not in it (org.login)."""
    name = f"device:{device}" if device else (f"username:{login_key(username)}" if username.strip() else "")
    with transaction.atomic():
        if name:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ATTEMPT_LOCK_NAMESPACE, _count_lock_key(name)])
        yield


def login_failure_record(*, username: str, ip: str | None, device: str | None = None) -> None:
    """Count one failed sign-in, and append it to the audit log (`login_failed`); the failure
    that locks the name, the address or the device appends the lockout too (`login_locked`),
    once: failures entering the same count are counted one after another (_serialize_counts).

    `device` is the nonce of the device cookie the browser holds for this name (org.login): the
    failure is then the known device's and counts against it alone, not against the name or the
    address; the events say so with the nonce's first characters (org.domain.login.nonce_hint),
    never the whole of it.

    The event is said of the name tried, as it is counted (`org.login`, org.selectors.login_key),
    and, when an account has that name, of the account (context `auth.user`): so the log's
    readers see it where they see the account (an officer's: their jurisdiction's; a name no
    account has: the district's). It keeps the name as typed (at most TYPED_USERNAME_MAX
    characters), the client IP the throttling counts, the request id; never the password,
    which is not passed here. Nobody is known to have done it: the actor is None.

    Attempts refused while locked are neither counted nor logged (org.login): they are refused
    before the password is checked, so they cost nothing to send, and an append-only log must
    not grow at a stranger's pace; the lockout event says when the lock began and until when.
    """
    key = login_key(username)
    typed = username[:TYPED_USERNAME_MAX]
    account = login_account(username)
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    with transaction.atomic():
        _serialize_counts(device=device, username=key, ip=ip)
        LoginFailure.objects.filter(at__lt=login_window_start()).delete()
        LoginFailure.objects.create(username=key, ip=ip or None, device=device or None)
        who = {"username": typed, "ip": ip or ""}
        subject = ("org.login", key[:64])
        if device:
            who["device"] = nonce_hint(device)
            audit.record(actor=None, verb=Verb.LOGIN_FAILED, subject=subject, context=account, after=who,
                         reason="已登录过的设备（设备 Cookie 有效）")
            failures, first = login_failures_of(device=device)
            if failures == settings.LOGIN_FAILURES_PER_USERNAME:  # this failure locked the device
                audit.record(actor=None, verb=Verb.LOGIN_LOCKED, subject=subject, context=account,
                             after={**who, "locked": "device", "failures": failures,
                                    "until": first + timedelta(minutes=minutes)},
                             reason=f"同一设备 {minutes} 分钟内登录失败 {failures} 次，锁定该设备"
                                    "（该用户名在其他设备上不受影响）")
            return
        audit.record(actor=None, verb=Verb.LOGIN_FAILED, subject=subject, context=account, after=who)
        failures, first = login_failures_of(username=key) if key else (0, None)
        if failures == settings.LOGIN_FAILURES_PER_USERNAME:  # this failure locked the name
            audit.record(actor=None, verb=Verb.LOGIN_LOCKED, subject=subject, context=account,
                         after={**who, "locked": "username", "failures": failures,
                                "until": first + timedelta(minutes=minutes)},
                         reason=f"同一用户名 {minutes} 分钟内登录失败 {failures} 次，锁定该用户名"
                                "（已登录过的设备除外）")
        if ip:
            failures, first = login_failures_of(ip=ip)
            if failures == settings.LOGIN_FAILURES_PER_IP:  # and this one the address
                audit.record(actor=None, verb=Verb.LOGIN_LOCKED, subject=("org.login_ip", ip),
                             after={**who, "locked": "ip", "failures": failures,
                                    "until": first + timedelta(minutes=minutes)},
                             reason=f"同一 IP {minutes} 分钟内登录失败 {failures} 次，锁定该 IP"
                                    "（已登录过的设备除外）")


def login_failures_clear(*, username: str, device: str | None = None) -> None:
    """A successful sign-in. From a known device: that device's failures no longer count; the
    name's stay, since they are a stranger's, whom the officer's sign-in must not give a fresh
    set of guesses. Without one: the name's failures no longer count (its IP's still do)."""
    if device:
        LoginFailure.objects.filter(device=device).delete()
    else:
        LoginFailure.objects.filter(username=login_key(username), device__isnull=True).delete()
