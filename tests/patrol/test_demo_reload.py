"""Re-running `load_demo` (which `make run` does on every start) on a demo an administrator has
since edited: the edits stand, no team is doubled, the demo week is not loaded a second time,
and the command does not fail. And `create_token` refuses a name its column cannot hold."""
import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from org.models import Officer, Role, Team
from patrol.models import Problem
from patrol.services.demo import demo_people_load
from shifts.models import Shift
from shifts.services.demo import demo_week_load

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 10, 20, 12, 0, tzinfo=BJ)


def test_reloading_the_demo_people_keeps_an_administrators_edits(db):
    o1 = Officer.objects.get(user__username="officer1")
    o1.name = "王建国"
    o1.save()
    o2 = Officer.objects.get(user__username="officer2")
    o2.team = Team.objects.get(name="执法一队")
    o2.save()
    lead = Officer.objects.get(user__username="lead1")
    lead.role = Role.SUPERVISOR
    lead.save()

    demo_people_load()

    assert Officer.objects.get(user__username="officer1").name == "王建国"
    assert Officer.objects.get(user__username="officer2").team.name == "执法一队"
    assert Officer.objects.get(user__username="lead1").role == Role.SUPERVISOR


def test_reloading_after_a_demo_team_was_renamed_neither_doubles_the_team_nor_the_week(db):
    demo_week_load(now=NOW, days=2)
    shifts, problems = Shift.objects.count(), Problem.objects.count()
    team = Team.objects.get(name="执法一队")
    team.name = "学院路执法一队"
    team.save()
    teams = Team.objects.count()

    demo_people_load()
    demo_week_load(now=NOW, days=2)  # before the fix: core.errors.Conflict 不能从“处置中”直接变为“处置中”

    assert Team.objects.count() == teams
    assert Officer.objects.get(user__username="officer1").team_id == team.pk
    assert (Shift.objects.count(), Problem.objects.count()) == (shifts, problems)


def test_create_token_refuses_a_name_longer_than_its_column(db):
    with pytest.raises(CommandError, match="100"):
        call_command("create_token", "officer1", "--name", "执" * 101)
