from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("export.csv", dashboard_views.DashboardExportView.as_view(), name="dashboard_export"),
    path("toewijzen/", dashboard_views.DashboardBulkAssignView.as_view(), name="dashboard_bulk_assign"),
]
