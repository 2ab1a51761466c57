"""The home page in headless Chromium: the demo roads are drawn (from the road vector tiles,
/tiles/roads/…), nothing leaves 127.0.0.1."""
from urllib.parse import urlsplit

import pytest

from geodata.services.demo import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_draws_the_roads_and_requests_nothing_off_the_machine(live_server, page, tmp_path):
    demo_load()  # a transactional test starts from whatever the last flush left
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/")
    frame = page.frame_locator("#network-map")
    roads = frame.locator("path.road")
    roads.first.wait_for(state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")  # every tile in view has arrived
    # one SVG path per road segment and tile it crosses: the demo's 85 segments at least once each
    assert roads.count() >= 85
    assert frame.locator("path.intersection, .intersection").count() >= 1
    assert page.locator("[data-count='道路']").inner_text() == "19"
    page.screenshot(path=str(tmp_path / "home.png"))

    assert urlsplit(live_server.url).hostname == "127.0.0.1"  # pytest.ini: --liveserver=127.0.0.1
    assert len(requests) > 3  # the page, the map frame, Leaflet's JS and CSS at least
    assert any("/tiles/roads/" in u for u in requests)
    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:", "about:"))}
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {sorted(hosts)}"
