"""The field app's page, manifest and service worker, without a browser."""
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from patrol.models import Category, Problem
from tests.patrol.conftest import new_problem
from web.field.views import SHELL_ASSETS

pytestmark = pytest.mark.django_db


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _static_exists(url: str) -> bool:
    """A /static/ URL names a file the project serves (WhiteNoise serves the collected copy)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    assert url.startswith(settings.STATIC_URL)
    return finders.find(url[len(settings.STATIC_URL):]) is not None


def _config(html: str) -> dict:
    return json.loads(re.search(r'<script id="field-config" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_the_app_asks_a_visitor_to_sign_in_and_come_back(client):
    r = client.get("/field/")
    assert r.status_code == 302 and r["Location"] == "/login/?next=/field/"


def test_the_page_carries_what_the_app_needs_offline():
    config = _config(_signed_in("officer1").get("/field/").content.decode())
    assert config["officer"]["name"] == "王队员" and config["officer"]["role_label"] == "队员"
    assert config["may"]["create_problem"] and not config["may"]["manage_shift"]
    assert len(config["categories"]) == Category.objects.filter(active=True).count()
    assert sum(c["common"] for c in config["categories"]) == 8
    assert [k["label"] for k in config["outcome_kinds"]][:3] == ["劝阻", "教育", "整改"]
    assert next(k for k in config["outcome_kinds"] if k["label"] == "罚款")["requires"] == ["fine_amount"]
    assert config["urls"]["problems"] == "/api/v1/problems/"
    assert config["focus"] == []  # no complaints or problems located on a segment yet


def test_what_the_area_reports_most_comes_first(as_user):
    for _ in range(3):
        assert new_problem(as_user("officer1"), category="道路积水").status_code == 201
    first = _config(_signed_in("officer1").get("/field/").content.decode())["categories"][0]
    assert first == {"code": Problem.objects.first().category.code, "name": "道路积水", "common": True}


def test_the_manifest_makes_it_installable():
    r = Client().get("/field/manifest.webmanifest")
    assert r["Content-Type"] == "application/manifest+json"
    m = r.json()
    assert m["start_url"] == "/field/" and m["display"] == "standalone" and m["lang"] == "zh-CN"
    sizes = {i["sizes"] for i in m["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in m["icons"]:
        assert _static_exists(icon["src"])


def test_the_service_worker_keeps_the_shell_of_this_release():
    r = Client().get("/field/sw.js")
    body = r.content.decode()
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert "/field/" in shell and len(shell) == len(SHELL_ASSETS) + 2
    assert Client().get(shell[1]).status_code == 200  # the manifest
    for url in shell[2:]:
        assert _static_exists(url), url
    release = re.search(r'const RELEASE = "field-([0-9a-f]{12})"', body)
    assert release


def test_a_user_without_a_profile_is_told_why():
    client = Client()
    client.force_login(get_user_model().objects.create_user("visitor", password="x"))
    r = client.get("/field/")
    assert r.status_code == 403 and "没有人员档案" in r.content.decode()
