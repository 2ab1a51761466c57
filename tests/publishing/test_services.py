"""Drafting, editing, reordering and publishing a list: jurisdiction, one audit event per
write, the frozen published record and its checksum, follow-ups on the next list."""
import datetime as dt
import hashlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, ServiceError
from core.models import AuditEvent
from patrol.models import Reinspection
from patrol.services.problems import problem_transition
from publishing.models import Publication, PublicationItem
from publishing.selectors.publications import problem_exposures
from publishing.services.publications import draft_create, line_edit, publication_text, publish, reorder

from .conftest import DAY, user

pytestmark = pytest.mark.django_db

WEEK = {"period_from": DAY - dt.timedelta(days=3), "period_to": DAY + dt.timedelta(days=3)}


def events(verb=None):
    qs = AuditEvent.objects.filter(subject_type__startswith="publishing.")
    return qs.filter(verb=verb) if verb else qs


def test_a_draft_lists_the_period_s_problems_of_the_area_in_the_published_style(publisher, subdistrict, make_problem):
    a = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=2)
    b = make_problem("学院路街道，学院路与成府路交叉路口向北20米，学院路东侧", "乱堆物堆料", minute=1)
    make_problem("学院路与志新路交叉路口向北10米，学院路东侧", day=DAY - dt.timedelta(days=30))  # outside the period
    make_problem("学院路与志新路交叉路口向北30米，学院路东侧", status="rejected")  # not a problem
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    assert [i.problem_id for i in pub.items.order_by("position")] == [b.pk, a.pk]  # by time found
    assert publication_text(pub) == (
        "1. 学院路街道，学院路与成府路交叉路口向北20米，学院路东侧，堆物堆料。\n"
        "2. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。")
    assert [e.verb for e in events()] == ["created"]


def test_sources_and_statuses_narrow_the_choice(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", source="hotline")
    p = make_problem("学院路与成府路交叉路口向北20米，学院路东侧", status="dispatched")
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, sources=["patrol"], statuses=["dispatched"], **WEEK)
    assert [i.problem_id for i in pub.items.all()] == [p.pk]


def test_only_problems_inside_the_area_and_the_actor_s_jurisdiction(publisher, subdistrict, other_subdistrict,
                                                                    make_problem):
    mine = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    make_problem("测试路与某路交叉路口向北5米，测试路西侧", area=other_subdistrict)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    assert [i.problem_id for i in pub.items.all()] == [mine.pk]
    with pytest.raises(Forbidden):  # another subdistrict's publisher
        draft_create(actor=user("other_publisher"), area_id=subdistrict.pk, **WEEK)
    with pytest.raises(Forbidden):  # an officer does not publish
        draft_create(actor=user("officer1"), area_id=subdistrict.pk, **WEEK)
    assert events().count() == 1


