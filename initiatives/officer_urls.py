"""The officer's pages of one initiative (included under "dashboard/")."""

from django.urls import path

from . import officer_views as views

urlpatterns = [
    path("initiatieven/nieuw/", views.InitiativeRegisterView.as_view(), name="dashboard_initiative_register"),
    path("initiatieven/<int:pk>/", views.InitiativeOfficerView.as_view(), name="dashboard_initiative"),
    path("initiatieven/<int:pk>/toewijzen/", views.InitiativeAssignView.as_view(), name="dashboard_initiative_assign"),
    path("initiatieven/<int:pk>/status/", views.InitiativeStatusView.as_view(), name="dashboard_initiative_status"),
    path("initiatieven/<int:pk>/bericht/", views.InitiativeMessageView.as_view(), name="dashboard_initiative_message"),
    path("initiatieven/<int:pk>/rol/", views.InitiativeRoleView.as_view(), name="dashboard_initiative_role"),
    path("initiatieven/<int:pk>/afspraken/", views.AgreementAddView.as_view(), name="dashboard_initiative_agreement"),
    path(
        "initiatieven/<int:pk>/afspraken/<int:agreement_pk>/klaar/",
        views.AgreementDoneView.as_view(),
        name="dashboard_initiative_agreement_done",
    ),
    path("initiatieven/<int:pk>/besluit/", views.InitiativeDecideView.as_view(), name="dashboard_initiative_decide"),
    path(
        "initiatieven/<int:pk>/bijlagen/<int:attachment_pk>/",
        views.OfficerAttachmentView.as_view(),
        name="dashboard_initiative_attachment",
    ),
    path("subsidies/<int:grant_pk>/betaald/", views.GrantPaidView.as_view(), name="dashboard_grant_paid"),
    path("subsidies/<int:grant_pk>/intrekken/", views.GrantWithdrawView.as_view(), name="dashboard_grant_withdraw"),
]
