from __future__ import annotations

from geodata.models import Area
from geodata.selectors.areas import area_ancestor_ids, area_descendant_ids

from ..errors import Forbidden
from ..models import Officer


def officer_of(user) -> Officer:
    """The user's officer profile; a user without one may not act in the platform."""
    if user is None or not user.is_authenticated:
        raise Forbidden("请先登录")
    try:
        return Officer.objects.select_related("jurisdiction", "team", "agency").get(user=user)
    except Officer.DoesNotExist as exc:
        raise Forbidden("该账号没有人员档案（角色与辖区），不能操作问题") from exc


def in_jurisdiction(officer: Officer, area: Area) -> bool:
    """Whether `area` (e.g. a problem's subdistrict) lies inside the officer's jurisdiction."""
    return officer.jurisdiction_id in area_ancestor_ids(area)


def jurisdiction_area_ids(officer: Officer) -> list[int]:
    return area_descendant_ids(officer.jurisdiction_id)
