"""The officer's page of one initiative, its actions, and phone or paper intake (through the views)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from initiatives.constants import (
    TRANSITIONS,
    AgreementParty,
    AgreementRole,
    DecisionOutcome,
    GrantStatus,
    IntakeChannel,
    MessageKind,
    MunicipalRole,
    Status,
)
from initiatives.models import Agreement, Decision, Grant, Initiative, Message
from initiatives.services.submission import tracking_token_issue
from municipalities.models import StandardText
from notifications.models import OutboxMail
from tests.initiatives.factories import (
    AgreementFactory,
    AttachmentFactory,
    CostLineFactory,
    DecisionFactory,
    DecisionProposalFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    StatusChangeFactory,
    SupportFactory,
)
from tests.initiatives.helpers import PDF_BYTES, form_data, pdf
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return OfficerMembershipFactory()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer.user)
    return client


@pytest.fixture
def initiative(officer):
    return InitiativeFactory(
        in_conversation=True, village__municipality=officer.municipality, total_cost=Decimal("4000.00")
    )


@pytest.fixture
def foreign_initiative():
    """An initiative of another municipality, with a child of every kind an action can name."""
    initiative = InitiativeFactory(in_conversation=True, total_cost=Decimal("4000.00"))
    AgreementFactory(initiative=initiative)
    GrantFactory(initiative=initiative)
    AttachmentFactory(initiative=initiative)
    return initiative


def page_url(initiative):
    return reverse("initiatives:officer_detail", args=[initiative.pk])


def action_url(name, initiative):
    return reverse(name, args=[initiative.pk])


def store_file(attachment, content=PDF_BYTES):
    attachment.file.save("plan.pdf", ContentFile(content), save=True)
    return attachment


def assert_back_on_page(response, initiative, anchor):
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(initiative)}#{anchor}"


class PageTests:
    def test_shows_everything_the_initiator_gave_and_everything_that_happened(
        self, officer_client, officer, initiative
    ):
        CostLineFactory(initiative=initiative, description="Klimrek", amount=Decimal("1800.00"))
        CostLineFactory(initiative=initiative, description="Schommels", amount=Decimal("700.00"))
        StatusChangeFactory(initiative=initiative, to_status=Status.IN_CONVERSATION, actor=officer.user)
        MessageFactory(initiative=initiative, from_initiator=True, body="Wanneer komt u langs?")
        MessageFactory(initiative=initiative, internal=True, author=officer.user, body="Buren zijn kritisch.")
        AgreementFactory(initiative=initiative, description="Vergunning aanvragen")
        OutboxMail.objects.create(
            to=initiative.initiator_email, template="initiatives/email/receipt", dedup_key="x", subject=initiative
        )
        attachment = AttachmentFactory(initiative=initiative, original_name="begroting-speeltuin.pdf")

        response = officer_client.get(page_url(initiative))

        assert response.status_code == 200
        content = response.content.decode()
        page = response.context["initiative"]
        assert page == initiative
        assert initiative.reference in content and escape(initiative.title) in content
        assert [line.amount for line in page.cost_lines.all()] == [Decimal("1800.00"), Decimal("700.00")]
        assert "Klimrek" in content and "Schommels" in content
        assert escape(initiative.initiator_name) in content and escape(initiative.initiator_email) in content
        assert "Buren zijn kritisch." in content  # the internal note, for officers
        assert "Wanneer komt u langs?" in content
        kinds = {event.kind for event in response.context["timeline"]}
        assert {"status", "message_in", "note", "agreement", "mails"} <= kinds
        assert reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk]) in content

    def test_mails_in_a_row_are_one_entry_between_the_messages(self, officer_client, initiative):
        now = timezone.now()

        def mail(key, minutes_ago):
            row = OutboxMail.objects.create(
                to="fatima@example.nl", template="initiatives/email/receipt", dedup_key=key, subject=initiative
            )
            OutboxMail.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=minutes_ago))
            return row

        first, second = mail("a", 50), mail("b", 49)
        message = MessageFactory(initiative=initiative, created_at=now - timedelta(minutes=30))
        third = mail("c", 29)
        timeline = officer_client.get(page_url(initiative)).context["timeline"]
        shown = [
            (e.kind, e.obj if e.kind != "mails" else [m.pk for m in e.obj]) for e in timeline if e.kind != "status"
        ]
        assert shown == [("mails", [third.pk]), ("message_out", message), ("mails", [second.pk, first.pk])]
        page = officer_client.get(page_url(initiative)).content.decode()
        assert "2 mails van het platform" in page
        assert "Ontvangstbevestiging" in page  # what each mail was, in words

    def test_timeline_is_newest_first(self, officer_client, initiative):
        now = timezone.now()
        old = MessageFactory(initiative=initiative, created_at=now - timedelta(days=3))
        new = MessageFactory(initiative=initiative, created_at=now - timedelta(hours=1))
        events = [e.obj for e in officer_client.get(page_url(initiative)).context["timeline"] if e.kind != "status"]
        assert events.index(new) < events.index(old)

    def test_intake_channel_and_registering_officer_are_shown(self, officer_client, officer):
        initiative = InitiativeFactory(
            village__municipality=officer.municipality,
            intake_channel=IntakeChannel.PHONE,
            registered_by=officer.user,
            initiator_email="",
        )
        response = officer_client.get(page_url(initiative))
        assert response.status_code == 200
        assert escape(officer.user.get_full_name()) in response.content.decode()

    def test_overdue_first_response_is_flagged(self, officer_client, officer):
        late = InitiativeFactory(
            village__municipality=officer.municipality,
            first_response_due=timezone.localdate() - timedelta(days=2),
            decision_due=timezone.localdate() + timedelta(days=20),
        )
        first, decision = officer_client.get(page_url(late)).context["deadlines"]
        assert first.overdue and not decision.overdue

    def test_answered_initiative_is_not_overdue(self, officer_client, officer):
        answered = InitiativeFactory(
            intake=True,
            village__municipality=officer.municipality,
            first_response_due=timezone.localdate() - timedelta(days=2),
        )
        first, _decision = officer_client.get(page_url(answered)).context["deadlines"]
        assert first.done_at and not first.overdue

    def test_other_municipality_is_404(self, officer_client, foreign_initiative):
        assert officer_client.get(page_url(foreign_initiative)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, initiative):
        response = client.get(page_url(initiative))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_non_officer_is_refused(self, client, initiative):
        client.force_login(UserFactory())
        assert client.get(page_url(initiative)).status_code == 403

    def test_status_form_offers_only_allowed_transitions(self, officer_client, initiative):
        form = officer_client.get(page_url(initiative)).context["status_form"]
        offered = {value for value, _label in form.fields["to_status"].choices if value}
        assert offered == set(TRANSITIONS[Status.IN_CONVERSATION]) - {Status.DECIDED}

    def test_withdrawn_initiative_offers_no_transition(self, officer_client, officer):
        withdrawn = InitiativeFactory(withdrawn=True, village__municipality=officer.municipality)
        form = officer_client.get(page_url(withdrawn)).context["status_form"]
        assert [value for value, _label in form.fields["to_status"].choices if value] == []

    def test_assign_offers_active_officers_of_the_municipality_only(self, officer_client, officer, initiative):
        colleague = OfficerMembershipFactory(municipality=officer.municipality)
        gone = OfficerMembershipFactory(municipality=officer.municipality, is_active=False)
        stranger = OfficerMembershipFactory()
        form = officer_client.get(page_url(initiative)).context["assign_form"]
        offered = set(form.fields["officer"].queryset)
        assert {officer.user, colleague.user} == offered
        assert gone.user not in offered and stranger.user not in offered

    def test_funds_show_what_is_left(self, officer_client, officer, initiative):
        fund = FundFactory(municipality=officer.municipality, budget=Decimal("10000.00"))
        GrantFactory(fund=fund, amount=Decimal("1000.00"), initiative__village__municipality=officer.municipality)
        GrantFactory(
            fund=fund,
            amount=Decimal("2000.00"),
            status=GrantStatus.PAID,
            initiative__village__municipality=officer.municipality,
        )
        GrantFactory(
            fund=fund,
            amount=Decimal("4000.00"),
            status=GrantStatus.WITHDRAWN,
            initiative__village__municipality=officer.municipality,
        )
        FundFactory(municipality=officer.municipality, is_open=False)
        FundFactory()  # another municipality's
        (shown,) = officer_client.get(page_url(initiative)).context["funds"]
        assert (shown, shown.committed, shown.paid, shown.remaining) == (
            fund,
            Decimal("1000.00"),
            Decimal("2000.00"),
            Decimal("7000.00"),
        )

    def test_fund_box_explains_its_words_and_writes_amounts_in_dutch(self, officer_client, officer, initiative):
        fund = FundFactory(
            municipality=officer.municipality, budget=Decimal("10000.00"), max_per_initiative=Decimal("2500.00")
        )
        GrantFactory(fund=fund, amount=Decimal("1800.00"), initiative__village__municipality=officer.municipality)
        GrantFactory(
            fund=fund,
            amount=Decimal("1200.50"),
            status=GrantStatus.PAID,
            initiative__village__municipality=officer.municipality,
        )
        body = officer_client.get(page_url(initiative)).content.decode().replace("\u00a0", " ")
        assert "Toegezegd: beloofd in een besluit, nog niet uitbetaald." in body
        assert "Nog over: wat het fonds nog kan geven" in body
        box = body[body.index(f'data-fund="{fund.pk}"') :]
        box = box[: box.index("</li>")]
        for label, amount in [
            ("Budget", "€ 10.000,00"),
            ("Toegezegd (nog niet uitbetaald)", "€ 1.800,00"),
            ("Uitbetaald", "€ 1.200,50"),
            ("Nog over", "€ 6.999,50"),
            ("Maximaal per initiatief", "€ 2.500,00"),
        ]:
            assert label in box and amount in box
        assert "10000" not in box and "committed" not in box

    @pytest.mark.parametrize("count", [3, 30])
    def test_page_runs_in_a_fixed_number_of_queries(
        self, officer_client, officer, initiative, count, django_assert_max_num_queries
    ):
        CostLineFactory.create_batch(3, initiative=initiative)
        AgreementFactory.create_batch(2, initiative=initiative)
        GrantFactory(initiative=initiative)
        DecisionFactory(initiative=initiative)
        FundFactory.create_batch(2, municipality=officer.municipality, min_supporters=3)
        StandardText.objects.create(municipality=officer.municipality, title="Welkom", body="Dank u wel.")
        for n in range(count):
            SupportFactory(initiative=initiative, village=initiative.village if n % 2 else None)
            message = MessageFactory(initiative=initiative, internal=n % 3 == 0, author=officer.user)
            AttachmentFactory(initiative=initiative, message=message)
            StatusChangeFactory(initiative=initiative, actor=officer.user)
            OutboxMail.objects.create(to="a@example.nl", template="t", dedup_key=f"k{n}", subject=initiative)
        for _ in range(2):  # proposals above the mandate: one sent back, one waiting
            DecisionProposalFactory(
                initiative=initiative, status="sent_back", reviewed_by=officer.user, reviewed_at=timezone.now()
            )
        DecisionProposalFactory(initiative=initiative, proposed_by=officer.user)
        # (the role history, the read mark for "new replies", the supporters and the proposals are one
        # query each; duplicates both ways, forwardings and the audit lines with their names are one
        # query each too)
        with django_assert_max_num_queries(28):
            response = officer_client.get(page_url(initiative))
        assert response.status_code == 200
        assert len(response.context["timeline"]) >= 3 * count


@pytest.mark.s3
class AttachmentTests:
    def test_officer_downloads_a_file(self, officer_client, initiative):
        attachment = store_file(AttachmentFactory(initiative=initiative, original_name="begroting.pdf"))
        response = officer_client.get(reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_files_of_internal_notes_too(self, officer_client, initiative):
        note = MessageFactory(initiative=initiative, internal=True)
        attachment = store_file(AttachmentFactory(initiative=initiative, message=note))
        url = reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk])
        assert officer_client.get(url).status_code == 200

    def test_missing_file_is_404(self, officer_client, initiative):
        attachment = AttachmentFactory(initiative=initiative)  # a row without a file
        url = reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk])
        assert officer_client.get(url).status_code == 404

    def test_file_of_another_initiative_under_this_url_is_404(self, officer_client, officer, initiative):
        other = InitiativeFactory(village__municipality=officer.municipality)
        attachment = store_file(AttachmentFactory(initiative=other))
        url = reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk])
        assert officer_client.get(url).status_code == 404


def foreign_urls(initiative):
    agreement = initiative.agreements.get()
    grant = initiative.grants.get()
    attachment = initiative.attachments.get()
    return {
        "initiatives:officer_detail": reverse("initiatives:officer_detail", args=[initiative.pk]),
        "initiatives:officer_assign": action_url("initiatives:officer_assign", initiative),
        "initiatives:officer_status": action_url("initiatives:officer_status", initiative),
        "initiatives:officer_message": action_url("initiatives:officer_message", initiative),
        "initiatives:officer_role": action_url("initiatives:officer_role", initiative),
        "initiatives:agreement_add": action_url("initiatives:agreement_add", initiative),
        "initiatives:agreement_done": reverse("initiatives:agreement_done", args=[initiative.pk, agreement.pk]),
        "initiatives:officer_decide": action_url("initiatives:officer_decide", initiative),
        "initiatives:officer_publication_approve": action_url("initiatives:officer_publication_approve", initiative),
        "initiatives:officer_publication_hide": action_url("initiatives:officer_publication_hide", initiative),
        "initiatives:grant_paid": reverse("initiatives:grant_paid", args=[grant.pk]),
        "initiatives:grant_withdraw": reverse("initiatives:grant_withdraw", args=[grant.pk]),
        "initiatives:officer_attachment": reverse(
            "initiatives:officer_attachment", args=[initiative.pk, attachment.pk]
        ),
    }


ACTIONS = [
    "initiatives:officer_assign",
    "initiatives:officer_status",
    "initiatives:officer_message",
    "initiatives:officer_role",
    "initiatives:agreement_add",
    "initiatives:agreement_done",
    "initiatives:officer_decide",
    "initiatives:officer_publication_approve",
    "initiatives:officer_publication_hide",
    "initiatives:grant_paid",
    "initiatives:grant_withdraw",
]


class ScopingTests:
    @pytest.mark.parametrize("name", ACTIONS)
    def test_every_action_on_another_municipality_is_404(self, officer_client, foreign_initiative, name):
        before = (foreign_initiative.status, Message.objects.count(), Decision.objects.count())
        response = officer_client.post(foreign_urls(foreign_initiative)[name], {"reason": "x", "done": "1"})
        assert response.status_code == 404
        foreign_initiative.refresh_from_db()
        assert (foreign_initiative.status, Message.objects.count(), Decision.objects.count()) == before
        assert foreign_initiative.grants.get().status == GrantStatus.COMMITTED

    @pytest.mark.parametrize("name", ["initiatives:officer_detail", "initiatives:officer_attachment"])
    def test_reading_another_municipality_is_404(self, officer_client, foreign_initiative, name):
        store_file(foreign_initiative.attachments.get())
        assert officer_client.get(foreign_urls(foreign_initiative)[name]).status_code == 404

    @pytest.mark.parametrize("name", ACTIONS)
    def test_actions_are_post_only(self, officer_client, officer, name):
        own = InitiativeFactory(in_conversation=True, village__municipality=officer.municipality)
        AgreementFactory(initiative=own)
        GrantFactory(initiative=own)
        AttachmentFactory(initiative=own)
        assert officer_client.get(foreign_urls(own)[name]).status_code == 405

    @pytest.mark.parametrize("name", ACTIONS)
    def test_anonymous_and_non_officers_are_refused(self, client, foreign_initiative, name):
        url = foreign_urls(foreign_initiative)[name]
        anonymous = client.post(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
        client.force_login(UserFactory())
        assert client.post(url).status_code == 403

    def test_register_needs_an_officer(self, client):
        url = reverse("initiatives:officer_register")
        assert client.get(url).status_code == 302
        client.force_login(UserFactory())
        assert client.get(url).status_code == 403


class AssignTests:
    def test_assign_a_colleague(self, officer_client, officer, initiative):
        colleague = OfficerMembershipFactory(municipality=officer.municipality)
        response = officer_client.post(
            action_url("initiatives:officer_assign", initiative), {"assign-officer": colleague.user.pk}
        )
        assert_back_on_page(response, initiative, "handling")
        initiative.refresh_from_db()
        assert initiative.assigned_officer == colleague.user

    def test_an_officer_of_another_municipality_cannot_be_assigned(self, officer_client, initiative):
        stranger = OfficerMembershipFactory()
        response = officer_client.post(
            action_url("initiatives:officer_assign", initiative), {"assign-officer": stranger.user.pk}
        )
        assert response.status_code == 200
        assert "officer" in response.context["assign_form"].errors
        initiative.refresh_from_db()
        assert initiative.assigned_officer is None


class StatusTests:
    def test_allowed_transition(self, officer_client, initiative):
        response = officer_client.post(
            action_url("initiatives:officer_status", initiative),
            {"status-to_status": Status.WAITING_FOR_INITIATOR, "status-note": "Wacht op offerte"},
        )
        assert_back_on_page(response, initiative, "handling")
        initiative.refresh_from_db()
        assert initiative.status == Status.WAITING_FOR_INITIATOR
        assert initiative.status_changes.last().note == "Wacht op offerte"

    @pytest.mark.parametrize("to_status", [Status.REALISED, Status.DECIDED, "nonsense"])
    def test_illegal_transition_is_shown_at_the_form(self, officer_client, initiative, to_status):
        response = officer_client.post(
            action_url("initiatives:officer_status", initiative), {"status-to_status": to_status}
        )
        assert response.status_code == 200
        assert "to_status" in response.context["status_form"].errors
        assert response.context["has_errors"]
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert not initiative.status_changes.exists()

    def test_a_transition_made_stale_by_a_colleague_is_shown_not_raised(self, officer_client, officer, initiative):
        """The form offered the step when the page loaded; meanwhile a colleague closed it."""
        Initiative.objects.filter(pk=initiative.pk).update(status=Status.WITHDRAWN)
        response = officer_client.post(
            action_url("initiatives:officer_status", initiative), {"status-to_status": Status.WAITING_FOR_INITIATOR}
        )
        assert response.status_code == 200
        assert response.context["status_form"].errors


class MessageTests:
    def test_message_from_a_standard_text_without_typing(self, officer_client, officer, initiative):
        text = StandardText.objects.create(
            municipality=officer.municipality, title="Afspraak", body="Kunnen we een afspraak maken?"
        )
        StandardText.objects.create(  # a second purpose: the select shows groups
            municipality=officer.municipality, title="Gebeld", body="Gebeld met", purpose=StandardText.Purpose.NOTE
        )
        response = officer_client.post(
            action_url("initiatives:officer_message", initiative),
            {"message-kind": MessageKind.TO_INITIATOR, "message-standard_text": text.pk, "message-body": ""},
        )
        assert_back_on_page(response, initiative, "history")
        message = Message.objects.get(initiative=initiative)
        assert (message.kind, message.body, message.author) == (
            MessageKind.TO_INITIATOR,
            "Kunnen we een afspraak maken?",
            officer.user,
        )
        assert OutboxMail.objects.filter(initiative=initiative, template="initiatives/email/officer_message").exists()

    def test_the_page_offers_active_standard_texts_of_the_municipality(self, officer_client, officer, initiative):
        mine = StandardText.objects.create(municipality=officer.municipality, title="Mijn", body="a")
        StandardText.objects.create(municipality=officer.municipality, title="Oud", body="b", is_active=False)
        StandardText.objects.create(municipality=InitiativeFactory().municipality, title="Ander", body="c")
        decision_text = StandardText.objects.create(
            municipality=officer.municipality, title="Besluit", body="d", purpose=StandardText.Purpose.DECISION
        )
        context = officer_client.get(page_url(initiative)).context
        assert set(context["message_form"].fields["standard_text"].texts_by_pk.values()) == {mine}
        assert set(context["decision_form"].fields["standard_text"].texts_by_pk.values()) == {decision_text}
        assert f'data-text="{mine.body}"' in context["message_form"]["standard_text"].as_widget()

    def test_internal_note_with_an_attachment(self, officer_client, officer, initiative):
        response = officer_client.post(
            action_url("initiatives:officer_message", initiative),
            {"message-kind": MessageKind.INTERNAL_NOTE, "message-body": "Gebeld.", "message-attachments": pdf()},
        )
        assert_back_on_page(response, initiative, "history")
        note = Message.objects.get(initiative=initiative)
        assert note.kind == MessageKind.INTERNAL_NOTE
        assert note.attachments.get().original_name == "plan.pdf"
        assert not OutboxMail.objects.filter(initiative=initiative).exists()

    def test_empty_message_is_refused_at_the_form(self, officer_client, initiative):
        response = officer_client.post(
            action_url("initiatives:officer_message", initiative),
            {"message-kind": MessageKind.TO_INITIATOR, "message-body": "   "},
        )
        assert response.status_code == 200
        assert "body" in response.context["message_form"].errors
        assert not Message.objects.exists()


class RoleTests:
    def test_set_the_role(self, officer_client, initiative):
        response = officer_client.post(
            action_url("initiatives:officer_role", initiative),
            {"role-role": MunicipalRole.FACILITATE, "role-explanation": "Wij helpen met geld."},
        )
        assert_back_on_page(response, initiative, "role")
        initiative.refresh_from_db()
        assert (initiative.municipal_role, initiative.municipal_role_explanation) == (
            MunicipalRole.FACILITATE,
            "Wij helpen met geld.",
        )

    def test_setting_and_changing_the_role_are_history_entries_the_initiator_reads_too(
        self, officer_client, officer, initiative
    ):
        url = action_url("initiatives:officer_role", initiative)
        officer_client.post(url, {"role-role": MunicipalRole.FACILITATE, "role-explanation": "Wij helpen met geld."})
        officer_client.post(url, {"role-role": MunicipalRole.FACILITATE, "role-explanation": "Wij helpen met geld."})
        officer_client.post(
            url, {"role-role": MunicipalRole.STIMULATE, "role-explanation": "Wij brengen mensen bij elkaar."}
        )

        changes = list(initiative.role_changes.values_list("from_role", "to_role", "actor"))
        assert changes == [  # the same role again is no new entry
            ("", MunicipalRole.FACILITATE, officer.user.pk),
            (MunicipalRole.FACILITATE, MunicipalRole.STIMULATE, officer.user.pk),
        ]
        page = officer_client.get(page_url(initiative)).content.decode()
        assert escape("Rol van de gemeente gewijzigd van “Faciliteren” naar “Stimuleren”") in page
        assert escape("Rol van de gemeente: Faciliteren") in page
        token = tracking_token_issue(initiative=initiative)
        tracking = Client().get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert "Rol van de gemeente: Stimuleren" in tracking
        assert "Wij brengen mensen bij elkaar." in tracking

    def test_role_choices_are_the_participation_ladder(self, officer_client, initiative):
        form = officer_client.get(page_url(initiative)).context["role_form"]
        assert [value for value, _label in form.fields["role"].choices] == list(MunicipalRole.values)

    def test_unknown_role_is_refused(self, officer_client, initiative):
        response = officer_client.post(action_url("initiatives:officer_role", initiative), {"role-role": "boss"})
        assert response.status_code == 200
        assert "role" in response.context["role_form"].errors


class AgreementTests:
    def test_add_and_mark_done_and_open_again(self, officer_client, initiative):
        due = timezone.localdate() + timedelta(days=30)
        response = officer_client.post(
            action_url("initiatives:agreement_add", initiative),
            {
                "agreement-party": AgreementParty.PARTNER,
                "agreement-partner_name": "Dorpshuis De Eik",
                "agreement-role": AgreementRole.CARRY_OUT,
                "agreement-description": "Zaal beschikbaar stellen",
                "agreement-due_date": due.isoformat(),
            },
        )
        assert_back_on_page(response, initiative, "agreements")
        agreement = Agreement.objects.get(initiative=initiative)
        assert (agreement.partner_name, agreement.role, agreement.due_date) == (
            "Dorpshuis De Eik",
            AgreementRole.CARRY_OUT,
            due,
        )

        done_url = reverse("initiatives:agreement_done", args=[initiative.pk, agreement.pk])
        assert_back_on_page(officer_client.post(done_url, {"done": "1"}), initiative, "agreements")
        agreement.refresh_from_db()
        assert agreement.done and agreement.done_at
        officer_client.post(done_url, {"done": "0"})
        agreement.refresh_from_db()
        assert not agreement.done and agreement.done_at is None

    def test_partner_needs_a_name(self, officer_client, initiative):
        response = officer_client.post(
            action_url("initiatives:agreement_add", initiative),
            {
                "agreement-party": AgreementParty.PARTNER,
                "agreement-role": AgreementRole.CARRY_OUT,
                "agreement-description": "Zaal",
            },
        )
        assert response.status_code == 200
        assert "partner_name" in response.context["agreement_form"].errors
        assert not Agreement.objects.exists()

    def test_agreement_of_another_initiative_is_404(self, officer_client, officer, initiative):
        other = AgreementFactory(initiative__village__municipality=officer.municipality)
        url = reverse("initiatives:agreement_done", args=[initiative.pk, other.pk])
        assert officer_client.post(url, {"done": "1"}).status_code == 404


class DecisionTests:
    def test_decide_with_a_grant(self, officer_client, officer, initiative):
        fund = FundFactory(
            municipality=officer.municipality, budget=Decimal("10000"), max_per_initiative=Decimal("3000")
        )
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative),
            {
                "decision-outcome": DecisionOutcome.SUPPORTED,
                "decision-motivation": "Dit plan brengt het dorp samen.",
                "decision-fund": fund.pk,
                "decision-amount": "2500.00",
            },
        )
        assert_back_on_page(response, initiative, "decision")
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED
        decision = Decision.objects.get(initiative=initiative)
        assert decision.motivation == "Dit plan brengt het dorp samen."
        grant = decision.grants.get()
        assert (grant.fund, grant.amount, grant.status) == (fund, Decimal("2500.00"), GrantStatus.COMMITTED)

    def test_decide_without_money_from_a_standard_text(self, officer_client, officer, initiative):
        text = StandardText.objects.create(
            municipality=officer.municipality,
            purpose=StandardText.Purpose.DECISION,
            title="Advies",
            body="Wij denken graag mee.",
        )
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative),
            {"decision-outcome": DecisionOutcome.PARTLY_SUPPORTED, "decision-standard_text": text.pk},
        )
        assert_back_on_page(response, initiative, "decision")
        decision = Decision.objects.get(initiative=initiative)
        assert (decision.motivation, decision.grants.exists()) == ("Wij denken graag mee.", False)

    def test_over_budget_is_shown_at_the_amount_and_nothing_is_stored(self, officer_client, officer, initiative):
        fund = FundFactory(
            municipality=officer.municipality,
            budget=Decimal("1000"),
            max_per_initiative=None,
            min_own_share_percent=Decimal("0"),
        )
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative),
            {
                "decision-outcome": DecisionOutcome.SUPPORTED,
                "decision-motivation": "Mooi plan",
                "decision-fund": fund.pk,
                "decision-amount": "1000.01",
            },
        )
        assert response.status_code == 200
        assert "amount" in response.context["decision_form"].errors
        assert 'href="#id_decision-amount"' in response.content.decode()  # the summary links to the field
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert not Decision.objects.exists() and not Grant.objects.exists()

    @pytest.mark.parametrize(
        ("fund_kwargs", "amount", "message"),
        [
            ({"max_per_initiative": Decimal("5000")}, "5000.01", "Dit fonds geeft maximaal € 5.000,00 per initiatief."),
            ({"budget": Decimal("12500")}, "12500.01", "Het fonds heeft nog € 12.500,00 over. Dit bedrag is hoger."),
            (
                {"min_own_share_percent": Decimal("25")},
                "3000.01",
                "De initiatiefnemers betalen minstens 25% zelf. Het fonds geeft dus maximaal € 3.000,00.",
            ),
            (
                {"budget_per_village": Decimal("1500")},
                "1500.01",
                "Dit dorp heeft dit jaar nog € 1.500,00 over in dit fonds.",
            ),
        ],
    )
    def test_fund_rules_name_amounts_in_dutch_notation(
        self, officer_client, officer, initiative, fund_kwargs, amount, message
    ):
        defaults = {"budget": Decimal("50000"), "max_per_initiative": None, "min_own_share_percent": Decimal("0")}
        fund = FundFactory(municipality=officer.municipality, **{**defaults, **fund_kwargs})
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative),
            {
                "decision-outcome": DecisionOutcome.SUPPORTED,
                "decision-motivation": "Mooi plan",
                "decision-fund": fund.pk,
                "decision-amount": amount,
            },
        )
        assert response.status_code == 200
        assert response.context["decision_form"].errors["amount"] == [message.replace("€ ", "€\u00a0")]

    def test_fund_of_another_municipality_cannot_be_chosen(self, officer_client, initiative):
        foreign = FundFactory()
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative),
            {
                "decision-outcome": DecisionOutcome.SUPPORTED,
                "decision-motivation": "Mooi plan",
                "decision-fund": foreign.pk,
                "decision-amount": "100",
            },
        )
        assert response.status_code == 200
        assert "fund" in response.context["decision_form"].errors
        assert not Decision.objects.exists()

    def test_motivation_is_required(self, officer_client, initiative):
        response = officer_client.post(
            action_url("initiatives:officer_decide", initiative), {"decision-outcome": DecisionOutcome.SUPPORTED}
        )
        assert response.status_code == 200
        assert "motivation" in response.context["decision_form"].errors

    def test_a_submitted_initiative_cannot_be_decided_yet(self, officer_client, officer):
        submitted = InitiativeFactory(village__municipality=officer.municipality)
        response = officer_client.post(
            action_url("initiatives:officer_decide", submitted),
            {"decision-outcome": DecisionOutcome.SUPPORTED, "decision-motivation": "Mooi"},
        )
        assert response.status_code == 200
        assert response.context["decision_form"].non_field_errors()
        assert not Decision.objects.exists()


class GrantTests:
    @pytest.fixture
    def grant(self, officer):
        return GrantFactory(initiative__village__municipality=officer.municipality)

    def test_mark_paid(self, officer_client, grant):
        response = officer_client.post(reverse("initiatives:grant_paid", args=[grant.pk]))
        assert_back_on_page(response, grant.initiative, "grants")
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PAID and grant.paid_at

    def test_paying_twice_is_shown_at_the_grant(self, officer_client, grant):
        Grant.objects.filter(pk=grant.pk).update(status=GrantStatus.PAID)
        response = officer_client.post(reverse("initiatives:grant_paid", args=[grant.pk]))
        assert response.status_code == 200
        (shown,) = response.context["grants"]
        assert shown.paid_form.non_field_errors()

    def test_withdraw_with_a_reason(self, officer_client, grant):
        response = officer_client.post(
            reverse("initiatives:grant_withdraw", args=[grant.pk]), {f"withdraw-{grant.pk}-reason": "Gaat niet door"}
        )
        assert_back_on_page(response, grant.initiative, "grants")
        grant.refresh_from_db()
        assert grant.status == GrantStatus.WITHDRAWN and grant.withdrawn_at

    def test_withdraw_needs_a_reason(self, officer_client, grant):
        response = officer_client.post(reverse("initiatives:grant_withdraw", args=[grant.pk]), {})
        assert response.status_code == 200
        (shown,) = response.context["grants"]
        assert "reason" in shown.withdraw_form.errors
        grant.refresh_from_db()
        assert grant.status == GrantStatus.COMMITTED


class RegisterTests:
    @pytest.fixture
    def village(self, officer):
        return VillageFactory(municipality=officer.municipality)

    def post_data(self, village, **overrides):
        data = form_data(village, **{"channel": IntakeChannel.PHONE, "initiator_email": "", **overrides})
        data.pop("privacy_acknowledged")
        data.pop("website")
        return data

    def test_form_offers_only_own_villages_and_no_web_channel(self, officer_client, village):
        VillageFactory()  # another municipality's
        form = officer_client.get(reverse("initiatives:officer_register")).context["form"]
        village_ids = [pk for _group, options in form.fields["village"].choices[1:] for pk, _name in options]
        assert village_ids == [village.pk]
        assert IntakeChannel.WEB not in dict(form.fields["channel"].choices)
        assert "privacy_acknowledged" not in form.fields and "website" not in form.fields

    def test_phone_intake_creates_the_initiative(self, officer_client, officer, village):
        response = officer_client.post(reverse("initiatives:officer_register"), self.post_data(village))
        initiative = Initiative.objects.get()
        assert response.status_code == 302
        assert response["Location"] == page_url(initiative)
        assert (initiative.intake_channel, initiative.registered_by, initiative.village) == (
            IntakeChannel.PHONE,
            officer.user,
            village,
        )
        assert initiative.initiator_email == ""
        assert initiative.total_cost == Decimal("2500.00")
        assert initiative.status_changes.get().actor == officer.user

    def test_paper_intake_with_a_scanned_letter(self, officer_client, village):
        data = self.post_data(village, channel=IntakeChannel.PAPER, attachments=pdf("brief.pdf"))
        officer_client.post(reverse("initiatives:officer_register"), data)
        initiative = Initiative.objects.get()
        assert initiative.intake_channel == IntakeChannel.PAPER
        assert initiative.attachments.get().original_name == "brief.pdf"

    def test_village_of_another_municipality_is_refused(self, officer_client):
        response = officer_client.post(reverse("initiatives:officer_register"), self.post_data(VillageFactory()))
        assert response.status_code == 200
        assert "village" in response.context["form"].errors
        assert not Initiative.objects.exists()

    def test_web_channel_cannot_be_posted(self, officer_client, village):
        data = self.post_data(village, channel=IntakeChannel.WEB)
        response = officer_client.post(reverse("initiatives:officer_register"), data)
        assert response.status_code == 200
        assert "channel" in response.context["form"].errors
        assert not Initiative.objects.exists()

    def test_the_questions_speak_to_the_officer_about_the_initiator(self, officer_client, village):
        response = officer_client.get(reverse("initiatives:officer_register"))
        body = response.content.decode()
        for label in (
            "Naam van het initiatief",
            "Wat wil de initiatiefnemer bereiken?",
            "Welke hulp vraagt de initiatiefnemer aan de gemeente?",
            "Bedrag dat de initiatiefnemer vraagt (euro)",
            "Wie in de buurt steunt het plan?",
            "Wanneer wil de initiatiefnemer beginnen?",
        ):
            assert label in body
        addressed_to_the_initiator = re.compile(r"\b(je|jouw|jij|mijn|ik|we willen)\b", re.IGNORECASE)
        form = response.context["form"]
        for name, field in form.fields.items():
            if name != "handler":  # the one question for the officer themselves
                for text in (str(field.label), str(field.help_text)):
                    assert not addressed_to_the_initiator.search(text), (name, text)

    def test_the_registering_officer_is_the_handler_unless_chosen_otherwise(self, officer_client, officer, village):
        form = officer_client.get(reverse("initiatives:officer_register")).context["form"]
        assert form["handler"].value() == officer.user.pk
        officer_client.post(reverse("initiatives:officer_register"), self.post_data(village, handler=officer.user.pk))
        initiative = Initiative.objects.get()
        assert initiative.assigned_officer == officer.user
        assert not OutboxMail.objects.filter(to=officer.user.email).exists()  # they know already

    def test_a_colleague_can_be_chosen_as_handler_and_hears_it(self, officer_client, officer, village):
        colleague = OfficerMembershipFactory(municipality=officer.municipality, user__email="collega@example.org")
        data = self.post_data(village, handler=colleague.user.pk)
        response = officer_client.post(reverse("initiatives:officer_register"), data)
        initiative = Initiative.objects.get()
        assert response.status_code == 302
        assert initiative.assigned_officer == colleague.user
        mails = set(OutboxMail.objects.filter(to="collega@example.org").values_list("template", flat=True))
        assert mails == {"initiatives/email/officer_assigned"}  # not also "a new initiative"
        assert AuditLogEntry.objects.filter(action=AuditAction.INITIATIVE_ASSIGN, actor=officer.user).exists()

    def test_nobody_as_handler_leaves_it_unassigned(self, officer_client, village):
        officer_client.post(reverse("initiatives:officer_register"), self.post_data(village, handler=""))
        assert Initiative.objects.get().assigned_officer is None

    def test_an_officer_of_another_municipality_cannot_be_the_handler(self, officer_client, village):
        stranger = OfficerMembershipFactory()
        response = officer_client.post(
            reverse("initiatives:officer_register"), self.post_data(village, handler=stranger.user.pk)
        )
        assert response.status_code == 200
        assert "handler" in response.context["form"].errors
        assert not Initiative.objects.exists()
