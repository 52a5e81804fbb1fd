"""Django's sign-in pages (no namespace: `login`, `password_reset` ...), with our forgot-password
views (rate-limited, mailed through the outbox, audited) and our logout (which also ends the session
at the municipality's sign-in service, accounts.oidc). The login page offers that sign-in when the
installation has one (`oidc_login_enabled`, asked when the page is shown)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import oidc, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(extra_context={"oidc_login_enabled": oidc.enabled}), name="login"),
    path("start/", views.StartPageView.as_view(), name="start_page"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
