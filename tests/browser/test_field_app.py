"""The tablet field app in headless Chromium, with the device's position granted and set.

Online: an officer reports a problem with a camera photo; it is stored once, with its photo,
and the supervisor finds it in the dashboard's list and on its map. Offline
(``context.set_offline(True)``): two reports and an outcome wait in the outbox; the page is
reloaded while still offline (the service worker serves it) and they are still pending; when
the network is back they are sent exactly once. A status change refused meanwhile (the
problem was rejected by the supervisor) is kept and shown to the officer, not lost. On duty,
暂停记录轨迹 records no fix until 继续记录轨迹, and the first fix of each stretch is sent as
starting a piece. Nothing leaves 127.0.0.1; the console stays clean.
"""
import io
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from core.models import AuditEvent
from patrol.models import Outcome, Problem, ProblemPhoto
from patrol.services.problems import problem_create, problem_transition

from .conftest import CHROMIUM_ARGS  # noqa: F401  (the browser fixture uses them)
from .test_admin_people import _demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "patrol-demo"
# On 学院路 just south of 清华东路, in the demo subdistrict (tests/patrol/conftest.py).
HERE = {"latitude": 39.99912, "longitude": 116.34636}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}


class Watch:
    """Every request and console error of a browser context."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda r: self.urls.append(r.url))
        context.on("page", self.page)

    def page(self, page):
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def off_host(self) -> set[str]:
        hosts = {urlsplit(u).hostname for u in self.urls if not u.startswith(("data:", "blob:", "about:"))}
        return hosts - {"127.0.0.1"}


def _context(browser, viewport, *, geolocation=True):
    options = {"viewport": viewport, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
    if geolocation:
        options.update(geolocation=HERE, permissions=["geolocation"])
    context = browser.new_context(**options)
    context.set_default_timeout(60_000)  # CI machines are slow at times; nothing here is timed
    return context, Watch(context)


def _sign_in(page, base: str, username: str, next_url: str):
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def _sign_out(page, base: str):
    """Sign out as a user does: the dashboard's 退出 button (logout is POST-only), once its map
    has loaded (a tile still on its way when the session ends is refused, 401, on the console)."""
    page.goto(f"{base}/dashboard/", wait_until="networkidle")
    page.locator("form[action='/logout/'] button").click()


def _open_app(page):
    page.wait_for_function("window.fieldApp && window.fieldApp.outbox")
    page.evaluate("window.fieldApp.ready")


def _pending(page) -> int:
    return int(page.locator("#pending-count").inner_text())


def _wait_pending(page, n: int):
    page.wait_for_function(f"document.getElementById('pending-count').textContent === '{n}'")


def _eventually(check, timeout: float = 30.0):
    """Wait until `check()` is true (the app sends in the background)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the app to send"
        time.sleep(0.2)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 140, 90)).save(out, "JPEG")
    return out.getvalue()


def _report(page, category: str, note: str, photo: bool = False):
    page.locator("[data-tab=report][role=tab]").click()
    page.locator("#common-categories button", has_text=category).first.click()
    if photo:
        page.set_input_files("#photo-input", files=[{"name": "photo.jpg", "mimeType": "image/jpeg",
                                                     "buffer": _jpeg()}])
        page.locator("#photo-previews img").first.wait_for()
    page.fill("#note", note)
    page.locator("#report-submit").click()


