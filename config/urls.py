"""The root URLs: every app's own urls module, each in its namespace (`initiatives:officer_detail`)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
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
    # DKK facilitators: VO trajectories, meetings, vision documents and scans.
    path("trajecten/", include("vision.urls")),
    # The reset mail names the platform; the other auth views need nothing of ours.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(extra_email_context={"platform_name": platform_name()}),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", include("notifications.urls")),
    # Two-step sign-in for staff: the code, a recovery code, setting up the app, recovery codes.
    path("account/verificatie/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
