"""What residents read says the same thing the same way: one word for their contact person,
one name for a fund, and contact details that are easy to tell apart."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from initiatives.services.submission import tracking_token_issue
from municipalities.models import OfficerMembership
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory
from tests.initiatives.helpers import form_data, text_of
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

OTHER_WORDS = re.compile(r"contactfunctionaris|behandelaar|contact officer|assigned officer", re.I)


@pytest.fixture
def municipality():
    return MunicipalityFactory(contact_email="loket@elburg.nl", contact_phone="0525 688 688")


@pytest.fixture
def village(municipality):
    village = VillageFactory(municipality=municipality)
    OfficerMembershipFactory(municipality=municipality, villages=[village], phone="06 11112222")
    return village


def track(client, initiative, language):
    url = reverse("initiatives:track", kwargs={"token": tracking_token_issue(initiative=initiative)})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


class ContactPersonTests:
    @pytest.mark.parametrize(
        ("language", "word"), [("nl", "contactperso"), ("en", "contact person")]
    )  # contactpersoon, contactpersonen
    def test_residents_pages_say_contact_person_and_nothing_else(self, client, village, language, word):
        response = client.post(reverse("initiatives:submit"), form_data(village), HTTP_ACCEPT_LANGUAGE=language)
        pages = [client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()]
        initiative = InitiativeFactory(village=village, in_conversation=True, reference="2025-9999")
        pages.append(track(client, initiative, language))
        municipality = village.municipality
        for url in (
            reverse("initiatives:village", kwargs={"municipality": municipality.slug, "slug": village.slug}),
            reverse("initiatives:municipality", kwargs={"slug": municipality.slug}),
        ):
            pages.append(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        for html in pages:
            text = text_of(html)
            assert word in text.lower()
            assert not OTHER_WORDS.search(text), OTHER_WORDS.search(text)

    def test_the_municipalitys_phone_is_not_under_the_officers_name(self, client, village):
        initiative = InitiativeFactory(village=village, in_conversation=True)
        officer = OfficerMembership.objects.get(municipality=village.municipality)
        initiative.assigned_officer = officer.user
        initiative.save(update_fields=["assigned_officer"])
        html = track(client, initiative, "nl")
        aside = re.search(r'<aside[^>]*aria-labelledby="contact-heading"[^>]*>(.*?)</aside>', html, re.S).group(1)
        officer_part, municipality_part = text_of(aside).split(f"Gemeente {village.municipality.name}", 1)
        assert officer.user.get_full_name() in officer_part
        assert "Telefoon: 06 11112222" in officer_part
        assert "0525 688 688" not in officer_part
        assert "E-mail: loket@elburg.nl" in municipality_part and "Telefoon: 0525 688 688" in municipality_part


class MailContactDetailsTests:
    def test_email_and_phone_on_lines_of_their_own(self, client, village, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("initiatives:submit"), form_data(village))
        (receipt,) = [m for m in mail.outbox if m.to == [form_data(village)["initiator_email"]]]
        lines = receipt.body.splitlines()
        assert "E-mail: loket@elburg.nl" in lines
        assert "Telefoon: 0525 688 688" in lines
        html = receipt.alternatives[0][0]
        assert re.search(r"loket@elburg\.nl</a><br>\s*Telefoon: 0525 688 688", html)


class FundNameTests:
    def test_one_name_for_a_fund_on_every_residents_page_and_mail(self, client, municipality):
        fund = FundFactory(municipality=municipality, name="Leefbaarheidsfonds Elburg", year=2026)
        initiative = InitiativeFactory(village__municipality=municipality, decided=True, publication_consent=True)
        decision = DecisionFactory(initiative=initiative)
        GrantFactory(initiative=initiative, decision=decision, fund=fund, amount=800)
        name = "Leefbaarheidsfonds Elburg 2026"
        pages = [
            track(client, initiative, "nl"),
            client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference})).content.decode(),
            client.get(reverse("initiatives:municipality", kwargs={"slug": municipality.slug})).content.decode(),
        ]
        for html in pages:
            assert name in text_of(html)
        assert "Bijdrage van € 800,00 uit Leefbaarheidsfonds Elburg 2026" in text_of(pages[1])


class MunicipalTextLanguageTests:
    """Texts the municipality writes itself are Dutch: on an English page they say so."""

    @pytest.fixture
    def pages(self, municipality):
        FundFactory(municipality=municipality, description="Geld voor plannen van bewoners.")
        municipality.role_statement = "Wij denken mee en laten los."
        municipality.save(update_fields=["role_statement"])
        village = VillageFactory(municipality=municipality, description="Een dorp aan de rand van de Veluwe.")
        return [
            (reverse("initiatives:municipality", kwargs={"slug": municipality.slug}), "Wij denken mee en laten los."),
            (
                reverse("initiatives:municipality", kwargs={"slug": municipality.slug}),
                "Geld voor plannen van bewoners.",
            ),
            (
                reverse("initiatives:village", kwargs={"municipality": municipality.slug, "slug": village.slug}),
                "Een dorp aan de rand van de Veluwe.",
            ),
        ]

    def test_on_an_english_page_marked_dutch_with_a_note(self, client, pages):
        for url, text in pages:
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            note = r'<p class="language-note[^"]*">\(in Dutch\)</p>\s*'
            assert re.search(rf'{note}<div class="municipal-text" lang="nl"><p>{text}</p></div>', html), (url, text)

    def test_on_a_dutch_page_no_note(self, client, pages):
        for url, text in pages:
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
            assert f"<p>{text}</p>" in html
            assert "(in het" not in html and 'class="municipal-text"' not in html
