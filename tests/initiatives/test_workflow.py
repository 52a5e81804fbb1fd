"""The workflow matrix (STYLE.md §6): every allowed edge succeeds, every other is refused."""

import itertools

import pytest

from initiatives.constants import TERMINAL_STATUSES, TRANSITIONS, Status
from initiatives.services.workflow import TransitionNotAllowed, initiative_change_status
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
