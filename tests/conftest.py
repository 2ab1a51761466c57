import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the demo district loaded once for the session."""
    from django.contrib.auth import get_user_model

    from geodata.services.demo import demo_load
    from patrol.services.demo import demo_people_load

    with django_db_blocker.unblock():
        demo_load()
        get_user_model().objects.create_superuser("admin", password="patrol-demo")
        demo_people_load()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session", autouse=True)
def _network_index_checks_every_call():
    """Tests edit the network and locate at once: the index asks for the network's version
    on every call, not once per NETWORK_INDEX_CHECK_S as a server does."""
    from django.conf import settings

    settings.NETWORK_INDEX_CHECK_S = 0.0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the 未诉先办 forecast kept per day; rate limits count in
    the database, api.rate_counts, and go with the test's transaction)."""
    from django.core.cache import cache

    cache.clear()
    yield
