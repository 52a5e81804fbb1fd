"""The VO trajectory's pages, in the `vision` namespace, all under /trajecten/ (config/urls.py):
the facilitator's trajectories, meetings and action items, the vision document and the scans."""

from django.urls import path

from vision.views import documents, meetings, report, scans, trajectories

app_name = "vision"

meeting = "<int:trajectory>/bijeenkomsten/<int:meeting>"

urlpatterns = [
    path("", trajectories.TrajectoryListView.as_view(), name="trajectory_list"),
    # The association's report for its board: facilitators and admins only.
    path("rapportage/", report.AssociationReportView.as_view(), name="association_report"),
    path("rapportage/rapportage.pdf", report.AssociationReportPdfView.as_view(), name="association_report_pdf"),
    path("rapportage/rapportage.csv", report.AssociationReportCsvView.as_view(), name="association_report_csv"),
    path("<int:trajectory>/", trajectories.TrajectoryDetailView.as_view(), name="trajectory_detail"),
    path("<int:trajectory>/fasen/<int:stage>/", trajectories.StageEditView.as_view(), name="stage_edit"),
    path(
        "<int:trajectory>/fasen/<int:stage>/afronden/", trajectories.StageCompleteView.as_view(), name="stage_complete"
    ),
    path(
        "<int:trajectory>/fasen/<int:stage>/opleverpunten/",
        trajectories.StageChecklistView.as_view(),
        name="stage_checklist",
    ),
    path("<int:trajectory>/voortgangsgroep/nieuw/", trajectories.MemberAddView.as_view(), name="member_add"),
    path("<int:trajectory>/voortgangsgroep/<int:member>/", trajectories.MemberEditView.as_view(), name="member_edit"),
    path(
        "<int:trajectory>/voortgangsgroep/<int:member>/vertrekt/",
        trajectories.MemberLeaveView.as_view(),
        name="member_leave",
    ),
    path("<int:trajectory>/voorbeelden/nieuw/", trajectories.CaseAddView.as_view(), name="case_add"),
    path("<int:trajectory>/voorbeelden/<int:case>/", trajectories.CaseEditView.as_view(), name="case_edit"),
    path("<int:trajectory>/kosten/", trajectories.TrajectoryCostView.as_view(), name="trajectory_cost"),
    path("<int:trajectory>/bijeenkomsten/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("<int:trajectory>/bijeenkomsten/nieuw/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(f"{meeting}/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path(f"{meeting}/wijzigen/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path(f"{meeting}/uitnodigen/", meetings.MeetingInviteView.as_view(), name="meeting_invite"),
    path(f"{meeting}/agenda.ics", meetings.MeetingIcsView.as_view(), name="meeting_ics"),
    path(f"{meeting}/aanwezigheid/", meetings.MeetingAttendanceView.as_view(), name="meeting_attendance"),
    path(f"{meeting}/verslag/", meetings.MeetingMinutesView.as_view(), name="meeting_minutes"),
    path(f"{meeting}/actiepunten/", meetings.ActionItemAddView.as_view(), name="action_item_add"),
    path("<int:trajectory>/actiepunten/", meetings.ActionItemListView.as_view(), name="action_item_list"),
    path(
        "<int:trajectory>/actiepunten/<int:item>/klaar/", meetings.ActionItemDoneView.as_view(), name="action_item_done"
    ),
    path(
        "<int:trajectory>/actiepunten/<int:item>/wijzigen/",
        meetings.ActionItemEditView.as_view(),
        name="action_item_edit",
    ),
    path("<int:trajectory>/visie/", documents.VisionDocumentView.as_view(), name="vision_document"),
    path("<int:trajectory>/visie/bewerken/", documents.VisionEditView.as_view(), name="vision_edit"),
    path("<int:trajectory>/visie/versies/<int:number>/", documents.VisionVersionView.as_view(), name="vision_version"),
    path("<int:trajectory>/visie/vergelijken/", documents.VisionCompareView.as_view(), name="vision_compare"),
    path("<int:trajectory>/visie/status/", documents.VisionStatusView.as_view(), name="vision_status"),
    path("<int:trajectory>/visie/reacties/", documents.VisionCommentView.as_view(), name="vision_comment"),
    path("<int:trajectory>/visie/afdrukken/", documents.VisionPrintView.as_view(), name="vision_print"),
    path("<int:trajectory>/scans/", scans.ScanListView.as_view(), name="scan_list"),
    path("<int:trajectory>/scans/openen/", scans.ScanOpenView.as_view(), name="scan_open"),
    path("<int:trajectory>/scans/<int:scan>/", scans.ScanDetailView.as_view(), name="scan_detail"),
    path("<int:trajectory>/scans/<int:scan>/sluiten/", scans.ScanCloseView.as_view(), name="scan_close"),
    path("<int:trajectory>/scans/<int:scan>/resultaten.csv", scans.ScanExportView.as_view(), name="scan_export"),
    path("<int:trajectory>/scans/<int:scan>/herinneren/", scans.ScanRemindView.as_view(), name="scan_remind"),
    path(
        "<int:trajectory>/scans/<int:scan>/uitnodigingen/<int:invitation>/heropenen/",
        scans.ScanReopenView.as_view(),
        name="scan_reopen",
    ),
    # The member's answer to a meeting invitation: a signed personal link, no account.
    path("bijeenkomst/<str:token>/", meetings.MeetingRsvpView.as_view(), name="meeting_rsvp"),
    # The member's personal link: no account, only the hash of the token is stored.
    path("scan/<str:token>/", scans.ScanRespondView.as_view(), name="scan_respond"),
    path("scan/<str:token>/bedankt/", scans.ScanThanksView.as_view(), name="scan_thanks"),
]
