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


def test_the_rows_show_changed_names_at_once(client):
    """The list's rows take the names of the village and the assigned officer from the kept lists
    (initiatives.views.dashboard): a rename shows at once, and a colleague who left still has a name."""
    from tests.initiatives.factories import InitiativeFactory

    officer = OfficerMembershipFactory()
    village = VillageFactory(municipality=officer.municipality, name="Oosterdorp")
    colleague = OfficerMembershipFactory(
        municipality=officer.municipality, user__first_name="Anna", user__last_name="Smit"
    )
    initiative = InitiativeFactory(village=village, assigned_officer=colleague.user)
    client.force_login(officer.user)

    def row():
        response = client.get(DASHBOARD, {"village": village.pk})
        (shown,) = response.context["initiatives"]
        assert shown.pk == initiative.pk
        return shown.village_name, shown.officer_name

    assert row() == ("Oosterdorp", "Anna Smit")
    assert row() == ("Oosterdorp", "Anna Smit")  # kept now, on PostgreSQL
    Village.objects.filter(pk=village.pk).update(name="Westerdorp")
    type(colleague.user).objects.filter(pk=colleague.user.pk).update(first_name="Bea")
    assert row() == ("Westerdorp", "Bea Smit")
    type(colleague).objects.filter(pk=colleague.pk).update(is_active=False)
    assert row() == ("Westerdorp", "Bea Smit")


def test_the_filter_form_kept_is_the_form_rendered(client, monkeypatch):
    """The filter form is kept per process under a key of what it shows (the lists' digests, the
    request's parameters, the language, the role): kept or rendered, the same markup."""
    from initiatives.views.dashboard import DashboardView

    officer = OfficerMembershipFactory()
    village = VillageFactory(municipality=officer.municipality, name="Oosterdorp")
    client.force_login(officer.user)
    requests = [
        {},
        {"village": village.pk, "status": ["submitted", "intake"]},
        {"village": village.pk, "status": ["intake", "submitted"], "page": 2},
        {"submitted_from": "gisteren", "sort": "-title"},
        {"q": "speeltuin", "officer": "me"},
    ]

    def form_html(params, language="nl"):
        content = client.get(DASHBOARD, params, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        start = content.index('<section class="mt-4" aria-labelledby="filter-title">')
        return content[start : content.index("</section>", start)]

    kept = [(params, language, form_html(params, language)) for params in requests for language in ("nl", "en")]
    if connection.vendor == "postgresql":
        key = DashboardView._filter_form_key
        keys = []
        monkeypatch.setattr(DashboardView, "_filter_form_key", lambda view: keys.append(key(view)) or keys[-1])
        form_html({})
        assert keys[-1] is not None  # kept indeed
    monkeypatch.setattr(DashboardView, "_filter_form_key", lambda view: None)  # rendered each time
    for params, language, html in kept:
        assert form_html(params, language) == html
    empty, chosen, _same, wrong, _search = (html for _params, language, html in kept if language == "nl")
    assert chosen != empty
    assert "selected>Oosterdorp</option>" in chosen
    assert "error-summary" in wrong
    assert 'href="#id_submitted_from"' in wrong
    assert kept[0][2] != kept[1][2]  # Dutch and English
