"""The product's URLs, unchanged, behind the bench-only views of `bench/bare/views.py`."""

from django.urls import include, path

from .views import EmptyStaffPage, bare_ballot, bare_insert

urlpatterns = [
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("bench/bare-ballot/<int:pk>/<int:village>/", bare_ballot, name="bench_bare_ballot"),
    path("bench/empty-staff-page/", EmptyStaffPage.as_view(), name="bench_empty_staff_page"),
    path("", include("config.urls")),
]