def test_an_officer_reports_with_a_photo_and_the_supervisor_sees_it(live_server, browser, tmp_path):
    _demo()
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    # The location text appears as soon as the position is known (GET /api/v1/describe).
    page.wait_for_function("document.getElementById('location-text').textContent.includes('学院路')")
    assert page.locator("#common-categories button").count() == 8
    # Gloves: every visible control is at least 48 px tall (the checkbox-free field app has no small ones).
    small = page.evaluate("""() => Array.from(document.querySelectorAll('button, select, input, textarea, summary, a'))
        .filter(el => el.offsetParent !== null)
        .map(el => [el.id || el.textContent.trim().slice(0, 12) || el.className, el.getBoundingClientRect().height])
        .filter(([, h]) => h < 48)""")
    assert small == []

    # The officer drags the pin to where the garbage is, across the road: the text follows.
    before = page.locator("#location-text").inner_text()
    pin = page.locator(".leaflet-marker-icon").bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 30, steps=8)
    page.mouse.up()
    page.wait_for_function(f"document.getElementById('location-text').textContent !== {before!r}")
    after = page.locator("#location-text").inner_text()
    assert "学院路" in after and after != before

    _report(page, "积存垃圾渣土", "便道上积存生活垃圾约两袋", photo=True)
    _eventually(lambda: ProblemPhoto.objects.filter(problem__description="便道上积存生活垃圾约两袋").exists())
    page.wait_for_function("document.getElementById('pending-count').textContent === '0'")
    problem = Problem.objects.get(description="便道上积存生活垃圾约两袋")
    assert problem.category.name == "积存垃圾渣土"
    assert problem.reporter.username == "officer1"
    assert problem.location_text == after  # the server describes the dragged point, as the tablet did
    assert ProblemPhoto.objects.filter(problem=problem).count() == 1
    page.screenshot(path=str(tmp_path / "field.png"))

    boss, boss_watch = _context(browser, TABLET_LANDSCAPE, geolocation=False)
    desk = boss.new_page()
    _sign_in(desk, live_server.url, "supervisor1", "/dashboard/problems/")
    assert desk.locator(f"#problem-table [data-problem='{problem.id}']").count() == 1
    desk.wait_for_function("window.PatrolMaps && PatrolMaps.stats.clusters + PatrolMaps.stats.problems >= 1")
    desk.goto(f"{live_server.url}/dashboard/problems/{problem.id}/")
    desk.wait_for_function("window.PatrolMaps && PatrolMaps.stats.problems >= 1")
    assert desk.locator("#audit-trail li").count() >= 2  # created, photo added
    assert desk.locator(".photos img").count() == 1

    for w in (watch, boss_watch):
        assert w.off_host() == set(), f"requests left the machine: {w.off_host()}"
        assert w.errors == []
    context.close()
    boss.close()


def test_work_done_offline_survives_a_reload_and_is_sent_once_when_the_network_returns(live_server, browser):
    _demo()
    officer = get_user_model().objects.get(username="officer1")
    near, _ = problem_create(actor=officer, category_code="0502", lat=HERE["latitude"], lon=HERE["longitude"],
                             description="门店在便道摆放货架")

    context, watch = _context(browser, TABLET_LANDSCAPE)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.evaluate("navigator.serviceWorker.ready")
    # The nearby list, fetched while online, is what the officer sees offline.
    page.locator("[data-tab=nearby][role=tab]").click()
    page.locator(f"#nearby-list [data-problem='{near.id}']").wait_for()
    before = {"problems": Problem.objects.count(), "outcomes": Outcome.objects.count()}

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === '离线'")
    _report(page, "乱堆物堆料", "离线上报一：路口堆放建筑垃圾")
    _report(page, "非机动车乱停放", "离线上报二：共享单车堵塞盲道")
    page.locator("[data-tab=nearby][role=tab]").click()
    page.locator(f"#nearby-list [data-outcome='{near.id}']").click()
    page.locator("#outcome-kinds button", has_text="劝阻").click()
    page.locator("#outcome-kinds button", has_text="整改").click()
    page.select_option("#outcome-target", "店外经营")
    page.locator("#count-plus").click()
    page.locator("#count-plus").click()
    page.locator("#outcome-save").click()
    _wait_pending(page, 3)

    response = page.reload()
    assert response.from_service_worker
    _open_app(page)
    _wait_pending(page, 3)
    page.locator("[data-tab=outbox][role=tab]").click()
    assert page.locator("#outbox-list [data-item]").count() == 3
    assert Problem.objects.count() == before["problems"]
    assert Outcome.objects.count() == before["outcomes"]

    context.set_offline(False)
    page.wait_for_function("document.querySelectorAll('#outbox-list [data-item]').length === 0", timeout=30000)
    # Sent once more for good measure: nothing is stored twice.
    page.evaluate("window.fieldApp.flush()")
    one = Problem.objects.get(description="离线上报一：路口堆放建筑垃圾")
    two = Problem.objects.get(description="离线上报二：共享单车堵塞盲道")
    assert Problem.objects.count() == before["problems"] + 2
    outcome = Outcome.objects.get(problem=near)
    assert (outcome.kinds, outcome.target_kind, outcome.count) == (["劝阻", "整改"], "店外经营", 3)
    for p in (one, two):
        assert AuditEvent.objects.filter(subject_type="patrol.problem", subject_id=str(p.id), verb="created").count() == 1
    assert _pending(page) == 0
    assert watch.off_host() == set(), f"requests left the machine: {watch.off_host()}"
    assert watch.errors == []
    context.close()


