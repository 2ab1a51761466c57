"""发布清单 pages: every role reads its jurisdiction's published lists, line by line with their
problems, and downloads the exports; drafts only for those who may publish."""
import pytest
from django.test import Client

from publishing.services.publications import draft_create, publish
from tests.publishing.conftest import user
from tests.publishing.test_services import WEEK

pytestmark = pytest.mark.django_db

LINE = "1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。"


def client_for(username):
    c = Client()
    c.force_login(user(username))
    return c


@pytest.fixture
def problem(make_problem):
    return make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")


@pytest.fixture
def published(publisher, subdistrict, problem):
    return publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)


def test_an_officer_reads_the_published_list_line_by_line_and_finds_the_downloads(published, problem):
    c = client_for("officer1")
    html = c.get("/publications/").content.decode()
    assert f'data-publication="{published.pk}"' in html and published.number in html
    assert 'href="/publications/"' in c.get("/dashboard/").content.decode()  # in the top bar
    r = c.get(f"/publications/{published.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f'<p class="line">{LINE}</p>' in html
    assert f'href="/dashboard/problems/{problem.pk}/"' in html and published.checksum in html
    for kind in ("txt", "html", "pdf", "docx"):
        url = f"/api/v1/publications/{published.pk}/export.{kind}"
        assert f'href="{url}"' in html
        assert c.get(url).status_code == 200  # the download works with the page's session
    assert LINE in c.get(f"/api/v1/publications/{published.pk}/export.txt").content.decode().splitlines()


def test_drafts_are_for_those_who_may_publish(publisher, subdistrict, problem):
    draft = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    assert f'data-publication="{draft.pk}"' not in client_for("officer1").get("/publications/").content.decode()
    assert client_for("officer1").get(f"/publications/{draft.pk}/").status_code == 404
    html = client_for("publisher1").get(f"/publications/{draft.pk}/").content.decode()
    assert "草稿" in html and f'<p class="line">{LINE}</p>' in html


def test_another_jurisdictions_list_is_not_found(published, other_subdistrict):
    c = client_for("other_publisher")
    assert f'data-publication="{published.pk}"' not in c.get("/publications/").content.decode()
    assert c.get(f"/publications/{published.pk}/").status_code == 404


def test_signed_out_visitors_go_to_the_sign_in_page(published):
    r = Client().get(f"/publications/{published.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_a_district_list_naming_a_problem_is_open_to_those_who_see_the_problem(publisher, district, problem):
    """Found in review: a problem's page linked to the district's list that exposed it, and the
    link answered 404 to the subdistrict's officers (lists were shown of areas inside one's
    jurisdiction only). A published list of an area above the jurisdiction is open now; its
    draft is not; and the problem page says which area's list it is."""
    draft = draft_create(actor=publisher, area_id=district.pk, **WEEK)
    assert client_for("officer1").get(f"/publications/{draft.pk}/").status_code == 404
    published = publish(actor=publisher, publication_id=draft.pk)
    c = client_for("officer1")
    page = c.get(f"/dashboard/problems/{problem.pk}/").content.decode()
    assert f'href="/publications/{published.pk}/">{district.name} {published.number}</a> 第1条' in page
    assert c.get(f"/publications/{published.pk}/").status_code == 200
    assert f'data-publication="{published.pk}"' in c.get("/publications/").content.decode()
    assert c.get(f"/api/v1/publications/{published.pk}/export.txt").status_code == 200


def test_problems_at_one_place_share_a_line_and_the_list_counts_lines(publisher, subdistrict, make_problem):
    """Found in review: the list page counted problems (two at one spot make one line, shown as
    2), and the problem merged into another's line read 第—条 on its page."""
    first = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    second = make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    published = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk,
                                                                     **WEEK).pk)
    c = client_for("officer1")
    assert c.get(f"/api/v1/publications/{published.pk}/").json()["items"] == 1
    html = c.get("/publications/").content.decode()
    row = html[html.index(f'data-publication="{published.pk}"'):]
    assert '<td class="num">1</td>' in row[:row.index("</tr>")]
    for p in (first, second):
        assert f"{published.number}</a> 第1条" in c.get(f"/dashboard/problems/{p.pk}/").content.decode()


def test_the_latest_list_comes_first(publisher, subdistrict, district, problem, make_problem):
    """Counting each list's lines made the query a GROUP BY, which leaves the model's order out:
    the page listed lists in no set order (and paged them unsteadily)."""
    first = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=district.pk, **WEEK).pk)
    make_problem("学院路与清华东路交叉路口向北30米，学院路东侧")  # new since: the next list's line
    second = publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk,
                                                                  **WEEK).pk)
    html = client_for("officer1").get("/publications/").content.decode()
    assert html.index(f'data-publication="{second.pk}"') < html.index(f'data-publication="{first.pk}"')
