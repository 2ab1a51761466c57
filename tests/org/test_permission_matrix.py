"""The permission matrix against a table written from the domain rules, not from the code.

Each row says what the platform promises people, in their words:
- everyone with a role sees the problems of their own jurisdiction; nobody outside it;
- publishers (发布) read and publish; they change nothing on the street;
- officers (队员) report, photograph, record what they did and do re-inspections;
  they do not dispatch, correct records, blow the whistle or plan inspections;
- team leads (班组长), supervisors (督办) and district administrators (区级管理员) also edit
  reports, correct outcomes, escalate, schedule re-inspections and run joint inspections;
- only a district administrator answers for a district department, sets people up and
  issues the keys other systems and tablets call with;
- supervisors and administrators read the audit log;
- nobody deletes an outcome: a correction is a new record;
- everyone with a role sees the shifts (班次) of their jurisdiction; team leads, supervisors
  and district administrators plan, start and end them; everyone who works on the street
  (not publishers) sends the GPS track of a shift they are on.
- the 未诉先办 list is drafted and published by publishers (发布), supervisors (督办) and
  district administrators; officers and team leads report what goes on it, not publish it.
- 12345 hotline exports (接诉即办 work orders) are imported by supervisors (督办) and district
  administrators, who answer for the street offices' rankings; nobody else loads them.
If `org.domain.permissions` disagrees with a cell here, one of the two is wrong, and the
test says which cell.
"""
import pytest

from org.domain.permissions import denial
from org.domain.roles import ROLES

COLUMNS = ("officer", "team_lead", "supervisor", "district_admin", "publisher")
TABLE = """
view_problem            Y Y Y Y Y
create_problem          Y Y Y Y N
edit_problem            N Y Y Y N
add_photo               Y Y Y Y N
record_outcome          Y Y Y Y N
correct_outcome         N Y Y Y N
delete_outcome          N N N N N
escalate                N Y Y Y N
respond_escalation      N N N Y N
schedule_reinspection   N Y Y Y N
complete_reinspection   Y Y Y Y N
manage_inspection       N Y Y Y N
manage_people           N N N Y N
view_audit              N N Y Y N
manage_credentials      N N N Y N
view_shift              Y Y Y Y Y
manage_shift            N Y Y Y N
send_fixes              Y Y Y Y N
publish_list            N N Y Y Y
import_complaints       N N Y Y N
"""
EXPECTED = {
    (action, role): cell == "Y"
    for action, *cells in (line.split() for line in TABLE.strip().splitlines())
    for role, cell in zip(COLUMNS, cells, strict=True)
}
CASES = [(action, role, inside) for (action, role) in EXPECTED for inside in (True, False)]


def test_the_table_covers_every_role():
    assert set(COLUMNS) == set(ROLES)


@pytest.mark.parametrize(("action", "role", "inside"), CASES,
                         ids=[f"{a}-{r}-{'own' if i else 'other'}" for a, r, i in CASES])
def test_rule_matches_the_table(action, role, inside):
    allowed = EXPECTED[(action, role)] and inside  # outside the jurisdiction: nobody
    why = denial(role, action, in_jurisdiction=inside)
    assert (why is None) == allowed, why


def test_officers_edit_their_own_report_while_it_is_reported_only():
    assert denial("officer", "edit_problem", is_own_report=True, status="reported") is None
    assert denial("officer", "edit_problem", is_own_report=True, status="dispatched") is not None
    assert denial("officer", "edit_problem", is_own_report=True, status="reported", in_jurisdiction=False)
    assert denial("publisher", "edit_problem", is_own_report=True, status="reported") is not None


def test_a_refusal_to_delete_an_outcome_says_how_to_correct_it():
    assert "更正" in denial("district_admin", "delete_outcome")
