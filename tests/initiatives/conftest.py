import pytest
from django.core.cache import cache

from tests.municipalities.factories import OfficerMembershipFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters of one test never count in another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    """An officer of a municipality of their own."""
    return OfficerMembershipFactory()


@pytest.fixture
def colleague(officer):
    """Another officer of the same municipality."""
    return OfficerMembershipFactory(municipality=officer.municipality)
