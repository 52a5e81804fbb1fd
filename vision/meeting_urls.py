"""Meetings and action items of a trajectory (included under "trajecten/")."""

from django.urls import path

from . import meeting_views as views

meeting = "<int:trajectory>/bijeenkomsten/<int:meeting>"

urlpatterns = [
    path("<int:trajectory>/bijeenkomsten/", views.MeetingListView.as_view(), name="meeting_list"),
    path("<int:trajectory>/bijeenkomsten/nieuw/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path(f"{meeting}/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(f"{meeting}/wijzigen/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path(f"{meeting}/uitnodigen/", views.MeetingInviteView.as_view(), name="meeting_invite"),
    path(f"{meeting}/agenda.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path(f"{meeting}/aanwezigheid/", views.MeetingAttendanceView.as_view(), name="meeting_attendance"),
    path(f"{meeting}/verslag/", views.MeetingMinutesView.as_view(), name="meeting_minutes"),
    path(f"{meeting}/actiepunten/", views.ActionItemAddView.as_view(), name="action_item_add"),
    path("<int:trajectory>/actiepunten/", views.ActionItemListView.as_view(), name="action_item_list"),
    path("<int:trajectory>/actiepunten/<int:item>/klaar/", views.ActionItemDoneView.as_view(), name="action_item_done"),
]
