"""A resident submits an initiative: everything is stored before any mail is attempted."""

import hashlib
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from initiatives.constants import Status
from initiatives.models import Initiative, LostLinkRequest, StatusChange, TrackingToken
from initiatives.services.forwarding import initiative_forward
from initiatives.services.submission import (
    initiative_money_check,
    initiative_officers_notice_sweep,
    initiative_reply,
    initiative_submit,
    initiative_withdraw,
    lost_link_request,
    lost_link_sweep,
)
from initiatives.services.workflow import TransitionNotAllowed
from initiatives.tasks import initiative_officers_notify_task, lost_link_answer_task
from notifications import services as notification_services
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail
from notifications.services import notification_preference_set
from tests.initiatives.factories import InitiativeFactory, ThemeFactory
from tests.initiatives.helpers import form_data, pdf, tracking_url_from
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    municipality = MunicipalityFactory(name="Nunspeet", first_response_working_days=5, decision_term_weeks=8)
    return VillageFactory(name="Elspeet", municipality=municipality)


def submit(village, cost_lines=None, **overrides):
    data = {
        "title": "Jeu-de-boulesbaan",
        "goal": "Ontmoeting voor ouderen",
        "description": "Een baan naast het dorpshuis.",
        "target_group": "",
        "village": village,
        "organisation": None,
        "themes": [],
        "amount_requested": Decimal("900"),
        "own_contribution_money": Decimal("100"),
        "own_contribution_hours": 40,
        "own_contribution_materials": "",
        "support_evidence": "",
        "permits_needed": "",
        "maintenance_after": "",
        "planned_start": None,
        "is_right_to_challenge": False,
        "initiator_name": "Jan Jansen",
        "initiator_email": "jan@example.nl",
        "initiator_phone": "",
        "preferred_language": "nl",
        "publication_consent": False,
        "asks_money": True,
    }
    data.update(overrides)
    if cost_lines is None:
        cost_lines = [{"description": "Grind", "amount": Decimal("1000")}]
    return initiative_submit(data=data, cost_lines=cost_lines)


