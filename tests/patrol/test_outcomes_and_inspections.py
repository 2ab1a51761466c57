"""Outcomes (never deleted, corrected by new records) and joint inspections with their summary."""
import datetime as dt

import pytest

from core.models import AuditEvent
from org.models import Agency
from patrol.models import Outcome

from .conftest import new_problem

pytestmark = pytest.mark.django_db

NEWSPAPER = "共劝阻并整改店外经营7家，规范电动自行车停放10处，劝离违章停车8辆，对1辆特种设备车辆、2辆三轮摩托车进行扣分、罚款处罚。"


def _inspection(client):
    agencies = {a.name: a.id for a in Agency.objects.all()}
    from geodata.models import Area
    body = {"date": "2026-11-20", "title": "卢沟桥路环境秩序联合检查", "area": Area.objects.get(name="学院路街道").id,
            "lead_agency": agencies["学院路街道平安办"], "route_text": "卢沟桥路",
            "focus": "机动车、电动自行车停车秩序、街面环境、店外经营",
            "agencies": [agencies[n] for n in ("学院路街道城管办", "学院路街道综合行政执法队", "学院路市场监管所",
                                               "学院路派出所", "海淀交通支队学院路大队", "学院路街道安全生产检查队")]}
    r = client.post("/api/v1/inspections/", body, format="json")
    assert r.status_code == 201, r.json()
    return r.json()["id"]


def test_the_newspaper_summary_sentence_is_reproduced_from_records(as_user):
    lead = as_user("lead1")
    iid = _inspection(lead)
    records = [
        {"kinds": ["劝阻", "整改"], "target_kind": "店外经营", "count": 7},
        {"kinds": ["规范"], "target_kind": "电动自行车停放", "count": 10},
        {"kinds": ["劝离"], "target_kind": "违章停车", "count": 8},
        {"kinds": ["扣分", "罚款"], "target_kind": "特种设备车辆", "count": 1, "points": 3, "fine_amount": "200"},
        {"kinds": ["罚款", "扣分"], "target_kind": "三轮摩托车", "count": 2, "points": 1, "fine_amount": "50"},
    ]
    for rec in records:
        r = as_user("officer1").post("/api/v1/outcomes/", {"inspection": iid, **rec}, format="json")
        assert r.status_code == 201, r.json()
    summary = lead.get(f"/api/v1/inspections/{iid}/").json()["summary"]
    assert NEWSPAPER in summary
    assert summary.startswith("学院路街道平安办牵头，组织学院路街道城管办、学院路街道综合行政执法队")


def test_a_correction_replaces_a_record_in_the_summary(as_user):
    iid = _inspection(as_user("lead1"))
    wrong = as_user("officer1").post("/api/v1/outcomes/", {"inspection": iid, "kinds": ["劝离"],
                                                           "target_kind": "违章停车", "count": 80},
                                     format="json").json()
    r = as_user("lead1").post("/api/v1/outcomes/", {"inspection": iid, "kinds": ["劝离"], "target_kind": "违章停车",
                                                    "count": 8, "corrects": wrong["id"]}, format="json")
    assert r.status_code == 201, r.json()
    summary = as_user("lead1").get(f"/api/v1/inspections/{iid}/").json()["summary"]
    assert "劝离违章停车8辆" in summary and "80辆" not in summary
    assert Outcome.objects.filter(inspection_id=iid).count() == 2  # the wrong one is kept, as evidence


def test_officers_cannot_correct_and_nobody_deletes(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    first = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes",
                                     {"kinds": ["劝阻"], "target_kind": "商户", "count": 1}, format="json").json()
    r = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes",
                                 {"kinds": ["劝阻"], "target_kind": "商户", "count": 2, "corrects": first["id"]},
                                 format="json")
    assert r.status_code == 403
    with pytest.raises(PermissionError):
        Outcome.objects.get(pk=first["id"]).delete()
    assert as_user("admin").delete(f"/api/v1/problems/{pid}/outcomes").status_code == 405


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"kinds": ["罚款"], "target_kind": "三轮摩托车", "count": 2}, "fine_amount", 422),
    ({"kinds": ["罚款"], "target_kind": "三轮摩托车", "count": 2, "fine_amount": "-5"}, "fine_amount", 422),
    ({"kinds": ["劝阻"], "target_kind": "商户", "count": 1, "fine_amount": "100"}, "fine_amount", 422),
    ({"kinds": ["扣分"], "target_kind": "游商", "count": 1, "points": 3}, "target_kind", 422),
    ({"kinds": ["暂扣"], "target_kind": "游商", "count": 1}, "seized_items", 422),
    ({"kinds": ["立案处罚"], "target_kind": "商户", "count": 1}, "case_number", 422),
    ({"kinds": ["拘留"], "target_kind": "商户", "count": 1}, "kinds", 422),
    ({"kinds": ["劝阻"], "target_kind": "商户", "count": 0}, "count", 400),  # below the schema's minimum
])
def test_bad_outcomes_name_the_field(as_user, body, field, code):
    pid = new_problem(as_user("officer1")).json()["id"]
    before = Outcome.objects.count()
    r = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes", body, format="json")
    assert r.status_code == code, r.json()
    assert field in r.json()["errors"], r.json()
    assert Outcome.objects.count() == before


