from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config import views
from config.context_processors import platform_name

admin.site.site_header = format_lazy(_("{platform}: management"), platform=platform_name())
admin.site.site_title = platform_name()
admin.site.index_title = _("Management")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("toegankelijkheid/", views.AccessibilityView.as_view(), name="accessibility"),
    path("healthz/", views.healthz, name="healthz"),
    path("initiatieven/", include("initiatives.urls")),
    path("gemeenten/", include("municipalities.urls")),
    # The officers' dashboard: the list, one initiative, statistics and the audit log.
    path("dashboard/", include("municipalities.dashboard_urls")),
    path("dashboard/", include("initiatives.officer_urls")),
    path("dashboard/", include("municipalities.statistics_urls")),
    path("dashboard/dorpen/", include("villages.staff_urls")),
    # DKK facilitators: VO trajectories, meetings, vision documents and scans.
    path("trajecten/", include("vision.trajectory_urls")),
    path("trajecten/", include("vision.meeting_urls")),
    path("trajecten/", include("vision.document_urls")),
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
