"""The public open-data API: what it shows, what it never shows, filters, pages, CSV, rate limit."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.csv import BOM, spreadsheet_rows
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory, MessageFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def world():
    a = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    b = MunicipalityFactory(name="Oldebroek", slug="oldebroek")
    inactive = MunicipalityFactory(name="Slapend", slug="slapend", is_active=False)
    village_a = VillageFactory(municipality=a, name="Hulshorst", slug="hulshorst")
    village_b = VillageFactory(municipality=b, name="Wezep", slug="wezep")
    VillageFactory(municipality=inactive)
    published = InitiativeFactory(village=village_a, title="Speeltuin Hulshorst", decided=True)
    hidden = InitiativeFactory(village=village_a, publication_hidden=True, title="Verborgen plan")
    no_consent = InitiativeFactory(village=village_b, publication_consent=False, title="Zonder toestemming")
    other = InitiativeFactory(village=village_b, title="Bankje Wezep")
    fund = FundFactory(municipality=a, budget=Decimal("10000.00"))
    decision = DecisionFactory(initiative=published, outcome=DecisionOutcome.SUPPORTED, motivation="Goed plan.")
    GrantFactory(initiative=published, decision=decision, fund=fund, amount=Decimal("1500.00"))
    GrantFactory(initiative=published, fund=fund, amount=Decimal("500.00"), status=GrantStatus.WITHDRAWN)
    DecisionFactory(initiative=hidden, outcome=DecisionOutcome.NOT_SUPPORTED, motivation="Geheim.")
    MessageFactory(initiative=published, body="Mijn telefoonnummer is 0612345678")
    return locals()


def get_json(client, name, **params):
    kwargs = params.pop("kwargs", {})
    response = client.get(reverse(f"api:{name}", kwargs=kwargs), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_initiatives_are_the_published_ones_without_personal_data(client, world):
    data = get_json(client, "initiative_list")
    assert data["count"] == 2
    titles = {row["title"] for row in data["results"]}
    assert titles == {"Speeltuin Hulshorst", "Bankje Wezep"}
    published = world["published"]
    body = client.get(reverse("api:initiative_list")).content.decode()
    for secret in (published.initiator_name, published.initiator_email, published.initiator_phone, "0612345678"):
        assert secret not in body
    for row in data["results"]:
        assert not {key for key in row if key.startswith("initiator")}
        assert "messages" not in row


def test_an_unpublished_initiative_answers_404(client, world):
    for initiative in (world["hidden"], world["no_consent"]):
        url = reverse("api:initiative_detail", kwargs={"reference": initiative.reference})
        assert client.get(url).status_code == 404
    detail = get_json(client, "initiative_detail", kwargs={"reference": world["published"].reference})
    assert detail["decisions"] == [
        {"outcome": "supported", "motivation": "Goed plan.", "decided_at": detail["decisions"][0]["decided_at"]}
    ]
    assert detail["village"] == "hulshorst" and detail["municipality"] == "nunspeet"


def test_initiatives_filter(client, world):
    assert get_json(client, "initiative_list", municipality="oldebroek")["count"] == 1
    assert get_json(client, "initiative_list", village="hulshorst")["count"] == 1
    assert get_json(client, "initiative_list", status=Status.DECIDED)["count"] == 1
    response = client.get(reverse("api:initiative_list"), {"status": "nonsense"})
    assert response.status_code == 400


def test_decisions_only_of_published_initiatives_with_the_money_granted(client, world):
    data = get_json(client, "decision_list")
    assert data["count"] == 1
    row = data["results"][0]
    assert row["initiative"] == world["published"].reference
    assert row["motivation"] == "Goed plan."
    assert row["granted"] == "1500.00"


def test_funds_with_rules_and_remaining_budget(client, world):
    data = get_json(client, "fund_list", municipality="nunspeet")
    assert data["count"] == 1
    fund = data["results"][0]
    assert fund["budget"] == "10000.00"
    assert fund["committed"] == "1500.00"
    assert fund["remaining"] == "8500.00"
    assert fund["max_per_initiative"] == "5000.00"
    assert get_json(client, "fund_detail", kwargs={"pk": world["fund"].pk})["remaining"] == "8500.00"


def test_municipalities_and_villages_of_active_municipalities_only(client, world):
    slugs = [row["slug"] for row in get_json(client, "municipality_list")["results"]]
    assert slugs == ["nunspeet", "oldebroek"]
    assert client.get(reverse("api:municipality_detail", kwargs={"slug": "slapend"})).status_code == 404
    villages = get_json(client, "village_list")["results"]
    assert {row["slug"] for row in villages} == {"hulshorst", "wezep"}
    assert [row["slug"] for row in get_json(client, "village_list", municipality="oldebroek")["results"]] == ["wezep"]


def test_statistics_per_municipality(client, world):
    rows = {row["municipality"]: row for row in get_json(client, "statistics_list")["results"]}
    assert rows["nunspeet"]["initiatives"] == 2
    assert rows["nunspeet"]["published"] == 1
    assert rows["nunspeet"]["supported"] == 1
    assert rows["nunspeet"]["not_supported"] == 1
    assert rows["nunspeet"]["granted"] == "1500.00"
    assert rows["oldebroek"]["initiatives"] == 2 and rows["oldebroek"]["granted"] == "0.00"
    assert "slapend" not in rows


def test_pagination(client, world):
    data = get_json(client, "initiative_list", page_size=1)
    assert data["count"] == 2 and len(data["results"]) == 1 and data["next"]
    assert client.get(reverse("api:initiative_list"), {"page": 99}).status_code == 404


def test_csv_for_spreadsheets(client, world):
    response = client.get(reverse("api:fund_list"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    header, row = spreadsheet_rows(text)
    assert header[:3] == ["id", "municipality", "name"]
    assert row[header.index("remaining")] == "8500.00"
    initiatives = spreadsheet_rows(client.get(reverse("api:initiative_list"), {"format": "csv"}).content.decode())
    assert "initiator_name" not in initiatives[0] and len(initiatives) == 3


def test_rate_limit_per_client(client, world, settings):
    settings.API_PUBLIC_RATE = "3/min"
    url = reverse("api:municipality_list")
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_schema_and_docs_page(client, world):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content and b"/api/v1/initiatives/" in schema.content
    public = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["schemas"]["Initiative"]
    assert not [name for name in public["properties"] if name.startswith("initiator")]
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>" in html and 'id="swagger-ui"' in html
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "<style" not in html
    # Every script has a src: the strict CSP needs no exception.
    assert html.count("<script") == html.count("<script src=")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content


# --- budget rounds (issue 14): only once their results are published --------------------------------


@pytest.fixture
def budget_world(world):
    """A round of Nunspeet with published results in Hulshorst (population 1,000) and Vierhouten
    (population unknown), a round still open for voting, and one of an inactive municipality."""
    from datetime import timedelta

    from django.utils import timezone

    from budgets.models import BudgetRound
    from budgets.services.results import round_results_compute
    from tests.budgets.factories import BallotFactory, BudgetRoundFactory, ProjectFactory, VillageBudgetFactory

    fund = FundFactory(municipality=world["a"], year=timezone.localdate().year, budget=Decimal("50000.00"))
    fund.max_per_initiative, fund.min_own_share_percent = None, Decimal("0")
    fund.save(update_fields=["max_per_initiative", "min_own_share_percent"])
    round = BudgetRoundFactory(fund=fund, name="Dorpsbudget")
    hulshorst = world["village_a"]
    hulshorst.population = 1000
    hulshorst.save(update_fields=["population"])
    vierhouten = VillageFactory(municipality=world["a"], name="Vierhouten", slug="vierhouten", population=None)
    in_hulshorst = VillageBudgetFactory(round=round, village=hulshorst, amount=Decimal("10000.00"))
    in_vierhouten = VillageBudgetFactory(round=round, village=vierhouten, amount=Decimal("5000.00"))
    bench = ProjectFactory(
        village_budget=in_hulshorst, cost_estimate=Decimal("6000.00"), initiative__title="Bankjes bij de kerk"
    )
    hidden = ProjectFactory(
        village_budget=in_hulshorst,
        cost_estimate=Decimal("5000.00"),
        initiative__title="Jeu de boules",
        initiative__publication_consent=False,
    )
    trees = ProjectFactory(village_budget=in_vierhouten, cost_estimate=Decimal("3000.00"), initiative__title="Bomen")
    for _ in range(3):
        BallotFactory(village_budget=in_hulshorst, choices=[bench])
    for _ in range(2):
        BallotFactory(village_budget=in_hulshorst, choices=[hidden])
    BallotFactory(village_budget=in_vierhouten, choices=[trees])
    BudgetRound.objects.filter(pk=round.pk).update(
        voting_from=timezone.now() - timedelta(days=10), voting_until=timezone.now() - timedelta(minutes=5)
    )
    round_results_compute(round=BudgetRound.objects.get(pk=round.pk))
    voting = BudgetRoundFactory(fund__municipality=world["a"], fund__year=timezone.localdate().year)
    BallotFactory(village_budget=VillageBudgetFactory(round=voting, village=hulshorst))
    asleep = BudgetRoundFactory(fund__municipality=world["inactive"], closed=True)
    BudgetRound.objects.filter(pk=asleep.pk).update(results_at=timezone.now())
    return {"round": round, "voting": voting, "asleep": asleep, "bench": bench, "hidden": hidden, "trees": trees}


def test_budget_rounds_only_with_published_results(client, budget_world):
    data = get_json(client, "budget_round_list")
    assert data["count"] == 1
    row = data["results"][0]
    assert row["id"] == budget_world["round"].pk
    assert row["municipality"] == "nunspeet" and row["name"] == "Dorpsbudget"
    assert row["result_rule"] == "greedy" and row["results_at"]
    assert (row["villages"], row["ballots_counted"], row["projects"], row["chosen"]) == (2, 6, 3, 2)
    assert row["chosen_cost"] == "9000.00" and row["total"] == "20000.00"
    assert get_json(client, "budget_round_detail", kwargs={"pk": budget_world["round"].pk}) == row
    for other in (budget_world["voting"], budget_world["asleep"]):
        assert client.get(reverse("api:budget_round_detail", kwargs={"pk": other.pk})).status_code == 404


def test_budget_results_per_village_with_turnout(client, budget_world):
    rows = {row["village"]: row for row in get_json(client, "budget_village_list")["results"]}
    assert set(rows) == {"hulshorst", "vierhouten"}  # not the open round's village budget
    hulshorst = rows["hulshorst"]
    assert hulshorst["round"] == budget_world["round"].pk and hulshorst["municipality"] == "nunspeet"
    assert (hulshorst["budget"], hulshorst["chosen_cost"], hulshorst["left"]) == ("10000.00", "6000.00", "4000.00")
    assert (hulshorst["ballots_counted"], hulshorst["population"], hulshorst["turnout_percent"]) == (5, 1000, "0.5")
    assert hulshorst["chosen"] == 1
    assert rows["vierhouten"]["turnout_percent"] is None and rows["vierhouten"]["chosen"] == 1
    assert get_json(client, "budget_village_list", village="vierhouten")["count"] == 1
    assert get_json(client, "budget_village_list", municipality="oldebroek")["count"] == 0
    assert get_json(client, "budget_village_list", round=budget_world["voting"].pk)["count"] == 0


def test_budget_projects_with_votes_and_no_personal_data(client, budget_world):
    data = get_json(client, "budget_project_list", round=budget_world["round"].pk)
    rows = {row["title"]: row for row in data["results"]}
    assert set(rows) == {"Bankjes bij de kerk", "Jeu de boules", "Bomen"}
    bench = rows["Bankjes bij de kerk"]
    assert (bench["votes"], bench["rank"], bench["chosen"], bench["cost"]) == (3, 1, True, "6000.00")
    assert bench["initiative"] == budget_world["bench"].initiative.reference
    hidden = rows["Jeu de boules"]
    assert (hidden["votes"], hidden["chosen"], hidden["initiative"]) == (2, False, None)  # not published
    body = client.get(reverse("api:budget_project_list")).content.decode()
    for project in ("bench", "hidden", "trees"):
        initiative = budget_world[project].initiative
        assert initiative.initiator_name not in body and initiative.initiator_email not in body
    assert all(not key.startswith("initiator") for row in data["results"] for key in row)
    assert get_json(client, "budget_project_list", chosen="true")["count"] == 2
    assert get_json(client, "budget_project_list", village="vierhouten")["count"] == 1


def test_budget_results_as_csv_and_in_pages(client, budget_world):
    response = client.get(reverse("api:budget_project_list"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = spreadsheet_rows(response.content.decode("utf-8"))
    assert header[:6] == ["id", "round", "municipality", "village", "title", "initiative"]
    assert header[6:] == ["cost", "votes", "rank", "chosen"]
    assert len(rows) == 3
    villages = spreadsheet_rows(client.get(reverse("api:budget_village_list"), {"format": "csv"}).content.decode())
    assert "turnout_percent" in villages[0] and len(villages) == 3
    page = get_json(client, "budget_project_list", page_size=2)
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_budget_lists_ask_a_fixed_number_of_queries(client, budget_world, django_assert_max_num_queries):
    from tests.budgets.factories import ProjectFactory

    urls = [reverse(f"api:{name}") for name in ("budget_round_list", "budget_village_list", "budget_project_list")]
    counted = {}
    for url in urls:
        with django_assert_max_num_queries(10) as queries:
            client.get(url)
        counted[url] = len(queries)
    village_budget = budget_world["trees"].village_budget
    for _ in range(3):
        ProjectFactory(village_budget=village_budget, votes=1, rank=2)
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            assert client.get(url).status_code == 200


def test_budget_rounds_in_the_schema(client):
    paths = client.get(reverse("api:schema"), {"format": "json"}).json()["paths"]
    for path in ("/api/v1/budget-rounds/", "/api/v1/budget-rounds/{id}/", "/api/v1/budget-villages/"):
        assert path in paths
    project = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["schemas"]["BudgetProject"]
    assert not [name for name in project["properties"] if name.startswith("initiator")]
