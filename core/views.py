"""Platform-wide pages that know no domain (privacy and accessibility statements, health check),
and the mixins of the form views that call one service."""

import logging
import tomllib
from functools import cache
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core import ratelimit
from core.forms import add_service_error

logger = logging.getLogger(__name__)


class PrivacyView(TemplateView):
    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_months"] = settings.INITIATOR_DATA_RETENTION_MONTHS
        return context


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"


# Form views that call one service -------------------------------------------------------


class ServiceFormMixin:
    """For a FormView: a valid form makes one service call, then the browser is redirected.

    `act(data)` calls the service with `service_data(form)` (the cleaned data, unless a view
    says otherwise). A ValidationError from it is shown at the fields it names
    (`add_service_error`) and the form is handled as invalid. Otherwise `success_message` is
    shown (when set; `act` may set it) and the browser goes to `get_success_url()`
    (POST/redirect/GET).
    """

    success_message = ""

    def act(self, data: dict) -> None:
        raise NotImplementedError

    def service_data(self, form) -> dict:
        return form.cleaned_data

    def form_valid(self, form):
        try:
            self.act(self.service_data(form))
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class PageActionMixin(ServiceFormMixin):
    """For a FormView: one of the small forms of a page, posted to its own view.

    POST only (a view that also shows the page with its form filled in allows GET). The form
    has its prefix (`get_prefix()`), as on the page. After the service call the browser goes
    back to `get_page_url()`, at `#anchor` when set. An invalid form, or one the service
    refused, shows the page again from `template_name`: the context of the view with
    `get_page_context(form)`, the page's own context with this bound form in place of its
    blank one.
    """

    http_method_names = ["post"]
    anchor = ""  # the section of the page to return to

    def get_page_url(self) -> str:
        raise NotImplementedError

    def get_page_context(self, form) -> dict:
        raise NotImplementedError

    def get_success_url(self) -> str:
        url = self.get_page_url()
        return f"{url}#{self.anchor}" if self.anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.get_page_context(context.pop("form")))
        return context


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
    """Machine-readable health: 503 only when the database is down; a broker outage degrades.

    `proxy` appears when requests came with X-Forwarded-For while NUM_PROXIES is 0.
    """
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
        if proxy := ratelimit.proxy_warning():
            body["proxy"] = proxy  # a warning for the operator, not an outage: the status stays
    except Exception:
        logger.exception("Health check failed")
        body, http_status = {"status": "error", "database": "error", "broker": "error", "version": "unknown"}, 503
    response = JsonResponse(body, status=http_status)
    response["Cache-Control"] = "no-store"
    return response
