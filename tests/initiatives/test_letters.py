"""The decision letter (beschikking): made once after the decision, what it says (nl and en), the
municipality's own texts and logo, the mail attachment, the downloads and their scope, retention.
Real WeasyPrint output, read back with pypdf."""

import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from core.images import ImageFileValidator
from core.placeholders import PlaceholderValidator, fill_placeholders
from initiatives.constants import DecisionOutcome, Status
from initiatives.models import Decision
from initiatives.services.funds import initiative_decide
from initiatives.services.letters import decision_letter_ensure, decision_letter_pdf
from initiatives.services.retention import personal_data_export, retention_run
from initiatives.services.submission import tracking_token_issue
from initiatives.tasks import decision_letter_make
from municipalities.models import LETTER_PLACEHOLDERS
from tests.initiatives.factories import DecisionFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

OBJECTION_NL = "binnen zes weken na de dag waarop dit besluit is verzonden"
OBJECTION_EN = "within six weeks after the day on which this decision was sent"


def text_of(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines wrap anywhere in a PDF


def png_bytes(size=(120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def officer():
    membership = OfficerMembershipFactory(
        municipality__name="Harderwijk",
        municipality__postal_address="Postbus 149\n3840 AC Harderwijk",
        municipality__contact_phone="14 0341",
        municipality__objection_url="https://www.harderwijk.nl/bezwaar",
        user__first_name="Anouk",
        user__last_name="Bos",
        job_title="dorpsregisseur",
    )
    return membership


@pytest.fixture
def initiative(officer):
    return InitiativeFactory(
        in_conversation=True,
        village__municipality=officer.municipality,
        village__name="Hierden",
        title="Speeltuin bij het dorpshuis",
        initiator_name="Fatima de Vries",
        initiator_email="fatima@example.nl",
        total_cost=Decimal("4000"),
        assigned_officer=officer.user,
    )


def decide(initiative, officer, capture, *, amount="1500", **kwargs):
    fund = FundFactory(
        municipality=officer.municipality,
        name="Leefbaarheidsfonds",
        budget=10000,
        max_per_initiative=3000,
        min_own_share_percent=25,
        grant_conditions="Wij betalen het bedrag binnen vier weken.\nStuur na afloop foto's en de bonnetjes.",
    )
    with capture(execute=True):
        return initiative_decide(
            initiative=initiative,
            actor=officer.user,
            outcome=DecisionOutcome.SUPPORTED,
            motivation="De speeltuin maakt het dorp levendiger.",
            fund=fund if amount else None,
            amount=Decimal(amount) if amount else None,
            **kwargs,
        )


def letter_text(decision: Decision) -> str:
    decision.refresh_from_db()
    with decision.letter.open("rb") as handle:
        return text_of(handle.read())


class LetterMadeTests:
    def test_the_decision_makes_its_letter_once_after_the_commit(
        self, initiative, officer, django_capture_on_commit_callbacks
    ):
        decision = decide(initiative, officer, django_capture_on_commit_callbacks)
        decision.refresh_from_db()
        assert decision.letter.name == f"private/letters/{decision.pk}/besluit.pdf"
        assert decision.letter_made_at is not None
        made_at = decision.letter_made_at

        # The task and the on-demand path again: nothing is made a second time.
        with mock.patch("initiatives.services.letters.decision_letter_render") as render:
            decision_letter_make.delay(decision.pk)
            decision_letter_ensure(decision_id=decision.pk)
            assert decision_letter_pdf(decision_id=decision.pk).startswith(b"%PDF-")
        render.assert_not_called()
        decision.refresh_from_db()
        assert decision.letter_made_at == made_at
        assert AuditLogEntry.objects.filter(action=AuditAction.DECISION_LETTER_MAKE).count() == 1

    def test_the_dutch_letter_says_what_a_beschikking_says(
        self, initiative, officer, django_capture_on_commit_callbacks
    ):
        decision = decide(initiative, officer, django_capture_on_commit_callbacks)
        text = letter_text(decision)
        today = timezone.localdate()
        for expected in (
            "Gemeente Harderwijk",
            "Postbus 149",
            "3840 AC Harderwijk",
            "Fatima de Vries",
            "Per e-mail: fatima@example.nl",
            "Onderwerp",
            f"Kenmerk {initiative.reference}",
            "Datum",
            f"{today.day} ",  # the date of the decision, in Dutch
            "Besluit over uw initiatief “Speeltuin bij het dorpshuis”",
            "Anouk Bos, dorpsregisseur",
            "Wij steunen uw initiatief.",
            "De speeltuin maakt het dorp levendiger.",
            "€ 1.500,00",
            "Leefbaarheidsfonds",
            "U betaalt zelf minstens 25% van de kosten",
            "€ 4.000,00",
            "Wij betalen het bedrag binnen vier weken.",
            "Met vriendelijke groet,",
            "burgemeester en wethouders van Harderwijk",
            "namens dezen",
            OBJECTION_NL,
            "college van burgemeester en wethouders van Harderwijk",
            "https://www.harderwijk.nl/bezwaar",
            "uw naam en adres",
            "waarom u het niet eens bent met het besluit",
            "uw handtekening",
        ):
            assert expected in text, expected
        months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
        months += ["augustus", "september", "oktober", "november", "december"]
        assert f"{today.day} {months[today.month - 1]} {today.year}" in text

    def test_the_english_letter_for_an_english_initiator(self, initiative, officer, django_capture_on_commit_callbacks):
        initiative.preferred_language = "en"
        initiative.save(update_fields=["preferred_language"])
        decision = decide(initiative, officer, django_capture_on_commit_callbacks)
        text = letter_text(decision)
        for expected in (
            "Municipality of Harderwijk",
            "Subject",
            f"Reference {initiative.reference}",
            "We support your initiative.",
            "€1,500.00",
            OBJECTION_EN,
            "college van burgemeester en wethouders",
            "your signature",
        ):
            assert expected in text, expected

    def test_a_refusal_has_no_contribution_but_the_objection_clause(
        self, initiative, officer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            decision = initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome=DecisionOutcome.NOT_SUPPORTED,
                motivation="Er is al een speeltuin in het dorp.",
            )
        text = letter_text(decision)
        assert "Wij steunen uw initiatief niet." in text
        assert "Bijdrage" not in text
        assert OBJECTION_NL in text

    def test_an_existing_municipality_without_letterhead_data_still_gets_a_correct_letter(self):
        decision = DecisionFactory(initiative__initiator_name="Henk Visser", decided_by=None)
        decision.initiative.municipality.postal_address = ""
        decision.initiative.municipality.save()
        text = text_of(decision_letter_pdf(decision_id=decision.pk))
        assert "Henk Visser" in text
        assert OBJECTION_NL in text
        assert "Vraag uw contactpersoon waar u uw bezwaarschrift naartoe stuurt." in text

    def test_a_failing_renderer_never_fails_the_decision(self, initiative, officer, django_capture_on_commit_callbacks):
        with mock.patch("initiatives.services.letters.render_pdf", side_effect=RuntimeError("no Pango")):
            decision = decide(initiative, officer, django_capture_on_commit_callbacks)
        decision.refresh_from_db()
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED
        assert not decision.letter
        # The mail still left, without the letter, pointing to the personal page.
        assert len(mail.outbox) == 1
        assert mail.outbox[0].attachments == []
        assert "downloaden op je persoonlijke pagina" in mail.outbox[0].body
        # The next download makes it.
        assert decision_letter_pdf(decision_id=decision.pk).startswith(b"%PDF-")


class OwnTextsAndLogoTests:
    def test_own_opening_and_closing_with_placeholders_are_plain_text(self, initiative, officer):
        municipality = officer.municipality
        municipality.letter_opening_nl = "Over {title} ({reference}) in {village}: <b>vet</b> {% now 'Y' %}"
        municipality.letter_closing_nl = "Groeten aan {initiator}. {{ settings.SECRET_KEY }}"
        municipality.full_clean()
        municipality.save()
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        text = text_of(decision_letter_pdf(decision_id=decision.pk))
        expected = f"Over Speeltuin bij het dorpshuis ({initiative.reference}) in Hierden: <b>vet</b> {{% now 'Y' %}}"
        assert expected in text
        assert "Groeten aan Fatima de Vries. {{ settings.SECRET_KEY }}" in text
        assert "In deze brief leest u ons besluit." not in text  # the own opening replaces the standard one

    def test_an_unknown_placeholder_is_refused(self, officer):
        municipality = officer.municipality
        municipality.letter_opening_en = "Dear {name}, about {reference}"
        with pytest.raises(ValidationError) as error:
            municipality.full_clean()
        assert "letter_opening_en" in error.value.message_dict
        assert "{name}" in error.value.message_dict["letter_opening_en"][0]

    def test_placeholders_fill_only_known_names(self):
        assert fill_placeholders("{reference} {x} {{reference}}", {"reference": "2026-0001"}) == (
            "2026-0001 {x} {2026-0001}"
        )
        PlaceholderValidator(LETTER_PLACEHOLDERS)("{reference} {decided_on} {submitted_on}")

    def test_the_logo_is_on_the_letter(self, initiative, officer):
        municipality = officer.municipality
        municipality.logo.save("logo.png", ContentFile(png_bytes()), save=True)
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        pdf = decision_letter_pdf(decision_id=decision.pk)
        assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG of JPEG"),
            ("logo.png", b"not an image at all", "PNG of JPEG"),
            ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "PNG of JPEG"),
            ("logo.png", png_bytes() + b"\0" * (1024 * 1024), "te groot"),
            ("logo.png", png_bytes(size=(4001, 10)), "te groot"),
        ],
    )
    def test_a_logo_must_be_a_modest_png_or_jpeg(self, name, content, message):
        with pytest.raises(ValidationError) as error:
            ImageFileValidator()(SimpleUploadedFile(name, content))
        assert message in error.value.messages[0]

    def test_a_jpeg_logo_is_accepted(self):
        buffer = io.BytesIO()
        Image.new("RGB", (300, 100), (200, 0, 0)).save(buffer, format="JPEG")
        ImageFileValidator()(SimpleUploadedFile("logo.jpg", buffer.getvalue()))


