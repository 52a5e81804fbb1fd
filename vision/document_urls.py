"""The vision document and the scans, under /trajecten/ (config/urls.py)."""

from django.urls import path

from . import document_views as views

urlpatterns = [
    path("<int:trajectory>/visie/", views.VisionDocumentView.as_view(), name="vision_document"),
    path("<int:trajectory>/visie/bewerken/", views.VisionEditView.as_view(), name="vision_edit"),
    path("<int:trajectory>/visie/versies/<int:number>/", views.VisionVersionView.as_view(), name="vision_version"),
    path("<int:trajectory>/visie/status/", views.VisionStatusView.as_view(), name="vision_status"),
    path("<int:trajectory>/visie/afdrukken/", views.VisionPrintView.as_view(), name="vision_print"),
    path("<int:trajectory>/scans/", views.ScanListView.as_view(), name="scan_list"),
    path("<int:trajectory>/scans/openen/", views.ScanOpenView.as_view(), name="scan_open"),
    path("<int:trajectory>/scans/<int:scan>/", views.ScanDetailView.as_view(), name="scan_detail"),
    path("<int:trajectory>/scans/<int:scan>/sluiten/", views.ScanCloseView.as_view(), name="scan_close"),
    path(
        "<int:trajectory>/scans/<int:scan>/uitnodigingen/<int:invitation>/heropenen/",
        views.ScanReopenView.as_view(),
        name="scan_reopen",
    ),
    # The member's personal link: no account, only the hash of the token is stored.
    path("scan/<str:token>/", views.ScanRespondView.as_view(), name="scan_respond"),
    path("scan/<str:token>/bedankt/", views.ScanThanksView.as_view(), name="scan_thanks"),
]
