"""The root URLs: every app's own urls module, each in its namespace (`initiatives:officer_detail`)."""

from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.context_processors import platform_name

admin.site.site_header = format_lazy(_("{platform}: management"), platform=platform_name())
admin.site.site_title = platform_name()
admin.site.index_title = _("Management")

urlpatterns = [
    path("", include("core.urls")),
    # Residents (home, intake, tracking, gallery, municipality and village pages) and officers
    # (the dashboard, one initiative, statistics, a village's plans).
    path("", include("initiatives.urls")),
    path("", include("audit.urls")),
    # Village budgets: a round's public pages and ballots, and the officers' pages of a round.
    path("", include("budgets.urls")),
    # DKK facilitators: VO trajectories, meetings, vision documents and scans.
    path("trajecten/", include("vision.urls")),
    # Logging in and out, changing and resetting the password (django.contrib.auth's pages; the
    # forgot-password ones are our own: rate-limited, mailed through the outbox, audited).
    path("accounts/", include("accounts.auth_urls")),
    # Logging in with the municipality's account (OpenID Connect): to the provider, the way back
    # (the redirect URI to register there: /accounts/gemeente/callback/), and why it was refused.
    # They answer 404 when the installation has no provider (README).
    path("accounts/gemeente/", include("accounts.oidc_urls")),
    path("account/", include("notifications.urls")),
    # Two-step sign-in for staff: the code, a recovery code, the enrolment link, setting up the
    # app, recovery codes.
    path("account/verificatie/", include("accounts.urls")),
    # The open-data API (read-only, public) and its OpenAPI schema and documentation.
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
