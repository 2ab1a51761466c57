"""What a list reports of problems published before (复查), and what publishing checks again.

A follow-up reports what happened since the problem's latest publication, never what was
already so when it was published; a draft is checked again when it is published, so two
drafts of one week cannot both expose a problem as new."""
import pytest
from django.utils import timezone

from core.errors import Conflict
from org.models import Team
from patrol.models import Reinspection
from patrol.services.problems import problem_transition
from publishing.selectors.publications import problem_exposures, publication_document
from publishing.services.publications import draft_create, publication_text, publish

from .conftest import DAY, user
from .test_services import WEEK

pytestmark = pytest.mark.django_db

PLACE = "学院路与清华东路交叉路口向南50米，学院路西侧"
STEP_BY = {"dispatched": "lead1", "in_progress": "officer1", "rectified": "officer1", "verified": "supervisor1",
           "closed": "supervisor1", "reopened": "supervisor1", "rejected": "supervisor1"}


def move(problem, *targets):
    """Drive a problem through the workflow as the demo users whose roles may make each step."""
    team = Team.objects.get(name="执法一队")
    for target in targets:
        problem_transition(actor=user(STEP_BY[target]), problem_id=problem.pk, target=target,
                           reason="复查发现问题仍在" if target in ("reopened", "rejected") else "",
                           team_id=team.pk if target == "dispatched" else None)


def reinspect(problem, passed: bool):
    Reinspection.objects.create(problem=problem, team=Team.objects.get(name="执法一队"), due_date=DAY,
                                done_at=timezone.now(), passed=passed, created_by=user("supervisor1"))


def next_list(publisher, subdistrict):
    return draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)


def published(publisher, subdistrict):
    return publish(actor=publisher, publication_id=next_list(publisher, subdistrict).pk)


def test_what_was_already_so_when_published_is_no_follow_up(publisher, subdistrict, make_problem):
    p = make_problem(PLACE, status="verified")
    reinspect(p, passed=True)  # before the list
    published(publisher, subdistrict)
    assert next_list(publisher, subdistrict).items.count() == 0
    move(p, "closed")  # verified → closed: it was dealt with before the list already
    assert next_list(publisher, subdistrict).items.count() == 0


def test_a_problem_reopened_since_is_not_reported_rectified(publisher, subdistrict, make_problem):
    p = make_problem(PLACE, status="verified")
    published(publisher, subdistrict)
    move(p, "closed")
    reinspect(p, passed=True)
    move(p, "reopened")  # back on the street after the re-inspection
    assert "已整改" not in publication_text(next_list(publisher, subdistrict))


def test_rectified_after_a_reported_failure_is_reported_rectified_next(publisher, subdistrict, make_problem):
    p = make_problem(PLACE, status="verified")
    published(publisher, subdistrict)
    move(p, "closed")
    reinspect(p, passed=False)
    second = published(publisher, subdistrict)
    assert second.text.endswith("（复查：整改不到位）")
    assert next_list(publisher, subdistrict).items.count() == 0  # nothing new since the second list
    move(p, "reopened", "dispatched", "in_progress", "rectified", "verified")
    third = next_list(publisher, subdistrict)
    assert [(i.problem_id, i.followup, i.followup_of.publication_id) for i in third.items.all()] == [
        (p.pk, "已整改", second.pk)]


def test_two_drafts_of_one_week_cannot_both_expose_a_problem(publisher, subdistrict, make_problem):
    p = make_problem(PLACE)
    a, b = next_list(publisher, subdistrict), next_list(publisher, subdistrict)
    first = publish(actor=publisher, publication_id=a.pk)
    with pytest.raises(Conflict, match=f"问题#{p.pk}.*{first.number}.*重新生成草稿"):
        publish(actor=publisher, publication_id=b.pk)
    b.refresh_from_db()
    assert not b.is_published and [e.publication_id for e in problem_exposures(p)] == [first.pk]


def test_two_drafts_cannot_both_report_one_follow_up(publisher, subdistrict, make_problem):
    p = make_problem(PLACE, status="verified")
    published(publisher, subdistrict)
    reinspect(p, passed=False)
    a, b = next_list(publisher, subdistrict), next_list(publisher, subdistrict)
    publish(actor=publisher, publication_id=a.pk)
    with pytest.raises(Conflict):
        publish(actor=publisher, publication_id=b.pk)


def test_a_problem_rejected_after_drafting_is_not_published(publisher, subdistrict, make_problem):
    p = make_problem(PLACE)
    draft = next_list(publisher, subdistrict)
    move(p, "rejected")
    with pytest.raises(Conflict, match="不予立案"):
        publish(actor=publisher, publication_id=draft.pk)
    assert next_list(publisher, subdistrict).items.count() == 0  # a new draft leaves it out


def test_a_line_break_or_control_character_typed_in_a_location_stays_inside_its_line(
        publisher, subdistrict, make_problem, client):
    make_problem("学院路与清华东路交叉路口向南50米\n学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米\x0b学院路东侧", "乱堆物堆料", minute=2)
    pub = published(publisher, subdistrict)
    assert pub.text == ("1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。\n"
                        "2. 学院路街道，学院路与成府路交叉路口向北20米，学院路东侧，堆物堆料。")
    assert [line.text for line in publication_document(pub).lines] == pub.text.split("\n")
    client.force_login(publisher)
    for fmt in ("txt", "html", "pdf", "docx"):
        assert client.get(f"/api/v1/publications/{pub.pk}/export.{fmt}").status_code == 200, fmt


def test_a_list_of_a_grid_holds_the_grid_s_problems(publisher, subdistrict, make_problem):
    from geodata.models import Area, AreaKind

    grid = Area.objects.filter(kind=AreaKind.GRID, name__startswith="演示网格").first()
    inside, elsewhere = make_problem(PLACE, minute=1), make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    type(inside).objects.filter(pk=inside.pk).update(grid=grid)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(grid=None)
    draft = draft_create(actor=publisher, area_id=grid.pk, **WEEK)
    assert [i.problem_id for i in draft.items.all()] == [inside.pk]


def test_a_published_list_keeps_the_points_its_problems_had(publisher, subdistrict, make_problem):
    import shapely

    from geodata.services.geometry import to_storage

    p = make_problem(PLACE)
    pub = published(publisher, subdistrict)
    (before,) = publication_document(pub).lines
    type(p).objects.filter(pk=p.pk).update(geom=to_storage(shapely.Point(116.35, 40.0)))  # e.g. re-snapped
    (after,) = publication_document(pub).lines
    assert (after.lat, after.lon) == (before.lat, before.lon)
    assert abs(before.lat - 39.99912) < 1e-6 and abs(before.lon - 116.34636) < 1e-6
