"""A tooltip shows what a user typed or a file named as text: markup in a location an officer
typed (or a road name in an imported OSM file) must not run on the app's own origin."""
from pathlib import Path

import pytest

from maps.points import NumberedPoint, numbered_points_map, render_html

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "maps" / "static"
PAYLOAD = "学院路西侧<img src=x onerror=\"document.title='pwned'\">"


def _serve(page, html: str) -> None:
    def handle(route):
        url = route.request.url
        if url == "http://app.test/page":
            return route.fulfill(body=html, content_type="text/html; charset=utf-8")
        if "/static/" in url:
            f = STATIC / url.split("/static/", 1)[1]
            if f.is_file():
                ctype = "text/css" if f.suffix == ".css" else "application/javascript"
                return route.fulfill(body=f.read_bytes(), content_type=ctype)
            return route.fulfill(status=404, body=b"")
        return route.abort()

    page.route("**/*", handle)


def test_markup_in_a_line_is_shown_as_text_in_the_map_tooltip(page):
    m = numbered_points_map(points=[NumberedPoint(1, 39.99912, 116.34636, f"1. 学院路街道，{PAYLOAD}，积存垃圾。")],
                            static_url=lambda p: "/static/" + p)
    _serve(page, render_html(m))
    page.goto("http://app.test/page")
    marker = page.locator("path.leaflet-interactive").first
    marker.wait_for()
    title = page.title()
    marker.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for()
    assert PAYLOAD in tooltip.inner_text()  # the words, as typed
    assert tooltip.locator("img").count() == 0
    page.wait_for_timeout(200)
    assert page.title() == title != "pwned"