def test_the_team_lead_starts_the_shift_and_the_members_tablet_sends_its_track(live_server, browser):
    import datetime as dt

    from django.utils import timezone

    from org.models import Officer, Team
    from shifts.models import Fix, Shift
    from shifts.services.shifts import shift_create

    _demo()
    lead = get_user_model().objects.get(username="lead1")
    team = Team.objects.get(name="执法一队")
    me = Officer.objects.get(user__username="officer1")
    shift = shift_create(actor=lead, team_id=team.pk, date=timezone.localdate(), period="morning",
                         member_ids=[me.pk])

    lead_context, lead_watch = _context(browser, TABLET_LANDSCAPE)
    lead_page = lead_context.new_page()
    _sign_in(lead_page, live_server.url, "lead1", "/field/")
    _open_app(lead_page)
    lead_page.locator("[data-tab=shift][role=tab]").click()
    lead_page.locator(f"[data-shift-start='{shift.id}']").click()
    _eventually(lambda: Shift.objects.get(pk=shift.pk).status == "on_duty")
    lead_page.locator(f"[data-shift-end='{shift.id}']").wait_for()  # the list shows it on duty

    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.wait_for_function("window.fieldApp.state.onDutyShift !== null")
    # Walking north along 学院路: four positions, then the app's periodic batch.
    for step in range(1, 5):
        context.set_geolocation({"latitude": HERE["latitude"] + step * 0.0002, "longitude": HERE["longitude"]})
        page.wait_for_function(f"window.fieldApp.state.recorded >= {step}")
    page.evaluate("window.fieldApp.batchFixes()")
    _eventually(lambda: Fix.objects.filter(shift_id=shift.pk, officer=me).count() >= 4)
    fixes = list(Fix.objects.filter(shift_id=shift.pk, officer=me).order_by("t"))
    assert fixes[0].device_id.startswith("tablet-")
    assert all(abs(f.t - timezone.now()) < dt.timedelta(minutes=5) for f in fixes)

    for w in (lead_watch, watch):
        assert w.off_host() == set(), f"requests left the machine: {w.off_host()}"
        assert w.errors == []
    lead_context.close()
    context.close()


def _on_duty_today(*members: str):
    """The demo, and a shift of 执法一队 today that lead1 has started, with `members` (officer1
    by default): (shift, lead1, the first member's Officer)."""
    from django.utils import timezone

    from org.models import Officer, Team
    from shifts.services.shifts import shift_create, shift_start

    _demo()
    lead = get_user_model().objects.get(username="lead1")
    officers = [Officer.objects.get(user__username=u) for u in members or ("officer1",)]
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=timezone.localdate(),
                         period="morning", member_ids=[o.pk for o in officers])
    shift_start(actor=lead, shift_id=shift.pk)
    return shift, lead, officers[0]


