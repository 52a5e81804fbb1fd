"""The workflow matrix (STYLE.md §6): every allowed edge succeeds, every other is refused."""

import itertools

import pytest

from audit.models import AuditLogEntry
from initiatives.constants import TERMINAL_STATUSES, TRANSITIONS, Status
from initiatives.models import Initiative
from initiatives.services.workflow import (
    TransitionNotAllowed,
    initiative_change_status,
    initiatives_transition_bulk,
)
from notifications.models import OutboxMail
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = pytest.mark.django_db
EDGES = list(itertools.product(Status, Status))


@pytest.mark.parametrize(("source", "target"), EDGES, ids=[f"{a.value}->{b.value}" for a, b in EDGES])
def test_every_edge_of_the_matrix(source, target):
    officer = OfficerMembershipFactory()
    initiative = InitiativeFactory(status=source, village__municipality=officer.municipality)
    history_before = initiative.status_changes.count()

    if target in TRANSITIONS[source]:
        changed = initiative_change_status(initiative=initiative, to_status=target, actor=officer.user)
        assert changed.status == target
        last = changed.status_changes.last()
        assert (last.from_status, last.to_status, last.actor) == (source, target, officer.user)
        assert changed.status_changes.count() == history_before + 1
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            initiative_change_status(initiative=initiative, to_status=target, actor=officer.user)
        assert str(Status(source).label) in str(refused.value.messages[0])
        initiative.refresh_from_db()
        assert initiative.status == source
        assert initiative.status_changes.count() == history_before


def test_no_state_is_a_dead_end_except_the_terminal_ones():
    reachable = {Status.SUBMITTED}
    frontier = [Status.SUBMITTED]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(Status)
    assert {Status.WITHDRAWN} == TERMINAL_STATUSES
    for status in set(Status) - TERMINAL_STATUSES:
        assert TRANSITIONS[status], f"{status} can be entered but not left"


def test_waiting_goes_back_into_conversation_and_closed_can_be_reopened():
    assert Status.IN_CONVERSATION in TRANSITIONS[Status.WAITING_FOR_INITIATOR]
    assert TRANSITIONS[Status.CLOSED] == {Status.IN_CONVERSATION}


def test_first_status_change_by_an_officer_records_the_first_response():
    officer = OfficerMembershipFactory()
    initiative = InitiativeFactory(village__municipality=officer.municipality)
    assert initiative.first_response_at is None
    initiative = initiative_change_status(initiative=initiative, to_status=Status.INTAKE, actor=officer.user)
    assert initiative.first_response_at is not None


# --- the bulk step: the same matrix, the same records, a fixed number of queries ---------------


@pytest.mark.parametrize(("source", "target"), EDGES, ids=[f"{a.value}->{b.value}" for a, b in EDGES])
def test_every_edge_of_the_matrix_in_bulk(source, target, django_capture_on_commit_callbacks):
    officer = OfficerMembershipFactory()
    initiatives = InitiativeFactory.create_batch(2, status=source, village__municipality=officer.municipality)

    if target in TRANSITIONS[source]:
        with django_capture_on_commit_callbacks(execute=True):
            result = initiatives_transition_bulk(initiatives=initiatives, to_status=target, actor=officer.user)
        assert [i.pk for i in result.changed] == sorted(i.pk for i in initiatives)
        assert result.refused == []
        for initiative in initiatives:
            initiative.refresh_from_db()
            assert initiative.status == target
            last = initiative.status_changes.last()
            assert (last.from_status, last.to_status, last.actor) == (source, target, officer.user)
            assert AuditLogEntry.objects.for_object(initiative).get().detail == f"-> {target}"
            assert OutboxMail.objects.filter(dedup_key=f"status:{last.pk}").exists()
    else:
        with pytest.raises(TransitionNotAllowed):
            initiatives_transition_bulk(initiatives=initiatives, to_status=target, actor=officer.user)
        result = initiatives_transition_bulk(
            initiatives=initiatives, to_status=target, actor=officer.user, skip_refused=True
        )
        assert (result.changed, len(result.refused)) == ([], 2)
        for initiative in initiatives:
            initiative.refresh_from_db()
            assert initiative.status == source
            assert not initiative.status_changes.exists()
        assert not AuditLogEntry.objects.exists()
        assert not OutboxMail.objects.exists()


def _records(initiative):
    """What a step leaves behind, without ids, times and the initiative's own values."""
    initiative.refresh_from_db()
    change = initiative.status_changes.last()
    audit = AuditLogEntry.objects.for_object(initiative).get()
    mails = OutboxMail.objects.filter(initiative=initiative).order_by("template")
    return {
        "status": initiative.status,
        "closed": initiative.closed_at is not None,
        "answered": initiative.first_response_at is not None,
        "history": (change.from_status, change.to_status, change.actor, change.by_initiator, change.note),
        "audit": (
            audit.action,
            audit.actor,
            audit.actor_label,
            audit.municipality_id,
            audit.detail,
            audit.object_repr == str(initiative),
        ),
        "mails": [
            (
                mail.template,
                mail.to == initiative.initiator_email,
                mail.language,
                mail.context,
                mail.status,
                mail.municipality_id,
                mail.dedup_key.replace(str(change.pk), "<change>").replace(str(initiative.pk), "<initiative>"),
            )
            for mail in mails
        ],
    }


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.SUBMITTED, Status.INTAKE),  # the first answer
        (Status.IN_CONVERSATION, Status.CLOSED),  # and the satisfaction question
        (Status.CLOSED, Status.IN_CONVERSATION),  # reopened: no longer closed
        (Status.IN_PROGRESS, Status.WITHDRAWN),
    ],
    ids=lambda status: status.value,
)
def test_the_bulk_step_records_what_the_single_step_records(source, target):
    officer = OfficerMembershipFactory()
    single, bulk = InitiativeFactory.create_batch(2, status=source, village__municipality=officer.municipality)

    initiative_change_status(initiative=single, to_status=target, actor=officer.user, note="Zie het gesprek.")
    initiatives_transition_bulk(initiatives=[bulk], to_status=target, actor=officer.user, note="Zie het gesprek.")

    assert _records(bulk) == _records(single)
    assert _records(bulk)["mails"]


def test_the_bulk_step_costs_the_same_queries_for_3_or_30(django_assert_max_num_queries):
    officer = OfficerMembershipFactory()

    def close(n):
        initiatives = [
            InitiativeFactory(status=status, village__municipality=officer.municipality)
            for status in (Status.SUBMITTED, Status.INTAKE, Status.IN_CONVERSATION) * n
        ]
        with django_assert_max_num_queries(15) as queries:
            result = initiatives_transition_bulk(
                initiatives=Initiative.objects.filter(pk__in=[i.pk for i in initiatives]),
                to_status=Status.CLOSED,
                actor=officer.user,
            )
        assert len(result.changed) == 3 * n
        return queries

    few, many = close(1), close(10)
    assert len(many.captured_queries) == len(few.captured_queries)
