"""A municipality's own look in its HTML mails: its name, colours and logo on top; a mail about a
municipality without a theme, or about nothing, looks as before."""

import pytest
from django.core import mail as outbox
from django.core.files.base import ContentFile
from django.urls import reverse

from notifications.models import OutboxMail
from notifications.services import outbox_deliver
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.test_theme_views import png_bytes
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


def sent_receipt(initiative) -> tuple[str, str]:
    mail = OutboxMail.objects.create(
        to="fatima@example.nl",
        template="initiatives/email/receipt",
        dedup_key=f"receipt:{initiative.pk}",
        subject=initiative,
        municipality=initiative.municipality,  # as mail_enqueue keeps it
        context={"tracking_link": True},
    )
    outbox_deliver(mail_id=mail.pk)
    message = outbox.outbox[-1]
    return message.body, message.alternatives[0][0]


def test_the_html_mail_carries_the_municipalitys_name_colours_and_logo(settings):
    settings.SITE_URL = "https://dorpsinitiatief.example.nl"
    municipality = MunicipalityFactory(
        theme_name="Doe mee in Dorpstad", theme_primary_colour="#1f5c99", theme_secondary_colour="#0d3d2e"
    )
    municipality.logo.save("logo.png", ContentFile(png_bytes()))
    initiative = InitiativeFactory(municipality=municipality, village=VillageFactory(municipality=municipality))
    text, html = sent_receipt(initiative)
    logo = reverse("initiatives:theme_image", kwargs={"slug": municipality.slug, "kind": "logo"})
    assert f'<img src="https://dorpsinitiatief.example.nl{logo}?v=' in html
    assert "background-color: #0d3d2e" in html and "a { color: #1f5c99; }" in html
    assert "Doe mee in Dorpstad" in html
    assert "#0d3d2e" not in text  # the plain-text part stays plain


def test_a_mail_without_a_theme_looks_as_before():
    initiative = InitiativeFactory()
    _, html = sent_receipt(initiative)
    assert "mail-theme" not in html and "<style>" not in html
