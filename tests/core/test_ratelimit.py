"""NUM_PROXIES=0 behind a proxy: every visitor shares one address. The operator is told."""

import json
import logging

import pytest
from django.urls import reverse

from core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    """Each test starts as a process that has not seen a forwarded request yet."""
    monkeypatch.setattr(ratelimit, "_forwarded_without_proxies", False, raising=False)


def healthz(client):
    response = client.get(reverse("core:healthz"))
    return response.status_code, json.loads(response.content)


def test_forwarded_requests_without_trusted_proxies_show_in_healthz_and_warn_once(client, settings, caplog):
    settings.NUM_PROXIES = 0
    status, body = healthz(client)
    assert status == 200
    assert "proxy" not in body

    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7")
        client.get("/initiatieven/", HTTP_X_FORWARDED_FOR="198.51.100.8")

    warnings = [record for record in caplog.records if record.name == "core.ratelimit"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "X-Forwarded-For seen but NUM_PROXIES=0" in warnings[0].getMessage()
    assert "198.51.100" not in caplog.text  # visitors' addresses stay out of the log
    status, body = healthz(client)
    assert status == 200
    assert body["proxy"] == "X-Forwarded-For seen but NUM_PROXIES=0"
    assert {"status", "database", "broker", "version"} <= body.keys()


def test_the_health_probe_through_the_proxy_notices_it_too(client, settings):
    settings.NUM_PROXIES = 0
    response = client.get(reverse("core:healthz"), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert json.loads(response.content)["proxy"] == "X-Forwarded-For seen but NUM_PROXIES=0"


def test_no_warning_when_the_proxies_are_configured(client, settings, caplog):
    settings.NUM_PROXIES = 1
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert not [record for record in caplog.records if record.name == "core.ratelimit"]
    assert "proxy" not in healthz(client)[1]


def test_no_warning_without_a_proxy(client, settings):
    settings.NUM_PROXIES = 0
    client.get("/")
    assert "proxy" not in healthz(client)[1]


def test_record_counts_in_a_window_of_its_own(rf):
    """On Redis one atomic round trip per record (a new window starts with its period); on the
    local-memory cache of the tests Django's add and incr. Both count the same."""
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.redis import RedisCache

    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    key = ratelimit._key("test-window", request, None)
    caches[DEFAULT_CACHE_ALIAS].delete(key)
    assert not ratelimit.is_limited("test-window", request, limit=1)
    for _ in range(3):
        ratelimit.record("test-window", request, period=600)
    assert caches[DEFAULT_CACHE_ALIAS].get(key) == 3
    assert ratelimit.is_limited("test-window", request, limit=3)
    assert not ratelimit.is_limited("test-window", request, limit=4)
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        assert 0 < backend._cache.get_client(full_key).ttl(full_key) <= 600  # the first record's window
    backend.delete(key)
