"""Deciding many initiatives at once (`initiatives_decide`: a budget round's winners) leaves the
same rows as deciding them one by one with `initiative_decide`, applies the fund's rules to each
grant and to their sum, refuses the lot when one is refused, and asks a fixed number of queries
however many initiatives it decides."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.models import AuditLogEntry
from core.formats import money
from initiatives.constants import DecisionOutcome, Status
from initiatives.models import Decision, Grant, Initiative, StatusChange
from initiatives.services.funds import DecisionRequest, initiative_decide, initiatives_decide
from notifications.models import OutboxMail
from tests.initiatives.factories import GrantFactory, InitiativeFactory, SupportFactory
from tests.initiatives.helpers import decision_rows
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory

pytestmark = pytest.mark.django_db
D = Decimal

# The kinds of initiative a round's winners are: ready for a decision from intake or from a
# conversation, with or without an address for mail, in Dutch or English.
SHAPES = [
    {"intake": True},
    {"in_conversation": True, "preferred_language": "en"},
    {"in_conversation": True, "initiator_email": ""},
    {"intake": True, "first_response_at": None},
]


@pytest.fixture
def officer():
    return OfficerMembershipFactory()


@pytest.fixture
def coordinator(officer):
    return OfficerMembershipFactory(municipality=officer.municipality, coordinator=True)


@pytest.fixture
def fund(officer):
    return FundFactory(
        municipality=officer.municipality, budget=D(100000), max_per_initiative=None, min_own_share_percent=D(0)
    )


def _initiatives(officer, shapes, **extra):
    return [
        InitiativeFactory(
            village__municipality=officer.municipality,
            total_cost=D(8000),
            initiator_email="initiatiefnemer@example.nl" if shape.get("initiator_email") is None else "",
            **{key: value for key, value in shape.items() if key != "initiator_email"},
            **extra,
        )
        for shape in shapes
    ]


@pytest.fixture
def sent(monkeypatch):
    """What is handed to the worker after the commit: letters to make, mails to send."""
    from initiatives.tasks import decision_letter_make
    from notifications.tasks import outbox_send, outbox_send_batch

    handed = {"letters": [], "mails": []}
    monkeypatch.setattr(decision_letter_make, "delay", handed["letters"].append)
    monkeypatch.setattr(outbox_send, "delay", handed["mails"].append)
    monkeypatch.setattr(outbox_send_batch, "delay", handed["mails"].extend)  # many mails at once
    return handed


class SameRowsTests:
    @pytest.mark.parametrize("approved", [False, True], ids=["within-the-mandate", "approved-by-a-coordinator"])
    def test_many_at_once_leave_the_rows_of_one_by_one(
        self, officer, coordinator, fund, approved, sent, django_capture_on_commit_callbacks
    ):
        one_by_one = _initiatives(officer, SHAPES)
        at_once = _initiatives(officer, SHAPES)
        approved_by = coordinator.user if approved else None
        amounts = [D(1000), D("2500.50"), D(400), D(3000)]
        with django_capture_on_commit_callbacks(execute=True):
            singles = [
                initiative_decide(
                    initiative=initiative,
                    actor=officer.user,
                    outcome=DecisionOutcome.SUPPORTED,
                    motivation=f"Goed plan {n}.",
                    fund=fund,
                    amount=amount,
                    approved_by=approved_by,
                )
                for n, (initiative, amount) in enumerate(zip(one_by_one, amounts, strict=True))
            ]
        letters, mails = list(sent["letters"]), list(sent["mails"])
        sent["letters"].clear(), sent["mails"].clear()
        with django_capture_on_commit_callbacks(execute=True):
            many = initiatives_decide(
                decisions=[
                    DecisionRequest(initiative=initiative, motivation=f"Goed plan {n}.", amount=amount)
                    for n, (initiative, amount) in enumerate(zip(at_once, amounts, strict=True))
                ],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
                approved_by=approved_by,
            )

        for single, bulk in zip(one_by_one, at_once, strict=True):
            assert decision_rows(bulk) == decision_rows(single)
        assert decision_rows(at_once[0])["status_changes"] == [("intake", "decided", officer.user.pk, False, "")]
        assert [d.initiative_id for d in many] == [i.pk for i in at_once]
        # After the commit: a letter for every decision, the mails to the initiators with an address.
        assert letters == [d.pk for d in singles]
        assert sent["letters"] == [d.pk for d in many]
        assert len(mails) == len(sent["mails"]) == 3
        assert sent["mails"] == list(OutboxMail.objects.filter(pk__in=sent["mails"]).values_list("pk", flat=True))

    def test_without_money(self, officer, fund):
        one_by_one = _initiatives(officer, SHAPES[:2])
        at_once = _initiatives(officer, SHAPES[:2])
        for initiative in one_by_one:
            initiative_decide(
                initiative=initiative, actor=officer.user, outcome=DecisionOutcome.NOT_SUPPORTED, motivation="Nee."
            )
        initiatives_decide(
            decisions=[DecisionRequest(initiative=initiative, motivation="Nee.") for initiative in at_once],
            actor=officer.user,
            outcome=DecisionOutcome.NOT_SUPPORTED,
        )
        for single, bulk in zip(one_by_one, at_once, strict=True):
            assert decision_rows(bulk) == decision_rows(single)
        assert not Grant.objects.exists()


def _nothing_written(initiatives, statuses):
    assert [Initiative.objects.get(pk=i.pk).status for i in initiatives] == statuses
    assert not Decision.objects.exists()
    assert not Grant.objects.filter(initiative__in=initiatives).exists()
    assert not StatusChange.objects.filter(initiative__in=initiatives).exists()
    assert not AuditLogEntry.objects.exists()
    assert not OutboxMail.objects.exists()


class RefusedTests:
    @pytest.mark.parametrize(
        ("fund_kwargs", "amount"),
        [
            ({"max_per_initiative": D(2000)}, "2000.01"),
            ({"budget": D(1000)}, "1000.01"),
            ({"min_own_share_percent": D(50)}, "4000.01"),  # total cost 8000: at most 4000
            ({"is_open": False}, "100"),
            ({"min_supporters": 2}, "100"),
            ({"budget_per_village": D(1500)}, "1500.01"),
        ],
    )
    def test_a_rule_that_refuses_one_refuses_them_all_with_the_same_message(
        self, officer, fund_kwargs, amount, sent, django_capture_on_commit_callbacks
    ):
        defaults = {"budget": D(50000), "max_per_initiative": None, "min_own_share_percent": D(0)}
        fund = FundFactory(municipality=officer.municipality, **{**defaults, **fund_kwargs})
        fine, wrong = _initiatives(officer, [{"intake": True}, {"intake": True}])
        SupportFactory.create_batch(2, initiative=fine)  # enough supporters for `fine` only
        with pytest.raises(ValidationError) as one:
            initiative_decide(
                initiative=wrong,
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                motivation="Goed.",
                fund=fund,
                amount=D(amount),
            )
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as many:
            initiatives_decide(
                decisions=[
                    DecisionRequest(initiative=fine, motivation="Goed.", amount=D(100)),
                    DecisionRequest(initiative=wrong, motivation="Goed.", amount=D(amount)),
                ],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
            )
        assert many.value.message_dict == one.value.message_dict
        _nothing_written([fine, wrong], [Status.INTAKE, Status.INTAKE])
        assert sent == {"letters": [], "mails": []}

    def test_the_fund_carries_each_but_not_their_sum(self, officer):
        fund = FundFactory(
            municipality=officer.municipality, budget=D(5000), max_per_initiative=None, min_own_share_percent=D(0)
        )
        GrantFactory(fund=fund, amount=D(1000), initiative__village__municipality=officer.municipality)
        initiatives = _initiatives(officer, [{"intake": True}, {"in_conversation": True}])
        with pytest.raises(ValidationError) as error:
            initiatives_decide(
                decisions=[DecisionRequest(initiative=i, motivation="Goed.", amount=D(2500)) for i in initiatives],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
            )
        left = _("The fund has %(left)s left; this is more.") % {"left": money(D(4000))}
        assert error.value.message_dict == {"amount": [left]}
        assert [Initiative.objects.get(pk=i.pk).status for i in initiatives] == [Status.INTAKE, Status.IN_CONVERSATION]
        assert Grant.objects.count() == 1

    def test_a_village_carries_each_but_not_their_sum(self, officer, fund):
        fund.budget_per_village = D(3000)
        fund.save(update_fields=["budget_per_village"])
        first, second = _initiatives(officer, [{"intake": True}, {"intake": True}])
        Initiative.objects.filter(pk=second.pk).update(village=first.village)
        second.refresh_from_db()
        elsewhere = _initiatives(officer, [{"intake": True}])
        with pytest.raises(ValidationError) as error:
            initiatives_decide(
                decisions=[
                    DecisionRequest(initiative=i, motivation="Goed.", amount=D(2000))
                    for i in (first, *elsewhere, second)
                ],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
            )
        left = _("This village has %(left)s left in this fund this year.") % {"left": money(D(3000))}
        assert error.value.message_dict == {"amount": [left]}
        assert not Decision.objects.exists()

    def test_above_the_mandate_without_approval_refuses_all(self, officer, fund):
        officer.municipality.mandate_amount = D(2000)
        officer.municipality.save(update_fields=["mandate_amount"])
        initiatives = _initiatives(officer, [{"intake": True}, {"intake": True}])
        with pytest.raises(ValidationError) as error:
            initiatives_decide(
                decisions=[
                    DecisionRequest(initiative=initiatives[0], motivation="Goed.", amount=D(1000)),
                    DecisionRequest(initiative=initiatives[1], motivation="Goed.", amount=D(2500)),
                ],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
            )
        assert "amount" in error.value.message_dict
        _nothing_written(initiatives, [Status.INTAKE, Status.INTAKE])

    def test_one_that_cannot_be_decided_refuses_all(self, officer, fund):
        initiatives = _initiatives(officer, [{"intake": True}, {"waiting": True}])
        with pytest.raises(ValidationError):
            initiatives_decide(
                decisions=[DecisionRequest(initiative=i, motivation="Goed.", amount=D(100)) for i in initiatives],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
            )
        _nothing_written(initiatives, [Status.INTAKE, Status.WAITING_FOR_INITIATOR])


class QueryTests:
    def test_the_queries_do_not_grow_with_the_number_of_initiatives(
        self, officer, coordinator, fund, django_assert_max_num_queries
    ):
        def decide(initiatives):
            return initiatives_decide(
                decisions=[DecisionRequest(initiative=i, motivation="Goed.", amount=D(500)) for i in initiatives],
                actor=officer.user,
                outcome=DecisionOutcome.SUPPORTED,
                fund=fund,
                approved_by=coordinator.user,
            )

        fund.min_supporters, fund.budget_per_village = 0, D(50000)
        fund.save(update_fields=["min_supporters", "budget_per_village"])
        few = _initiatives(officer, SHAPES)  # each kind once: the same UPDATEs below, one per kind of change
        more = _initiatives(officer, SHAPES * 6)
        with django_assert_max_num_queries(20) as four:
            decide(few)
        with django_assert_max_num_queries(len(four.captured_queries)):
            assert len(decide(more)) == 24
        assert Decision.objects.count() == 28
