"""Following an initiative by its private link, and the public gallery."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from initiatives.constants import Status
from initiatives.models import Initiative, Message
from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import (
    AgreementFactory,
    AttachmentFactory,
    CostLineFactory,
    DecisionFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
)
from tests.initiatives.helpers import pdf, text_of

pytestmark = pytest.mark.django_db


def track_url(initiative, name="initiatives:track", **kwargs):
    return reverse(name, kwargs={"token": tracking_token_issue(initiative=initiative), **kwargs})


class TrackingPageTests:
    def test_shows_status_in_plain_words_and_public_history_only(self, client):
        initiative = InitiativeFactory(in_conversation=True)
        MessageFactory(initiative=initiative, body="Wanneer kunnen we bellen?")
        MessageFactory(initiative=initiative, internal=True, body="GEHEIM: intern overleg")
        AgreementFactory(initiative=initiative, description="Gemeente regelt de vergunning")
        DecisionFactory(initiative=initiative, motivation="Past binnen het fonds.")
        response = client.get(track_url(initiative))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Wanneer kunnen we bellen?" in html
        assert "Gemeente regelt de vergunning" in html
        assert "Past binnen het fonds." in html
        assert "GEHEIM" not in html
        assert response["Cache-Control"] == "no-store, private"

    def test_unknown_or_revoked_link_is_404(self, client):
        assert client.get(reverse("initiatives:track", kwargs={"token": "x" * 43})).status_code == 404
        initiative = InitiativeFactory()
        url = track_url(initiative)
        initiative.tracking_tokens.update(revoked_at="2026-01-01T00:00Z")
        assert client.get(url).status_code == 404

    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries):
        initiative = InitiativeFactory(in_conversation=True)
        MessageFactory.create_batch(10, initiative=initiative)
        AgreementFactory.create_batch(5, initiative=initiative)
        url = track_url(initiative)
        # (forwardings, duplicate changes, the supporters' count and the funds' minimum of
        # supporters are one query each, whatever the number of messages)
        with django_assert_max_num_queries(18):
            client.get(url)

    def test_reply_with_attachment(self, client):
        initiative = InitiativeFactory(waiting=True)
        url = track_url(initiative)
        response = client.post(url, {"body": "Zie de bijlage.", "attachments": pdf("offerte.pdf")})
        assert response.status_code == 302
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        message = initiative.messages.get()
        assert message.attachments.get().original_name == "offerte.pdf"
        assert "offerte.pdf" in client.get(url).content.decode()

    def test_empty_reply_is_a_message_not_a_crash(self, client):
        response = client.post(track_url(InitiativeFactory()), {"body": ""})
        assert response.status_code == 200
        assert "body" in response.context["form"].errors

    def test_withdraw(self, client):
        initiative = InitiativeFactory(intake=True)
        token = tracking_token_issue(initiative=initiative)
        url = reverse("initiatives:withdraw", kwargs={"token": token})
        assert client.post(url, {"reason": "Geen tijd"}).status_code == 200  # not confirmed
        response = client.post(url, {"reason": "Geen tijd", "confirm": "on"})
        assert response.status_code == 302
        initiative.refresh_from_db()
        assert initiative.status == Status.WITHDRAWN
        page = client.get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert "Geen tijd" in page
        # Withdrawing twice is refused with a message.
        again = client.post(url, {"confirm": "on"})
        assert again.status_code == 200 and again.context["form"].non_field_errors()

    @pytest.mark.s3
    def test_attachment_only_through_its_own_link(self, client):
        from django.core.files.base import ContentFile

        attachment = AttachmentFactory(file=ContentFile(b"%PDF-1.4 test", name="x.pdf"))
        other = InitiativeFactory()
        own = track_url(attachment.initiative, "initiatives:track_attachment", pk=attachment.pk)
        foreign = track_url(other, "initiatives:track_attachment", pk=attachment.pk)
        response = client.get(own)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert client.get(foreign).status_code == 404

    @pytest.mark.s3
    def test_missing_file_is_404_not_a_crash(self, client):
        attachment = AttachmentFactory()  # a row whose file is gone
        assert (
            client.get(track_url(attachment.initiative, "initiatives:track_attachment", pk=attachment.pk)).status_code
            == 404
        )

    @pytest.mark.s3
    def test_internal_note_attachment_is_not_served(self, client):
        note = MessageFactory(internal=True)
        attachment = AttachmentFactory(initiative=note.initiative, message=note)
        assert (
            client.get(track_url(note.initiative, "initiatives:track_attachment", pk=attachment.pk)).status_code == 404
        )


class GalleryTests:
    def test_only_published_initiatives_without_personal_data(self, client):
        shown = InitiativeFactory(publication_consent=True, initiator_name="Geheime Naam")
        hidden = InitiativeFactory(publication_consent=False)
        withdrawn = InitiativeFactory(publication_consent=True, withdrawn=True)
        html = client.get(reverse("initiatives:list")).content.decode()
        assert shown.title in html
        assert hidden.title not in html and withdrawn.title not in html
        detail = client.get(reverse("initiatives:public", kwargs={"reference": shown.reference}))
        assert detail.status_code == 200
        body = detail.content.decode()
        assert "Geheime Naam" not in body and shown.initiator_email not in body
        assert client.get(reverse("initiatives:public", kwargs={"reference": hidden.reference})).status_code == 404

    def test_filters_and_query_count(self, client, django_assert_max_num_queries):
        first = InitiativeFactory(publication_consent=True)
        InitiativeFactory.create_batch(15, publication_consent=True)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("initiatives:list"), {"municipality": first.municipality.slug})
        assert list(response.context["object_list"]) == [first]
        bad = client.get(reverse("initiatives:list"), {"status": "nonsense", "village": "x"})
        assert bad.status_code == 200

    def test_the_village_list_holds_every_village_while_they_are_few(self, client):
        first, second = (InitiativeFactory(publication_consent=True) for _ in range(2))
        response = client.get(reverse("initiatives:list"))
        field = response.context["filter"].form["village"]
        groups = dict(field.field.choices)
        assert (str(first.village.pk), first.village.name) in groups[first.municipality.name]
        assert (str(second.village.pk), second.village.name) in groups[second.municipality.name]
        assert not field.help_text

    def test_with_many_villages_the_list_holds_the_chosen_municipalitys(self, client, monkeypatch):
        """All of the Netherlands has about 5,000 villages: beyond VILLAGES_AT_ONCE the list waits
        for a municipality, and a link to one village's initiatives keeps working."""
        monkeypatch.setattr("initiatives.filters.VILLAGES_AT_ONCE", 1)
        first, second = (InitiativeFactory(publication_consent=True) for _ in range(2))
        url = reverse("initiatives:list")

        response = client.get(url)
        field = response.context["filter"].form["village"]
        assert list(field.field.choices) == [("", "Alle dorpen")]
        html = response.content.decode()
        assert "Kies eerst een gemeente om een van haar dorpen te kiezen." in html
        assert f">{second.village.name}</option>" not in html

        response = client.get(url, {"municipality": second.municipality.slug})
        assert list(response.context["filter"].form["village"].field.choices)[1:] == [
            (str(second.village.pk), second.village.name)
        ]
        assert list(response.context["object_list"]) == [second]

        response = client.get(url, {"village": first.village.pk})
        assert list(response.context["object_list"]) == [first]
        assert f'<option value="{first.village.pk}" selected>{first.village.name}</option>' in response.content.decode()
        assert client.get(url, {"village": "99999"}).status_code == 200

    def test_a_long_gallery_asks_the_same_queries_as_a_short_one(self, client, monkeypatch):
        """Counting stops at GALLERY_EXACT_COUNT_UP_TO (beyond it PostgreSQL's estimate, and the
        page says "about"): the gallery's queries do not grow with the number of initiatives."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        monkeypatch.setattr("initiatives.views.public.GALLERY_EXACT_COUNT_UP_TO", 30)
        counts = []
        for batch in (45, 60):  # both above the exact count: 45 initiatives, then 105
            InitiativeFactory.create_batch(batch, publication_consent=True)
            for page in (1, 2):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(reverse("initiatives:list"), {"page": page})
                assert response.status_code == 200
                assert len(response.context["object_list"]) == 20
                counts.append(len(queries))
        assert counts[2:] == counts[:2]

    def test_a_page_past_the_end_shows_the_last_page(self, client, monkeypatch):
        monkeypatch.setattr("initiatives.views.public.GALLERY_EXACT_COUNT_UP_TO", 5)
        InitiativeFactory.create_batch(25, publication_consent=True)
        response = client.get(reverse("initiatives:list"), {"page": 40})
        assert response.status_code == 200
        assert response.context["page_obj"].number == 2
        assert len(response.context["object_list"]) == 5
        assert client.get(reverse("initiatives:list"), {"page": "x"}).context["page_obj"].number == 1

    def test_decision_is_shown_once_decided(self, client):
        initiative = InitiativeFactory(publication_consent=True, decided=True)
        DecisionFactory(initiative=initiative, motivation="Een mooi plan voor het dorp.")
        html = client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference})).content.decode()
        assert "Een mooi plan voor het dorp." in html


class MunicipalityAndVillagePagesTests:
    def test_municipality_page(self, client, django_assert_max_num_queries):
        from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory
        from tests.villages.factories import VillageFactory

        municipality = MunicipalityFactory(role_statement="Wij denken mee en laten los.")
        villages = VillageFactory.create_batch(4, municipality=municipality)
        OfficerMembershipFactory(municipality=municipality, villages=villages[:2])
        FundFactory(municipality=municipality, max_per_initiative=2500)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("initiatives:municipality", kwargs={"slug": municipality.slug}))
        html = response.content.decode()
        assert "Wij denken mee en laten los." in html
        assert escape(villages[3].name) in html  # a name like 't Loo is escaped in the page
        assert "2500" in html or "2.500" in html

    def test_inactive_municipality_is_404(self, client):
        from tests.municipalities.factories import MunicipalityFactory

        municipality = MunicipalityFactory(is_active=False)
        assert client.get(reverse("initiatives:municipality", kwargs={"slug": municipality.slug})).status_code == 404

    def test_village_page_shows_organisations_and_public_initiatives(self, client):
        from tests.villages.factories import VillageOrganisationFactory

        organisation = VillageOrganisationFactory(village_hall=True)
        village = organisation.village
        public = InitiativeFactory(village=village, publication_consent=True)
        private = InitiativeFactory(village=village, publication_consent=False)
        url = reverse("initiatives:village", kwargs={"municipality": village.municipality.slug, "slug": village.slug})
        html = client.get(url).content.decode()
        assert escape(organisation.name) in html  # a name like "Dorpshuis 's-Heerenberg" is escaped in the page
        assert escape(public.title) in html and escape(private.title) not in html


def test_initiative_count_unchanged_by_reading(client):
    InitiativeFactory(publication_consent=True)
    client.get(reverse("initiatives:list"))
    assert Initiative.objects.count() == 1


def initiative_items(html: str) -> list[tuple[str, str]]:
    """Each initiative of a public list: (the text of the heading that names it, the text after that heading)."""
    items = []
    for labelled_by, body in re.findall(
        r'<article class="initiative-card" aria-labelledby="([^"]+)">(.*?)</article>', html, re.S
    ):
        heading = re.search(rf'<(h[23])[^>]*id="{labelled_by}"[^>]*>(.*?)</\1>(.*)', body, re.S)
        assert heading, body
        items.append(tuple(" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in heading.group(2, 3)))
    return items


class InitiativeItemsTests:
    """In the gallery and on a village page each initiative is an item of its own: its title as
    a heading, then its status, inside the same article (not a badge between two titles)."""

    def test_gallery(self, client):
        first = InitiativeFactory(publication_consent=True, title="Speeltuin Elspeet")
        second = InitiativeFactory(publication_consent=True, decided=True, title="Jeu-de-boulesbaan")
        items = dict(
            initiative_items(client.get(reverse("initiatives:list"), HTTP_ACCEPT_LANGUAGE="nl").content.decode())
        )
        assert set(items) == {first.title, second.title}
        assert items[first.title].startswith("Status: Ingediend")
        assert items[second.title].startswith("Status: Besloten")

    def test_village_page(self, client):
        first = InitiativeFactory(publication_consent=True, title="Speeltuin Elspeet")
        second = InitiativeFactory(village=first.village, publication_consent=True, realised=True, title="Dorpsbank")
        url = reverse(
            "initiatives:village", kwargs={"municipality": first.municipality.slug, "slug": first.village.slug}
        )
        items = dict(initiative_items(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()))
        assert items == {first.title: "Status: Submitted", second.title: "Status: Realised"}


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


class TrackingPageContentTests:
    """The decision first, then the history newest first, and everything the initiator sent in words."""

    def test_decision_with_motivation_and_grant_at_the_top(self, client):
        initiative = InitiativeFactory(decided=True)
        MessageFactory(initiative=initiative, body="Wanneer kunnen we bellen?")
        decision = DecisionFactory(initiative=initiative, motivation="Past binnen het fonds.")
        GrantFactory(initiative=initiative, decision=decision, fund__name="Leefbaarheidsfonds Nunspeet", amount=1500)
        html = client.get(track_url(initiative), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        top = text_of(section(html, "decision-heading"))
        assert "Besluit van de gemeente: Gesteund" in top
        assert "Past binnen het fonds." in top
        assert "Bijdrage van € 1.500,00 uit Leefbaarheidsfonds Nunspeet" in top
        assert (
            html.index('id="decision-heading"') < html.index('id="status-heading"') < html.index('id="history-heading"')
        )

    def test_no_decision_section_before_a_decision(self, client):
        html = client.get(track_url(InitiativeFactory(in_conversation=True))).content.decode()
        assert 'id="decision-heading"' not in html

    def test_history_newest_first(self, client):
        initiative = InitiativeFactory(in_conversation=True)
        older = MessageFactory(initiative=initiative, body="Eerste bericht van de gemeente")
        newer = MessageFactory(initiative=initiative, from_initiator=True, body="Later antwoord van mij")
        Message.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
        Message.objects.filter(pk=newer.pk).update(created_at=timezone.now() - timedelta(days=1))
        history = section(client.get(track_url(initiative)).content.decode(), "history-heading")
        assert history.index("Later antwoord van mij") < history.index("Eerste bericht van de gemeente")

    def test_what_you_sent_us_in_full_and_in_words(self, client):
        long_goal = " ".join(f"woord{n}" for n in range(80)) + " EINDE-DOEL"
        initiative = InitiativeFactory(
            goal=long_goal,
            target_group="Kinderen tot 12 jaar",
            support_evidence="Veertig handtekeningen",
            permits_needed="Omgevingsvergunning",
            maintenance_after="De speeltuinvereniging",
            own_contribution_hours=120,
            own_contribution_materials="Zand en hout",
            amount_requested=1000,
            total_cost=1300,
            asks_money=True,
            asks_advice=True,
            is_right_to_challenge=True,
        )
        CostLineFactory(initiative=initiative, description="Klimrek", amount=900)
        CostLineFactory(initiative=initiative, description="Zand", amount=400)
        html = client.get(track_url(initiative), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        sent = section(html, "sent-heading")
        assert "<dl" in sent
        words = text_of(sent)
        for expected in (
            "EINDE-DOEL",
            "Kinderen tot 12 jaar",
            "Advies en meedenken, Geld",
            "Klimrek: € 900,00",
            "Zand: € 400,00",
            "Totale kosten: € 1.300,00",
            "€ 1.000,00",
            "Veertig handtekeningen",
            "Omgevingsvergunning",
            "De speeltuinvereniging",
            "120",
            "Zand en hout",
            initiative.initiator_name,
            initiative.initiator_email,
        ):
            assert expected in words, expected
        assert "{" not in words and '"' not in words  # words, not JSON
