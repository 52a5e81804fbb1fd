"""A fixed-window rate limit per client (or per another value, such as an email address), kept in
the cache (Redis in production).

The client's IP address (or the value) is hashed before it becomes a cache key: it is never stored.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

PROXY_MISCONFIGURED = "X-Forwarded-For seen but NUM_PROXIES=0"
_forwarded_without_proxies = False  # per process: once seen, /healthz/ says so until a restart


def note_forwarded_header(request) -> None:
    """Tell the operator once when a proxy forwards addresses the app does not trust.

    With NUM_PROXIES=0 behind a proxy, every visitor has the proxy's address: one rate limit and
    one login lockout for everybody. The header's value (visitors' addresses) is never logged.
    """
    global _forwarded_without_proxies
    if _forwarded_without_proxies or settings.NUM_PROXIES or "HTTP_X_FORWARDED_FOR" not in request.META:
        return
    _forwarded_without_proxies = True
    logger.warning(
        "%s: every visitor shares the proxy's address for rate limits and the login lockout; "
        "set NUM_PROXIES to the number of proxies in front of the app.",
        PROXY_MISCONFIGURED,
    )


def proxy_warning() -> str:
    """What /healthz/ reports about proxies: empty while nothing is wrong."""
    return PROXY_MISCONFIGURED if _forwarded_without_proxies else ""


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies (NUM_PROXIES) saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.NUM_PROXIES and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.NUM_PROXIES:
            return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, request, value: str | None) -> str:
    """The cache key of `scope` for the client, or for `value` (an email address, say) if given;
    either is hashed first."""
    subject = client_ip(request) if value is None else value
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope: str, request, *, limit: int, value: str | None = None) -> bool:
    return (cache.get(_key(scope, request, value)) or 0) >= limit


def record(scope: str, request, *, period: int, value: str | None = None) -> None:
    key = _key(scope, request, value)
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy of it
    if isinstance(backend, RedisCache):
        # One round trip, atomic (MULTI/EXEC): a new window of `period` seconds starts at 0, then
        # the count goes up. Django's add + incr took three (SET NX, EXISTS, INCR).
        full_key = backend.make_and_validate_key(key)
        with backend._cache.get_client(full_key, write=True).pipeline(transaction=True) as pipe:
            pipe.set(full_key, 0, ex=period, nx=True)
            pipe.incr(full_key)
            pipe.execute()
        return
    if not cache.add(key, 1, timeout=period):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period)