def test_a_paused_track_resumes_with_a_fix_that_starts_a_new_piece(live_server, browser):
    """The tablet sent every fix as continuing the path, so a pause (暂停记录轨迹 in a car, or
    the page hidden with the GPS stopped) was joined up and counted as walked. Now nothing is
    recorded while paused, and the first fix of each stretch (the app opened, 继续记录轨迹, the
    page back with no fix while it was hidden) is sent with starts_piece; the others without."""

    from shifts.models import Fix

    shift, lead, me = _on_duty_today()

    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.wait_for_function("window.fieldApp.state.onDutyShift !== null && window.fieldApp.state.position !== null")
    at_hand = page.evaluate("window.fieldApp.state.fixes.length")  # the first position, if it came on duty
    lat = HERE["latitude"]

    def walk(steps: int):
        nonlocal lat
        for _ in range(steps):
            lat += 0.0002
            before = page.evaluate("window.fieldApp.state.recorded")
            context.set_geolocation({"latitude": lat, "longitude": HERE["longitude"]})
            page.wait_for_function(f"window.fieldApp.state.recorded > {before}")
        return lat

    walk(3)
    page.locator("[data-tab=shift][role=tab]").click()
    page.locator("#track-toggle", has_text="暂停记录轨迹").click()
    page.locator("#track-status", has_text="轨迹已暂停").wait_for()
    # The pause sends what was recorded before it (an upload that may still be under way here:
    # reading the queue's length before it ends raced with it on a loaded CI machine).
    page.wait_for_function("window.fieldApp.state.fixes.length === 0 && !window.fieldApp.state.batching")
    # Driven 600 m north: the app sees the position but records no fix.
    recorded = page.evaluate("window.fieldApp.state.recorded")
    lat += 0.006
    context.set_geolocation({"latitude": lat, "longitude": HERE["longitude"]})
    page.wait_for_function(f"window.fieldApp.state.position.lat === {lat}")
    assert page.evaluate("window.fieldApp.state.recorded") == recorded
    page.locator("#track-toggle", has_text="继续记录轨迹").click()
    page.locator("#track-status", has_text="正在记录轨迹").wait_for()
    resumed = walk(3) - 0.0004
    # The page hidden (another app in front, the GPS stopped: no fix), then back.
    page.evaluate("""() => { Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
        Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
        document.dispatchEvent(new Event("visibilitychange")); }""")
    back = walk(2) - 0.0002
    page.evaluate("window.fieldApp.batchFixes()")
    _eventually(lambda: Fix.objects.filter(shift_id=shift.pk, officer=me).count() >= at_hand + 8)

    fixes = list(Fix.objects.filter(shift_id=shift.pk, officer=me).order_by("t"))
    assert len(fixes) == at_hand + 8  # none while paused
    lats = [round(f.geom.transform(4326, clone=True).y, 6) for f in fixes]
    starts = [y for y, f in zip(lats, fixes, strict=True) if f.starts_piece]
    assert starts == [lats[0], round(resumed, 6), round(back, 6)]  # the app opened, resumed, back
    assert sum(f.starts_piece is None for f in fixes) == len(fixes) - 3
    assert watch.off_host() == set() and watch.errors == []
    context.close()


def test_a_pause_kept_per_shift_before_the_upgrade_holds_for_the_officer_signed_in(live_server, browser):
    """Found in review: the app kept the pause per shift (patrol-track-paused-<shift>) before
    it was per officer, so an officer who had paused (a ride in a car) when the app was
    upgraded found it recording again. The officer signed in takes that pause over."""
    shift, lead, me = _on_duty_today()

    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.evaluate(f"localStorage.setItem('patrol-track-paused-{shift.pk}', '1')")  # as the old app kept it
    page.reload()
    _open_app(page)
    page.wait_for_function("window.fieldApp.state.onDutyShift !== null")
    page.locator("[data-tab=shift][role=tab]").click()
    page.locator("#track-status", has_text="轨迹已暂停").wait_for()
    lat = HERE["latitude"] + 0.001
    context.set_geolocation({"latitude": lat, "longitude": HERE["longitude"]})
    page.wait_for_function(f"window.fieldApp.state.position && window.fieldApp.state.position.lat === {lat}")
    assert page.evaluate("window.fieldApp.state.recorded") == 0
    assert page.evaluate(f"localStorage.getItem('patrol-track-paused-{shift.pk}')") is None
    # resumed as any pause is; the old key does not come back to pause it again
    page.locator("#track-toggle", has_text="继续记录轨迹").click()
    page.reload()
    _open_app(page)
    page.locator("[data-tab=shift][role=tab]").click()
    page.locator("#track-status", has_text="正在记录轨迹").wait_for()
    assert watch.off_host() == set() and watch.errors == []
    context.close()


def _hide_and_show(page, *, while_hidden=None):
    """The page hidden (another app in front) and shown again, `while_hidden()` run between."""
    page.evaluate("""() => { Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange")); }""")
    if while_hidden:
        while_hidden()
    page.evaluate("""() => { Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
        document.dispatchEvent(new Event("visibilitychange")); }""")


