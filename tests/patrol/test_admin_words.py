"""The problems' pages of the 管理后台 in Chinese: an outcome's page was titled "Outcome object (1)"
with its problem, inspection, recorder and time labelled in English; a category's source showed
its code (standard, local)."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from patrol.models import Outcome
from patrol.services.outcomes import outcome_record

from .conftest import new_problem

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_an_outcome_page_names_the_outcome_and_its_fields_in_chinese(as_user):
    problem_id = new_problem(as_user("officer1")).json()["id"]
    outcome = outcome_record(actor=get_user_model().objects.get(username="officer1"), problem_id=problem_id,
                             kinds=["劝离"], target_kind="违章停车", count=1)
    page = _admin().get(f"/admin/patrol/outcome/{outcome.pk}/change/").content.decode()
    assert "Outcome object" not in page and f"处置结果 #{outcome.pk}（问题 #{problem_id}）" in page
    for english in ("Problem:", "Inspection:", "Recorded at", "Recorded by"):
        assert english not in page
    assert "记录时间" in page and "记录人" in page
    assert str(Outcome.objects.get(pk=outcome.pk)) == f"处置结果 #{outcome.pk}（问题 #{problem_id}）"


def test_a_categorys_source_is_shown_in_words():
    page = _admin().get("/admin/patrol/category/").content.decode()
    assert ">standard<" not in page and ">local<" not in page
    assert ">国家标准<" in page and ">本地<" in page
