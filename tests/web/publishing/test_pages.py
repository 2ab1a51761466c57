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
