"""The facilitator's trajectory pages, under /trajecten/ (meetings and documents have their own modules)."""

from django.urls import path

from . import trajectory_views as views

urlpatterns = [
    path("", views.TrajectoryListView.as_view(), name="trajectory_list"),
    path("<int:trajectory>/", views.TrajectoryDetailView.as_view(), name="trajectory_detail"),
    path("<int:trajectory>/fasen/<int:stage>/", views.StageEditView.as_view(), name="stage_edit"),
    path("<int:trajectory>/fasen/<int:stage>/afronden/", views.StageCompleteView.as_view(), name="stage_complete"),
    path(
        "<int:trajectory>/opleverpunten/<int:deliverable>/",
        views.DeliverableToggleView.as_view(),
        name="deliverable_toggle",
    ),
    path("<int:trajectory>/voortgangsgroep/nieuw/", views.MemberAddView.as_view(), name="member_add"),
    path("<int:trajectory>/voortgangsgroep/<int:member>/", views.MemberEditView.as_view(), name="member_edit"),
    path(
        "<int:trajectory>/voortgangsgroep/<int:member>/vertrekt/",
        views.MemberLeaveView.as_view(),
        name="member_leave",
    ),
    path("<int:trajectory>/voorbeelden/nieuw/", views.CaseAddView.as_view(), name="case_add"),
    path("<int:trajectory>/voorbeelden/<int:case>/", views.CaseEditView.as_view(), name="case_edit"),
    path("<int:trajectory>/kosten/", views.TrajectoryCostView.as_view(), name="trajectory_cost"),
]
