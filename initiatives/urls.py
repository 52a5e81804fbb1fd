from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.InitiativeGalleryView.as_view(), name="initiative_list"),
    path("nieuw/", views.InitiativeSubmitView.as_view(), name="initiative_submit"),
    path("nieuw/ontvangen/", views.InitiativeSubmittedView.as_view(), name="initiative_submitted"),
    path("link-kwijt/", views.LostLinkView.as_view(), name="lost_link"),
    path("link-kwijt/verstuurd/", views.LostLinkSentView.as_view(), name="lost_link_sent"),
    path("volg/<str:token>/", views.InitiativeTrackView.as_view(), name="initiative_track"),
    path("volg/<str:token>/intrekken/", views.InitiativeWithdrawView.as_view(), name="initiative_withdraw"),
    path("volg/<str:token>/tevredenheid/", views.InitiativeSatisfactionView.as_view(), name="initiative_satisfaction"),
    path("volg/<str:token>/mijn-gegevens/", views.InitiativeDataExportView.as_view(), name="initiative_data_export"),
    path(
        "volg/<str:token>/bijlagen/<int:pk>/", views.TrackedAttachmentView.as_view(), name="initiative_track_attachment"
    ),
    re_path(r"^(?P<reference>\d{4}-\d{4,6})/$", views.PublicInitiativeView.as_view(), name="initiative_public"),
]
