"""The staff API: keys of one municipality (hashed, revocable, audited), reads and writes through
the dashboard's services."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke, key_hash
from audit.constants import AuditAction
from audit.models import AuditLogEntry
from initiatives.constants import DecisionOutcome, Status
from initiatives.models import Decision, Grant, Initiative, StatusChange
from municipalities.models import OfficerMembership
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def world(admin_user):
    a = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    b = MunicipalityFactory(name="Oldebroek", slug="oldebroek")
    own = InitiativeFactory(village=VillageFactory(municipality=a), publication_consent=False)
    other = InitiativeFactory(village=VillageFactory(municipality=b))
    key, raw = api_key_create(name="Zaaksysteem Nunspeet", municipality=a, actor=admin_user)
    return {"a": a, "b": b, "own": own, "other": other, "key": key, "raw": raw}


def auth(raw):
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_the_key_is_stored_only_as_its_hash_and_creation_is_audited(world, admin_user):
    key, raw = world["key"], world["raw"]
    assert key.key_hash == key_hash(raw) and raw not in key.key_hash and len(key.key_hash) == 64
    assert raw.startswith(key.prefix + ".")
    assert not key.user.has_usable_password()
    assert not OfficerMembership.objects.filter(user=key.user).exists()  # in no list of officers
    entry = AuditLogEntry.objects.get(action=AuditAction.API_KEY_CREATE)
    assert entry.actor == admin_user and entry.municipality == world["a"] and raw not in entry.detail


def test_without_or_with_a_wrong_key_401(client, world):
    url = reverse("api:staff_initiative_list")
    assert client.get(url).status_code == 401
    assert client.get(url, **auth(world["key"].prefix + ".wrong")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Api-Key").status_code == 401


def test_lists_and_reads_only_its_own_municipality(client, world):
    response = client.get(reverse("api:staff_initiative_list"), **auth(world["raw"]))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["reference"] for row in rows] == [world["own"].reference]  # unpublished too
    assert rows[0]["initiator_email"] == world["own"].initiator_email
    other = reverse("api:staff_initiative_detail", kwargs={"reference": world["other"].reference})
    assert client.get(other, **auth(world["raw"])).status_code == 404
    own = reverse("api:staff_initiative_detail", kwargs={"reference": world["own"].reference})
    assert client.get(own, **auth(world["raw"])).json()["reference"] == world["own"].reference


def test_a_revoked_key_is_refused(client, world, admin_user):
    api_key_revoke(key=world["key"], actor=admin_user)
    assert client.get(reverse("api:staff_initiative_list"), **auth(world["raw"])).status_code == 401
    assert AuditLogEntry.objects.filter(action=AuditAction.API_KEY_REVOKE).count() == 1
    world["key"].user.refresh_from_db()
    assert not world["key"].user.is_active


def test_status_change_through_the_workflow_audited_with_the_key_name(client, world, mailoutbox):
    url = reverse("api:staff_initiative_status", kwargs={"reference": world["own"].reference})
    response = client.post(url, {"status": Status.INTAKE, "note": "Via het zaaksysteem"}, **auth(world["raw"]))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.INTAKE
    change = StatusChange.objects.get(initiative=world["own"], to_status=Status.INTAKE)
    assert change.actor == world["key"].user
    entry = AuditLogEntry.objects.get(action=AuditAction.INITIATIVE_STATUS)
    assert entry.actor == world["key"].user and entry.actor_label.startswith(f"api-{world['key'].prefix}")
    assert world["key"].user.get_full_name().startswith("Zaaksysteem Nunspeet")
    # The workflow's rules hold: submitted -> realised is no step.
    refused = client.post(url, {"status": Status.REALISED}, **auth(world["raw"]))
    assert refused.status_code == 400
    other = reverse("api:staff_initiative_status", kwargs={"reference": world["other"].reference})
    assert client.post(other, {"status": Status.INTAKE}, **auth(world["raw"])).status_code == 404


def test_decision_with_a_grant_through_the_funds_rules(client, world):
    fund = FundFactory(
        municipality=world["a"], budget=Decimal("1000.00"), max_per_initiative=None, min_own_share_percent=Decimal("0")
    )
    foreign_fund = FundFactory(municipality=world["b"])
    Initiative.objects.filter(pk=world["own"].pk).update(status=Status.IN_CONVERSATION)
    url = reverse("api:staff_initiative_decision", kwargs={"reference": world["own"].reference})
    data = {"outcome": DecisionOutcome.SUPPORTED, "motivation": "Past bij het fonds."}
    over = client.post(url, {**data, "fund": fund.pk, "amount": "1500.00"}, **auth(world["raw"]))
    assert over.status_code == 400, over.content
    assert not Decision.objects.exists()
    foreign = client.post(url, {**data, "fund": foreign_fund.pk, "amount": "100.00"}, **auth(world["raw"]))
    assert foreign.status_code == 404
    response = client.post(url, {**data, "fund": fund.pk, "amount": "800.00"}, **auth(world["raw"]))
    assert response.status_code == 201, response.content
    decision = Decision.objects.get()
    assert decision.decided_by == world["key"].user and decision.motivation == "Past bij het fonds."
    assert Grant.objects.get().amount == Decimal("800.00")
    assert AuditLogEntry.objects.filter(action=AuditAction.INITIATIVE_DECIDE, actor=world["key"].user).exists()
    empty = client.post(url, {"outcome": DecisionOutcome.SUPPORTED, "motivation": " "}, **auth(world["raw"]))
    assert empty.status_code == 400


def test_rate_limit_per_key(client, world, settings, admin_user):
    # A cache of this test's own: with the suite on Redis, another pytest-xdist worker's
    # cache.clear() (FLUSHDB) would empty the key's counter halfway.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.API_KEY_RATE = "2/min"
    url = reverse("api:staff_initiative_list")
    assert [client.get(url, **auth(world["raw"])).status_code for _ in range(3)] == [200, 200, 429]
    _, second = api_key_create(name="Tweede systeem", municipality=world["a"], actor=admin_user)
    assert client.get(url, **auth(second)).status_code == 200


def test_admin_shows_the_key_once_and_revokes(client, admin_user, world):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:api_apikey_add"), {"name": "Financieel systeem", "municipality": world["a"].pk}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Financieel systeem")
    shown = [str(m) for m in response.context["messages"]]
    assert any(key.prefix + "." in text for text in shown)
    raw = next(text for text in shown if key.prefix + "." in text).split(": ")[-1]
    assert key.key_hash == key_hash(raw)
    assert client.get(reverse("admin:api_apikey_change", args=[key.pk])).status_code == 200
    client.post(reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    key.refresh_from_db()
    assert key.revoked_at is not None
