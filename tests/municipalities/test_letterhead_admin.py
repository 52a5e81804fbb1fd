"""A coordinator fills in the decision letter's letterhead of their own municipality in the admin:
a PNG logo is kept, an SVG is refused, an unknown placeholder in an own text is refused."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import COORDINATOR
from municipalities.models import Municipality
from tests.core.admin_helpers import admin_url, change_form_data
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    membership = OfficerMembershipFactory(coordinator=True)
    membership.user.groups.add(Group.objects.get(name=COORDINATOR))
    client.force_login(membership.user)
    return membership


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), (0, 70, 140)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def post(client, municipality, **changes):
    url = admin_url(Municipality, "change", municipality.pk)
    page = client.get(url)
    for heading in (
        "Besluitbrief: briefpapier en ondertekening",
        "Besluitbrief: bezwaar",
        "Besluitbrief: eigen teksten",
    ):
        assert heading in page.content.decode()
    return client.post(url, change_form_data(page, **changes))


def test_the_coordinator_fills_in_the_letterhead_with_a_png_logo(client, coordinator):
    municipality = coordinator.municipality
    response = post(
        client,
        municipality,
        postal_address="Postbus 149\r\n3840 AC Harderwijk",
        objection_url="https://www.harderwijk.nl/bezwaar",
        letter_opening_nl="Over uw initiatief {title} ({reference}).",
        logo=png(),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    municipality.refresh_from_db()
    assert municipality.postal_address == "Postbus 149\r\n3840 AC Harderwijk"
    assert municipality.logo.name.startswith("private/logos/") and municipality.logo.name.endswith(".png")


def test_an_svg_logo_is_refused(client, coordinator):
    svg = SimpleUploadedFile(
        "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><image href='https://x.example/a.png'/></svg>"
    )
    response = post(client, coordinator.municipality, logo=svg)
    assert response.status_code == 200
    assert "Kies een afbeelding in PNG of JPEG." in response.content.decode()
    assert not Municipality.objects.get(pk=coordinator.municipality.pk).logo


def test_an_unknown_placeholder_is_refused(client, coordinator):
    response = post(client, coordinator.municipality, letter_closing_nl="Groet, {naam}")
    assert response.status_code == 200
    assert "Onbekende invulcode: {naam}" in response.content.decode()
