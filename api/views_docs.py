"""The OpenAPI 3 schema and its documentation page, served by the site itself.

Swagger UI comes from drf-spectacular-sidecar (static files, no CDN). Its start script is a
separate request (`?script`, drf-spectacular's split view) and the page's template has no inline
style or script, so the documentation works under the site's strict Content-Security-Policy
without any exception.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication

from api.throttling import PublicClientThrottle


class SchemaView(SpectacularAPIView):
    throttle_classes = [PublicClientThrottle]


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    authentication_classes = [SessionAuthentication]  # the site's header shows who is logged in (GET only)
    throttle_classes = [PublicClientThrottle]
