from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("meldingen/", views.NotificationPreferenceView.as_view(), name="preferences"),
]
