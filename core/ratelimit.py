"""A fixed-window rate limit per client, kept in the cache (Redis in production).

The client's IP address is hashed before it becomes a cache key: it is never stored.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies (NUM_PROXIES) saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.NUM_PROXIES and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.NUM_PROXIES:
            return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, request) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope: str, request, *, limit: int) -> bool:
    return (cache.get(_key(scope, request)) or 0) >= limit


def record(scope: str, request, *, period: int) -> None:
    key = _key(scope, request)
    if not cache.add(key, 1, timeout=period):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period)
