"""接诉即办 in headless Chromium: the demo supervisor opens the weekly and monthly rankings,
uploads a 12345 export with an error and reads the validation report (nothing imported),
then uploads a good one. No request leaves 127.0.0.1 and the console stays clean."""
from urllib.parse import urlsplit

import pytest

from hotline.models import Complaint
from hotline.services.demo import demo_orders_load
from tests.hotline.conftest import xlsx_bytes

from .test_admin_people import _demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "patrol-demo"  # the demo users' password (patrol/services/demo.py)


def _order(no, when, unit="学院路街道", resolved="已解决"):
    return [no, when, "反映门前积存垃圾", "学院路与清华东路交叉口东北角", "城市管理/市容环境/积存垃圾渣土", unit,
            "城市管理办公室", "王工", "是", resolved, "满意", "", ""]


def test_a_supervisor_reads_the_rankings_and_imports_a_file_after_fixing_it(live_server, browser, tmp_path):
    _demo()
    demo_orders_load()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    urls, errors = [], []
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/login/?next=/hotline/ranking/")
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/hotline/ranking/")

    # The week of the newest demo order: every street office ranked, the last ones flagged.
    assert "2026年第48周" in page.locator("h1").inner_text()
    rows = page.locator("#ranking-table tbody tr")
    offices = set(Complaint.objects.values_list("unit_name", flat=True))
    assert rows.count() == len(offices) == 7
    assert page.locator("#ranking-table tbody tr.flagged").count() >= 2
    assert page.locator("#score-bars .bar").count() == 7
    page.click("a[data-kind=month]")
    page.wait_for_load_state("domcontentloaded")
    assert "2026年11月" in page.locator("h1").inner_text()
    assert "period=month" in page.url and page.locator("#ranking-table tbody tr").count() == 7

    before = Complaint.objects.count()
    bad = tmp_path / "有错误.xlsx"
    bad.write_bytes(xlsx_bytes([_order("T1", "2026-11-30 08:00"), _order("T2", "2026-11-31 09:00")]))
    page.goto(f"{live_server.url}/hotline/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "未导入任何数据" in page.locator("#import-headline").inner_text()
    report = page.locator("#validation-report tbody tr")
    assert report.count() == 1
    assert report.first.inner_text().split("\t") == ["3", "受理时间", "不是有效的日期时间", "2026-11-31 09:00"]
    assert Complaint.objects.count() == before

    good = tmp_path / "已改正.xlsx"
    good.write_bytes(xlsx_bytes([_order("T1", "2026-11-30 08:00"), _order("T2", "2026-11-30 09:00")]))
    page.set_input_files("input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "新增 2 条" in page.locator("#import-headline").inner_text()
    assert Complaint.objects.count() == before + 2
    assert Complaint.objects.get(order_no="T1").geom is not None

    assert urlsplit(live_server.url).hostname == "127.0.0.1"
    hosts = {urlsplit(u).hostname for u in urls if not u.startswith(("data:", "blob:", "about:"))}
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {sorted(hosts)}"
    assert errors == []
    context.close()