def _decide(as_user, pid, final):
    """Bring a reported problem to a final state the way people do, through the API."""
    def step(user, **body):
        r = as_user(user).post(f"/api/v1/problems/{pid}/transition", body, format="json")
        assert r.status_code == 200, r.json()
    if final == "rejected":
        step("supervisor1", to="rejected", reason="不属于城管职责")
    elif final == "duplicate":
        step("lead1", to="duplicate", reason="同一处", duplicate_of=new_problem(as_user("officer1")).json()["id"])
    else:
        for user, to in (("lead1", "dispatched"), ("officer1", "in_progress"), ("officer1", "rectified"),
                         ("supervisor1", "verified"), ("supervisor1", "closed")):
            step(user, to=to)


@pytest.mark.parametrize("final", ["closed", "rejected", "duplicate"])
def test_no_outcome_is_recorded_on_a_closed_rejected_or_duplicate_problem_until_it_is_reopened(as_user, final):
    """Found in review: a fine recorded against a problem ruled 不予立案, a duplicate or one already
    closed was a 201 (and counted by the inspection's summary), though an edit or an escalation of
    it is refused until it is reopened."""
    pid = new_problem(as_user("officer1")).json()["id"]
    first = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes",
                                     {"kinds": ["劝阻"], "target_kind": "商户", "count": 1}, format="json").json()
    _decide(as_user, pid, final)
    before = (Outcome.objects.count(), AuditEvent.objects.count())
    fine = {"kinds": ["罚款"], "target_kind": "三轮摩托车", "count": 1, "fine_amount": "200"}
    r = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes", fine, format="json")
    assert r.status_code == 409, r.json()
    assert r.json()["field"] == "problem" and "先重启" in r.json()["detail"]
    correction = {"kinds": ["劝阻"], "target_kind": "商户", "count": 2, "corrects": first["id"]}
    assert as_user("lead1").post(f"/api/v1/problems/{pid}/outcomes", correction,
                                 format="json").status_code == 409
    assert (Outcome.objects.count(), AuditEvent.objects.count()) == before
    r = as_user("supervisor1").post(f"/api/v1/problems/{pid}/transition", {"to": "reopened", "reason": "补记"},
                                    format="json")
    assert r.status_code == 200, r.json()
    assert as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes", fine, format="json").status_code == 201


def test_seizure_and_case_record_their_particulars(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    r = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes", {
        "kinds": ["暂扣", "立案处罚"], "target_kind": "游商", "count": 1, "seized_items": "三轮车1辆、货物若干",
        "case_number": "京海城管罚字〔2026〕第0123号"}, format="json")
    assert r.status_code == 201, r.json()
    detail = as_user("officer1").get(f"/api/v1/problems/{pid}/").json()
    assert detail["outcomes"][0]["case_number"].endswith("第0123号")
    assert [e["verb"] for e in detail["events"]] == ["created", "outcome_recorded"]


def test_escalation_to_a_district_department_is_tracked(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    dept = Agency.objects.get(name="海淀区城市管理委员会").id
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    assert as_user("officer1").post(f"/api/v1/problems/{pid}/escalations",
                                    {"department": dept, "reason": "x", "deadline": deadline},
                                    format="json").status_code == 403
    r = as_user("lead1").post(f"/api/v1/problems/{pid}/escalations",
                              {"department": dept, "reason": "占道经营屡教不改，需区城管委协调", "deadline": deadline},
                              format="json")
    assert r.status_code == 201, r.json()
    eid = r.json()["id"]
    assert as_user("lead1").post(f"/api/v1/escalations/{eid}/respond", {"response": "已协调"},
                                 format="json").status_code == 403
    answer = as_user("admin").post(f"/api/v1/escalations/{eid}/respond", {"response": "已协调市场监管局联合执法"},
                                   format="json")
    assert answer.status_code == 200 and answer.json()["late"] is False
    actions = [e["verb"] for e in as_user("lead1").get(f"/api/v1/problems/{pid}/").json()["events"]]
    assert actions == ["created", "escalated", "escalation_answered"]


def test_reinspection_lands_on_the_teams_list(as_user):
    from org.models import Team
    pid = new_problem(as_user("officer1")).json()["id"]
    team = Team.objects.get(name="执法二队").id
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    early = as_user("lead1").post(f"/api/v1/problems/{pid}/reinspections", {"team": team, "due_date": tomorrow},
                                  format="json")
    assert early.status_code == 409  # not rectified yet
    for user, to in (("lead1", "dispatched"), ("officer1", "in_progress"), ("officer1", "rectified")):
        as_user(user).post(f"/api/v1/problems/{pid}/transition", {"to": to}, format="json")
    r = as_user("lead1").post(f"/api/v1/problems/{pid}/reinspections", {"team": team, "due_date": tomorrow},
                              format="json")
    assert r.status_code == 201, r.json()
    listing = as_user("officer2").get(f"/api/v1/teams/{team}/reinspections").json()
    assert [x["problem"] for x in listing] == [pid]
    rid = listing[0]["id"]
    assert as_user("officer1").post(f"/api/v1/reinspections/{rid}/complete", {"passed": True},
                                    format="json").status_code == 403  # not on that team
    done = as_user("officer2").post(f"/api/v1/reinspections/{rid}/complete", {"passed": True, "notes": "已清理"},
                                    format="json")
    assert done.status_code == 200 and done.json()["passed"] is True
    assert as_user("officer2").get(f"/api/v1/teams/{team}/reinspections").json() == []


def test_inspections_of_one_day_are_listed_newest_first_in_a_fixed_order(as_user):
    """Found in review: the list was ordered by date alone, so inspections of the same day came
    in whatever order the database gave (oldest first here, against newest first across days),
    and which of them the 200-row cut left out was not fixed either."""
    ids = [_inspection(as_user("lead1")) for _ in range(3)]
    listed = [i["id"] for i in as_user("lead1").get("/api/v1/inspections/").json()]
    assert listed == sorted(ids, reverse=True)
