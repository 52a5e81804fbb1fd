"""Choice lists kept under the digest of their rows (core.choices): never stale, on PostgreSQL
kept between requests; the dashboard shows a changed village, officer, theme or fund at once."""

import pytest
from django.db import connection

from core import choices
from core.choices import EMPTY_DIGEST, digest_sql, kept, rows_with_digest
from tests.initiatives.factories import ThemeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory
from villages.models import Village

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="digests are PostgreSQL's")

DASHBOARD = "/dashboard/"


def digest_of(queryset) -> str:
    sql, params = digest_sql(queryset)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


def villages():
    return Village.objects.order_by("name", "pk").values_list("pk", "name")


@postgresql_only
def test_the_rows_and_their_digest_agree_with_the_digest_alone():
    assert rows_with_digest(villages()) == ([], EMPTY_DIGEST)
    assert digest_of(villages()) == EMPTY_DIGEST
    first = VillageFactory(name='Aa, "de" (oost)\nnoord')
    second = VillageFactory(name="Bb")
    rows, digest = rows_with_digest(villages())
    assert rows == [(first.pk, first.name), (second.pk, second.name)]
    assert digest == digest_of(villages())


@postgresql_only
def test_any_change_of_a_row_gives_another_digest():
    village = VillageFactory(name="Oosterdorp")
    before = digest_of(villages())
    Village.objects.filter(pk=village.pk).update(name="Westerdorp")  # no signal: the digest still sees it
    renamed = digest_of(villages())
    VillageFactory(name="Zuiderdorp")
    added = digest_of(villages())
    assert len({before, renamed, added}) == 3


def test_a_list_is_built_once_per_digest_and_never_stale(django_assert_num_queries):
    choices.forget_all()
    village = VillageFactory(name="Oosterdorp")
    built = []

    def build(rows):
        built.append(rows)
        return [name for _pk, name in rows]

    digest = digest_of(villages()) if connection.vendor == "postgresql" else None
    assert kept("test-villages", villages(), digest, build) == ["Oosterdorp"]
    if connection.vendor == "postgresql":
        with django_assert_num_queries(0):
            assert kept("test-villages", villages(), digest, build) == ["Oosterdorp"]
        assert len(built) == 1
    Village.objects.filter(pk=village.pk).update(name="Westerdorp")
    new_digest = digest_of(villages()) if connection.vendor == "postgresql" else None
    assert kept("test-villages", villages(), new_digest, build) == ["Westerdorp"]


def test_the_dashboard_shows_changed_choices_at_once(client):
    officer = OfficerMembershipFactory()
    municipality = officer.municipality
    village = VillageFactory(municipality=municipality, name="Oosterdorp")
    theme = ThemeFactory(name_nl="Spelen", name_en="Play")
    fund = FundFactory(municipality=municipality, name="Dorpsfonds", year=2026)
    colleague = OfficerMembershipFactory(municipality=municipality, user__first_name="Anna", user__last_name="Smit")
    client.force_login(officer.user)
    page = client.get(DASHBOARD).content.decode()
    for text in ("Oosterdorp", "Spelen", "Dorpsfonds 2026", "Anna Smit"):
        assert text in page
    client.get(DASHBOARD)  # kept now, on PostgreSQL

    # Changes without the models' signals (as a data migration or a bulk update makes them).
    Village.objects.filter(pk=village.pk).update(name="Westerdorp")
    type(theme).objects.filter(pk=theme.pk).update(name_nl="Sporten")
    type(fund).objects.filter(pk=fund.pk).update(name="Buurtfonds")
    type(colleague.user).objects.filter(pk=colleague.user.pk).update(first_name="Bea")
    page = client.get(DASHBOARD).content.decode()
    for text in ("Westerdorp", "Sporten", "Buurtfonds 2026", "Bea Smit"):
        assert text in page
    for text in ("Oosterdorp", "Spelen", "Dorpsfonds", "Anna Smit"):
        assert text not in page
    # A colleague who leaves is no choice any more.
    type(colleague).objects.filter(pk=colleague.pk).update(is_active=False)
    assert "Bea Smit" not in client.get(DASHBOARD).content.decode()
