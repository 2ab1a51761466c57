import time
import warnings

import pytest

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from phoning home (the machine's network is closed anyway).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def _requests_done_before_the_flush(request):
    """After a test with a live server, wait (up to 5 s) until no other connection to the test
    database is busy: a map request still running when the test's database is flushed holds
    a lock that deadlocked the flush's TRUNCATE once. (Set up after the database and the live
    server, so that this runs before the flush. It narrows the race, it cannot close it: a
    request between two statements looks idle.)"""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    request.getfixturevalue("live_server")
    yield
    from django.db import connection

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'")
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
    warnings.warn("the live server still had a busy database connection 5 s after the test", stacklevel=1)