def test_the_pause_is_the_officers_and_every_window_of_the_tablet_follows_it(live_server, browser):
    """Found in review: the pause was kept per shift only, so the next member to sign in on a
    shared tablet recorded no track; a second window (split screen) went on showing 正在记录
    and did not start a new stretch when the first resumed; and one fix recorded as the page
    hid (the GPS stopping after it) kept the break from being made when the page came back."""


    _on_duty_today("officer1", "lead1")

    context, watch = _context(browser, TABLET_PORTRAIT)
    first, second = context.new_page(), context.new_page()
    _sign_in(first, live_server.url, "officer1", "/field/")
    second.goto(f"{live_server.url}/field/")
    for page in (first, second):
        _open_app(page)
        page.wait_for_function("window.fieldApp.state.onDutyShift !== null && window.fieldApp.state.position !== null")
        page.locator("[data-tab=shift][role=tab]").click()
        page.evaluate("window.fieldApp.state.newPiece = false")  # the opening stretch began

    first.locator("#track-toggle", has_text="暂停记录轨迹").click()
    second.locator("#track-status", has_text="轨迹已暂停").wait_for()
    second.locator("#track-toggle", has_text="继续记录轨迹").wait_for()
    first.locator("#track-toggle", has_text="继续记录轨迹").click()
    second.locator("#track-status", has_text="正在记录轨迹").wait_for()
    assert second.evaluate("window.fieldApp.state.newPiece") is True

    def a_fix_while_hidden(lat_step: float, *, then_silence: bool):
        def step():
            recorded = first.evaluate("window.fieldApp.state.recorded")
            context.set_geolocation({"latitude": HERE["latitude"] + lat_step, "longitude": HERE["longitude"]})
            first.wait_for_function(f"window.fieldApp.state.recorded > {recorded}")
            if then_silence:
                first.evaluate("window.fieldApp.state.lastFixAt -= 60000")
        first.evaluate("window.fieldApp.state.newPiece = false")
        _hide_and_show(first, while_hidden=step)

    # one fix as the page hid, then nothing for a minute: the next stretch starts anew
    a_fix_while_hidden(0.0003, then_silence=True)
    assert first.evaluate("window.fieldApp.state.newPiece") is True
    # GPS on all along (fixes while hidden, the last a moment ago): the stretch goes on
    a_fix_while_hidden(0.0005, then_silence=False)
    assert first.evaluate("window.fieldApp.state.newPiece") is False

    # paused by officer1, who signs out; lead1 signs in on the same tablet and records
    first.locator("#track-toggle", has_text="暂停记录轨迹").click()
    first.locator("#track-status", has_text="轨迹已暂停").wait_for()
    second.close()
    _eventually(lambda: _pending(first) == 0)  # officer1's fixes sent before the tablet changes hands
    _sign_out(first, live_server.url)
    _sign_in(first, live_server.url, "lead1", "/field/")
    _open_app(first)
    first.wait_for_function("window.fieldApp.state.onDutyShift !== null")
    first.locator("[data-tab=shift][role=tab]").click()
    first.locator("#track-status", has_text="正在记录轨迹").wait_for()
    assert watch.off_host() == set() and watch.errors == [], watch.errors
    context.close()


def _officer1_on_duty_in_the_app(live_server, browser):
    """officer1's tablet with the app open on a shift on duty (_on_duty_today), its first fixes
    sent: (shift, lead1, officer1, context, watch, page)."""
    shift, lead, me = _on_duty_today()
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.wait_for_function("window.fieldApp.state.onDutyShift !== null && window.fieldApp.state.position !== null")
    page.evaluate("window.fieldApp.batchFixes()")
    _eventually(lambda: _pending(page) == 0)
    return shift, lead, me, context, watch, page


def _end_and_reload_the_list(page, lead, shift):
    """The lead ends the shift; the app reads the list again and finds it ended."""
    from shifts.services.shifts import shift_end

    shift_end(actor=lead, shift_id=shift.pk, queue_coverage=False)
    page.locator("[data-tab=shift][role=tab]").click()
    page.wait_for_function("window.fieldApp.state.onDutyShift === null")


def test_fixes_recorded_before_the_shift_ended_are_sent_under_it(live_server, browser):
    """Found in review: when the shift list came back with the shift ended, the fixes recorded
    since the last batch (up to 30 s of the walk) stayed in memory and were never sent."""

    from shifts.models import Fix

    shift, lead, me, context, watch, page = _officer1_on_duty_in_the_app(live_server, browser)
    sent = Fix.objects.filter(shift_id=shift.pk, officer=me).count()
    base = page.evaluate("window.fieldApp.state.recorded")
    for step in range(1, 4):
        context.set_geolocation({"latitude": HERE["latitude"] + step * 0.0002, "longitude": HERE["longitude"]})
        page.wait_for_function(f"window.fieldApp.state.recorded >= {base + step}")
    _end_and_reload_the_list(page, lead, shift)
    _eventually(lambda: Fix.objects.filter(shift_id=shift.pk, officer=me).count() == sent + 3)
    assert page.evaluate("window.fieldApp.state.fixes.length") == 0
    assert watch.off_host() == set() and watch.errors == []
    context.close()


