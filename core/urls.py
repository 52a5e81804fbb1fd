from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("toegankelijkheid/", views.AccessibilityView.as_view(), name="accessibility"),
    path("healthz/", views.healthz, name="healthz"),
]
