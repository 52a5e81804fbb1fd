"""Duplicates: marking, the links both ways, the initiator's mail and page, undoing, the audit."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry
from initiatives.constants import Status
from initiatives.models import DuplicateChange
from initiatives.services.duplicates import (
    DuplicateNotAllowed,
    duplicate_candidates,
    initiative_mark_duplicate,
    initiative_unmark_duplicate,
)
from initiatives.services.officers import initiative_message_send
from initiatives.services.submission import tracking_token_issue
from initiatives.services.workflow import initiative_change_status
from municipalities.access import NotAllowed
from tests.initiatives.factories import GrantFactory, InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return OfficerMembershipFactory()


@pytest.fixture
def original(officer):
    return InitiativeFactory(
        in_conversation=True, village__municipality=officer.municipality, title="Speeltuin bij de kerk"
    )


@pytest.fixture
def duplicate(officer, original):
    return InitiativeFactory(village=original.village, title="Schommels voor het dorp", initiator_name="Karin Jansen")


def mark(duplicate, original, officer, **kwargs):
    return initiative_mark_duplicate(initiative=duplicate, original=original, actor=officer.user, **kwargs)


class MarkTests:
    def test_marking_closes_with_a_note_links_both_ways_and_is_audited(self, duplicate, original, officer):
        marked = mark(duplicate, original, officer, note="Zelfde plek, zelfde plan.")
        assert marked.status == Status.CLOSED
        assert marked.closed_at is not None
        assert marked.duplicate_of == original
        assert list(original.duplicates.all()) == [marked]
        change = marked.status_changes.last()
        assert (change.to_status, change.note, change.actor) == (
            Status.CLOSED,
            "Zelfde plek, zelfde plan.",
            officer.user,
        )
        entry = AuditLogEntry.objects.get(action=AuditAction.INITIATIVE_DUPLICATE)
        assert entry.municipality == officer.municipality
        assert entry.object_id == str(marked.pk)

    def test_without_a_note_the_status_note_names_the_original(self, duplicate, original, officer):
        marked = mark(duplicate, original, officer)
        assert original.reference in marked.status_changes.last().note

    def test_the_initiator_gets_a_plain_mail_and_no_satisfaction_question(
        self, duplicate, original, officer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            mark(duplicate, original, officer)
        assert [m.to for m in mail.outbox] == [[duplicate.initiator_email]]
        body = mail.outbox[0].body
        assert "Er loopt al een initiatief dat hetzelfde wil" in body
        assert "/initiatieven/volg/" in body
        # the other initiator stays unknown; the published original is named and linked
        assert original.initiator_name not in body and original.initiator_email not in body
        assert original.title in body
        assert reverse("initiatives:public", kwargs={"reference": original.reference}) in body

    def test_an_unpublished_original_is_not_named_in_the_mail(
        self, duplicate, officer, django_capture_on_commit_callbacks
    ):
        hidden = InitiativeFactory(village=duplicate.village, publication_consent=False, title="Geheime titel")
        with django_capture_on_commit_callbacks(execute=True):
            mark(duplicate, hidden, officer)
        body = mail.outbox[0].body
        assert "Er loopt al een initiatief dat hetzelfde wil" in body
        assert "Geheime titel" not in body
        assert hidden.reference not in body

    def test_a_duplicate_of_a_duplicate_points_at_the_original(self, duplicate, original, officer):
        mark(duplicate, original, officer)
        third = InitiativeFactory(village=original.village)
        assert mark(third, duplicate, officer).duplicate_of == original

    def test_the_duplicates_of_a_new_duplicate_move_along(self, duplicate, original, officer):
        third = InitiativeFactory(village=original.village)
        mark(third, duplicate, officer)
        mark(duplicate, original, officer)
        third.refresh_from_db()
        assert third.duplicate_of == original
        assert set(original.duplicates.all()) == {third, duplicate}
        assert DuplicateChange.objects.filter(initiative=third, original=original).exists()

    @pytest.mark.parametrize(
        "setup, message",
        [
            (lambda d, o: o, "itself"),
            (lambda d, o: InitiativeFactory(closed=True, village=o.village), "closed or withdrawn"),
            (lambda d, o: InitiativeFactory(withdrawn=True, village=o.village), "closed or withdrawn"),
            (lambda d, o: InitiativeFactory(), "same municipality"),
        ],
    )
    def test_refused_originals(self, original, officer, setup, message):
        target = setup(original, original)
        with pytest.raises(DuplicateNotAllowed):
            mark(original, target, officer)
        original.refresh_from_db()
        assert original.status == Status.IN_CONVERSATION and original.duplicate_of is None

    @pytest.mark.parametrize("state", ["decided", "closed", "withdrawn"])
    def test_only_an_open_initiative_can_be_a_duplicate(self, original, officer, state):
        done = InitiativeFactory(village=original.village, **{state: True})
        with pytest.raises(DuplicateNotAllowed):
            mark(done, original, officer)

    def test_an_initiative_with_money_is_refused(self, original, officer):
        granted = GrantFactory(initiative__village=original.village, initiative__in_conversation=True).initiative
        with pytest.raises(DuplicateNotAllowed):
            mark(granted, original, officer)

    def test_an_officer_of_another_municipality_is_refused(self, duplicate, original):
        with pytest.raises(NotAllowed):
            mark(duplicate, original, OfficerMembershipFactory())


class UndoTests:
    def test_undo_reopens_tells_the_initiator_and_is_audited(
        self, duplicate, original, officer, django_capture_on_commit_callbacks
    ):
        mark(duplicate, original, officer)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reopened = initiative_unmark_duplicate(initiative=duplicate, actor=officer.user)
        assert reopened.status == Status.IN_CONVERSATION
        assert reopened.duplicate_of is None and reopened.closed_at is None
        assert not original.duplicates.exists()
        assert DuplicateChange.objects.filter(initiative=duplicate, marked=False).exists()
        assert AuditLogEntry.objects.filter(action=AuditAction.INITIATIVE_DUPLICATE_UNDO).count() == 1
        assert [m.to for m in mail.outbox] == [[duplicate.initiator_email]]
        assert "weer open" in mail.outbox[0].subject

    def test_no_undo_after_another_status_change(self, duplicate, original, officer):
        mark(duplicate, original, officer)
        initiative_change_status(initiative=duplicate, to_status=Status.IN_CONVERSATION, actor=officer.user)
        initiative_change_status(initiative=duplicate, to_status=Status.CLOSED, actor=officer.user)
        with pytest.raises(DuplicateNotAllowed):
            initiative_unmark_duplicate(initiative=duplicate, actor=officer.user)

    def test_a_message_after_the_mark_does_not_block_the_undo(self, duplicate, original, officer):
        mark(duplicate, original, officer)
        initiative_message_send(initiative=duplicate, body="Toch anders?", actor=officer.user)
        assert initiative_unmark_duplicate(initiative=duplicate, actor=officer.user).duplicate_of is None

    def test_nothing_to_undo(self, duplicate, officer):
        with pytest.raises(DuplicateNotAllowed):
            initiative_unmark_duplicate(initiative=duplicate, actor=officer.user)


class CandidateTests:
    def test_by_reference_or_title_words_in_the_same_municipality_only(self, duplicate, original):
        elsewhere = InitiativeFactory(title="Speeltuin elders")
        assert list(duplicate_candidates(initiative=duplicate, text=original.reference)) == [original]
        assert list(duplicate_candidates(initiative=duplicate, text=f"{original.reference} Speeltuin")) == [original]
        assert list(duplicate_candidates(initiative=duplicate, text="Speeltuin")) == [original]
        assert list(duplicate_candidates(initiative=duplicate, text=elsewhere.reference)) == []
        assert list(duplicate_candidates(initiative=duplicate, text=duplicate.reference)) == []


class PageTests:
    def test_the_tracking_page_says_it_in_plain_words_without_the_other_initiator(
        self, client, duplicate, original, officer
    ):
        mark(duplicate, original, officer)
        token = tracking_token_issue(initiative=duplicate)
        page = client.get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert "Er loopt al een initiatief dat hetzelfde wil" in page
        assert original.title in page
        assert reverse("initiatives:public", kwargs={"reference": original.reference}) in page
        assert original.initiator_name not in page
        assert original.initiator_email not in page
        assert "Hoe ging het?" not in page  # no satisfaction question for a duplicate

    def test_an_unpublished_original_stays_unnamed_on_the_tracking_page(self, client, duplicate, officer):
        hidden = InitiativeFactory(village=duplicate.village, publication_consent=False, title="Geheime titel")
        mark(duplicate, hidden, officer)
        token = tracking_token_issue(initiative=duplicate)
        page = client.get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert "Er loopt al een initiatief dat hetzelfde wil" in page
        assert "Geheime titel" not in page and hidden.reference not in page

    def test_the_original_tracking_page_says_nothing(self, client, duplicate, original, officer):
        mark(duplicate, original, officer)
        token = tracking_token_issue(initiative=original)
        page = client.get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert duplicate.title not in page and "Karin Jansen" not in page

    def test_both_officer_pages_link_to_each_other(self, client, duplicate, original, officer):
        mark(duplicate, original, officer)
        client.force_login(officer.user)
        page = client.get(reverse("initiatives:officer_detail", args=[duplicate.pk])).content.decode()
        assert reverse("initiatives:officer_detail", args=[original.pk]) in page
        assert "Dubbel ingediend" in page
        page = client.get(reverse("initiatives:officer_detail", args=[original.pk])).content.decode()
        assert reverse("initiatives:officer_detail", args=[duplicate.pk]) in page
        assert "Ook ingediend als" in page

    def test_marking_through_the_page_by_reference(self, client, duplicate, original, officer):
        client.force_login(officer.user)
        response = client.post(
            reverse("initiatives:officer_duplicate", args=[duplicate.pk]),
            {"duplicate-original": original.reference, "duplicate-note": ""},
        )
        assert response.status_code == 302
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of == original

    def test_several_matches_ask_for_the_reference(self, client, duplicate, original, officer):
        InitiativeFactory(village=original.village, title="Speeltuin aan de dijk")
        client.force_login(officer.user)
        response = client.post(
            reverse("initiatives:officer_duplicate", args=[duplicate.pk]),
            {"duplicate-original": "Speeltuin", "duplicate-note": ""},
        )
        assert response.status_code == 200
        assert "Meer initiatieven passen" in response.content.decode()
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of is None

    def test_undo_through_the_page(self, client, duplicate, original, officer):
        mark(duplicate, original, officer)
        client.force_login(officer.user)
        response = client.post(reverse("initiatives:officer_duplicate_undo", args=[duplicate.pk]), {})
        assert response.status_code == 302
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of is None

    def test_the_audit_log_says_it_in_words(self, duplicate, original, officer):
        mark(duplicate, original, officer)
        initiative_unmark_duplicate(initiative=duplicate, actor=officer.user)
        entries = describe(AuditLogEntry.objects.filter(action__startswith="initiative.duplicate").order_by("pk"))
        assert [entry.detail_text for entry in entries] == [
            f"dubbel van {original}",
            f"niet meer dubbel van {original}",
        ]
