"""Every page of the initiatives app, in the `initiatives` namespace: the residents' pages (home,
intake form, tracking link, gallery, municipality and village pages) and the officers' dashboard."""

from django.urls import path, re_path

from initiatives.views import dashboard, officer, public, statistics, supports, theme, tracking, village_plans

app_name = "initiatives"

tracked = "initiatieven/volg/<str:token>"
published = r"initiatieven/(?P<reference>\d{4}-\d{4,6})/"
officer_initiative = "dashboard/initiatieven/<int:pk>"

urlpatterns = [
    # Residents and the public.
    path("", public.HomeView.as_view(), name="home"),
    path("initiatieven/", public.InitiativeGalleryView.as_view(), name="list"),
    path("initiatieven/nieuw/", public.InitiativeSubmitView.as_view(), name="submit"),
    path("initiatieven/nieuw/ontvangen/", public.InitiativeSubmittedView.as_view(), name="submitted"),
    path("initiatieven/link-kwijt/", public.LostLinkView.as_view(), name="lost_link"),
    path("initiatieven/link-kwijt/verstuurd/", public.LostLinkSentView.as_view(), name="lost_link_sent"),
    re_path(rf"^{published}$", public.PublicInitiativeView.as_view(), name="public"),
    re_path(rf"^{published}steunen/$", public.SupportGiveView.as_view(), name="support"),
    re_path(rf"^{published}steunen/verstuurd/$", supports.SupportSentView.as_view(), name="support_sent"),
    path("steun/bevestigen/<str:token>/", supports.SupportConfirmView.as_view(), name="support_confirm"),
    path("steun/intrekken/<str:token>/", supports.SupportWithdrawView.as_view(), name="support_withdraw"),
    path("gemeenten/<slug:slug>/", public.MunicipalityDetailView.as_view(), name="municipality"),
    path("gemeenten/<slug:municipality>/<slug:slug>/", public.VillageDetailView.as_view(), name="village"),
    # A municipality's own look: its stylesheet of design tokens, its logo and header image.
    path("gemeenten/<slug:slug>/huisstijl.css", theme.ThemeStylesheetView.as_view(), name="theme_css"),
    path("gemeenten/<slug:slug>/huisstijl/<slug:kind>", theme.ThemeImageView.as_view(), name="theme_image"),
    # The initiator's private link.
    path(f"{tracked}/", tracking.InitiativeTrackView.as_view(), name="track"),
    path(f"{tracked}/intrekken/", tracking.InitiativeWithdrawView.as_view(), name="withdraw"),
    path(f"{tracked}/tevredenheid/", tracking.InitiativeSatisfactionView.as_view(), name="satisfaction"),
    path(f"{tracked}/mijn-gegevens/", tracking.InitiativeDataExportView.as_view(), name="data_export"),
    path(f"{tracked}/bijlagen/<int:pk>/", tracking.TrackedAttachmentView.as_view(), name="track_attachment"),
    path(f"{tracked}/besluiten/<int:pk>/brief.pdf", tracking.TrackedDecisionLetterView.as_view(), name="track_letter"),
    # The officers' dashboard: the list, one initiative, statistics, a village's plans.
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.csv", dashboard.DashboardExportView.as_view(), name="dashboard_export"),
    path("dashboard/toewijzen/", dashboard.DashboardBulkAssignView.as_view(), name="bulk_assign"),
    path("dashboard/initiatieven/nieuw/", officer.InitiativeRegisterView.as_view(), name="officer_register"),
    path(f"{officer_initiative}/", officer.InitiativeOfficerView.as_view(), name="officer_detail"),
    path(f"{officer_initiative}/toewijzen/", officer.InitiativeAssignView.as_view(), name="officer_assign"),
    path(f"{officer_initiative}/status/", officer.InitiativeStatusView.as_view(), name="officer_status"),
    path(f"{officer_initiative}/bericht/", officer.InitiativeMessageView.as_view(), name="officer_message"),
    path(f"{officer_initiative}/rol/", officer.InitiativeRoleView.as_view(), name="officer_role"),
    path(f"{officer_initiative}/afspraken/", officer.AgreementAddView.as_view(), name="agreement_add"),
    path(
        f"{officer_initiative}/afspraken/<int:agreement_pk>/klaar/",
        officer.AgreementDoneView.as_view(),
        name="agreement_done",
    ),
    path(
        f"{officer_initiative}/steun/<int:support_pk>/reden-verbergen/",
        officer.SupportHideReasonView.as_view(),
        name="officer_support_hide",
    ),
    path(f"{officer_initiative}/besluit/", officer.InitiativeDecideView.as_view(), name="officer_decide"),
    path(
        f"{officer_initiative}/voorstellen/<int:proposal_pk>/goedkeuren/",
        officer.ProposalApproveView.as_view(),
        name="proposal_approve",
    ),
    path(
        f"{officer_initiative}/voorstellen/<int:proposal_pk>/terugsturen/",
        officer.ProposalSendBackView.as_view(),
        name="proposal_send_back",
    ),
    path(
        f"{officer_initiative}/voorstellen/<int:proposal_pk>/intrekken/",
        officer.ProposalWithdrawView.as_view(),
        name="proposal_withdraw",
    ),
    path(
        f"{officer_initiative}/publicatie/goedkeuren/",
        officer.PublicationApproveView.as_view(),
        name="officer_publication_approve",
    ),
    path(
        f"{officer_initiative}/publicatie/verbergen/",
        officer.PublicationHideView.as_view(),
        name="officer_publication_hide",
    ),
    path(f"{officer_initiative}/dubbel/", officer.InitiativeDuplicateView.as_view(), name="officer_duplicate"),
    path(
        f"{officer_initiative}/dubbel/ongedaan/",
        officer.InitiativeDuplicateUndoView.as_view(),
        name="officer_duplicate_undo",
    ),
    path(f"{officer_initiative}/doorsturen/", officer.InitiativeForwardView.as_view(), name="officer_forward"),
    path(
        f"{officer_initiative}/bijlagen/<int:attachment_pk>/",
        officer.OfficerAttachmentView.as_view(),
        name="officer_attachment",
    ),
    path(
        f"{officer_initiative}/besluiten/<int:decision_pk>/brief.pdf",
        officer.OfficerDecisionLetterView.as_view(),
        name="officer_letter",
    ),
    path("dashboard/subsidies/<int:grant_pk>/betaald/", officer.GrantPaidView.as_view(), name="grant_paid"),
    path("dashboard/subsidies/<int:grant_pk>/intrekken/", officer.GrantWithdrawView.as_view(), name="grant_withdraw"),
    path("dashboard/statistieken/", statistics.StatisticsView.as_view(), name="statistics"),
    path("dashboard/statistieken/<slug:table>.csv", statistics.StatisticsCsvView.as_view(), name="statistics_csv"),
    path("dashboard/dorpen/<int:village>/", village_plans.StaffVillageView.as_view(), name="village_plans"),
    path(
        "dashboard/dorpen/<int:village>/koppelen/", village_plans.PlanActionLinkView.as_view(), name="plan_action_link"
    ),
]