def test_a_fix_recorded_while_a_batch_is_saved_as_the_shift_ends_is_sent_too(live_server, browser):
    """Found in review: a fix recorded while the 30 s batch was being saved (a slow write to the
    tablet's storage) stayed in memory once the shift had ended meanwhile: the batch after it
    had no shift on duty to go under. Each fix now keeps the shift it was recorded in."""
    from shifts.models import Fix

    shift, lead, me, context, watch, page = _officer1_on_duty_in_the_app(live_server, browser)
    sent = Fix.objects.filter(shift_id=shift.pk, officer=me).count()
    page.evaluate("""() => { const o = window.fieldApp.outbox; const add = o.add.bind(o);
        o.add = async (...a) => { await new Promise(r => setTimeout(r, 3000)); return add(...a); }; }""")
    context.set_geolocation({"latitude": HERE["latitude"] + 0.0002, "longitude": HERE["longitude"]})
    page.wait_for_function("window.fieldApp.state.fixes.length === 1")
    page.evaluate("() => { window.fieldApp.batchFixes(); }")  # saving, slowly
    context.set_geolocation({"latitude": HERE["latitude"] + 0.0004, "longitude": HERE["longitude"]})
    page.wait_for_function("window.fieldApp.state.fixes.length === 2 && window.fieldApp.state.batching")
    _end_and_reload_the_list(page, lead, shift)
    _eventually(lambda: Fix.objects.filter(shift_id=shift.pk, officer=me).count() == sent + 2)
    assert page.evaluate("window.fieldApp.state.fixes.length") == 0
    assert watch.off_host() == set() and watch.errors == []
    context.close()


def test_a_change_refused_meanwhile_is_kept_and_shown_not_lost(live_server, browser):
    _demo()
    officer = get_user_model().objects.get(username="officer1")
    supervisor = get_user_model().objects.get(username="supervisor1")
    contested, _ = problem_create(actor=officer, category_code="0504", lat=HERE["latitude"] + 0.0004,
                                  lon=HERE["longitude"], description="便道上停放机动车")
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.locator("[data-tab=nearby][role=tab]").click()
    page.locator(f"#nearby-list [data-problem='{contested.id}']").wait_for()
    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === '离线'")
    page.locator(f"#nearby-list [data-step='{contested.id}']").click()  # 现场处置, queued offline
    _wait_pending(page, 1)
    # The supervisor rejects the parked car meanwhile.
    problem_transition(actor=supervisor, problem_id=contested.id, target="rejected", reason="已驶离，不予立案")

    context.set_offline(False)
    page.locator("[data-tab=outbox][role=tab]").click()
    conflict = page.locator("#outbox-list li.conflict")
    conflict.wait_for(timeout=30000)
    text = conflict.inner_text()
    assert "状态变更" in text and f"#{contested.id}" in text and "未被接受" in text
    assert "不予立案" in text  # the server's reason: the problem is now 不予立案
    assert _pending(page) == 1  # still counted until the officer decides
    assert Problem.objects.get(pk=contested.id).status == "rejected"
    # Set aside by the officer (after a confirmation), it leaves the outbox.
    page.once("dialog", lambda d: d.accept())
    conflict.locator("[data-discard]").click()
    _wait_pending(page, 0)

    assert watch.off_host() == set(), f"requests left the machine: {watch.off_host()}"
    # The refused change's answer is a failed resource to the browser (409): the one error it logs.
    assert len(watch.errors) == 1 and "409" in watch.errors[0], watch.errors
    context.close()


