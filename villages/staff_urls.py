"""A village for staff (officers, DKK facilitators), under /dashboard/dorpen/."""

from django.urls import path

from . import staff_views as views

urlpatterns = [
    path("<int:village>/", views.StaffVillageView.as_view(), name="staff_village"),
    path("<int:village>/koppelen/", views.PlanActionLinkView.as_view(), name="plan_action_link"),
]
