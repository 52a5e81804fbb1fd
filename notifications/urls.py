from django.urls import path

from . import views

urlpatterns = [
    path("meldingen/", views.NotificationPreferenceView.as_view(), name="notification_preferences"),
]
