"""Layout checks from a visual review, in headless Chromium at the officers' tablet size."""
import pytest

from .test_dashboard import _demo_week
from .test_field_app import TABLET_PORTRAIT, _context, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_problem_lists_headers_stay_on_one_line_on_a_tablet(live_server, browser):
    """The 编号 header was broken into 编 / 号 (one character a line) at 800 px and at 1600 px."""
    _demo_week()  # rows with long locations: the headers wrapped only then
    context, _ = _context(browser, TABLET_PORTRAIT, geolocation=False)
    page = context.new_page()
    _sign_in(page, live_server.url, "supervisor1", "/dashboard/problems/")
    lines = page.locator("#problem-table thead th").evaluate_all("""ths => ths.map(th => {
        const range = document.createRange(); range.selectNodeContents(th);
        return [th.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
    })""")
    assert lines and all(n == 1 for _, n in lines), lines
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