def test_a_shared_tablet_never_sends_one_officers_work_under_anothers_name(live_server, browser):
    from org.models import Officer

    _demo()
    first = Officer.objects.get(user__username="officer1")
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    # officer2 has the tablet; in its outbox waits a report officer1 made before handing it over
    # (written to the device's IndexedDB as officer1's app writes it).
    _sign_in(page, live_server.url, "officer2", "/field/")
    _open_app(page)
    page.evaluate("""async (officer) => {
        const box = await FieldOutbox.open({csrf: "", urls: {}, officer});
        await box.add("report", {category: "0103", category_name: "积存垃圾渣土", lat: 39.99912, lon: 116.34636,
                                 description: "王队员交班前记下的积存垃圾", source: "patrol"}, []);
    }""", first.id)
    page.reload()
    _open_app(page)
    page.evaluate("window.fieldApp.flush()")
    _wait_pending(page, 1)
    page.locator("[data-tab=outbox][role=tab]").click()
    assert "由其他账号记录" in page.locator("#outbox-list [data-item]").inner_text()
    assert not Problem.objects.filter(description="王队员交班前记下的积存垃圾").exists()
    # Back with officer1 (a session of theirs on this browser): sent, under officer1's name.
    from django.test import Client

    client = Client()
    client.force_login(first.user)
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/field/")
    _open_app(page)
    assert page.evaluate("JSON.parse(document.getElementById('field-config').textContent).officer.id") == first.id
    page.evaluate("window.fieldApp.flush()")
    _eventually(lambda: Problem.objects.filter(description="王队员交班前记下的积存垃圾").exists())
    assert Problem.objects.get(description="王队员交班前记下的积存垃圾").reporter.username == "officer1"
    _wait_pending(page, 0)
    assert watch.off_host() == set(), f"requests left the machine: {watch.off_host()}"
    assert watch.errors == []
    context.close()


ITEMS = "async () => (await window.fieldApp.outbox.list()).map(i => [i.kind, i.state, i.status || null, i.message])"
LONG_CASE_NUMBER = "京海城执罚字〔2025〕第0001234号-学院路街道综合行政执法队-补充编号ABCDEFGHIJ-补充编号ABCDEFGHIJ"


def test_an_item_the_server_refuses_as_invalid_is_kept_to_fix_and_does_not_hold_up_the_rest(live_server, browser):
    _demo()
    officer = get_user_model().objects.get(username="officer1")
    near, _ = problem_create(actor=officer, category_code="0502", lat=HERE["latitude"], lon=HERE["longitude"],
                             description="门店在便道摆放货架")
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    # The dialog takes no more than the server does.
    page.locator("[data-tab=nearby][role=tab]").click()
    page.locator(f"#nearby-list [data-outcome='{near.id}']").click()
    page.locator("#outcome-kinds button", has_text="立案处罚").click()
    assert page.locator("#outcome-particulars input[name=case_number]").get_attribute("maxlength") == "50"
    page.locator("#outcome-cancel").click()
    # An outcome queued with a case number too long (an older release's dialog), then a report.
    page.evaluate("""([problem, caseNumber]) => window.fieldApp.outbox.add("outcome", {problem, body: {
        problem, kinds: ["立案处罚"], target_kind: "店外经营", count: 1, case_number: caseNumber}})""",
                  [near.id, LONG_CASE_NUMBER])
    _report(page, "积存垃圾渣土", "400之后排队的上报")
    _eventually(lambda: Problem.objects.filter(description="400之后排队的上报").exists())
    page.locator("[data-tab=outbox][role=tab]").click()
    conflict = page.locator("#outbox-list li.conflict")
    conflict.wait_for()
    # the report is saved on the server a moment before the app takes it out of its outbox
    refused = [["outcome", "conflict", 400, "请确保这个字段不能超过 50 个字符。"]]
    _eventually(lambda: page.evaluate(ITEMS) == refused, timeout=10)
    assert "请确保这个字段不能超过 50 个字符" in conflict.inner_text()
    # The officer fixes the case number and sends it again.
    conflict.locator("[data-edit]").click()
    page.locator("#outcome-dialog[open]").wait_for()
    case_number = page.locator("#outcome-particulars input[name=case_number]")
    assert case_number.input_value() == LONG_CASE_NUMBER
    assert "50" in page.locator("#outcome-error").inner_text()  # the server's words, in the dialog
    case_number.fill("京海城执罚字〔2025〕第0001234号")
    page.locator("#outcome-save").click()
    _wait_pending(page, 0)
    assert Outcome.objects.get(problem=near).case_number == "京海城执罚字〔2025〕第0001234号"
    assert watch.off_host() == set()
    assert len(watch.errors) == 1 and "400" in watch.errors[0], watch.errors  # the refused answer
    context.close()