class MailAttachmentTests:
    def test_the_decision_mail_carries_the_letter(self, initiative, officer, django_capture_on_commit_callbacks):
        decision = decide(initiative, officer, django_capture_on_commit_callbacks)
        [message] = mail.outbox
        [(filename, content, mimetype)] = message.attachments
        assert (filename, mimetype) == (f"besluit-{initiative.reference}.pdf", "application/pdf")
        assert initiative.reference in text_of(content)
        assert "De besluitbrief zit als bijlage bij deze e-mail (pdf)." in message.body
        html = message.alternatives[0][0]
        assert "De besluitbrief zit als bijlage bij deze e-mail (pdf)." in html
        decision.refresh_from_db()
        with decision.letter.open("rb") as handle:
            assert handle.read() == content  # the letter sent is the letter kept


class DownloadTests:
    def test_the_initiator_opens_the_letter_with_their_link(self, client, initiative, officer):
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        token = tracking_token_issue(initiative=initiative)
        page = client.get(reverse("initiatives:track", kwargs={"token": token}))
        url = reverse("initiatives:track_letter", kwargs={"token": token, "pk": decision.pk})
        assert url in page.content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="besluit-{initiative.reference}.pdf"'
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert initiative.reference in text_of(response.content)
        decision.refresh_from_db()
        assert decision.letter  # made on demand, and kept

    def test_another_initiatives_decision_is_not_found_with_this_link(self, client, initiative, officer):
        other = DecisionFactory(initiative__village__municipality=officer.municipality)
        token = tracking_token_issue(initiative=initiative)
        response = client.get(reverse("initiatives:track_letter", kwargs={"token": token, "pk": other.pk}))
        assert response.status_code == 404

    def test_the_officer_downloads_it_and_it_is_audited(self, client, initiative, officer):
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        client.force_login(officer.user)
        page = client.get(reverse("initiatives:officer_detail", args=[initiative.pk]))
        url = reverse("initiatives:officer_letter", args=[initiative.pk, decision.pk])
        assert url in page.content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="besluit-{initiative.reference}.pdf"'
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert AuditLogEntry.objects.filter(
            action=AuditAction.DECISION_LETTER_DOWNLOAD, actor=officer.user, object_id=str(decision.pk)
        ).exists()

    def test_an_officer_of_another_municipality_gets_404(self, client, initiative, officer):
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        client.force_login(OfficerMembershipFactory().user)
        response = client.get(reverse("initiatives:officer_letter", args=[initiative.pk, decision.pk]))
        assert response.status_code == 404
        assert not Decision.objects.get(pk=decision.pk).letter  # nothing was made for them

    def test_a_rendering_failure_is_said_kindly(self, client, initiative, officer):
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        token = tracking_token_issue(initiative=initiative)
        with mock.patch("initiatives.services.letters.render_pdf", side_effect=RuntimeError("no Pango")):
            response = client.get(
                reverse("initiatives:track_letter", kwargs={"token": token, "pk": decision.pk}), follow=True
            )
        assert response.status_code == 200
        assert "kan nu niet worden gemaakt" in response.content.decode()


