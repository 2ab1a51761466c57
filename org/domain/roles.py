"""The roles a person can hold in the platform, defined once.

Every rule that names a role (the workflow's transitions, the permission matrix, the
management pages) uses these constants; the Officer model stores one of them.

>>> ROLE_LABELS[Role.TEAM_LEAD]
'班组长'
>>> Role.DISTRICT_ADMIN in ROLES
True
"""
from __future__ import annotations


class Role:
    OFFICER = "officer"  # 队员: patrols, reports, records outcomes
    TEAM_LEAD = "team_lead"  # 班组长: dispatches within the team's area
    SUPERVISOR = "supervisor"  # 督办: verifies, closes, rejects, reopens
    DISTRICT_ADMIN = "district_admin"  # 区级管理员: everything, and sets people up
    PUBLISHER = "publisher"  # 发布: reads and publishes lists


ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "队员",
    Role.TEAM_LEAD: "班组长",
    Role.SUPERVISOR: "督办人员",
    Role.DISTRICT_ADMIN: "区级管理员",
    Role.PUBLISHER: "发布人员",
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)
ROLE_CHOICES: list[tuple[str, str]] = list(ROLE_LABELS.items())

# Groups the rules use again and again.
LEADS = (Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISTRICT_ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.DISTRICT_ADMIN)
FIELD = (Role.OFFICER, Role.TEAM_LEAD)
