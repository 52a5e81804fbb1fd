"""Schemathesis against the OpenAPI schema, in process through the WSGI application: every public
operation, and with a test key every staff operation, gets generated requests; no answer is a
server error and every documented answer matches the schema. Few examples per operation, so CI
stays quick."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.services import api_key_create
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, UserFactory
from tests.villages.factories import VillageFactory

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls through the WSGI app would close the database connection after each request (and
    with it the test's transaction on PostgreSQL); Django's test client turns this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema(settings):
    settings.API_PUBLIC_RATE = "100000/min"
    settings.API_KEY_RATE = "100000/min"
    cache.clear()
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


def operations(schema, prefix):
    found = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in found if operation.path.startswith(prefix)]


def fuzz(operation, headers=None):
    @given(case=operation.as_strategy())
    @EXAMPLES
    def run(case):
        case.call_and_validate(checks=CHECKS, headers=headers)

    run()


@pytest.fixture
def staff_key(db):
    village = VillageFactory()
    initiative = InitiativeFactory(village=village, in_conversation=True)
    InitiativeFactory(village=village, decided=True)
    DecisionFactory(initiative=InitiativeFactory(village=village, decided=True))
    GrantFactory(initiative=initiative, fund=FundFactory(municipality=village.municipality))
    _, raw = api_key_create(name="Schemathesis", municipality=village.municipality, actor=UserFactory(superuser=True))
    return raw


@pytest.fixture
def budget_results(db):
    """A budget round with published results (greedy: one project chosen, one not), so the budget
    operations answer with rows; and a round still open for voting, which they never show."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from budgets.models import BudgetRound
    from budgets.services.results import round_results_compute
    from tests.budgets.factories import BallotFactory, BudgetRoundFactory, ProjectFactory, VillageBudgetFactory

    village_budget = VillageBudgetFactory(amount=Decimal("5000.00"), village__population=800)
    chosen = ProjectFactory(village_budget=village_budget, cost_estimate=Decimal("3000.00"))
    other = ProjectFactory(village_budget=village_budget, cost_estimate=Decimal("2500.00"))
    BallotFactory(village_budget=village_budget, choices=[chosen])
    BallotFactory(village_budget=village_budget, choices=[chosen, other])
    BudgetRound.objects.filter(pk=village_budget.round_id).update(
        voting_from=timezone.now() - timedelta(days=10), voting_until=timezone.now() - timedelta(minutes=5)
    )
    round_results_compute(round=BudgetRound.objects.get(pk=village_budget.round_id))
    BallotFactory(village_budget=VillageBudgetFactory(round=BudgetRoundFactory()))


@pytest.mark.django_db
def test_public_api_conforms_to_its_schema(settings, staff_key, budget_results):
    public = operations(load_schema(settings), "/api/v1/")
    assert len(public) == 13
    for operation in public:
        fuzz(operation)


@pytest.mark.django_db
def test_staff_api_conforms_to_its_schema(settings, staff_key):
    staff = operations(load_schema(settings), "/api/staff/")
    assert len(staff) == 4
    for operation in staff:
        fuzz(operation, headers={"Authorization": f"Api-Key {staff_key}"})
