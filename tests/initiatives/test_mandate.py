"""The mandate and four eyes: a contribution above the municipality's mandate is a proposal first;
a coordinator other than the proposer approves it (then the money is committed under the fund's
row lock) or sends it back with a reason."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry
from core.exceptions import NotAllowed
from core.formats import money
from initiatives.constants import DecisionOutcome, GrantStatus, ProposalStatus, Status
from initiatives.models import Decision, DecisionProposal, Grant, Initiative
from initiatives.services.funds import initiative_decide
from initiatives.services.mandate import decision_propose, proposal_approve, proposal_send_back, proposal_withdraw
from initiatives.services.submission import tracking_token_issue
from notifications.models import OutboxMail
from tests.initiatives.factories import DecisionProposalFactory, GrantFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory

pytestmark = pytest.mark.django_db

MANDATE = Decimal("2500.00")
MOTIVATION = "Het dorpshuis krijgt een nieuwe keuken; de buurt kookt er samen."


@pytest.fixture
def municipality():
    return MunicipalityFactory(mandate_amount=MANDATE)


@pytest.fixture
def officer(municipality):
    return OfficerMembershipFactory(municipality=municipality)


@pytest.fixture
def coordinator(municipality):
    return OfficerMembershipFactory(municipality=municipality, coordinator=True)


@pytest.fixture
def fund(municipality):
    return FundFactory(municipality=municipality, budget=10000, max_per_initiative=None, min_own_share_percent=0)


@pytest.fixture
def initiative(municipality):
    return InitiativeFactory(in_conversation=True, village__municipality=municipality, total_cost=Decimal("8000"))


def propose(initiative, officer, fund, amount="4000", **kwargs):
    return decision_propose(
        initiative=initiative,
        actor=officer.user,
        outcome=kwargs.pop("outcome", DecisionOutcome.SUPPORTED),
        motivation=kwargs.pop("motivation", MOTIVATION),
        fund=fund,
        amount=Decimal(amount),
        **kwargs,
    )


def decide(initiative, officer, fund, amount):
    return initiative_decide(
        initiative=initiative,
        actor=officer.user,
        outcome=DecisionOutcome.SUPPORTED,
        motivation=MOTIVATION,
        fund=fund,
        amount=Decimal(amount),
    )


class MandateTests:
    def test_exactly_the_mandate_is_decided_alone(self, initiative, officer, fund):
        decision = decide(initiative, officer, fund, "2500.00")
        assert decision.approved_by is None
        assert Grant.objects.get(initiative=initiative).amount == MANDATE

    def test_below_the_mandate_is_decided_alone(self, initiative, officer, fund):
        decide(initiative, officer, fund, "100")
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED

    def test_above_the_mandate_is_refused_without_approval(self, initiative, officer, fund):
        with pytest.raises(ValidationError) as error:
            decide(initiative, officer, fund, "2500.01")
        assert "amount" in error.value.message_dict
        assert "2.500,00" in error.value.message_dict["amount"][0]
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert not Grant.objects.exists() and not Decision.objects.exists()

    def test_without_a_mandate_any_amount_is_decided_alone(self, officer, fund, initiative):
        initiative.municipality.mandate_amount = None
        initiative.municipality.save(update_fields=["mandate_amount"])
        decide(initiative, officer, fund, "9000")
        assert Grant.objects.get().amount == Decimal("9000")

    def test_a_decision_without_money_needs_no_approval(self, initiative, officer):
        initiative_decide(initiative=initiative, actor=officer.user, outcome="not_supported", motivation="Nee")
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED

    @pytest.mark.parametrize(
        ("mandate", "amount", "needed"),
        [(None, "1000000", False), ("0", "0.01", True), ("2500", "2500", False), ("2500", "2500.01", True)],
    )
    def test_needs_approval(self, mandate, amount, needed):
        municipality = MunicipalityFactory.build(mandate_amount=None if mandate is None else Decimal(mandate))
        assert municipality.needs_approval(Decimal(amount)) is needed
        assert municipality.needs_approval(None) is False

    def test_a_negative_mandate_is_refused(self, municipality):
        municipality.mandate_amount = Decimal("-1")
        with pytest.raises(ValidationError):
            municipality.full_clean()


class ProposeTests:
    def test_nothing_is_decided_or_committed_and_the_coordinators_hear_of_it(
        self, initiative, officer, coordinator, fund, django_capture_on_commit_callbacks
    ):
        OfficerMembershipFactory(municipality=initiative.municipality, coordinator=True, is_active=False)
        OfficerMembershipFactory(coordinator=True)  # of another municipality
        with django_capture_on_commit_callbacks(execute=True):
            proposal = propose(initiative, officer, fund)
        assert (proposal.status, proposal.proposed_by, proposal.amount, proposal.fund) == (
            ProposalStatus.PENDING,
            officer.user,
            Decimal("4000"),
            fund,
        )
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION and initiative.decided_at is None
        assert not Decision.objects.exists() and not Grant.objects.exists()
        assert [m.to for m in mail.outbox] == [[coordinator.user.email]]  # the initiator hears nothing
        assert "4.000,00" in mail.outbox[0].body and "2.500,00" in mail.outbox[0].body
        assert reverse("initiatives:officer_detail", args=[initiative.pk]) in mail.outbox[0].body
        entry = AuditLogEntry.objects.get(action=AuditAction.DECISION_PROPOSE)
        assert (entry.actor, entry.municipality, entry.object_id) == (
            officer.user,
            initiative.municipality,
            str(proposal.pk),
        )

    def test_within_the_mandate_there_is_nothing_to_propose(self, initiative, officer, coordinator, fund):
        with pytest.raises(ValidationError):
            propose(initiative, officer, fund, "2500")

    def test_the_fund_is_checked_as_a_preview(self, initiative, officer, coordinator, fund):
        GrantFactory(fund=fund, amount=Decimal("7000"), initiative__village__municipality=initiative.municipality)
        with pytest.raises(ValidationError) as error:
            propose(initiative, officer, fund, "3500")
        assert "3.000,00" in error.value.message_dict["amount"][0]  # what is left
        assert not DecisionProposal.objects.exists()

    def test_a_proposal_needs_someone_to_approve_it(self, initiative, fund):
        lonely = OfficerMembershipFactory(municipality=initiative.municipality, coordinator=True)
        with pytest.raises(ValidationError) as error:
            propose(initiative, lonely, fund)
        assert "coördinator" in str(error.value)
        assert not DecisionProposal.objects.exists()

    def test_a_pending_proposal_blocks_a_decision_and_a_second_proposal(self, initiative, officer, coordinator, fund):
        propose(initiative, officer, fund)
        colleague = OfficerMembershipFactory(municipality=initiative.municipality)
        with pytest.raises(ValidationError):
            decide(initiative, colleague, fund, "100")
        with pytest.raises(ValidationError):
            initiative_decide(initiative=initiative, actor=colleague.user, outcome="not_supported", motivation="Nee")
        with pytest.raises(ValidationError):
            propose(initiative, colleague, fund, "3000")
        assert DecisionProposal.objects.count() == 1
        assert not Decision.objects.exists()

    def test_an_initiative_that_cannot_be_decided_gets_no_proposal(self, officer, coordinator, fund):
        waiting = InitiativeFactory(waiting=True, village__municipality=officer.municipality, total_cost=8000)
        with pytest.raises(ValidationError):
            propose(waiting, officer, fund)

    def test_an_officer_of_another_municipality_cannot_propose(self, initiative, coordinator, fund):
        with pytest.raises(NotAllowed):
            propose(initiative, OfficerMembershipFactory(), fund)


class ApproveTests:
    def test_approval_decides_commits_and_tells_the_initiator(
        self, initiative, officer, coordinator, fund, django_capture_on_commit_callbacks
    ):
        proposal = propose(initiative, officer, fund)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            decision = proposal_approve(proposal=proposal, actor=coordinator.user)
        assert (decision.decided_by, decision.approved_by, decision.outcome, decision.motivation) == (
            officer.user,
            coordinator.user,
            DecisionOutcome.SUPPORTED,
            MOTIVATION,
        )
        grant = Grant.objects.get(initiative=initiative)
        assert (grant.amount, grant.fund, grant.status, grant.decision) == (
            Decimal("4000"),
            fund,
            GrantStatus.COMMITTED,
            decision,
        )
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED and initiative.decided_at
        proposal.refresh_from_db()
        assert (proposal.status, proposal.reviewed_by, proposal.decision) == (
            ProposalStatus.APPROVED,
            coordinator.user,
            decision,
        )
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert recipients == sorted([initiative.initiator_email, officer.user.email])
        to_initiator = next(m for m in mail.outbox if m.to == [initiative.initiator_email])
        assert MOTIVATION in to_initiator.body
        actions = {entry.action: entry.actor for entry in AuditLogEntry.objects.all()}
        assert actions[AuditAction.DECISION_APPROVE] == coordinator.user
        assert actions[AuditAction.GRANT_COMMIT] == coordinator.user
        assert actions[AuditAction.INITIATIVE_DECIDE] == coordinator.user

    def test_the_letter_is_made_after_the_approval_and_signed_by_the_coordinator(
        self, initiative, officer, coordinator, fund, django_capture_on_commit_callbacks
    ):
        from tests.initiatives.test_letters import letter_text

        coordinator.job_title = "coördinator initiatieven"
        coordinator.save(update_fields=["job_title"])
        proposal = propose(initiative, officer, fund)
        with django_capture_on_commit_callbacks(execute=True):
            decision = proposal_approve(proposal=proposal, actor=coordinator.user)
        text = letter_text(decision)
        # Compared without spaces: text read back from a PDF splits a kerned pair ("Arie T erry").
        assert "".join(coordinator.user.get_full_name().split()) in "".join(text.split())
        assert "coördinator initiatieven" in text
        to_initiator = next(m for m in mail.outbox if m.to == [initiative.initiator_email])
        assert [name for name, *_ in to_initiator.attachments] == [f"besluit-{initiative.reference}.pdf"]

    def test_when_the_fund_has_no_room_left_the_proposal_keeps_waiting(self, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund, "4000")
        other = InitiativeFactory(in_conversation=True, village__municipality=initiative.municipality, total_cost=9000)
        decide(other, officer, fund, "2500")
        GrantFactory(fund=fund, amount=Decimal("4000"), initiative__village__municipality=initiative.municipality)
        with pytest.raises(ValidationError) as error:
            proposal_approve(proposal=proposal, actor=coordinator.user)
        assert "3.500,00" in str(error.value)  # what is left, in the message
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING and proposal.decision is None
        assert not Grant.objects.filter(initiative=initiative).exists()
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert not AuditLogEntry.objects.filter(action=AuditAction.DECISION_APPROVE).exists()

    def test_nobody_approves_their_own_proposal(self, initiative, coordinator, fund):
        other = OfficerMembershipFactory(municipality=initiative.municipality, coordinator=True)
        proposal = propose(initiative, coordinator, fund)
        with pytest.raises(NotAllowed):
            proposal_approve(proposal=proposal, actor=coordinator.user)
        with pytest.raises(NotAllowed):
            proposal_send_back(proposal=proposal, actor=coordinator.user, reason="Toch niet")
        proposal.refresh_from_db()
        assert proposal.is_pending
        decision = proposal_approve(proposal=proposal, actor=other.user)  # another coordinator
        assert (decision.decided_by, decision.approved_by) == (coordinator.user, other.user)

    def test_a_contact_officer_cannot_approve(self, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        colleague = OfficerMembershipFactory(municipality=initiative.municipality)
        with pytest.raises(NotAllowed):
            proposal_approve(proposal=proposal, actor=colleague.user)
        with pytest.raises(NotAllowed):
            proposal_approve(proposal=proposal, actor=OfficerMembershipFactory(coordinator=True).user)
        assert not Decision.objects.exists()

    def test_a_handled_proposal_cannot_be_approved_again(self, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        proposal_approve(proposal=proposal, actor=coordinator.user)
        with pytest.raises(ValidationError):
            proposal_approve(proposal=proposal, actor=coordinator.user)
        assert Decision.objects.count() == 1 and Grant.objects.count() == 1


class SendBackAndWithdrawTests:
    def test_send_back_needs_a_reason_and_mails_the_proposer(
        self, initiative, officer, coordinator, fund, django_capture_on_commit_callbacks
    ):
        proposal = propose(initiative, officer, fund)
        with pytest.raises(ValidationError) as error:
            proposal_send_back(proposal=proposal, actor=coordinator.user, reason="   ")
        assert "reason" in error.value.message_dict
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            proposal_send_back(proposal=proposal, actor=coordinator.user, reason="Eerst een tweede offerte.")
        proposal.refresh_from_db()
        assert (proposal.status, proposal.reviewed_by, proposal.reason) == (
            ProposalStatus.SENT_BACK,
            coordinator.user,
            "Eerst een tweede offerte.",
        )
        assert [m.to for m in mail.outbox] == [[officer.user.email]]
        assert "Eerst een tweede offerte." in mail.outbox[0].body
        entry = AuditLogEntry.objects.get(action=AuditAction.DECISION_SEND_BACK)
        assert (entry.actor, entry.detail) == (coordinator.user, "Eerst een tweede offerte.")
        # Back to the officer: a new decision or proposal is possible again.
        decide(initiative, officer, fund, "2000")
        assert not Grant.objects.exclude(amount=Decimal("2000")).exists()

    def test_the_proposer_withdraws(self, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        with pytest.raises(NotAllowed):
            proposal_withdraw(proposal=proposal, actor=coordinator.user)
        proposal_withdraw(proposal=proposal, actor=officer.user)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        with pytest.raises(ValidationError):
            proposal_approve(proposal=proposal, actor=coordinator.user)
        assert AuditLogEntry.objects.filter(action=AuditAction.DECISION_PROPOSAL_WITHDRAW, actor=officer.user).exists()
        propose(initiative, officer, fund, "3000")  # a new one may wait now

    def test_the_audit_rows_read_as_sentences(self, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        proposal_send_back(proposal=proposal, actor=coordinator.user, reason="Te duur")
        proposal = propose(initiative, officer, fund, "3000")
        proposal_approve(proposal=proposal, actor=coordinator.user)
        entries = {entry.action: entry for entry in describe(AuditLogEntry.objects.select_related("actor"))}
        assert entries[AuditAction.DECISION_PROPOSE].object_text == str(initiative)
        expected = f"{money(Decimal('3000'))} uit {fund.name} {fund.year}"
        assert entries[AuditAction.DECISION_APPROVE].detail_text == expected
        assert entries[AuditAction.DECISION_SEND_BACK].detail_text == "reden: Te duur"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
def test_approvals_racing_never_exceed_the_budget():
    """Two coordinators approve two proposals at once; the fund has room for one of them."""
    municipality = MunicipalityFactory(mandate_amount=Decimal("1000"))
    officer = OfficerMembershipFactory(municipality=municipality)
    coordinators = [OfficerMembershipFactory(municipality=municipality, coordinator=True) for _ in range(2)]
    fund = FundFactory(municipality=municipality, budget=6000, max_per_initiative=None, min_own_share_percent=0)
    proposals = [
        propose(
            InitiativeFactory(in_conversation=True, village__municipality=municipality, total_cost=5000),
            officer,
            fund,
            "4000",
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(proposal, coordinator):
        try:
            barrier.wait()
            proposal_approve(proposal=proposal, actor=coordinator.user)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(proposals, coordinators, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused"]
    assert sum(grant.amount for grant in Grant.objects.filter(fund=fund)) == Decimal("4000")
    statuses = sorted(DecisionProposal.objects.values_list("status", flat=True))
    assert statuses == [ProposalStatus.APPROVED, ProposalStatus.PENDING]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
def test_one_proposal_approved_twice_at_once_is_decided_once():
    municipality = MunicipalityFactory(mandate_amount=Decimal("1000"))
    officer = OfficerMembershipFactory(municipality=municipality)
    coordinators = [OfficerMembershipFactory(municipality=municipality, coordinator=True) for _ in range(2)]
    fund = FundFactory(municipality=municipality, budget=50000, max_per_initiative=None, min_own_share_percent=0)
    initiative = InitiativeFactory(in_conversation=True, village__municipality=municipality, total_cost=5000)
    proposal = propose(initiative, officer, fund, "4000")
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(coordinator):
        try:
            barrier.wait()
            proposal_approve(proposal=proposal, actor=coordinator.user)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c,)) for c in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused"]
    assert Decision.objects.filter(initiative=initiative).count() == 1
    assert Grant.objects.filter(initiative=initiative).count() == 1


# --- through the pages ---------------------------------------------------------------------------


def page_of(initiative):
    return reverse("initiatives:officer_detail", args=[initiative.pk])


def post_decision(client, initiative, fund, amount):
    return client.post(
        reverse("initiatives:officer_decide", args=[initiative.pk]),
        {
            "decision-outcome": "supported",
            "decision-motivation": MOTIVATION,
            "decision-fund": str(fund.pk),
            "decision-amount": amount,
        },
    )


class PageTests:
    def test_above_the_mandate_the_officer_proposes_and_the_page_says_it_waits(
        self, client, initiative, officer, coordinator, fund
    ):
        client.force_login(officer.user)
        page = client.get(page_of(initiative)).content.decode()
        assert 'id="mandate-words"' in page and "2.500,00" in page
        response = post_decision(client, initiative, fund, "4000")
        assert response.status_code == 302
        proposal = DecisionProposal.objects.get()
        assert not Decision.objects.exists()
        page = client.get(page_of(initiative)).content.decode()
        assert f'data-proposal="{proposal.pk}"' in page
        assert "Wacht op goedkeuring door een coördinator" in page
        assert 'id="proposal-withdraw-form"' in page  # her own proposal: she may withdraw it
        assert 'id="proposal-approve-form"' not in page  # but not approve it
        assert 'aria-labelledby="decide-heading"' not in page  # no second decision while it waits
        assert "Besluit voorgesteld aan een coördinator" in page  # the timeline

    def test_within_the_mandate_the_officer_decides(self, client, initiative, officer, fund):
        client.force_login(officer.user)
        response = post_decision(client, initiative, fund, "2500.00")
        assert response.status_code == 302, response.context["decision_form"].errors
        assert Decision.objects.get().approved_by is None
        assert not DecisionProposal.objects.exists()

    def test_the_coordinator_approves_on_the_page(self, client, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        client.force_login(coordinator.user)
        page = client.get(page_of(initiative)).content.decode()
        assert 'id="proposal-approve-form"' in page and 'id="proposal-send-back-form"' in page
        assert 'id="proposal-withdraw-form"' not in page
        response = client.post(reverse("initiatives:proposal_approve", args=[initiative.pk, proposal.pk]))
        assert response.status_code == 302 and response.url.endswith("#decision")
        decision = Decision.objects.get()
        assert decision.approved_by == coordinator.user
        page = client.get(page_of(initiative)).content.decode()
        assert "goedgekeurd door" in page
        assert "Voorstel goedgekeurd" in page  # the timeline

    def test_a_fund_without_room_shows_the_message_at_the_approve_button(
        self, client, initiative, officer, coordinator, fund
    ):
        proposal = propose(initiative, officer, fund)
        GrantFactory(fund=fund, amount=Decimal("9000"), initiative__village__municipality=initiative.municipality)
        client.force_login(coordinator.user)
        response = client.post(reverse("initiatives:proposal_approve", args=[initiative.pk, proposal.pk]))
        assert response.status_code == 200
        assert "het voorstel blijft wachten" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.is_pending

    def test_send_back_without_a_reason_shows_the_form_again(self, client, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        client.force_login(coordinator.user)
        url = reverse("initiatives:proposal_send_back", args=[initiative.pk, proposal.pk])
        response = client.post(url, {"proposal_send_back-reason": ""})
        assert response.status_code == 200
        assert "<details open" in response.content.decode()
        client.post(url, {"proposal_send_back-reason": "Vraag eerst een tweede offerte."})
        client.force_login(officer.user)
        page = client.get(page_of(initiative)).content.decode()
        assert 'id="proposal-sent-back"' in page and "Vraag eerst een tweede offerte." in page
        assert 'aria-labelledby="decide-heading"' in page  # she may decide or propose again

    def test_the_proposer_withdraws_on_the_page(self, client, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        client.force_login(officer.user)
        client.post(reverse("initiatives:proposal_withdraw", args=[initiative.pk, proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        assert 'aria-labelledby="decide-heading"' in client.get(page_of(initiative)).content.decode()

    def test_a_contact_officer_gets_403_and_another_municipality_404(
        self, client, initiative, officer, coordinator, fund
    ):
        proposal = propose(initiative, officer, fund)
        url = reverse("initiatives:proposal_approve", args=[initiative.pk, proposal.pk])
        client.force_login(OfficerMembershipFactory(municipality=initiative.municipality).user)
        assert client.post(url).status_code == 403
        client.force_login(OfficerMembershipFactory(coordinator=True).user)
        assert client.post(url).status_code == 404
        other = DecisionProposalFactory()  # a proposal of another initiative, under this one's URL
        client.force_login(coordinator.user)
        assert client.post(reverse("initiatives:proposal_approve", args=[initiative.pk, other.pk])).status_code == 404
        assert not Decision.objects.exists()

    def test_the_resident_sees_nothing_until_the_approval(self, client, initiative, officer, coordinator, fund):
        proposal = propose(initiative, officer, fund)
        track = reverse("initiatives:track", args=[tracking_token_issue(initiative=initiative)])
        page = client.get(track).content.decode()
        assert MOTIVATION not in page
        assert not OutboxMail.objects.filter(to=initiative.initiator_email).exists()
        proposal_approve(proposal=proposal, actor=coordinator.user)
        assert MOTIVATION in client.get(track).content.decode()

    def test_the_dashboard_counts_and_filters_the_waiting_proposals(self, client, initiative, officer, coordinator):
        DecisionProposalFactory(initiative=initiative, proposed_by=officer.user)
        InitiativeFactory(in_conversation=True, village__municipality=initiative.municipality)
        DecisionProposalFactory()  # another municipality
        client.force_login(coordinator.user)
        response = client.get(reverse("initiatives:dashboard"))
        counter = next(c for c in response.context["counters"] if c["key"] == "approval")
        assert counter["count"] == 1
        listed = client.get(counter["url"]).context["initiatives"]
        assert [i.pk for i in listed] == [initiative.pk]
        assert Initiative.objects.awaiting_approval().count() == 2  # unscoped: both municipalities
