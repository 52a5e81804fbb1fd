"""The product's URLs, unchanged, behind one extra path for the bench's bare insert view."""

from django.urls import include, path

from .views import bare_insert

urlpatterns = [
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("", include("config.urls")),
]
