"""`Initiative.assignee_has_new_reply`: the counter "new replies to you" reads a kept flag.

After each kind of change the flag must give what the rule gives when counted afresh: the
assigned initiatives on which the initiator wrote after the officer last opened the page
(`InitiativeQuerySet.new_replies_q`). Every change goes through the platform's own path: the
initiator's reply service, the officer's page, the assign services, the forwarding and the admin.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.services.forwarding import initiative_forward
from initiatives.services.officers import initiative_assign, initiative_bulk_assign, initiative_message_send
from initiatives.services.submission import initiative_reply
from tests.initiatives.factories import InitiativeFactory, MessageFactory
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatives(officer):
    village = VillageFactory(municipality=officer.municipality)
    return [InitiativeFactory(village=village, in_conversation=True) for _ in range(3)]


def counted(*users):
    """Per officer: (the counter's value, the rule counted afresh)."""
    today = timezone.localdate()
    result = {}
    for user in users:
        counter = Initiative.objects.visible_to(user).dashboard_counters(user=user, today=today)["new_replies"]
        fresh = Initiative.objects.filter(assigned_officer=user).filter(Initiative.objects.new_replies_q(user)).count()
        result[user.pk] = (counter, fresh)
    return result


def assert_kept(*users, expected):
    """The counter and the fresh count agree for every officer, and give `expected` in order."""
    values = counted(*users)
    assert [counter for counter, _fresh in values.values()] == [fresh for _counter, fresh in values.values()]
    assert [fresh for _counter, fresh in values.values()] == expected


def open_page(client, user, initiative):
    client.force_login(user)
    assert client.get(reverse("initiatives:officer_detail", args=[initiative.pk])).status_code == 200


def test_each_kind_of_change_keeps_the_counter_equal_to_a_fresh_count(client, officer, colleague, initiatives):
    me, other = officer.user, colleague.user
    first, second, third = initiatives
    assert_kept(me, other, expected=[0, 0])

    # Assigned, nothing written yet.
    initiative_assign(initiative=first, officer=me, actor=me)
    initiative_bulk_assign(initiatives=[second, third], officer=me, actor=me)
    assert_kept(me, other, expected=[0, 0])

    # The initiator writes on two of them; the officer's own message is no reply.
    initiative_reply(initiative=first, body="Hoe staat het ervoor?")
    initiative_reply(initiative=second, body="Wij hebben een offerte.")
    initiative_message_send(initiative=third, body="Ik bel u morgen.", actor=me)
    assert_kept(me, other, expected=[2, 0])

    # A colleague opening the page changes nothing for the assigned officer.
    open_page(client, other, first)
    assert_kept(me, other, expected=[2, 0])

    # The assigned officer opens one: it is no longer new; the next reply is.
    open_page(client, me, first)
    assert_kept(me, other, expected=[1, 0])
    initiative_reply(initiative=first, body="Nog een vraag.")
    assert_kept(me, other, expected=[2, 0])

    # To the colleague: they read `first` before its last reply, and never opened `second`.
    initiative_bulk_assign(initiatives=[first, second], officer=other, actor=me)
    assert_kept(me, other, expected=[0, 2])
    open_page(client, other, first)
    assert_kept(me, other, expected=[0, 1])

    # Back to the officer, who read `first` before its last reply.
    initiative_assign(initiative=first, officer=me, actor=other)
    assert_kept(me, other, expected=[1, 1])
    open_page(client, me, first)
    assert_kept(me, other, expected=[0, 1])


def test_forwarding_leaves_no_new_reply_with_anyone(officer, colleague, initiatives):
    me = officer.user
    first = initiatives[0]
    initiative_assign(initiative=first, officer=me, actor=me)
    initiative_reply(initiative=first, body="Kunt u helpen?")
    assert_kept(me, expected=[1])

    receiver = OfficerMembershipFactory()
    initiative_forward(
        initiative=Initiative.objects.get(pk=first.pk),
        village=VillageFactory(municipality=receiver.municipality),
        actor=me,
        note="Dit hoort bij de buurgemeente.",
    )
    assert not Initiative.objects.get(pk=first.pk).assignee_has_new_reply
    assert_kept(me, receiver.user, expected=[0, 0])

    # Taken up by an officer of the receiving municipality: the reply is new to them.
    initiative_assign(initiative=Initiative.objects.get(pk=first.pk), officer=receiver.user, actor=receiver.user)
    assert_kept(me, receiver.user, expected=[0, 1])


def test_another_officer_chosen_in_the_admin(officer, colleague, initiatives):
    me, other = officer.user, colleague.user
    first = initiatives[0]
    initiative_assign(initiative=first, officer=me, actor=me)
    MessageFactory(initiative=first, from_initiator=True)
    assert_kept(me, other, expected=[1, 0])

    model_admin = admin.site._registry[Initiative]
    request = RequestFactory().post("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    for chosen, expected in ((other, [0, 1]), (None, [0, 0]), (me, [1, 0])):
        initiative = Initiative.objects.get(pk=first.pk)
        form = model_admin.get_form(request, initiative, change=True)(instance=initiative)
        initiative.assigned_officer = chosen
        model_admin.save_model(request, initiative, form, change=True)
        assert_kept(me, other, expected=expected)


def test_a_reply_older_than_the_officers_last_visit_is_not_new(client, officer, initiatives):
    me = officer.user
    first = initiatives[0]
    initiative_assign(initiative=first, officer=me, actor=me)
    open_page(client, me, first)
    # A message stored afterwards with an earlier time (an import, a migrated mailbox).
    MessageFactory(initiative=first, from_initiator=True, created_at=timezone.now() - timedelta(hours=1))
    assert_kept(me, expected=[0])


def test_refresh_repairs_every_flag_in_one_statement(officer, colleague, initiatives, django_assert_num_queries):
    me, other = officer.user, colleague.user
    for initiative, user in zip(initiatives, (me, me, other), strict=True):
        initiative_assign(initiative=initiative, officer=user, actor=user)
        initiative_reply(initiative=initiative, body="Vraag")
    Initiative.objects.update(assignee_has_new_reply=False)  # a bulk write that sent no signal
    assert counted(me, other) == {me.pk: (0, 2), other.pk: (0, 1)}
    with django_assert_num_queries(1):
        assert Initiative.objects.all().refresh_new_reply_flags() == 3
    assert_kept(me, other, expected=[2, 1])
