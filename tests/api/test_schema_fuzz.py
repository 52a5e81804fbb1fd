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


@pytest.mark.django_db
def test_public_api_conforms_to_its_schema(settings, staff_key):
    public = operations(load_schema(settings), "/api/v1/")
    assert len(public) == 9
    for operation in public:
        fuzz(operation)


@pytest.mark.django_db
def test_staff_api_conforms_to_its_schema(settings, staff_key):
    staff = operations(load_schema(settings), "/api/staff/")
    assert len(staff) == 4
    for operation in staff:
        fuzz(operation, headers={"Authorization": f"Api-Key {staff_key}"})
