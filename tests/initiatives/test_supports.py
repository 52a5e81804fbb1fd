"""Neighbours' support (draagvlak): one per address, confirming by the mailed link, withdrawing,
a fund's minimum of supporters from the own village, hiding a reason, and retention."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from initiatives.constants import DecisionOutcome, Status
from initiatives.models import Support, SupportNameDisplay
from initiatives.services.funds import initiative_decide
from initiatives.services.retention import REMOVED_EMAIL, retention_run
from initiatives.services.supports import (
    support_confirm,
    support_count,
    support_give,
    support_hide_reason,
    support_links_issue,
    support_withdraw,
)
from municipalities.access import NotAllowed
from notifications.models import OutboxMail
from tests.initiatives.factories import InitiativeFactory, SupportFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    return InitiativeFactory(in_conversation=True, total_cost=Decimal("4000"))


def give(initiative, email="Anna@Example.nl", **kwargs):
    values = {"name": "Anna de Vries", "village": initiative.village, "reason": "Fijn voor de kinderen."}
    return support_give(initiative=initiative, email=email, **{**values, **kwargs})


def links_in_last_mail() -> tuple[str, str]:
    confirm = re.search(r"/steun/bevestigen/([\w-]+)/", mail.outbox[-1].body).group(1)
    withdraw = re.search(r"/steun/intrekken/([\w-]+)/", mail.outbox[-1].body).group(1)
    return confirm, withdraw


class SupportGiveTests:
    def test_support_waits_for_confirmation_by_mail(self, initiative, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            support = give(initiative)
        assert support.email == "anna@example.nl"  # one address, one support: stored in lower case
        assert support.confirmed_at is None
        assert support_count(initiative).total == 0  # only confirmed support counts
        assert mail.outbox[-1].to == ["anna@example.nl"]
        confirm, _withdraw = links_in_last_mail()
        support.refresh_from_db()
        assert confirm not in (support.confirm_token_hash or "")  # only the hash is stored
        assert Support.objects.for_confirm_token(confirm).get() == support
        assert confirm not in str(OutboxMail.objects.get(to="anna@example.nl").context)

    def test_one_support_per_address_per_initiative(self, initiative, django_capture_on_commit_callbacks):
        first = give(initiative)
        support_confirm(support=first)
        with django_capture_on_commit_callbacks(execute=True):
            again = give(initiative, email=" ANNA@example.nl ", name="Iemand Anders", reason="Anders")
        assert again.pk == first.pk
        assert Support.objects.filter(initiative=initiative).count() == 1
        first.refresh_from_db()
        assert (first.name, first.reason) == ("Anna de Vries", "Fijn voor de kinderen.")  # nothing changed
        assert mail.outbox == []  # a confirmed supporter gets no new mail
        # Another initiative: the same address may support it too.
        other = InitiativeFactory(village=initiative.village)
        assert give(other).pk != first.pk

    def test_supporting_again_before_confirming_sends_a_new_link(self, initiative, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            give(initiative)
        old_confirm, _ = links_in_last_mail()
        with django_capture_on_commit_callbacks(execute=True):
            give(initiative)
        new_confirm, _ = links_in_last_mail()
        assert len(mail.outbox) == 2 and old_confirm != new_confirm
        assert not Support.objects.for_confirm_token(old_confirm).exists()
        assert Support.objects.for_confirm_token(new_confirm).exists()
        assert Support.objects.count() == 1

    @pytest.mark.parametrize(
        "state", [{"status": Status.CLOSED}, {"status": Status.WITHDRAWN}, {"publication": "hidden"}]
    )
    def test_no_support_for_a_closed_or_unpublished_initiative(self, state):
        initiative = InitiativeFactory(**state)
        with pytest.raises(ValidationError):
            give(initiative)

    def test_village_of_another_municipality_is_refused(self, initiative):
        with pytest.raises(ValidationError):
            give(initiative, village=VillageFactory())

    def test_public_name_as_chosen(self, initiative):
        support = SupportFactory(initiative=initiative, name="Anna de Vries")
        assert support.public_name == "Anna V."
        support.name_display = SupportNameDisplay.FULL
        assert support.public_name == "Anna de Vries"
        support.name_display = SupportNameDisplay.HIDDEN
        assert support.public_name == ""


class SupportConfirmTests:
    def test_confirm_counts_and_confirming_twice_changes_nothing(self, initiative):
        support = give(initiative)
        confirmed = support_confirm(support=support)
        assert confirmed.confirmed_at is not None
        again = support_confirm(support=support)
        assert again.confirmed_at == confirmed.confirmed_at
        assert support_count(initiative).total == 1 and support_count(initiative).own_village == 1

    def test_link_expires_after_seven_days(self, initiative):
        support = give(initiative)
        support_links_issue(support=support, now=timezone.now() - timedelta(days=8))
        with pytest.raises(ValidationError):
            support_confirm(support=support)
        assert support_count(initiative).total == 0

    def test_unconfirmed_support_with_an_expired_link_is_deleted_by_the_daily_run(self, initiative):
        stale = SupportFactory(initiative=initiative, unconfirmed=True, token_issued_at=timezone.now() - timedelta(8))
        fresh = SupportFactory(initiative=initiative, unconfirmed=True, token_issued_at=timezone.now())
        confirmed = SupportFactory(initiative=initiative, token_issued_at=timezone.now() - timedelta(days=30))
        retention_run()
        assert set(Support.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
        assert not Support.objects.filter(pk=stale.pk).exists()


class SupportWithdrawTests:
    def test_withdraw_removes_the_support_and_its_data(self, initiative):
        support = give(initiative)
        support_confirm(support=support)
        _confirm, withdraw = support_links_issue(support=support)
        assert Support.objects.for_withdraw_token(withdraw).get() == support
        support_withdraw(support=support)
        assert support_count(initiative).total == 0
        assert not Support.objects.filter(email="anna@example.nl").exists()
        assert not Support.objects.for_withdraw_token(withdraw).exists()
        # Changed her mind again: she may support once more (a new, unconfirmed support).
        assert give(initiative).confirmed_at is None


class MinimumSupportersTests:
    @pytest.fixture
    def officer(self, initiative):
        return OfficerMembershipFactory(municipality=initiative.municipality)

    @pytest.fixture
    def fund(self, initiative):
        return FundFactory(
            municipality=initiative.municipality, min_supporters=3, max_per_initiative=None, min_own_share_percent=0
        )

    def decide(self, initiative, officer, fund):
        return initiative_decide(
            initiative=initiative,
            actor=officer.user,
            outcome=DecisionOutcome.SUPPORTED,
            motivation="Goed plan.",
            fund=fund,
            amount=Decimal("1000"),
        )

    def test_a_grant_needs_the_minimum_from_the_own_village(self, initiative, officer, fund):
        SupportFactory.create_batch(2, initiative=initiative)
        SupportFactory(initiative=initiative, elsewhere=True)  # does not count for the minimum
        SupportFactory(initiative=initiative, village=VillageFactory(municipality=initiative.municipality))
        SupportFactory(initiative=initiative, unconfirmed=True)  # not confirmed: does not count
        with pytest.raises(ValidationError) as error, translation.override("en"):
            self.decide(initiative, officer, fund)
        assert "Confirmed now: 2. Still needed: 1." in str(error.value.message_dict["fund"])
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION  # nothing decided

        SupportFactory(initiative=initiative)
        decision = self.decide(initiative, officer, fund)
        assert decision.grants.get().fund == fund

    def test_a_decision_without_money_needs_no_supporters(self, initiative, officer, fund):
        decision = initiative_decide(
            initiative=initiative, actor=officer.user, outcome=DecisionOutcome.SUPPORTED, motivation="Goed plan."
        )
        assert not decision.grants.exists()

    def test_a_fund_without_a_minimum_asks_nothing(self, initiative, officer, fund):
        fund.min_supporters = 0
        fund.save(update_fields=["min_supporters"])
        assert self.decide(initiative, officer, fund).grants.exists()


class HideReasonTests:
    def test_officer_hides_an_offensive_reason_with_an_audit_row(self, initiative):
        officer = OfficerMembershipFactory(municipality=initiative.municipality)
        support = SupportFactory(initiative=initiative, reason="Iets grofs")
        support_hide_reason(support=support, actor=officer.user)
        support.refresh_from_db()
        assert support.public_reason == "" and support.reason == "Iets grofs"
        assert support_count(initiative).total == 1  # still counts
        entry = AuditLogEntry.objects.get(action=AuditAction.SUPPORT_REASON_HIDE)
        assert entry.actor == officer.user and entry.object_id == str(support.pk)
        assert "Iets grofs" not in entry.object_repr + entry.detail
        with pytest.raises(ValidationError):
            support_hide_reason(support=support, actor=officer.user)

    def test_officer_of_another_municipality_cannot(self, initiative):
        support = SupportFactory(initiative=initiative)
        with pytest.raises(NotAllowed):
            support_hide_reason(support=support, actor=OfficerMembershipFactory().user)


class SupportRetentionTests:
    def test_supporters_data_is_removed_with_the_initiators(self, django_capture_on_commit_callbacks):
        initiative = InitiativeFactory(closed=True, closed_at=timezone.now() - timedelta(days=800))
        confirmed = SupportFactory(initiative=initiative, email="piet@example.nl", name="Piet Jansen")
        support_links_issue(support=confirmed)
        unconfirmed = SupportFactory(initiative=initiative, unconfirmed=True, token_issued_at=timezone.now())
        OutboxMail.objects.create(
            to="piet@example.nl", template="initiatives/email/support_confirm", dedup_key="x", subject=confirmed
        )
        retention_run()
        confirmed.refresh_from_db()
        assert (confirmed.email, confirmed.name, confirmed.reason) == ("", "", "")
        assert confirmed.confirm_token_hash is None and confirmed.withdraw_token_hash is None
        assert confirmed.personal_data_removed_at is not None and confirmed.public_name == ""
        assert confirmed.village == initiative.village  # the count and village stay
        assert support_count(initiative).total == 1
        assert not Support.objects.filter(pk=unconfirmed.pk).exists()
        assert OutboxMail.objects.get(dedup_key="x").to == REMOVED_EMAIL
