"""The officer's actions: permissions, audit rows, mails, and the fund's rules."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from audit.models import AuditLogEntry, AuditResult
from initiatives.constants import AgreementParty, AgreementRole, DecisionOutcome, GrantStatus, MessageKind, Status
from initiatives.models import Grant
from initiatives.services.funds import grant_mark_paid, grant_withdraw, initiative_decide
from initiatives.services.officers import (
    agreement_add,
    agreement_set_done,
    initiative_assign,
    initiative_message_send,
    initiative_set_role,
)
from initiatives.services.workflow import TransitionNotAllowed, initiative_change_status
from municipalities.access import NotAllowed
from tests.initiatives.factories import GrantFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative(officer):
    return InitiativeFactory(
        in_conversation=True, village__municipality=officer.municipality, total_cost=Decimal("4000")
    )


@pytest.fixture
def stranger():
    return OfficerMembershipFactory()  # an officer of another municipality


class PermissionTests:
    @pytest.mark.parametrize(
        "call",
        [
            lambda i, u: initiative_change_status(initiative=i, to_status=Status.WAITING_FOR_INITIATOR, actor=u),
            lambda i, u: initiative_assign(initiative=i, officer=u, actor=u),
            lambda i, u: initiative_message_send(initiative=i, body="Hallo", actor=u),
            lambda i, u: initiative_set_role(initiative=i, role="faciliteren", explanation="", actor=u),
            lambda i, u: agreement_add(
                initiative=i, actor=u, party="municipality", role="faciliteren", description="Vergunning"
            ),
            lambda i, u: initiative_decide(initiative=i, actor=u, outcome="supported", motivation="Mooi plan"),
        ],
    )
    def test_an_officer_of_another_municipality_is_refused(self, initiative, stranger, call):
        with pytest.raises(NotAllowed):
            call(initiative, stranger.user)
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION

    def test_only_officers_of_the_municipality_can_be_assigned(self, initiative, officer, stranger):
        with pytest.raises(NotAllowed):
            initiative_assign(initiative=initiative, officer=stranger.user, actor=officer.user)


class ActionTests:
    def test_assign_notifies_the_assignee_and_writes_an_audit_row(
        self, initiative, officer, django_capture_on_commit_callbacks
    ):
        colleague = OfficerMembershipFactory(municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_assign(initiative=initiative, officer=colleague.user, actor=officer.user)
        initiative.refresh_from_db()
        assert initiative.assigned_officer == colleague.user
        assert [m.to for m in mail.outbox] == [[colleague.user.email]]
        entry = AuditLogEntry.objects.get(action="initiative.assign")
        assert (entry.actor, entry.municipality, entry.result) == (officer.user, officer.municipality, AuditResult.OK)

    def test_taking_it_yourself_sends_no_mail(self, initiative, officer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            initiative_assign(initiative=initiative, officer=officer.user, actor=officer.user)
        assert mail.outbox == []

    def test_message_is_mailed_and_records_the_first_response(self, officer, django_capture_on_commit_callbacks):
        initiative = InitiativeFactory(village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_message_send(initiative=initiative, body="Wanneer kunnen we bellen?", actor=officer.user)
        initiative.refresh_from_db()
        assert initiative.first_response_at is not None
        assert mail.outbox[0].to == [initiative.initiator_email]
        assert "/initiatieven/volg/" in mail.outbox[0].body

    def test_internal_note_is_not_mailed_and_is_no_first_response(self, officer, django_capture_on_commit_callbacks):
        initiative = InitiativeFactory(village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            note = initiative_message_send(initiative=initiative, body="Intern", actor=officer.user, internal=True)
        assert note.kind == MessageKind.INTERNAL_NOTE
        assert mail.outbox == []
        initiative.refresh_from_db()
        assert initiative.first_response_at is None

    def test_refused_transition_is_audited(self, initiative, officer):
        with pytest.raises(TransitionNotAllowed):
            initiative_change_status(initiative=initiative, to_status=Status.REALISED, actor=officer.user)
        assert AuditLogEntry.objects.get().result == AuditResult.REFUSED

    def test_agreement_and_done(self, initiative, officer):
        agreement = agreement_add(
            initiative=initiative,
            actor=officer.user,
            party=AgreementParty.INITIATOR,
            role=AgreementRole.MAKE_PLAN,
            description="Begroting aanvullen",
        )
        agreement_set_done(agreement=agreement, actor=officer.user)
        agreement.refresh_from_db()
        assert agreement.done and agreement.done_at
        with pytest.raises(ValidationError):
            agreement_add(initiative=initiative, actor=officer.user, party="nobody", role="x", description="")


class DecisionTests:
    def test_decide_with_a_grant(self, initiative, officer, django_capture_on_commit_callbacks):
        fund = FundFactory(
            municipality=officer.municipality, budget=10000, max_per_initiative=3000, min_own_share_percent=25
        )
        with django_capture_on_commit_callbacks(execute=True):
            decision = initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                motivation="Dit plan brengt het dorp samen.",
                fund=fund,
                amount=Decimal("3000"),
            )
        initiative.refresh_from_db()
        assert initiative.status == Status.DECIDED and initiative.decided_at
        assert decision.grants.get().amount == Decimal("3000")
        assert "Dit plan brengt het dorp samen." in mail.outbox[0].body

    def test_motivation_is_required(self, initiative, officer):
        with pytest.raises(ValidationError) as error:
            initiative_decide(initiative=initiative, actor=officer.user, outcome="supported", motivation="  ")
        assert "motivation" in error.value.message_dict

    @pytest.mark.parametrize(
        ("fund_kwargs", "amount", "field_message"),
        [
            ({"max_per_initiative": 2000}, "2000.01", "amount"),
            ({"budget": 1000}, "1000.01", "amount"),
            ({"min_own_share_percent": 50}, "2000.01", "amount"),  # total cost 4000: at most 2000
            ({"is_open": False}, "100", "fund"),
        ],
    )
    def test_fund_rules(self, initiative, officer, fund_kwargs, amount, field_message):
        defaults = {"budget": 50000, "max_per_initiative": None, "min_own_share_percent": 0}
        fund = FundFactory(municipality=officer.municipality, **{**defaults, **fund_kwargs})
        with pytest.raises(ValidationError) as error:
            initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome="supported",
                motivation="Goed",
                fund=fund,
                amount=Decimal(amount),
            )
        assert field_message in error.value.message_dict
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert not Grant.objects.exists()

    def test_amounts_at_the_limits_are_allowed(self, officer):
        fund = FundFactory(
            municipality=officer.municipality, budget=2000, max_per_initiative=2000, min_own_share_percent=50
        )
        initiative = InitiativeFactory(
            in_conversation=True, village__municipality=officer.municipality, total_cost=4000
        )
        initiative_decide(
            initiative=initiative,
            actor=officer.user,
            outcome="supported",
            motivation="Goed",
            fund=fund,
            amount=Decimal("2000.00"),
        )

    def test_budget_counts_committed_and_paid_but_not_withdrawn(self, officer):
        fund = FundFactory(
            municipality=officer.municipality, budget=5000, max_per_initiative=None, min_own_share_percent=0
        )
        GrantFactory(
            fund=fund, amount=2000, status=GrantStatus.PAID, initiative__village__municipality=officer.municipality
        )
        GrantFactory(
            fund=fund, amount=2000, status=GrantStatus.WITHDRAWN, initiative__village__municipality=officer.municipality
        )
        initiative = InitiativeFactory(
            in_conversation=True, village__municipality=officer.municipality, total_cost=9000
        )
        with pytest.raises(ValidationError):
            initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome="supported",
                motivation="x",
                fund=fund,
                amount=Decimal("3000.01"),
            )
        initiative_decide(
            initiative=initiative,
            actor=officer.user,
            outcome="supported",
            motivation="x",
            fund=fund,
            amount=Decimal("3000"),
        )

    def test_budget_per_village(self, officer):
        fund = FundFactory(
            municipality=officer.municipality,
            budget=50000,
            budget_per_village=1500,
            max_per_initiative=None,
            min_own_share_percent=0,
        )
        first = InitiativeFactory(in_conversation=True, village__municipality=officer.municipality, total_cost=5000)
        second = InitiativeFactory(in_conversation=True, village=first.village, total_cost=5000)
        initiative_decide(
            initiative=first, actor=officer.user, outcome="supported", motivation="x", fund=fund, amount=Decimal("1000")
        )
        with pytest.raises(ValidationError):
            initiative_decide(
                initiative=second,
                actor=officer.user,
                outcome="supported",
                motivation="x",
                fund=fund,
                amount=Decimal("600"),
            )

    def test_not_supported_gives_no_money(self, initiative, officer):
        fund = FundFactory(municipality=officer.municipality)
        with pytest.raises(ValidationError):
            initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome="not_supported",
                motivation="Nee",
                fund=fund,
                amount=Decimal("10"),
            )

    def test_fund_of_another_municipality_is_refused(self, initiative, officer):
        with pytest.raises(ValidationError):
            initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome="supported",
                motivation="x",
                fund=FundFactory(),
                amount=Decimal("10"),
            )

    def test_paid_and_withdrawn_with_history(self, officer):
        grant = GrantFactory(
            initiative__village__municipality=officer.municipality, fund__municipality=officer.municipality
        )
        grant_mark_paid(grant=grant, actor=officer.user)
        with pytest.raises(ValidationError):
            grant_mark_paid(grant=grant, actor=officer.user)
        grant_withdraw(grant=grant, actor=officer.user, reason="Niet doorgegaan")
        grant.refresh_from_db()
        assert grant.status == GrantStatus.WITHDRAWN and grant.paid_at and grant.withdrawn_at
        actions = list(AuditLogEntry.objects.for_object(grant).values_list("action", flat=True))
        assert sorted(actions) == ["grant.paid", "grant.withdraw"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
def test_concurrent_decisions_never_exceed_the_budget():
    officer = OfficerMembershipFactory()
    fund = FundFactory(
        municipality=officer.municipality, budget=10000, max_per_initiative=None, min_own_share_percent=0
    )
    initiatives = [
        InitiativeFactory(in_conversation=True, village__municipality=officer.municipality, total_cost=5000)
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(initiatives))
    outcomes = []

    def decide(initiative):
        try:
            barrier.wait()
            initiative_decide(
                initiative=initiative,
                actor=officer.user,
                outcome="supported",
                motivation="Goed",
                fund=fund,
                amount=Decimal("3000"),
            )
            outcomes.append("granted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(i,)) for i in initiatives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = sum(g.amount for g in Grant.objects.filter(fund=fund))
    assert total <= fund.budget
    assert outcomes.count("granted") == 3 and outcomes.count("refused") == 3
