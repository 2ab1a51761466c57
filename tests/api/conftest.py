import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with nothing counted against the rate limits (api/limits.py): the
    counts live in the per-process cache and would otherwise carry over between tests."""
    cache.clear()
    yield
    cache.clear()
