"""The coverage map and the handover report in headless Chromium, with the demo week loaded,
at a tablet's (800×1280) and a desktop's (1920×1080) size: a supervisor signs in, the map
draws the planned segments coloured by covered share, the gaps and the members' tracks; the
layer control switches the colouring to "time since last patrol" and hides a track; the
handover report opens from the shift list and prints without the navigation. No request
leaves 127.0.0.1 and the console stays free of errors. The screenshots go to docs/ (README)."""
import datetime as dt
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from geodata.services.demo import demo_load
from patrol.services.demo import DEMO_PASSWORD, demo_people_load
from shifts.services.demo import demo_week_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 10, 20, 12, 0, tzinfo=BJ)  # the week 10-14 … 10-19 (fixed: stable screenshots)
SIZES = {"tablet": (800, 1280), "desktop": (1920, 1080)}


def _demo():
    demo_load()  # a transactional test starts from whatever the last flush left
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD)
    demo_people_load()
    demo_week_load(now=NOW)


def _open(browser, live_server, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/login/?next=/coverage/")
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/coverage/**")
    return context, page, requests, errors


@pytest.mark.parametrize("size", list(SIZES))
def test_the_coverage_map_draws_the_demo_week_and_its_layers_toggle(live_server, browser, size):
    _demo()
    context, page, requests, errors = _open(browser, live_server, size)
    try:
        page.goto(f"{live_server.url}/coverage/?day=2026-10-19")
        assert page.locator("#shift-list tbody tr").count() == 4  # 早班 and 晚班 of the two teams that day
        frame = page.frame_locator("#coverage-map")
        share = frame.locator("path.cov-share")
        share.first.wait_for(state="attached", timeout=15000)
        assert share.count() >= 60  # both teams' halves of the demo network (one SVG path per segment)
        assert frame.locator("path.cov-covered").count() >= 1
        assert frame.locator("path.cov-gap").count() >= 1  # something was missed
        tracks = frame.locator("path.track")
        assert tracks.count() == 6  # (王队员, 张班长) + 李队员, in two shifts
        assert frame.locator(".cov-legend").inner_text().count("未覆盖") >= 1
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(DOCS / f"coverage-{size}.png"))

        # the other colouring: a radio in the layer control
        assert frame.locator("path.cov-age").count() == 0
        frame.locator(".leaflet-control-layers-base label", has_text="按未巡时长").click()
        frame.locator("path.cov-age").first.wait_for(state="attached", timeout=5000)
        assert frame.locator("path.cov-share").count() == 0
        assert frame.locator("path.cov-age").count() >= 60
        # a track switched off
        frame.locator(".leaflet-control-layers-overlays label", has_text="轨迹").first.locator("input").uncheck()
        assert tracks.count() == 5

        # the handover report from the shift list, printable without the navigation
        page.locator("#shift-list a", has_text="交接班报告").first.click()
        page.wait_for_url("**/handover/")
        assert "交接班报告" in page.locator("h1").inner_text()
        assert page.locator("#handover-uncovered tbody tr").count() >= 1
        assert page.locator(".topbar").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".topbar").is_visible()
        assert not page.get_by_role("button", name="打印").is_visible()
    finally:
        context.close()

    assert urlsplit(live_server.url).hostname == "127.0.0.1"
    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:", "about:"))}
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {sorted(hosts)}"
    assert errors == []
