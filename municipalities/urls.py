from django.urls import path

from villages.views import VillageDetailView

from . import views

urlpatterns = [
    path("<slug:slug>/", views.MunicipalityDetailView.as_view(), name="municipality_detail"),
    path("<slug:municipality>/<slug:slug>/", VillageDetailView.as_view(), name="village_detail"),
]
