from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.VerifyView.as_view(), name="mfa_verify"),
    path("herstelcode/", views.RecoveryVerifyView.as_view(), name="mfa_verify_recovery"),
    path("instellen/", views.SetupView.as_view(), name="mfa_setup"),
    path("inschrijven/<str:token>/", views.EnrolView.as_view(), name="mfa_enrol"),
    path("herstelcodes/", views.RecoveryCodesView.as_view(), name="mfa_recovery_codes"),
]
