"""Platform-wide pages that know no domain: privacy and accessibility statements, health check."""

import logging
import tomllib
from functools import cache
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

logger = logging.getLogger(__name__)


class PrivacyView(TemplateView):
    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_months"] = settings.INITIATOR_DATA_RETENTION_MONTHS
        return context


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"


# Health check ---------------------------------------------------------------------------


def check_database() -> bool:
    """True when the default database answers a trivial query."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unreachable")
        return False
    return True


def check_broker() -> bool:
    """True when the Celery broker accepts a connection within a short timeout."""
    try:
        app = current_app
        # kombu's filesystem transport needs its folders; it has no server to reach.
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            folder = (app.conf.broker_transport_options or {}).get(key)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
        timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False
    return True


@cache
def platform_version() -> str:
    version = getattr(settings, "APP_VERSION", "")
    if version:
        return version
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]
    except Exception:
        return "unknown"


@require_safe
def healthz(request):
    """Machine-readable health: 503 only when the database is down; a broker outage degrades."""
    try:
        database_ok = check_database()
        broker_ok = check_broker()
        if not database_ok:
            status, http_status = "error", 503
        elif not broker_ok:
            status, http_status = "degraded", 200
        else:
            status, http_status = "ok", 200
        body = {
            "status": status,
            "database": "ok" if database_ok else "error",
            "broker": "ok" if broker_ok else "error",
            "version": platform_version(),
        }
    except Exception:
        logger.exception("Health check failed")
        body, http_status = {"status": "error", "database": "error", "broker": "error", "version": "unknown"}, 503
    response = JsonResponse(body, status=http_status)
    response["Cache-Control"] = "no-store"
    return response
