"""The supervisors' dashboard in headless Chromium, on the demo with its week of patrols.

The filters round-trip through the URL (a view sent to a colleague opens the same list), the
map draws the problems from the project's own tiles, nothing leaves 127.0.0.1 and the console
stays clean. The README's screenshots of the dashboard and the field app at tablet size are
made here, from the demo (docs/dashboard-tablet.png, docs/problems-tablet.png,
docs/field-tablet.png).
"""
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from patrol.models import Problem

from .test_admin_people import _demo
from .test_field_app import TABLET_LANDSCAPE, TABLET_PORTRAIT, _context, _open_app, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _demo_week():
    _demo()
    from shifts.services.demo import demo_week_load

    demo_week_load()


def _shown(page) -> set[int]:
    return {int(v) for v in page.locator("#problem-table [data-problem]").evaluate_all(
        "rows => rows.map(r => r.dataset.problem)")}


def test_the_dashboards_filters_round_trip_through_the_url(live_server, browser):
    _demo_week()
    assert Problem.objects.count() >= 20  # the demo week's problems
    context, watch = _context(browser, TABLET_LANDSCAPE, geolocation=False)
    page = context.new_page()
    _sign_in(page, live_server.url, "supervisor1", "/dashboard/")
    page.wait_for_function("window.PatrolMaps && PatrolMaps.stats.clusters + PatrolMaps.stats.problems >= 1")
    assert int(page.locator("[data-figure=open]").inner_text()) == Problem.objects.filter(
        status__in=["reported", "dispatched", "in_progress", "reopened"]).count()

    page.goto(f"{live_server.url}/dashboard/problems/")
    page.locator("#filters input[name=status][value=reported]").check()
    page.locator("#filters input[name=status][value=dispatched]").check()
    codes = sorted(set(Problem.objects.filter(status__in=["reported", "dispatched"])
                       .values_list("category__code", flat=True)))
    page.locator("#more-filters summary").click()  # categories and sources fold away until asked for
    page.locator(f"#filters input[name=category][value='{codes[0]}']").check()
    page.select_option("#filters select[name=sort]", "created")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query["category"] == codes[0] and query["sort"] == "created"
    assert sorted(v for k, v in parse_qsl(urlsplit(page.url).query) if k == "status") == ["dispatched", "reported"]
    expected = set(Problem.objects.filter(status__in=["reported", "dispatched"], category__code=codes[0])
                   .values_list("id", flat=True))
    assert _shown(page) == expected and expected

    # A colleague opens the same address in another browser: the same form, the same list.
    sent = page.url
    colleague, colleague_watch = _context(browser, TABLET_PORTRAIT, geolocation=False)
    other = colleague.new_page()
    _sign_in(other, live_server.url, "lead1", "/dashboard/")
    other.goto(sent)
    assert _shown(other) == expected
    assert other.locator("#filters input[name=status][value=reported]").is_checked()
    assert other.locator("#filters input[name=status][value=dispatched]").is_checked()
    assert not other.locator("#filters input[name=status][value=closed]").is_checked()
    assert other.locator(f"#filters input[name=category][value='{codes[0]}']").is_checked()
    assert other.locator("#filters select[name=sort]").input_value() == "created"
    other.wait_for_function("window.PatrolMaps && PatrolMaps.stats.clusters + PatrolMaps.stats.problems >= 1")

    for w in (watch, colleague_watch):
        assert w.off_host() == set(), f"requests left the machine: {w.off_host()}"
        assert w.errors == []
    context.close()
    colleague.close()


def test_screenshots_of_the_dashboard_and_the_field_app_at_tablet_size(live_server, browser):
    _demo_week()
    context, watch = _context(browser, TABLET_PORTRAIT, geolocation=False)
    page = context.new_page()
    _sign_in(page, live_server.url, "supervisor1", "/dashboard/")
    page.wait_for_function("window.PatrolMaps && PatrolMaps.stats.clusters + PatrolMaps.stats.problems >= 1")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(DOCS / "dashboard-tablet.png"))
    page.goto(f"{live_server.url}/dashboard/problems/?status=reported&status=dispatched&status=in_progress")
    page.wait_for_function("window.PatrolMaps && PatrolMaps.stats.clusters + PatrolMaps.stats.problems >= 1")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(DOCS / "problems-tablet.png"))
    first = Problem.objects.order_by("id").first()
    page.goto(f"{live_server.url}/dashboard/problems/{first.id}/")
    page.wait_for_function("window.PatrolMaps && PatrolMaps.stats.problems >= 1")
    page.goto(f"{live_server.url}/dashboard/focus/")
    page.wait_for_function("window.focusMap !== undefined")
    assert page.locator("#focus-table [data-segment]").count() >= 1  # the demo week's problems lie on segments
    page.wait_for_load_state("networkidle")
    for theme, drawn in (("problem-heat", "canvas.leaflet-heatmap-layer"), ("grid-open", "path.leaflet-interactive")):
        page.goto(f"{live_server.url}/dashboard/maps/?theme={theme}")
        page.frame_locator("#thematic-map").locator(drawn).first.wait_for(state="attached")
        page.wait_for_load_state("networkidle")
    page.screenshot(path=str(DOCS / "thematic-tablet.png"))

    field, field_watch = _context(browser, TABLET_PORTRAIT)
    tablet = field.new_page()
    _sign_in(tablet, live_server.url, "officer1", "/field/")
    _open_app(tablet)
    tablet.wait_for_function("document.getElementById('location-text').textContent.includes('学院路')")
    tablet.locator("#common-categories button").first.click()
    tablet.wait_for_load_state("networkidle")
    tablet.screenshot(path=str(DOCS / "field-tablet.png"))

    for w in (watch, field_watch):
        assert w.off_host() == set(), f"requests left the machine: {w.off_host()}"
        assert w.errors == []
    context.close()
    field.close()
