"""Every add, change and delete made in /admin/ writes an audit line: who, which object, which
fields (names only, never their values), and the object's municipality."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import COORDINATOR
from audit.constants import AuditAction
from audit.models import AuditLogEntry
from initiatives.models import Initiative
from municipalities.models import Fund, Municipality, StandardText
from tests.core.admin_helpers import admin_url, change_form_data
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory, UserFactory
from vision.constants import Stage
from vision.models import StandardDeliverable

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return MunicipalityFactory()


@pytest.fixture
def coordinator(municipality):
    user = OfficerMembershipFactory(municipality=municipality, coordinator=True).user
    user.groups.add(Group.objects.get(name=COORDINATOR))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def superuser(client):
    user = UserFactory(superuser=True)
    client.force_login(user)
    return user


def admin_lines(action=None):
    lines = AuditLogEntry.objects.filter(action__startswith="admin.")
    return lines.filter(action=action) if action else lines


def test_change_writes_a_line_with_the_changed_field_names(coordinator_client, coordinator, municipality):
    fund = FundFactory(municipality=municipality, name="Dorpsfonds")
    url = admin_url(Fund, "change", fund.pk)

    response = coordinator_client.post(url, change_form_data(coordinator_client.get(url), name="Kernenfonds"))

    assert response.status_code == 302
    line = admin_lines().get()
    assert (line.action, line.actor, line.object_type, line.object_id) == (
        AuditAction.ADMIN_CHANGE,
        coordinator,
        "municipalities.fund",
        str(fund.pk),
    )
    assert line.municipality == municipality
    assert line.detail == "name"


def test_add_and_delete_write_a_line(coordinator_client, municipality):
    data = {"municipality": municipality.pk, "purpose": "message", "title": "Welkom", "body": "Fijn dat u er bent."}

    coordinator_client.post(admin_url(StandardText, "add"), data)
    text = StandardText.objects.get()
    coordinator_client.post(admin_url(StandardText, "delete", text.pk), {"post": "yes"})

    added, deleted = admin_lines().order_by("pk")
    assert (added.action, added.object_id, added.municipality) == (AuditAction.ADMIN_ADD, str(text.pk), municipality)
    assert set(added.detail.split("; ")) >= {"title", "body"}
    assert (deleted.action, deleted.object_id, deleted.municipality) == (
        AuditAction.ADMIN_DELETE,
        str(text.pk),
        municipality,
    )
    assert not StandardText.objects.exists()


def test_delete_selected_writes_a_line_per_object(coordinator_client, municipality):
    texts = [StandardText.objects.create(municipality=municipality, title=f"Tekst {n}", body="x") for n in (1, 2)]

    coordinator_client.post(
        admin_url(StandardText, "changelist"),
        {"action": "delete_selected", "_selected_action": [text.pk for text in texts], "post": "yes"},
    )

    assert not StandardText.objects.exists()
    assert sorted(admin_lines(AuditAction.ADMIN_DELETE).values_list("object_id", flat=True)) == sorted(
        str(text.pk) for text in texts
    )


def test_personal_data_is_named_never_shown(coordinator_client, municipality):
    initiative = InitiativeFactory(village__municipality=municipality)
    url = admin_url(Initiative, "change", initiative.pk)

    response = coordinator_client.post(
        url, change_form_data(coordinator_client.get(url), initiator_email="nieuw.adres@example.nl")
    )

    assert response.status_code == 302
    line = admin_lines().get()
    assert line.detail == "initiator_email"
    assert line.municipality == municipality
    assert "nieuw.adres" not in f"{line.detail} {line.object_repr}"


def test_inline_changes_are_named(coordinator_client, municipality):
    initiative = InitiativeFactory(village__municipality=municipality)
    url = admin_url(Initiative, "change", initiative.pk)
    data = change_form_data(
        coordinator_client.get(url),
        **{
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-party": "municipality",
            "agreements-0-role": "faciliteren",
            "agreements-0-description": "Gemeente plaatst een bankje.",
            "agreements-0-initiative": str(initiative.pk),
        },
    )

    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    assert initiative.agreements.count() == 1
    assert admin_lines().get().detail == "agreement added: party, role, description"


def test_superuser_deletes_a_municipality_and_the_line_stays(client, superuser):
    municipality = Municipality.objects.create(name="Nergenshuizen", slug="nergenshuizen", cbs_code="GM9999")

    response = client.post(admin_url(Municipality, "delete", municipality.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Municipality.objects.filter(pk=municipality.pk).exists()
    line = admin_lines().get()
    assert (line.action, line.actor, line.municipality) == (AuditAction.ADMIN_DELETE, superuser, None)


def test_user_admin_is_audited(client, superuser):
    user = UserFactory(staff=True)
    url = admin_url(get_user_model(), "change", user.pk)

    response = client.post(url, change_form_data(client.get(url), is_superuser="on"))

    assert response.status_code == 302
    line = admin_lines().get()
    assert (line.object_type, line.object_id, line.detail) == ("auth.user", str(user.pk), "is_superuser")


def test_list_editable_of_a_model_without_municipality_is_audited(client, superuser):
    deliverable = StandardDeliverable.objects.create(stage=Stage.INTAKE, title="Startbijeenkomst", order=1)
    url = admin_url(StandardDeliverable, "changelist")
    data = change_form_data(client.get(url))
    row = next(key.split("-")[1] for key, value in data.items() if key.endswith("-id") and value == str(deliverable.pk))
    data.update({f"form-{row}-order": "7", "_save": "Opslaan"})

    response = client.post(url, data)

    assert response.status_code == 302
    line = admin_lines().get()
    assert (line.object_type, line.detail, line.municipality) == ("vision.standarddeliverable", "order", None)
