"""The problem map (/maps/problems/) in headless Chromium at 1280×800: clusters and single problems
drawn from the vector tiles, a popup loaded from /api/v1/problems/{id}/, nothing requested off
127.0.0.1 and no console error."""
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.test import Client

from geodata.models import Area, AreaKind
from geodata.services.demo import demo_load
from patrol.models import Category, Problem
from patrol.services.demo import demo_people_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_LON, BASE_LAT = 116.3463, 40.0035  # in the demo subdistrict 学院路街道
OFFSETS = [(dx * 60.0, dy * 60.0) for dx in range(-3, 4) for dy in range(-3, 3)]  # 42 problems, 60 m apart


def _problems() -> list[Problem]:
    base = Point(BASE_LON, BASE_LAT, srid=4326).transform(settings.STORAGE_SRID, clone=True)
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    reporter = get_user_model().objects.get(username="officer1")
    categories = list(Category.objects.order_by("code")[:3])
    return Problem.objects.bulk_create([
        Problem(category=categories[i % 3], status=["reported", "dispatched", "closed"][i % 3], reporter=reporter,
                subdistrict=sub, location_text=f"学院路测试位置{i}号",
                geom=Point(base.x + dx, base.y + dy, srid=settings.STORAGE_SRID))
        for i, (dx, dy) in enumerate(OFFSETS)])


def _signed_in(context, base_url: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": base_url}])


def test_problem_map_draws_clusters_then_problems_and_opens_a_popup(live_server, browser, tmp_path):
    demo_load()  # a transactional test starts from whatever the last flush left
    demo_people_load()
    problems = _problems()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    _signed_in(context, live_server.url, "supervisor1")
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(live_server.url + "/maps/problems/")
    clusters = page.locator(".pm-cluster")
    clusters.first.wait_for(state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    counts = [int(c) for c in clusters.evaluate_all("els => els.map(e => e.dataset.count)")]
    # the first view (the network's extent, zoom 14) shows every problem, in clusters
    assert sum(counts) == len(problems)
    assert page.locator(".pm-problem").count() == 0
    assert page.locator(".pm-legend").inner_text().startswith("问题图例")
    assert page.evaluate("PatrolMaps.stats.roadTiles") > 0
    page.screenshot(path=str(tmp_path / "problems-z14.png"))

    # zoomed in on one problem: single markers, and a click opens its popup from the API
    target = problems[len(problems) // 2]
    wgs = target.geom.transform(4326, clone=True)
    page.evaluate(f"window[document.querySelector('.folium-map').id].setView([{wgs.y}, {wgs.x}], 18)")
    marker = page.locator(f".pm-problem[data-id='{target.pk}']")
    marker.wait_for(state="visible", timeout=15000)
    # the zoom-14 clusters go once the new tiles have arrived (Leaflet keeps old tiles until then)
    page.wait_for_function("document.querySelectorAll('.pm-cluster').length === 0", timeout=15000)
    marker.click()
    popup = page.locator(".leaflet-popup .pm-popup h4")
    popup.wait_for(state="visible", timeout=15000)
    assert f"#{target.pk}" in popup.inner_text()
    assert target.location_text in page.locator(".leaflet-popup").inner_text()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "problems-z18.png"))

    assert any("/tiles/problems/" in u for u in requests) and any(f"/api/v1/problems/{target.pk}/" in u
                                                                    for u in requests)
    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:", "about:"))}
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {sorted(hosts)}"
    assert errors == []
    context.close()


def test_filters_in_the_page_url_reach_the_tiles(live_server, browser):
    demo_load()
    demo_people_load()
    problems = _problems()
    closed = sum(1 for p in problems if p.status == "closed")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    _signed_in(context, live_server.url, "supervisor1")
    page = context.new_page()
    page.goto(live_server.url + "/maps/problems/?status=closed")
    page.locator(".pm-cluster").first.wait_for(state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    counts = page.locator(".pm-cluster").evaluate_all("els => els.map(e => +e.dataset.count)")
    assert sum(counts) == closed
    context.close()
