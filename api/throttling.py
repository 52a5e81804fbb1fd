"""Rate limits of the API, kept in the cache like every other limit (core/ratelimit.py).

Anonymous clients count per IP address (the address the trusted proxies saw), hashed before it
becomes a cache key; staff API keys count per key.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.ratelimit import client_ip


class PublicClientThrottle(SimpleRateThrottle):
    scope = "api_public"

    def get_rate(self):
        return settings.API_PUBLIC_RATE

    def get_cache_key(self, request, view):
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request._request)}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"


class ApiKeyThrottle(SimpleRateThrottle):
    """Per staff API key (request.auth, set by ApiKeyAuthentication)."""

    scope = "api_key"

    def get_rate(self):
        return settings.API_KEY_RATE

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return f"ratelimit:{self.scope}:{request.auth.pk}"
