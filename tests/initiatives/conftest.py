import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters of one test never count in another."""
    cache.clear()
    yield
    cache.clear()
