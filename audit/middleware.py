from audit.services import current_origin
from core.ratelimit import client_ip


class AuditOriginMiddleware:
    """Makes the client's address available to audit_log() for the length of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_origin.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
