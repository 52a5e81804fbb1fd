"""The product's URLs, unchanged, behind two extra paths for the bench's bare insert views."""

from django.urls import include, path

from .views import bare_ballot, bare_insert

urlpatterns = [
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("bench/bare-ballot/<int:pk>/<int:village>/", bare_ballot, name="bench_bare_ballot"),
    path("", include("config.urls")),
]
