"""Review (2026-12): a shift that runs past midnight and the field app's shift tab."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from .conftest import CHROMIUM_ARGS  # noqa: F401
from .test_admin_people import _demo
from .test_field_app import TABLET_PORTRAIT, _context, _open_app, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_yesterdays_evening_shift_still_on_duty_after_midnight_stays_on_duty_in_the_app(live_server, browser):
    """Yesterday's evening shift, started and not ended (it runs late, past midnight; or a night
    shift of SHIFT_PERIODS such as 20:00-02:00). The app asks the API for today's shifts only
    (?date=today), so once the tablet loads the list after midnight (opening the shift tab, a
    reload) the shift on duty is not there: the tablet stops recording the member's track and
    the lead has no 结束班次 button for it."""
    from django.utils import timezone

    from org.models import Officer, Team
    from shifts.services.shifts import shift_create, shift_start

    _demo()
    lead = get_user_model().objects.get(username="lead1")
    me = Officer.objects.get(user__username="officer1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk,
                         date=timezone.localdate() - dt.timedelta(days=1), period="evening", member_ids=[me.pk])
    shift_start(actor=lead, shift_id=shift.pk)

    context, _watch = _context(browser, TABLET_PORTRAIT)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _sign_in(page, live_server.url, "lead1", "/field/")
    _open_app(page)
    page.locator("[data-tab=shift][role=tab]").click()
    page.locator(f"[data-shift-end='{shift.id}']").wait_for()  # the lead can end the shift on duty
    context.close()


def test_shift_times_are_the_platforms_whatever_zone_the_tablet_is_set_to(live_server, browser):
    """A tablet left on UTC (or bought abroad) showed a 早班 of 07:00–15:00 Beijing time as
    23:00–07:00: the app formatted times in the device's zone."""
    from django.utils import timezone

    from org.models import Officer, Team
    from shifts.services.shifts import shift_create

    _demo()
    lead = get_user_model().objects.get(username="lead1")
    me = Officer.objects.get(user__username="officer1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=timezone.localdate(),
                         period="morning", member_ids=[me.pk])
    local = timezone.localtime
    expected = f"{local(shift.starts_at):%H:%M}–{local(shift.ends_at):%H:%M}"

    context = browser.new_context(viewport=TABLET_PORTRAIT, locale="zh-CN", timezone_id="UTC")
    context.set_default_timeout(30_000)
    page = context.new_page()
    _sign_in(page, live_server.url, "lead1", "/field/")
    _open_app(page)
    page.locator("[data-tab=shift][role=tab]").click()
    item = page.locator(f"li[data-shift='{shift.id}'] .muted")
    item.wait_for()
    assert expected in item.inner_text()
    context.close()


def test_the_nearby_tab_says_how_to_go_on_when_the_device_will_not_locate(live_server, browser):
    """With location refused the nearby tab said 等待定位… for good; a place picked on the report
    map is what it can look around instead."""
    _demo()
    context, _watch = _context(browser, TABLET_PORTRAIT, geolocation=False)
    context.set_default_timeout(30_000)
    page = context.new_page()
    _sign_in(page, live_server.url, "officer1", "/field/")
    _open_app(page)
    page.locator("[data-tab=nearby][role=tab]").click()
    status = page.locator("#nearby-status")
    page.wait_for_function("document.getElementById('nearby-status').textContent.includes('未允许定位')")
    assert "上报问题" in status.inner_text()
    # a place picked on the report map: the tab then shows what is around it
    page.locator("[data-tab=report][role=tab]").click()
    page.locator("#report-map").click(position={"x": 200, "y": 200})
    page.locator("[data-tab=nearby][role=tab]").click()
    page.wait_for_function("document.getElementById('nearby-status').textContent.includes('附近未办结问题')")
    context.close()


def test_todays_planned_shift_is_listed_whatever_day_the_tablets_own_zone_has_reached(live_server, browser):
    """The app asked for ?date= of the tablet's own calendar day: a tablet on UTC asks for
    yesterday until 08:00 Beijing time, so at 07:00 the lead saw no 早班 to start (开始班次) and
    the members no shift. Today is the platform's day (TIME_ZONE, in the app's config).

    The tablet's zone is chosen so that its date differs from Beijing's now, whatever the hour:
    Pago Pago (UTC-11) is on the day before until 19:00 Beijing time, Kiritimati (UTC+14) on the
    day after from 18:00."""
    from django.utils import timezone

    from org.models import Officer, Team
    from shifts.services.shifts import shift_create

    _demo()
    lead = get_user_model().objects.get(username="lead1")
    me = Officer.objects.get(user__username="officer1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=timezone.localdate(),
                         period="morning", member_ids=[me.pk])
    zone = "Pacific/Pago_Pago" if timezone.localtime().hour < 18 else "Pacific/Kiritimati"

    context = browser.new_context(viewport=TABLET_PORTRAIT, locale="zh-CN", timezone_id=zone)
    context.set_default_timeout(30_000)
    page = context.new_page()
    _sign_in(page, live_server.url, "lead1", "/field/")
    _open_app(page)
    assert page.evaluate("new Date().getDate()") != timezone.localdate().day  # the tablet is on another day
    page.locator("[data-tab=shift][role=tab]").click()
    page.locator(f"[data-shift-start='{shift.id}']").wait_for()  # the lead can start today's shift
    context.close()