class RetentionTests:
    def test_retention_deletes_the_letters_and_makes_none_again(
        self, initiative, officer, django_capture_on_commit_callbacks
    ):
        decision = DecisionFactory(initiative=initiative, decided_by=officer.user)
        decision = decision_letter_ensure(decision_id=decision.pk)
        storage = decision.letter.storage
        name = decision.letter.name
        assert storage.exists(name)
        export = personal_data_export(initiative=initiative)
        assert export["decisions"][0]["letter"] == f"besluit-{initiative.reference}.pdf"

        type(initiative).objects.filter(pk=initiative.pk).update(
            status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=800)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert retention_run() == 1
        decision.refresh_from_db()
        assert not decision.letter and decision.letter_made_at is None
        assert not storage.exists(name)
        assert decision_letter_pdf(decision_id=decision.pk) is None  # it would name the initiator
        assert Decision.objects.filter(pk=decision.pk).exists()  # the decision itself stays


def test_the_letterhead_carries_the_municipalitys_own_colour():
    from django.template.loader import render_to_string

    from initiatives.services.letters import TEMPLATE, decision_letter_context

    decision = DecisionFactory()
    municipality = decision.initiative.municipality
    plain = render_to_string(TEMPLATE, decision_letter_context(decision))
    assert "<style>" not in plain
    municipality.theme_primary_colour = "#1f5c99"
    municipality.save(update_fields=["theme_primary_colour"])
    decision.initiative.municipality.refresh_from_db()
    themed = render_to_string(TEMPLATE, decision_letter_context(decision))
    assert ".sender-name { color: #1f5c99; }" in themed
    assert decision_letter_pdf(decision_id=decision.pk)[:4] == b"%PDF"  # WeasyPrint takes the <style>
