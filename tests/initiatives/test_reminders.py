"""The scheduler over a simulated month: each reminder once, on the right working day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from audit.models import AuditLogEntry
from core.working_days import is_working_day
from initiatives.constants import AgreementParty, Status
from initiatives.models import Initiative, StatusChange
from initiatives.services.reminders import reminders_run
from notifications.models import OutboxMail
from tests.initiatives.factories import AgreementFactory, InitiativeFactory, StatusChangeFactory
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def run_month(start: date, days: int = 45) -> dict[date, dict]:
    """Run the scheduler every calendar day, like beat does, and record what each day sent."""
    sent = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        before = set(OutboxMail.objects.values_list("dedup_key", flat=True))
        reminders_run(today=day)
        reminders_run(today=day)  # a second run the same day sends nothing more
        after = set(OutboxMail.objects.values_list("dedup_key", flat=True))
        if after - before:
            sent[day] = sorted(after - before)
    return sent


def kinds(keys):
    return [key.split(":")[0] for key in keys]


@pytest.fixture
def officer():
    return OfficerMembershipFactory()


@pytest.fixture
def coordinator(officer):
    return OfficerMembershipFactory(municipality=officer.municipality, coordinator=True)


class FirstResponseTests:
    def test_overdue_then_escalation_two_working_days_later(self, officer, coordinator):
        # Due on Friday 24 April 2026; Monday 27 April is King's Day.
        initiative = InitiativeFactory(
            village__municipality=officer.municipality,
            assigned_officer=officer.user,
            first_response_due=date(2026, 4, 24),
            decision_due=date(2026, 8, 1),
        )
        sent = run_month(date(2026, 4, 20))
        assert sent == {
            date(2026, 4, 28): [f"response-overdue:{initiative.pk}:2026-04-24:{officer.user.pk}"],
            date(2026, 4, 29): [f"escalation:{initiative.pk}:2026-04-24:{coordinator.user.pk}"],
        }
        assert all(is_working_day(day) for day in sent)

    def test_an_answer_stops_the_reminders(self, officer):
        InitiativeFactory(
            village__municipality=officer.municipality,
            first_response_due=date(2026, 4, 24),
            first_response_at=datetime(2026, 4, 23, 10, tzinfo=AMSTERDAM),
            decision_due=date(2026, 8, 1),
        )
        assert run_month(date(2026, 4, 20)) == {}


class DecisionTermTests:
    def test_warning_to_the_officer_and_notice_to_the_initiator(self, officer):
        initiative = InitiativeFactory(
            in_conversation=True,
            village__municipality=officer.municipality,
            assigned_officer=officer.user,
            first_response_due=date(2026, 5, 1),
            decision_due=date(2026, 6, 12),  # a Friday
        )
        sent = run_month(date(2026, 6, 1), days=20)
        assert sent == {
            date(2026, 6, 5): [f"decision-warning:{initiative.pk}:2026-06-12:{officer.user.pk}"],
            date(2026, 6, 11): [f"decision-delay:{initiative.pk}:2026-06-12"],
        }

    def test_decided_initiatives_are_left_alone(self, officer):
        InitiativeFactory(decided=True, village__municipality=officer.municipality, decision_due=date(2026, 6, 12))
        assert run_month(date(2026, 6, 1), days=20) == {}


class AgreementTests:
    def test_due_soon_goes_to_the_party_that_has_to_act(self, officer):
        initiative = InitiativeFactory(
            in_progress=True,
            village__municipality=officer.municipality,
            assigned_officer=officer.user,
            decision_due=date(2026, 1, 1),
        )
        theirs = AgreementFactory(initiative=initiative, party=AgreementParty.INITIATOR, due_date=date(2026, 6, 10))
        ours = AgreementFactory(initiative=initiative, party=AgreementParty.MUNICIPALITY, due_date=date(2026, 6, 10))
        AgreementFactory(initiative=initiative, due_date=date(2026, 6, 10), done=True)
        sent = run_month(date(2026, 6, 1), days=12)
        assert list(sent) == [date(2026, 6, 5)]  # three working days before Wednesday 10 June
        assert sorted(sent[date(2026, 6, 5)]) == sorted(
            [f"agreement-due:{theirs.pk}:2026-06-10", f"agreement-due:{ours.pk}:2026-06-10:{officer.user.pk}"]
        )


class WaitingForInitiatorTests:
    def test_nudge_after_ten_working_days_and_closure_after_thirty(self, officer, django_capture_on_commit_callbacks):
        initiative = InitiativeFactory(
            waiting=True, village__municipality=officer.municipality, decision_due=date(2027, 1, 1)
        )
        change = StatusChangeFactory(
            initiative=initiative, from_status=Status.IN_CONVERSATION, to_status=Status.WAITING_FOR_INITIATOR
        )
        StatusChange.objects.filter(pk=change.pk).update(
            created_at=datetime.combine(date(2026, 4, 20), time(10), tzinfo=AMSTERDAM)
        )
        with django_capture_on_commit_callbacks(execute=True):
            sent = run_month(date(2026, 4, 20), days=50)
        # 10 working days after Monday 20 April (King's Day, Liberation Day and Ascension skipped).
        assert sent[date(2026, 5, 6)] == [f"waiting-nudge:{initiative.pk}:2026-04-20"]
        closed_on = [day for day, keys in sent.items() if "waiting-closed" in kinds(keys)]
        # The 30th working day (Ascension, the decreed Friday 15 May and Whit Monday skipped).
        assert closed_on == [date(2026, 6, 8)]
        initiative.refresh_from_db()
        assert initiative.status == Status.CLOSED
        assert AuditLogEntry.objects.filter(action="initiative.auto_close").count() == 1
        closing = [m for m in mail.outbox if "/initiatieven/volg/" in m.body]
        assert len(closing) == 2  # the nudge and the closure notice, each with a fresh link


def test_nothing_on_weekends_and_holidays(officer):
    InitiativeFactory(village__municipality=officer.municipality, first_response_due=date(2026, 12, 20))
    for day in (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27)):
        assert reminders_run(today=day) == {}
    assert not OutboxMail.objects.exists()


def test_query_count_does_not_grow_with_the_number_of_initiatives(officer, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            InitiativeFactory(
                village__municipality=officer.municipality,
                first_response_due=date(2026, 4, 1),
                decision_due=date(2026, 6, 12),
                in_conversation=True,
            )

    make(3)
    with django_assert_max_num_queries(20) as few:
        reminders_run(today=date(2026, 6, 8))
    make(30)
    with django_assert_max_num_queries(20) as many:
        reminders_run(today=date(2026, 6, 9))
    assert len(many.captured_queries) == len(few.captured_queries)


# --- at scale: the queries do not depend on how many initiatives are due -------------------------

TODAY = date(2026, 6, 9)  # a Tuesday
FAR = date(2027, 1, 1)


def waiting_since(initiative, day: date) -> None:
    change = StatusChangeFactory(
        initiative=initiative, from_status=Status.IN_CONVERSATION, to_status=Status.WAITING_FOR_INITIATOR
    )
    StatusChange.objects.filter(pk=change.pk).update(created_at=datetime.combine(day, time(10), tzinfo=AMSTERDAM))


def first_response_due(municipality):
    """Overdue since a week: the handlers' reminder and the coordinator's escalation."""
    InitiativeFactory(village__municipality=municipality, first_response_due=date(2026, 6, 1), decision_due=FAR)


def decision_due(municipality):
    """The term ends tomorrow: the handlers' warning and the initiator's notice."""
    InitiativeFactory(in_conversation=True, village__municipality=municipality, decision_due=date(2026, 6, 10))


def agreements_due(municipality):
    initiative = InitiativeFactory(in_progress=True, village__municipality=municipality)
    AgreementFactory(initiative=initiative, party=AgreementParty.INITIATOR, due_date=date(2026, 6, 11))
    AgreementFactory(initiative=initiative, party=AgreementParty.MUNICIPALITY, due_date=date(2026, 6, 11))


def nudge_due(municipality):
    """Waiting for 12 working days: a nudge."""
    initiative = InitiativeFactory(waiting=True, village__municipality=municipality, decision_due=FAR)
    waiting_since(initiative, date(2026, 5, 22))


def closure_due(municipality):
    """Waiting since April: closed, with the closure notice."""
    initiative = InitiativeFactory(waiting=True, village__municipality=municipality, decision_due=FAR)
    waiting_since(initiative, date(2026, 4, 1))


KINDS = {
    "first_response": first_response_due,
    "decision": decision_due,
    "agreements": agreements_due,
    "waiting_nudges": nudge_due,
    "closed": closure_due,
}
# A fixed number of queries, whatever is due: the same with 3 and with 30 of a kind.
# 30 on PostgreSQL with every kind due (one of them the statistics marks); SQLite splits a large INSERT.
MAX_QUERIES = 33
NOTHING_TO_SEND_MAX_QUERIES = 20


def statements(context) -> int:
    """The number of queries, a bulk INSERT counted once: on PostgreSQL it is one statement for
    any number of rows; SQLite splits it by its limit of parameters per query."""
    queries = [query["sql"] for query in context.captured_queries]
    if connection.features.max_query_params is None:
        return len(queries)
    into = [sql.split(" (", 1)[0] if sql.startswith("INSERT") else None for sql in queries]
    return sum(1 for n, table in enumerate(into) if table is None or n == 0 or into[n - 1] != table)


def make(kinds, n, municipality):
    for kind in kinds:
        for _ in range(n):
            KINDS[kind](municipality)


@pytest.mark.parametrize("kinds", [[kind] for kind in KINDS] + [list(KINDS)], ids=[*KINDS, "all"])
def test_the_queries_do_not_depend_on_how_many_are_due(kinds, officer, coordinator, django_assert_max_num_queries):
    reminders_run(today=TODAY)  # once per process: the content type of initiatives, for the outbox
    make(kinds, 3, officer.municipality)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        counted_few = reminders_run(today=TODAY)
    make(kinds, 30, officer.municipality)  # the first three were handled: these 30 are new
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        counted_many = reminders_run(today=TODAY)

    assert statements(many) == statements(few)
    for kind in kinds:
        assert counted_few[kind] > 0
        assert counted_many[kind] == 10 * counted_few[kind]
    assert sum(counted_few.values()) == sum(counted_few[kind] for kind in kinds)  # nothing else was due


def test_nothing_to_send_costs_few_queries(officer, coordinator, django_assert_max_num_queries):
    make(KINDS, 3, officer.municipality)
    reminders_run(today=TODAY)
    mails = OutboxMail.objects.count()

    with django_assert_max_num_queries(NOTHING_TO_SEND_MAX_QUERIES):
        counted = reminders_run(today=TODAY)

    assert set(counted.values()) == {0}
    assert OutboxMail.objects.count() == mails


def test_the_same_day_twice_sends_nothing_twice(officer, coordinator, django_capture_on_commit_callbacks):
    make(KINDS, 3, officer.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_run(today=TODAY)
    sent = len(mail.outbox)
    rows = OutboxMail.objects.count()
    history = StatusChange.objects.count()
    assert sent == rows > 0
    assert first["closed"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_run(today=TODAY)

    assert set(second.values()) == {0}
    assert (len(mail.outbox), OutboxMail.objects.count(), StatusChange.objects.count()) == (sent, rows, history)
    assert AuditLogEntry.objects.filter(action="initiative.auto_close").count() == 3


def test_a_reminder_for_a_new_due_date_is_sent_again(officer):
    """The key holds the due date: a term moved is a new event."""
    initiative = InitiativeFactory(
        in_conversation=True, village__municipality=officer.municipality, decision_due=date(2026, 6, 12)
    )
    assert reminders_run(today=TODAY)["decision"] == 1  # the warning
    assert reminders_run(today=TODAY)["decision"] == 0
    initiative.decision_due = date(2026, 6, 15)
    initiative.save(update_fields=["decision_due"])
    assert reminders_run(today=TODAY)["decision"] == 1


def test_the_closure_skips_an_initiative_that_is_no_longer_waiting(officer, monkeypatch):
    """Between the sweep's query and its lock the initiator answered: the bulk step skips it."""
    from initiatives.services import reminders
    from initiatives.services.workflow import initiatives_transition_bulk

    make(["closed"], 2, officer.municipality)
    answered = Initiative.objects.filter(status=Status.WAITING_FOR_INITIATOR).first()

    def answer_first(**kwargs):
        Initiative.objects.filter(pk=answered.pk).update(status=Status.IN_CONVERSATION)
        return initiatives_transition_bulk(**{**kwargs, "initiatives": list(kwargs["initiatives"])})

    monkeypatch.setattr(reminders, "initiatives_transition_bulk", answer_first)
    assert reminders_run(today=TODAY)["closed"] == 1
    answered.refresh_from_db()
    assert answered.status == Status.IN_CONVERSATION
    assert not OutboxMail.objects.filter(dedup_key__startswith=f"waiting-closed:{answered.pk}:").exists()