def test_a_line_edit_keeps_before_and_after_in_the_audit_log(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    item = pub.items.get()
    generated = item.generated_text
    edited = line_edit(actor=publisher, item_id=item.pk, text="1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾渣土。")
    assert edited.generated_text == generated
    assert edited.edited_text == "学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾渣土。"
    assert edited.edited_by == publisher
    event = events("updated").get()
    assert event.before == {"text": generated}
    assert event.after["text"] == edited.edited_text
    assert event.context_id == str(pub.pk)


def test_reorder_renumbers_and_is_one_event(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    first, second = pub.items.order_by("position")
    reorder(actor=publisher, publication_id=pub.pk, item_ids=[second.pk, first.pk])
    assert publication_text(pub).splitlines()[0].startswith("1. 学院路街道，学院路与成府路")
    assert events("reordered").get().after == {"order": [second.pk, first.pk]}


def test_publish_freezes_text_number_and_checksum(publisher, subdistrict, make_problem):
    p = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, title="未诉先办", **WEEK)
    preview = publication_text(pub)
    pub = publish(actor=publisher, publication_id=pub.pk)
    assert pub.status == "published" and pub.text == preview
    assert pub.number == f"{timezone.localdate().year}年第1期"
    assert pub.checksum == hashlib.sha256(preview.encode()).hexdigest()
    assert list(problem_exposures(p).values_list("publication_id", flat=True)) == [pub.pk]
    assert [e.verb for e in events()] == ["created", "published"]


def test_a_published_list_cannot_be_changed_by_the_services(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    item = pub.items.get()
    n = events().count()
    with pytest.raises(Conflict):
        line_edit(actor=publisher, item_id=item.pk, text="改写")
    with pytest.raises(Conflict):
        reorder(actor=publisher, publication_id=pub.pk, item_ids=[item.pk])
    with pytest.raises(Conflict):
        publish(actor=publisher, publication_id=pub.pk)
    assert events().count() == n


def test_a_published_list_cannot_be_changed_by_update_or_raw_sql(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    item = pub.items.get()
    attempts = [
        lambda: Publication.objects.filter(pk=pub.pk).update(text="改写"),
        lambda: PublicationItem.objects.filter(pk=item.pk).update(edited_text="改写"),
        lambda: Publication.objects.filter(pk=pub.pk).delete(),
        lambda: PublicationItem.objects.create(publication=pub, position=2, problem=item.problem,
                                               generated_text="x"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE publishing_publication SET checksum = %s WHERE id = %s", ["0" * 64, pub.pk])
    pub.refresh_from_db()
    assert pub.text.endswith("积存垃圾。") and pub.checksum == hashlib.sha256(pub.text.encode()).hexdigest()


def test_a_draft_without_a_checksum_cannot_claim_to_be_published(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    with pytest.raises(DatabaseError), transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(status="published")


def test_a_draft_cannot_be_published_with_a_checksum_that_is_not_its_text_s(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    claim = dict(status="published", year=2026, sequence=7, number="2026年第7期", text="1. 随便写的一行。",
                 published_by=publisher, published_at=timezone.now())
    with pytest.raises(DatabaseError, match="checksum"), transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(checksum="0" * 64, **claim)
    text_sum = hashlib.sha256(claim["text"].encode()).hexdigest()
    Publication.objects.filter(pk=pub.pk).update(checksum=text_sum, **claim)  # (the database checks the sum only)
    assert Publication.objects.get(pk=pub.pk).checksum == text_sum


def test_truncate_of_the_published_lists_is_refused_outside_a_test_database(db):
    with connection.cursor() as cur:
        cur.execute("SELECT current_database()")
        assert cur.fetchone()[0].startswith("test_")  # here the trigger lets test runs empty the tables
        cur.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND (t.tgtype & 32) <> 0 AND c.relname LIKE 'publishing_%'")
        assert sorted(cur.fetchall()) == [("publishing_publication", "publishing_publication_no_truncate"),
                                          ("publishing_publicationitem", "publishing_item_no_truncate")]


def test_numbers_count_per_area_and_year(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    first = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    make_problem("学院路与成府路交叉路口向北20米，学院路东侧")
    second = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"{year}年第1期", f"{year}年第2期")
    assert second.items.count() == 1  # the first list's problem is not listed again as new


def test_the_next_list_reports_the_follow_up_of_re_inspected_problems(publisher, subdistrict, make_problem):
    fixed = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", minute=1)
    failed = make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=2)
    untouched = make_problem("学院路与志新路交叉路口向北10米，学院路东侧", minute=3)
    first = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    from org.models import Team
    team = Team.objects.get(name="执法一队")
    now = timezone.now()
    for problem, passed in ((fixed, True), (failed, False)):
        Reinspection.objects.create(problem=problem, team=team, due_date=DAY, done_at=now, passed=passed,
                                    created_by=publisher)
    nxt = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    items = list(nxt.items.order_by("position"))
    assert [(i.problem_id, i.followup) for i in items] == [(fixed.pk, "已整改"), (failed.pk, "整改不到位")]
    assert {i.followup_of.publication_id for i in items} == {first.pk}
    assert publication_text(nxt).splitlines()[1] == (
        "2. 学院路街道，学院路与成府路交叉路口向北20米，学院路东侧，积存垃圾。（复查：整改不到位）")
    assert untouched.pk not in [i.problem_id for i in items]
    # once reported, the same follow-up is not reported again
    publish(actor=publisher, publication_id=nxt.pk)
    assert draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).items.count() == 0


def test_a_verified_problem_is_reported_rectified_without_a_re_inspection(publisher, subdistrict, make_problem):
    p = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧", status="rectified")
    publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)
    problem_transition(actor=user("supervisor1"), problem_id=p.pk, target="verified")
    item = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).items.get()
    assert (item.problem_id, item.followup) == (p.pk, "已整改")


def test_a_line_edit_must_be_one_non_empty_line(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    item = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).items.get()
    for text in ("  ", "1. ", "第一行\n第二行"):
        with pytest.raises(ServiceError):
            line_edit(actor=publisher, item_id=item.pk, text=text)
    assert events("updated").count() == 0


def test_the_problems_of_one_place_share_one_line_as_the_paper_prints_them(publisher, subdistrict, make_problem):
    place = "学院路与清华东路交叉路口向北100米，学院路东侧"
    parked = make_problem(place, "机动车乱停放", minute=2)
    stacked = make_problem("学院路街道，" + place, "乱堆物堆料", minute=1)
    bikes = make_problem(place, "非机动车乱停放", minute=3)
    other = make_problem("学院路与成府路交叉路口向北20米，学院路东侧", minute=4)
    pub = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    assert publication_text(pub) == (
        "1. 学院路街道，学院路与清华东路交叉路口向北100米，学院路东侧，堆物堆料，机动车、非机动车乱停。\n"
        "2. 学院路街道，学院路与成府路交叉路口向北20米，学院路东侧，积存垃圾。")
    line = pub.items.get(position=1)
    assert line.problem == stacked
    assert sorted(line.merged.values_list("problem_id", flat=True)) == sorted([parked.pk, bikes.pk])
    with pytest.raises(ServiceError):  # a merged problem has no line of its own to edit
        line_edit(actor=publisher, item_id=line.merged.first().pk, text="改写")
    publish(actor=publisher, publication_id=pub.pk)
    for p in (stacked, parked, bikes, other):  # every problem on the list is exposed
        assert problem_exposures(p).count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        PublicationItem.objects.filter(merged_into=line).update(problem=other)


def test_the_demo_list_is_published_once_from_the_week_before_today(make_problem):
    from publishing.models import Publication
    from publishing.services.demo import DEMO_TITLE, demo_publication_load

    assert demo_publication_load(today=DAY + dt.timedelta(days=30)) == "演示清单: 前7天没有可列的问题，未发布"
    assert not Publication.objects.exists()  # no empty draft left behind
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    said = demo_publication_load(today=DAY + dt.timedelta(days=1))
    pub = Publication.objects.get(title=DEMO_TITLE)
    assert pub.is_published and said == f"演示清单: 已发布 {pub.number}（1 条）"
    assert pub.text == "1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。"
    assert demo_publication_load(today=DAY + dt.timedelta(days=1)) == "演示清单: 已有，跳过"
    assert Publication.objects.count() == 1
