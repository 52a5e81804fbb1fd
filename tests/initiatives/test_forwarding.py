"""Forwarding to another municipality: what moves, what stays behind, who may see it, mails, audit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry
from initiatives.constants import Status
from initiatives.deadlines import initiative_due_dates
from initiatives.models import Forwarding, OfficerReadMark
from initiatives.services.forwarding import ForwardNotAllowed, initiative_forward
from initiatives.services.officers import initiative_mark_seen
from initiatives.services.submission import tracking_token_issue
from municipalities.access import NotAllowed
from tests.initiatives.factories import (
    AttachmentFactory,
    DecisionFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    StatusChangeFactory,
)
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender():
    return OfficerMembershipFactory(municipality__name="Ermelo")


@pytest.fixture
def receiver():
    return OfficerMembershipFactory(municipality__name="Putten", municipality__first_response_working_days=3)


@pytest.fixture
def village(receiver):
    return VillageFactory(municipality=receiver.municipality, name="Huinen")


@pytest.fixture
def initiative(sender):
    initiative = InitiativeFactory(
        in_conversation=True, village__municipality=sender.municipality, assigned_officer=sender.user
    )
    initiative.organisation = VillageOrganisationFactory(village=initiative.village)
    initiative.save()
    return initiative


def forward(initiative, village, sender, note="De kern ligt in Putten."):
    return initiative_forward(initiative=initiative, village=village, actor=sender.user, note=note)


class ForwardTests:
    def test_the_initiative_moves_with_its_history(self, initiative, village, sender, receiver):
        StatusChangeFactory(initiative=initiative, from_status=Status.SUBMITTED, to_status=Status.IN_CONVERSATION)
        message = MessageFactory(initiative=initiative)
        attachment = AttachmentFactory(initiative=initiative)
        forwarding = forward(initiative, village, sender)
        initiative.refresh_from_db()
        assert (initiative.municipality, initiative.village) == (receiver.municipality, village)
        assert list(forwarding.initiative.messages.all()) == [message]
        assert list(initiative.attachments.all()) == [attachment]
        assert initiative.status_changes.count() == 2
        assert (forwarding.from_municipality, forwarding.to_municipality) == (
            sender.municipality,
            receiver.municipality,
        )
        assert forwarding.note == "De kern ligt in Putten."

    def test_the_handler_read_marks_and_organisation_stay_behind(self, initiative, village, sender):
        initiative_mark_seen(initiative=initiative, user=sender.user)
        forward(initiative, village, sender)
        initiative.refresh_from_db()
        assert initiative.assigned_officer is None
        assert initiative.organisation is None
        assert not OfficerReadMark.objects.filter(initiative=initiative).exists()

    def test_the_deadlines_start_again_at_the_receiver(self, initiative, village, sender, receiver):
        """Awb 2:3: a forwarded request counts from its receipt by the competent body."""
        initiative.first_response_at = timezone.now() - timedelta(days=3)
        initiative.save()
        forward(initiative, village, sender)
        initiative.refresh_from_db()
        expected = initiative_due_dates(municipality=receiver.municipality, submitted_at=timezone.now())
        assert (initiative.first_response_due, initiative.decision_due) == expected
        assert initiative.first_response_at is None
        assert initiative.status == Status.SUBMITTED
        change = initiative.status_changes.last()
        assert (change.from_status, change.to_status) == (Status.IN_CONVERSATION, Status.SUBMITTED)
        assert change.note == "Doorgestuurd van Ermelo naar Putten."

    def test_a_submitted_initiative_gets_no_extra_status_row(self, sender, village):
        fresh = InitiativeFactory(village__municipality=sender.municipality)
        forward(fresh, village, sender)
        assert fresh.status_changes.count() == 0

    def test_mails_to_the_receivers_officers_and_the_initiator(
        self, initiative, village, sender, receiver, django_capture_on_commit_callbacks
    ):
        receiver.villages.set([village])
        with django_capture_on_commit_callbacks(execute=True):
            forward(initiative, village, sender)
        by_address = {m.to[0]: m for m in mail.outbox}
        assert set(by_address) == {receiver.user.email, initiative.initiator_email}
        officer_mail = by_address[receiver.user.email]
        assert "Ermelo heeft een initiatief voor Huinen naar jullie doorgestuurd" in " ".join(officer_mail.body.split())
        resident = by_address[initiative.initiator_email]
        assert "Putten" in resident.subject
        body = " ".join(resident.body.split())
        assert "Vanaf nu helpt de gemeente Putten je" in body
        assert "Je persoonlijke link blijft werken" in body
        assert "/initiatieven/volg/" in body

    def test_audit_rows_for_both_municipalities_in_words(self, initiative, village, sender, receiver):
        forward(initiative, village, sender)
        entries = AuditLogEntry.objects.filter(action=AuditAction.INITIATIVE_FORWARD)
        assert {entry.municipality for entry in entries} == {sender.municipality, receiver.municipality}
        assert {entry.detail_text for entry in describe(entries)} == {"van Ermelo naar Putten"}

    @pytest.mark.parametrize(
        "make",
        [
            lambda m: DecisionFactory(initiative__village__municipality=m).initiative,
            lambda m: GrantFactory(initiative__village__municipality=m, initiative__in_conversation=True).initiative,
            lambda m: InitiativeFactory(closed=True, village__municipality=m),
            lambda m: InitiativeFactory(withdrawn=True, village__municipality=m),
            lambda m: InitiativeFactory(decided=True, village__municipality=m),
        ],
    )
    def test_refused_once_decided_given_money_closed_or_withdrawn(self, sender, village, make):
        initiative = make(sender.municipality)
        with pytest.raises(ForwardNotAllowed):
            forward(initiative, village, sender)
        initiative.refresh_from_db()
        assert initiative.municipality == sender.municipality
        assert not Forwarding.objects.exists()

    def test_refused_within_the_own_municipality_and_to_an_inactive_one(self, initiative, sender):
        with pytest.raises(ForwardNotAllowed):
            forward(initiative, VillageFactory(municipality=sender.municipality), sender)
        with pytest.raises(ForwardNotAllowed):
            forward(initiative, VillageFactory(municipality=MunicipalityFactory(is_active=False)), sender)

    def test_refused_while_duplicates_point_at_it(self, initiative, village, sender):
        InitiativeFactory(village=initiative.village, closed=True, duplicate_of=initiative)
        with pytest.raises(ForwardNotAllowed):
            forward(initiative, village, sender)

    def test_only_an_officer_of_the_sender(self, initiative, village, receiver):
        with pytest.raises(NotAllowed):
            initiative_forward(initiative=initiative, village=village, actor=receiver.user)


class AccessTests:
    def test_the_sender_loses_access_and_the_receiver_gains_it(self, client, initiative, village, sender, receiver):
        attachment = AttachmentFactory(initiative=initiative)
        page = reverse("initiatives:officer_detail", args=[initiative.pk])
        file = reverse("initiatives:officer_attachment", args=[initiative.pk, attachment.pk])
        client.force_login(receiver.user)
        assert client.get(page).status_code == 404
        client.force_login(sender.user)
        assert client.get(page).status_code == 200
        forward(initiative, village, sender)
        assert client.get(page).status_code == 404
        assert client.get(file).status_code == 404
        client.force_login(receiver.user)
        response = client.get(page)
        assert response.status_code == 200
        assert "Doorgestuurd van Ermelo naar Putten" in response.content.decode()

    def test_the_private_link_keeps_working(self, client, initiative, village, sender):
        token = tracking_token_issue(initiative=initiative)
        forward(initiative, village, sender)
        response = client.get(reverse("initiatives:track", kwargs={"token": token}))
        assert response.status_code == 200
        page = " ".join(response.content.decode().split())
        assert "Putten" in page
        assert "Doorgestuurd van Ermelo naar Putten" in page

    def test_the_receiver_reads_the_senders_audit_rows_on_the_page(self, client, initiative, village, sender, receiver):
        from initiatives.services.officers import initiative_set_role

        initiative_set_role(initiative=initiative, role="faciliteren", explanation="", actor=sender.user)
        forward(initiative, village, sender)
        client.force_login(receiver.user)
        page = client.get(reverse("initiatives:officer_detail", args=[initiative.pk])).content.decode()
        assert "Rol van de gemeente gekozen" in page  # the sender's audit row, on the receiver's page
        assert page.count("Initiatief doorgestuurd naar een andere gemeente") == 1  # one line, not one per log

    def test_the_senders_audit_log_shows_the_forwarding(self, client, initiative, village, sender):
        coordinator = OfficerMembershipFactory(municipality=sender.municipality, coordinator=True)
        forward(initiative, village, sender)
        client.force_login(coordinator.user)
        page = client.get(reverse("audit:log")).content.decode()
        assert "van Ermelo naar Putten" in page

    def test_forwarding_through_the_page(self, client, initiative, village, sender):
        client.force_login(sender.user)
        response = client.post(
            reverse("initiatives:officer_forward", args=[initiative.pk]),
            {"forward-village": str(village.pk), "forward-note": "Ligt in Putten."},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("initiatives:dashboard")
        initiative.refresh_from_db()
        assert initiative.village == village

    def test_a_refusal_shows_on_the_page(self, client, sender, village):
        decided = DecisionFactory(initiative__village__municipality=sender.municipality).initiative
        client.force_login(sender.user)
        response = client.post(
            reverse("initiatives:officer_forward", args=[decided.pk]),
            {"forward-village": str(village.pk), "forward-note": "Ligt in Putten."},
        )
        assert response.status_code == 200
        assert "Alleen een open initiatief kan worden doorgestuurd" in response.content.decode()
        decided.refresh_from_db()
        assert decided.municipality == sender.municipality
