"""Middleware that knows no domain."""

from core import ratelimit


class ForwardedForCheckMiddleware:
    """Notices requests with X-Forwarded-For while NUM_PROXIES is 0 (core.ratelimit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ratelimit.note_forwarded_header(request)
        return self.get_response(request)
