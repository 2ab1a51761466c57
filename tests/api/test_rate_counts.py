"""The rate limits count in PostgreSQL (api.rate_counts), so that every worker of the server
counts a client together (in Django's default cache, each process's own memory, each
gunicorn worker gave a client the whole rate again); the counting itself is
api.domain.rates, which the SQL is held to."""
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from api.domain.rates import hit, wait_s
from api.models import RateCount as RateCountRow
from api.rate_counts import KEY_MAX, rate_count_hit, rate_key
from tests.api.test_throttling import LOCATE_NOTHING, assert_throttled, rates

ROOT = Path(__file__).resolve().parents[2]


# -- the counting (pure) --------------------------------------------------------------------------
times = st.lists(st.floats(min_value=0, max_value=20, allow_nan=False), min_size=1, max_size=60)


@given(gaps=times, limit=st.integers(1, 8), duration=st.sampled_from([1, 60, 3600]))
def test_no_window_of_a_client_allows_more_than_the_limit(gaps, limit, duration):
    count, now, allowed_in = None, 1.7e9, {}
    for gap in gaps:
        now += gap * duration / 10
        count = hit(count, now=now, limit=limit, duration=duration)
        if count.allowed:
            window = (count.origin, count.window_no)
            allowed_in[window] = allowed_in.get(window, 0) + 1
    assert max(allowed_in.values(), default=0) <= limit


@given(limit=st.integers(1, 50), duration=st.sampled_from([1, 60, 86400]))
def test_a_burst_from_a_new_client_gets_exactly_the_limit(limit, duration):
    count, answers = None, []
    for i in range(limit + 3):
        count = hit(count, now=1.7e9 + i * 1e-3, limit=limit, duration=duration)
        answers.append(count.allowed)
    assert answers == [True] * limit + [False] * 3


@given(gaps=times, limit=st.integers(1, 8), duration=st.sampled_from([1, 60, 3600]))
def test_the_wait_told_to_a_refused_client_is_the_wait_it_needs(gaps, limit, duration):
    count, now = None, 1.7e9
    for gap in gaps:
        now += gap * duration / 10
        count = hit(count, now=now, limit=limit, duration=duration)
        if not count.allowed:
            wait = wait_s(count, now=now, limit=limit, duration=duration)
            assert 0 < wait <= duration
            assert hit(count, now=now + wait + duration * 1e-6, limit=limit, duration=duration).allowed
            if wait > duration * 1e-3:
                assert not hit(count, now=now + wait - duration * 1e-4, limit=limit, duration=duration).allowed


# -- the statement ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_statement_counts_as_the_pure_counter_does():
    rng = random.Random(20261201)
    for case in range(40):
        limit, duration = rng.randint(0, 6), rng.choice([1, 60, 3600])
        key, count, now = f"throttle_test_{case}", None, 1.7e9 + rng.random()
        for _ in range(30):
            # mostly forward, sometimes a long pause, sometimes a clock a little behind
            now += rng.choice([0.0, 0.01, 0.3, 0.9, 2.5, -0.05]) * duration
            count = hit(count, now=now, limit=limit, duration=duration)
            stored = rate_count_hit(key=key, now=now, limit=limit, duration=duration)
            assert (stored.origin, stored.window_no, stored.hits, stored.prev_hits, stored.allowed) == (
                pytest.approx(count.origin), count.window_no, count.hits, count.prev_hits, count.allowed), (
                case, limit, duration)
            count = stored


@pytest.mark.django_db
def test_rows_that_count_nothing_are_pruned_when_a_new_client_comes():
    now = 1.7e9
    for i in range(5):
        rate_count_hit(key=f"old{i}", now=now, limit=5, duration=60)
    rate_count_hit(key="recent", now=now + 100, limit=5, duration=60)
    # the old ones expired at +120 (two windows after their first request); a client already
    # counted prunes nothing, so that its requests cost one statement each
    rate_count_hit(key="recent", now=now + 125, limit=5, duration=60)
    assert RateCountRow.objects.count() == 6
    rate_count_hit(key="new", now=now + 126, limit=5, duration=60)
    assert set(RateCountRow.objects.values_list("key", flat=True)) == {"recent", "new"}


def test_a_key_longer_than_a_row_takes_is_kept_apart_by_its_digest():
    short = "throttle_anon_10.0.0.1"
    assert rate_key(short) == short
    a, b = rate_key("throttle_anon_" + "x" * 5000), rate_key("throttle_anon_" + "x" * 4999 + "y")
    assert len(a) == len(b) == KEY_MAX and a != b


@pytest.mark.django_db
def test_a_forwarded_for_of_any_length_is_counted_not_a_500():
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/min"}}
    client = Client(HTTP_X_FORWARDED_FOR="x" * 5000)
    with override_settings(REST_FRAMEWORK=rest):
        assert client.get(LOCATE_NOTHING).status_code == 400
        assert_throttled(client.get(LOCATE_NOTHING))


@pytest.mark.django_db
def test_a_counted_request_costs_one_query():
    client = Client()
    with rates(anon="100/min"):
        client.get(LOCATE_NOTHING)  # the first of a client: its row, and a look for rows to prune
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOCATE_NOTHING).status_code == 400
        assert len(queries) == 1, [q["sql"] for q in queries]


# -- two processes ---------------------------------------------------------------------------------
_OTHER_WORKER = """
import json
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="10.7.7.7")
print(json.dumps([client.get("/api/v1/locate?q=").status_code for _ in range(2)]))
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_count_one_client_together():
    """What two gunicorn workers do: this process and another, each with its own connection
    (and, before, its own cache), answer the same client under one limit."""
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    # a day's window: the few seconds this takes never straddle two of them
    env = {**os.environ, "DATABASE_URL": url, "THROTTLE_ANON": "3/day", "NETWORK_INDEX_WARM": "0",
           "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "config.settings"}
    here = Client(REMOTE_ADDR="10.7.7.7")
    with rates(anon="3/day"):
        assert [here.get(LOCATE_NOTHING).status_code for _ in range(2)] == [400, 400]
        other = subprocess.run([sys.executable, "-c", _OTHER_WORKER], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=120)
        assert other.returncode == 0, other.stderr
        assert json.loads(other.stdout.strip().splitlines()[-1]) == [400, 429]  # the third, then one too many
        response = here.get(LOCATE_NOTHING)
        assert_throttled(response, period_s=86400)
        assert math.isclose(int(response["Retry-After"]), 86400, rel_tol=0.01)
    assert RateCountRow.objects.get(key="throttle_anon_10.7.7.7").hits == 3