def test_a_tab_never_sends_its_officers_work_under_the_session_another_tab_signed_in(live_server, browser):
    _demo()
    context, watch = _context(browser, TABLET_PORTRAIT)
    tab1 = context.new_page()
    _sign_in(tab1, live_server.url, "officer1", "/field/")
    _open_app(tab1)
    tab2 = context.new_page()
    _sign_out(tab2, live_server.url)
    _sign_in(tab2, live_server.url, "officer2", "/field/")
    # Back in tab 1, still 王队员's page, a report: held, not written under officer2's name.
    _report(tab1, "积存垃圾渣土", "标签页一上报")
    tab1.wait_for_function("document.getElementById('position-status').textContent.includes('另一账号')")
    assert tab1.evaluate(ITEMS) == [["report", "pending", None, "本机当前登录的是另一账号：记录它的账号重新登录后发送"]]
    assert not Problem.objects.filter(description="标签页一上报").exists()
    # officer1 signs in again: sent, under officer1's name.
    _sign_out(tab2, live_server.url)
    _sign_in(tab2, live_server.url, "officer1", "/field/")
    tab1.evaluate("window.fieldApp.flush()")
    _eventually(lambda: Problem.objects.filter(description="标签页一上报").exists())
    assert Problem.objects.get(description="标签页一上报").reporter.username == "officer1"
    assert watch.off_host() == set()
    context.close()


def test_a_full_device_says_so_and_keeps_the_gps_fixes_in_memory(live_server, browser):
    _demo()
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.evaluate("""() => { window.realAdd = IDBObjectStore.prototype.add;
        IDBObjectStore.prototype.add = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; }""")
    _report(page, "积存垃圾渣土", "存储已满时上报")
    page.wait_for_function("document.getElementById('report-error').textContent.includes('本机存储已满')")
    assert page.locator("#note").input_value() == "存储已满时上报"  # the form is kept to try again
    fixes = """async () => { const s = window.fieldApp.state; s.onDutyShift = {id: 1};
        s.fixes = [{t: new Date().toISOString(), lat: 39.999, lon: 116.346, accuracy_m: 5, speed_mps: null, heading_deg: null},
                   {t: new Date().toISOString(), lat: 39.9991, lon: 116.346, accuracy_m: 5, speed_mps: null, heading_deg: null}];
        await window.fieldApp.batchFixes();
        return {inMemory: s.fixes.length, inOutbox: (await window.fieldApp.outbox.list()).length,
                status: document.getElementById('position-status').textContent}; }"""
    full = page.evaluate(fixes)
    assert full["inMemory"] == 2 and full["inOutbox"] == 0 and "本机存储已满" in full["status"], full
    # Room again: the next batch saves them, and only then are they taken out of memory.
    page.evaluate("""async () => { IDBObjectStore.prototype.add = window.realAdd;
        window.fieldApp.flush = () => null; await window.fieldApp.batchFixes(); }""")
    after = page.evaluate("""async () => ({inMemory: window.fieldApp.state.fixes.length,
        queued: (await window.fieldApp.outbox.list()).filter(i => i.kind === 'fixes').map(i => i.payload.fixes.length)})""")
    assert after == {"inMemory": 0, "queued": [2]}, after
    assert watch.off_host() == set()
    context.close()


def test_after_signing_out_the_app_opened_offline_is_not_the_previous_officers(live_server, browser):
    _demo()
    context, watch = _context(browser, TABLET_PORTRAIT)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now through the worker: the page is kept
    _open_app(page)
    assert page.evaluate("caches.match('/field/').then(r => !!r)")
    _sign_out(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/login/")
    _eventually(lambda: not page.evaluate("caches.match('/field/').then(r => !!r)"), timeout=10)  # dropped
    # The tablet goes offline straight away and the app is opened: not as 王队员.
    context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/field/")
        opened_as = page.evaluate("(document.getElementById('field-config') || {}).textContent || ''")
    except Exception:  # noqa: BLE001 - no page at all (net::ERR_FAILED): nobody's
        opened_as = ""
    assert "王队员" not in opened_as
    context.close()