class InitiativeSubmitTests:
    def test_stores_everything_then_mails_after_commit(self, village, django_capture_on_commit_callbacks):
        officer = OfficerMembershipFactory(municipality=village.municipality, villages=[village])
        OfficerMembershipFactory(municipality=village.municipality)  # another village's officer
        theme = ThemeFactory()

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            initiative = submit(village, themes=[theme])
            # Stored, with history, due dates and the mails as pending rows, before any send.
            assert Initiative.objects.filter(pk=initiative.pk, status=Status.SUBMITTED).exists()
            assert initiative.municipality == village.municipality
            assert initiative.total_cost == Decimal("1000")
            assert list(initiative.themes.all()) == [theme]
            assert StatusChange.objects.get(initiative=initiative).to_status == Status.SUBMITTED
            assert initiative.first_response_due and initiative.decision_due
            # The receipt waits as a row; the officers are the worker's, after the commit.
            assert list(OutboxMail.objects.filter(status=OutboxStatus.PENDING).values_list("to", flat=True)) == [
                "jan@example.nl"
            ]
            assert Initiative.objects.get(pk=initiative.pk).officers_notice_pending
            assert mail.outbox == []

        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert not Initiative.objects.get(pk=initiative.pk).officers_notice_pending
        receipt, notice = sorted(mail.outbox, key=lambda m: m.to[0] != "jan@example.nl")
        assert receipt.to == ["jan@example.nl"]
        assert initiative.reference in receipt.subject
        assert notice.to == [officer.user.email]
        assert OutboxMail.objects.filter(status=OutboxStatus.SENT).count() == 2

    def test_reference_is_year_and_number(self, village):
        first, second = submit(village), submit(village)
        assert first.reference.endswith("-0001") and second.reference.endswith("-0002")

    def test_inactive_municipality_refuses(self, village):
        village.municipality.is_active = False
        village.municipality.save()
        with pytest.raises(ValidationError) as error:
            submit(village)
        assert "village" in error.value.message_dict
        assert not Initiative.objects.exists()

    def test_the_tracking_token_is_only_stored_as_a_hash(self, village, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            initiative = submit(village)
        url = tracking_url_from(mail.outbox[0].body)
        token = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
        assert len(token) >= 43  # 32 random bytes, url-safe base64
        stored = TrackingToken.objects.get(initiative=initiative)
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(list(OutboxMail.objects.values()))
        assert client.get(urlparse(url).path).status_code == 200

    def test_no_officers_for_the_village_notifies_all_of_the_municipality(
        self, village, django_capture_on_commit_callbacks
    ):
        others = OfficerMembershipFactory.create_batch(2, municipality=village.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            submit(village)
        assert {m.to[0] for m in mail.outbox} == {"jan@example.nl", *(o.user.email for o in others)}

    @pytest.mark.parametrize("village_officers", [True, False])
    def test_an_officer_who_chose_the_digest_gets_the_notice_in_it(
        self, village, village_officers, django_capture_on_commit_callbacks
    ):
        portfolio = {"villages": [village]} if village_officers else {}
        digest, single = OfficerMembershipFactory.create_batch(2, municipality=village.municipality, **portfolio)
        notification_preference_set(user=digest.user, daily_digest=True)
        notification_preference_set(user=single.user, daily_digest=False)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            initiative = submit(village)
        # One hand-off to the worker after the submission, and one from the worker for all of
        # its mails (the receipt with the officers' notices).
        assert len(callbacks) == 2
        assert sorted(initiative.mails.values_list("to", "status")) == sorted(
            [
                ("jan@example.nl", OutboxStatus.SENT),
                (digest.user.email, OutboxStatus.HELD),
                (single.user.email, OutboxStatus.SENT),
            ]
        )
        assert sorted(m.to[0] for m in mail.outbox) == sorted(["jan@example.nl", single.user.email])

    def test_numbers_stay_unique_and_in_order_when_a_submission_fails(self, village):
        first = submit(village)
        with pytest.raises(ValidationError):
            submit(village, title="x" * 201)  # caught by the model check
        assert submit(village).reference == f"{first.reference[:5]}{int(first.reference[5:]) + 1:04d}"


class OfficersNoticeTests:
    """The village's officers hear of a submission from the worker, after the commit: once,
    whether the task runs twice, the broker never took it (the sweep), or the initiative moved."""

    @pytest.fixture
    def officer(self, village):
        return OfficerMembershipFactory(municipality=village.municipality, villages=[village])

    def notices(self, initiative):
        return list(initiative.mails.filter(template="initiatives/email/officer_new").values_list("to", flat=True))

    def test_the_task_tells_the_officers_once(self, village, officer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            initiative = submit(village)
        assert self.notices(initiative) == []
        assert initiative_officers_notify_task.apply(args=[initiative.pk, []]).get() == 1
        assert initiative_officers_notify_task.apply(args=[initiative.pk, []]).get() == 0
        assert self.notices(initiative) == [officer.user.email]
        assert not Initiative.objects.get(pk=initiative.pk).officers_notice_pending

    def test_a_submission_the_broker_did_not_take_is_told_by_the_sweep(
        self, village, officer, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broker_down(*args, **kwargs):
            raise OSError("[Errno 111] Connection refused")

        monkeypatch.setattr(notification_services, "_broker_failed_at", None)  # restored after the test
        monkeypatch.setattr(initiative_officers_notify_task, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            initiative = submit(village)
        assert mail.outbox == [] and self.notices(initiative) == []
        assert initiative.mails.get().status == OutboxStatus.PENDING, "the receipt waits for the outbox sweep"
        monkeypatch.setattr(notification_services, "_broker_failed_at", None)
        submitted = initiative.submitted_at
        assert initiative_officers_notice_sweep(now=submitted + timedelta(seconds=30)) == 0, "the task may come"
        with django_capture_on_commit_callbacks(execute=True):
            assert initiative_officers_notice_sweep(now=submitted + timedelta(minutes=2)) == 1
        assert [message.to for message in mail.outbox] == [[officer.user.email]]
        assert initiative_officers_notice_sweep(now=submitted + timedelta(minutes=4)) == 0

    def test_forwarded_before_the_worker_came_only_the_receiving_officers_hear(
        self, village, officer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            initiative = submit(village)
        receiver = OfficerMembershipFactory()
        with django_capture_on_commit_callbacks(execute=True):
            initiative_forward(
                initiative=initiative,
                village=VillageFactory(municipality=receiver.municipality),
                actor=officer.user,
                note="Dit hoort bij de buurgemeente.",
            )
            assert initiative_officers_notify_task.apply(args=[initiative.pk, []]).get() == 0
        assert [message.to for message in mail.outbox] == [[receiver.user.email], ["jan@example.nl"]]
        assert self.notices(initiative) == [receiver.user.email]  # the forwarding's notice


class MoneyCheckTests:
    LINES = [{"description": "Grind", "amount": Decimal("600")}, {"description": "Band", "amount": Decimal("400")}]

    def messages(self, **kwargs):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            initiative_money_check(**kwargs)
        return error.value.message_dict

    def test_money_asked_needs_a_cost_line(self):
        errors = self.messages(asks_money=True, amount_requested=Decimal("500"), cost_lines=[])
        assert errors == {"__all__": ["You ask for money: add at least one cost line with an amount."]}

    def test_money_asked_needs_an_amount(self):
        errors = self.messages(asks_money=True, amount_requested=None, cost_lines=self.LINES)
        assert errors == {"amount_requested": ["Fill in how much money you ask."]}

    def test_no_more_than_the_cost_lines_add_up_to(self):
        errors = self.messages(asks_money=False, amount_requested=Decimal("1000.01"), cost_lines=self.LINES)
        assert errors == {"amount_requested": ["You ask more than the total of your cost lines (€1,000.00)."]}

    @pytest.mark.parametrize(
        ("asks_money", "amount", "lines"),
        [(True, Decimal("1000"), LINES), (False, Decimal("0"), []), (False, Decimal("0"), LINES)],
    )
    def test_a_consistent_budget_passes(self, asks_money, amount, lines):
        initiative_money_check(asks_money=asks_money, amount_requested=amount, cost_lines=lines)

    def test_submit_enforces_it_without_the_form(self, village):
        with pytest.raises(ValidationError) as error:
            submit(village, amount_requested=Decimal("5000"))
        assert "amount_requested" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            submit(village, cost_lines=[])
        assert "__all__" in error.value.message_dict
        assert not Initiative.objects.exists()


class InitiatorActionsTests:
    def test_reply_moves_waiting_back_into_conversation_and_notifies_the_assignee(
        self, django_capture_on_commit_callbacks
    ):
        officer = OfficerMembershipFactory()
        initiative = InitiativeFactory(
            waiting=True, village__municipality=officer.municipality, assigned_officer=officer.user
        )
        with django_capture_on_commit_callbacks(execute=True):
            initiative_reply(initiative=initiative, body="Hier is de begroting.")
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION
        assert initiative.status_changes.last().by_initiator
        assert [m.to for m in mail.outbox] == [[officer.user.email]]

    def test_withdraw_records_the_reason(self):
        initiative = InitiativeFactory(in_conversation=True)
        initiative_withdraw(initiative=initiative, reason="We verhuizen.")
        change = initiative.status_changes.last()
        assert (change.to_status, change.note, change.by_initiator) == (Status.WITHDRAWN, "We verhuizen.", True)

    def test_withdrawn_cannot_be_withdrawn_again(self):
        initiative = InitiativeFactory(withdrawn=True)
        with pytest.raises(TransitionNotAllowed):
            initiative_withdraw(initiative=initiative)


class LostLinkTests:
    """Side door 8: the page does the same work whatever the address; the worker looks it up."""

    def post(self, client, address):
        return client.post(reverse("initiatives:lost_link"), {"email": address}, follow=True)

    def test_known_address_gets_fresh_links_to_all_initiatives(self, django_capture_on_commit_callbacks):
        first = InitiativeFactory(initiator_email="Piet@Example.nl")
        second = InitiativeFactory(initiator_email="piet@example.nl")
        with django_capture_on_commit_callbacks(execute=True):
            lost_link_request(email="piet@example.nl")
        assert len(mail.outbox) == 1
        assert first.reference in mail.outbox[0].body and second.reference in mail.outbox[0].body
        assert TrackingToken.objects.count() == 2

    def test_unknown_address_sends_nothing(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            lost_link_request(email="nobody@example.nl")
        assert mail.outbox == []

    def test_the_page_answers_the_same_whether_or_not_the_address_is_known(self, client):
        InitiativeFactory(initiator_email="known@example.nl")
        known = self.post(client, "known@example.nl")
        unknown = self.post(client, "unknown@example.nl")
        assert known.status_code == unknown.status_code == 200
        assert known.redirect_chain == unknown.redirect_chain
        # Identical pages, apart from the per-response CSRF token in the header's forms.
        csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
        assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)

    def test_the_page_does_the_same_queries_for_a_known_and_an_unknown_address(self, client, django_assert_num_queries):
        """No look-up in the request: one row stored, whatever the address (the task comes after commit)."""
        InitiativeFactory.create_batch(3, initiator_email="known@example.nl")
        url = reverse("initiatives:lost_link")
        with django_assert_num_queries(3) as known:  # savepoint, INSERT, release savepoint
            known_response = client.post(url, {"email": "known@example.nl"})
        with django_assert_num_queries(3) as unknown:
            unknown_response = client.post(url, {"email": "unknown@example.nl"})
        assert [query["sql"].split()[0] for query in known] == [query["sql"].split()[0] for query in unknown]
        assert not any("initiatives_initiative" in query["sql"] for query in known.captured_queries)
        assert known_response.status_code == unknown_response.status_code == 302
        assert known_response["Location"] == unknown_response["Location"] == reverse("initiatives:lost_link_sent")
        # Nothing is queued in the request: both are a request row for the worker.
        assert not OutboxMail.objects.exists()
        assert sorted(LostLinkRequest.objects.values_list("email", flat=True)) == [
            "known@example.nl",
            "unknown@example.nl",
        ]

    def test_the_worker_mails_the_known_address_and_nothing_for_the_unknown(
        self, client, django_capture_on_commit_callbacks
    ):
        initiative = InitiativeFactory(initiator_email="known@example.nl")
        with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly after commit
            self.post(client, "known@example.nl")
            self.post(client, "unknown@example.nl")
        assert [message.to for message in mail.outbox] == [["known@example.nl"]]
        assert initiative.reference in mail.outbox[0].body
        assert list(OutboxMail.objects.values_list("to", "template")) == [
            ("known@example.nl", "initiatives/email/lost_link")
        ]
        assert not LostLinkRequest.objects.exists(), "the worker forgets the addresses"

    def test_the_task_answers_a_request_once(self):
        InitiativeFactory(initiator_email="known@example.nl")
        request = LostLinkRequest.objects.create(email="known@example.nl")
        assert lost_link_answer_task.apply(args=[request.pk]).get() is True
        assert lost_link_answer_task.apply(args=[request.pk]).get() is False
        assert OutboxMail.objects.count() == 1

    def test_a_request_the_broker_did_not_take_is_answered_by_the_sweep(
        self, client, monkeypatch, django_capture_on_commit_callbacks
    ):
        InitiativeFactory(initiator_email="known@example.nl")

        def broker_down(*args, **kwargs):
            raise OSError("[Errno 111] Connection refused")

        monkeypatch.setattr(lost_link_answer_task, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            assert self.post(client, "known@example.nl").status_code == 200
        request = LostLinkRequest.objects.get()
        monkeypatch.undo()
        assert lost_link_sweep(now=request.created_at + timedelta(seconds=30)) == 0, "not yet: the task may come"
        with django_capture_on_commit_callbacks(execute=True):
            assert lost_link_sweep(now=request.created_at + timedelta(minutes=2)) == 1
        assert [message.to for message in mail.outbox] == [["known@example.nl"]]
        assert not LostLinkRequest.objects.exists()


def test_the_form_post_submits_and_confirms(client, village, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("initiatives:submit"), form_data(village, attachments=pdf()))
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.attachments.get().original_name == "plan.pdf"
    confirmation = client.get(response["Location"])
    assert initiative.reference in confirmation.content.decode()
    assert len(mail.outbox) == 1  # the receipt; nobody has a portfolio here and no officers exist
