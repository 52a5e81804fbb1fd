"""Logging in with the municipality's account (OpenID Connect, accounts/oidc.py): namespace `oidc`."""

from django.urls import path

from accounts import views

app_name = "oidc"

urlpatterns = [
    path("inloggen/", views.OIDCLoginView.as_view(), name="login"),
    path("callback/", views.OIDCCallbackView.as_view(), name="callback"),
    path("niet-ingelogd/", views.OIDCRefusedView.as_view(), name="refused"),
]
