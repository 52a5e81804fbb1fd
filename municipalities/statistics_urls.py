from django.urls import path

from . import statistics_views

urlpatterns = [
    path("statistieken/", statistics_views.StatisticsView.as_view(), name="dashboard_statistics"),
    path(
        "statistieken/<slug:table>.csv",
        statistics_views.StatisticsCsvView.as_view(),
        name="dashboard_statistics_csv",
    ),
    path("logboek/", statistics_views.AuditLogView.as_view(), name="dashboard_audit"),
]
