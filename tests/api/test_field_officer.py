"""The field app's X-Field-Officer: a queued item is written only under the session of the
officer who made it (one browser session serves all tabs; another tab may have signed in as
someone else meanwhile)."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from org.models import Officer
from patrol.models import Problem

pytestmark = pytest.mark.django_db

BODY = {"category": "积存垃圾渣土", "lat": 39.99912, "lon": 116.34636, "description": "标签页一上报",
        "source": "patrol"}


def _session(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_an_item_made_by_another_officer_is_refused_under_this_session_and_not_written():
    first = Officer.objects.get(user__username="officer1")
    response = _session("officer2").post("/api/v1/problems/", BODY, content_type="application/json",
                                         headers={"X-Field-Officer": str(first.pk), "Accept": "application/json"})
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "other_officer"
    assert "另一账号" in body["detail"]
    assert not Problem.objects.filter(description="标签页一上报").exists()


def test_the_items_own_officer_sends_it_and_requests_without_the_header_are_unchanged():
    first = Officer.objects.get(user__username="officer1")
    mine = _session("officer1").post("/api/v1/problems/", BODY, content_type="application/json",
                                     headers={"X-Field-Officer": str(first.pk)})
    assert mine.status_code == 201, mine.content
    assert Problem.objects.get(description="标签页一上报").reporter.username == "officer1"
    plain = _session("officer2").post("/api/v1/problems/", {**BODY, "description": "没有该头"},
                                      content_type="application/json")
    assert plain.status_code == 201
    # Signed out: the usual 401, whatever the header says.
    anonymous = Client().post("/api/v1/problems/", BODY, content_type="application/json",
                              headers={"X-Field-Officer": str(first.pk)})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
