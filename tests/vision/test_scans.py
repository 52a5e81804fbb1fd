"""Scans: a personal link per member that works once, results per item and per member category,
and a before/after chart once a baseline and a follow-up both have answers."""

import hashlib
import re
import uuid
from datetime import date

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.models import AuditLogEntry
from core.charts import grouped_bar_chart
from core.csv import BOM, spreadsheet_rows
from notifications.models import OutboxMail
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.vision.factories import (
    FacilitatorFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    TrajectoryFactory,
    closing_date,
)
from vision.constants import MemberCategory, ScanItem, ScanKind
from vision.models import Scan, ScanInvitation, ScanScore
from vision.services.scans import (
    ScanNotOpen,
    scan_close,
    scan_comparison,
    scan_open,
    scan_remind,
    scan_reopen,
    scan_results_per_category,
    scan_results_per_item,
    scan_submit,
    scan_token_issue,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<]+/trajecten/scan/([\w-]+)/")


@pytest.fixture
def world():
    return two_municipalities()


@pytest.fixture
def facilitator(world):
    return FacilitatorFactory(association=world.provincial)


@pytest.fixture
def trajectory(world, facilitator):
    return TrajectoryFactory(municipality=world.a, facilitator=facilitator)


@pytest.fixture
def officer(world):
    return OfficerMembershipFactory(municipality=world.a)


@pytest.fixture
def members(trajectory):
    """Three members who get a link, and three who do not (no email, left, the facilitator)."""
    invited = [
        ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.COUNCIL),
        ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.VILLAGE_COUNCIL),
        ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.YOUNG_PEOPLE),
    ]
    ProgressGroupMemberFactory(trajectory=trajectory, email="")
    ProgressGroupMemberFactory(trajectory=trajectory, left_on=date(2026, 2, 10))
    ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.FACILITATOR)
    return invited


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator.user)
    return client


def all_scores(value="3", **overrides):
    data = {}
    for item in ScanItem:
        data[f"score_{item}"] = value
        data[f"comment_{item}"] = ""
    data.update(overrides)
    return {key: v for key, v in data.items() if v is not None}


def answer(invitation, scores: dict[str, int], comments: dict[str, str] | None = None):
    """Known answers for results tests, stored by the service (anonymously)."""
    comments = comments or {}
    scan_submit(
        invitation=invitation,
        scores={item: (scores.get(item, 3), comments.get(item, "")) for item in ScanItem.values},
    )


def open_invitation(trajectory, **kwargs):
    """An invitation with a real personal link; returns (invitation, token)."""
    invitation = ScanInvitationFactory(scan=ScanFactory(trajectory=trajectory, **kwargs))
    token = scan_token_issue(invitation=invitation)
    return invitation, token


def respond_url(token):
    return reverse("vision:scan_respond", kwargs={"token": token})


class ScanOpenTests:
    def test_an_invitation_per_active_member_with_an_email(self, trajectory, facilitator, members):
        scan = scan_open(
            trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
        )
        invitations = ScanInvitation.objects.filter(scan=scan)
        assert {i.member for i in invitations} == set(members)
        assert all(re.fullmatch(r"[0-9a-f]{64}", i.token_hash) for i in invitations)
        assert len({i.token_hash for i in invitations}) == 3
        assert (scan.kind, scan.opened_on, scan.closed_on) == (ScanKind.BASELINE, timezone.localdate(), None)
        outbox = OutboxMail.objects.filter(template="vision/email/scan_invitation")
        assert sorted(m.to for m in outbox) == sorted(m.email for m in members)
        assert AuditLogEntry.objects.for_object(scan).get().action == "scan.open"

    def test_the_mail_holds_the_personal_link_and_the_outbox_does_not(
        self, trajectory, facilitator, members, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            scan = scan_open(
                trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
            )
        assert len(mail.outbox) == 3
        for message in mail.outbox:
            invitation = ScanInvitation.objects.get(scan=scan, member__email=message.to[0])
            token = LINK.search(message.body).group(1)
            assert hashlib.sha256(token.encode()).hexdigest() == invitation.token_hash
            assert token in message.alternatives[0][0]
            assert invitation.sent_at is not None
            stored = OutboxMail.objects.get(to=message.to[0])
            assert token not in str(stored.context)
            assert stored.status == "sent"

    def test_one_scan_open_at_a_time(self, trajectory, facilitator, members):
        scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user)
        with pytest.raises(Exception) as refused:
            scan_open(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, closes_on=closing_date(), actor=facilitator.user)
        assert refused.type.__name__ == "ValidationError"
        assert Scan.objects.filter(trajectory=trajectory).count() == 1

    def test_one_baseline_per_trajectory(self, trajectory, facilitator, members):
        scan = scan_open(
            trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
        )
        scan_close(scan=scan, actor=facilitator.user)
        with translation.override("en"), pytest.raises(ValidationError, match="baseline"):
            scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user)
        follow_up = scan_open(
            trajectory=trajectory, kind=ScanKind.FOLLOW_UP, closes_on=closing_date(), actor=facilitator.user
        )
        assert follow_up.invitations.count() == 3

    def test_without_members_to_invite_nothing_opens(self, trajectory, facilitator):
        ProgressGroupMemberFactory(trajectory=trajectory, email="")
        with pytest.raises(Exception):  # noqa: B017 - the ValidationError's text is for the page
            scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user)
        assert not Scan.objects.exists()

    def test_the_view_opens_and_redirects(self, facilitator_client, trajectory, members):
        url = reverse("vision:scan_open", kwargs={"trajectory": trajectory.pk})
        response = facilitator_client.post(
            url, {"open-kind": "nulmeting", "open-closes_on": closing_date().isoformat()}
        )
        scan = Scan.objects.get(trajectory=trajectory)
        assert response.status_code == 302
        assert response.url == reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})

    def test_the_view_shows_a_refusal_at_the_form(self, facilitator_client, trajectory, members):
        ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, closed=True)
        url = reverse("vision:scan_open", kwargs={"trajectory": trajectory.pk})
        response = facilitator_client.post(
            url, {"open-kind": "nulmeting", "open-closes_on": closing_date().isoformat()}
        )
        assert response.status_code == 200
        assert "kind" in response.context["open_form"].errors
        assert Scan.objects.filter(trajectory=trajectory).count() == 1


class ScanRespondTests:
    def test_the_form_has_ten_items_and_private_headers(self, client, trajectory):
        _invitation, token = open_invitation(trajectory)
        response = client.get(respond_url(token))
        assert response.status_code == 200
        assert [item for item, _score, _comment in response.context["form"].items()] == list(ScanItem)
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        html = response.content.decode()
        assert html.count("<fieldset") == 10
        assert html.count("<legend") == 10
        assert html.count('type="radio"') == 60  # 1 to 5 and "don't know"

    def test_answering_stores_the_scores_and_uses_the_link(self, client, trajectory):
        invitation, token = open_invitation(trajectory)
        data = all_scores(score_cultuuromslag="5", comment_cultuuromslag="Goed bezig")
        response = client.post(respond_url(token), data)
        assert response.status_code == 302
        assert response.url == reverse("vision:scan_thanks", kwargs={"token": token})
        invitation.refresh_from_db()
        assert invitation.used_at is not None
        scores = {s.item: (s.score, s.comment) for s in ScanScore.objects.filter(scan=invitation.scan)}
        assert len(scores) == 10
        assert scores["cultuuromslag"] == (5, "Goed bezig")
        assert scores["los_laten"] == (3, "")
        thanks = client.get(response.url)
        assert thanks.status_code == 200
        assert "no-store" in thanks["Cache-Control"]

    def test_the_same_link_again_is_refused_without_a_form(self, client, trajectory):
        invitation, token = open_invitation(trajectory)
        client.post(respond_url(token), all_scores("4"))
        again = client.post(respond_url(token), all_scores("1"))
        assert again.status_code == 200
        assert "vision/scan_answered.html" in [t.name for t in again.templates]
        assert "form" not in again.context
        assert set(ScanScore.objects.filter(scan=invitation.scan).values_list("score", flat=True)) == {4}
        assert ScanScore.objects.count() == 10
        visit = client.get(respond_url(token))
        assert visit.status_code == 200
        assert "vision/scan_answered.html" in [t.name for t in visit.templates]

    @pytest.mark.parametrize(
        "overrides",
        [
            {"score_samenwerking": "0"},
            {"score_samenwerking": "6"},
            {"score_samenwerking": None},
            {"score_samenwerking": "goed"},
            {"score_samenwerking": "3.5"},
            {"comment_samenwerking": "x" * 2001},
        ],
        ids=["zero", "six", "missing", "text", "decimal", "comment-too-long"],
    )
    def test_invalid_answers_show_the_form_again_and_store_nothing(self, client, trajectory, overrides):
        invitation, token = open_invitation(trajectory)
        response = client.post(respond_url(token), all_scores(**overrides))
        assert response.status_code == 200
        field = next(iter(overrides))
        assert field in response.context["form"].errors
        assert response.context["errors"][0]["href"].startswith("#id_")
        assert not ScanScore.objects.exists()
        invitation.refresh_from_db()
        assert invitation.used_at is None

    def test_an_unknown_link_is_404(self, client, trajectory):
        open_invitation(trajectory)
        assert client.get(respond_url("niet-bestaand-token")).status_code == 404
        assert client.post(respond_url("niet-bestaand-token"), all_scores()).status_code == 404

    def test_a_closed_scan_takes_no_answers(self, client, trajectory):
        invitation, token = open_invitation(trajectory, closed_on=date(2026, 3, 1))
        visit = client.get(respond_url(token))
        assert visit.status_code == 200
        assert "vision/scan_closed.html" in [t.name for t in visit.templates]
        posted = client.post(respond_url(token), all_scores())
        assert posted.status_code == 200
        assert "vision/scan_closed.html" in [t.name for t in posted.templates]
        assert not ScanScore.objects.exists()

    def test_the_service_refuses_a_used_link_and_a_closed_scan(self, trajectory, facilitator):
        invitation, _token = open_invitation(trajectory)
        scores = {item: (4, "") for item in ScanItem.values}
        scan_submit(invitation=invitation, scores=scores)
        with translation.override("en"), pytest.raises(ValidationError, match="already answered"):
            scan_submit(invitation=invitation, scores=scores)
        other, _token = open_invitation(trajectory, closed_on=date(2026, 3, 1))
        with translation.override("en"), pytest.raises(ValidationError, match="closed"):
            scan_submit(invitation=other, scores=scores)
        assert ScanScore.objects.count() == 10

    def test_the_service_wants_every_item_and_whole_scores(self, trajectory):
        invitation, _token = open_invitation(trajectory)
        for scores in (
            {item: (4, "") for item in ScanItem.values[:-1]},
            {item: (6, "") for item in ScanItem.values},
            {item: ("4", "") for item in ScanItem.values},
        ):
            with pytest.raises(Exception):  # noqa: B017
                scan_submit(invitation=invitation, scores=scores)
        assert not ScanScore.objects.exists()


class ScanReopenTests:
    def test_the_old_link_stops_and_the_new_link_works(
        self, client, trajectory, facilitator, members, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            scan = scan_open(
                trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
            )
        member = members[0]  # lost the mail before answering
        old_token = LINK.search(next(m.body for m in mail.outbox if m.to == [member.email])).group(1)
        invitation = ScanInvitation.objects.get(scan=scan, member=member)
        mail.outbox.clear()

        client.force_login(facilitator.user)
        url = reverse(
            "vision:scan_reopen", kwargs={"trajectory": trajectory.pk, "scan": scan.pk, "invitation": invitation.pk}
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302
        client.logout()
        invitation.refresh_from_db()
        assert invitation.used_at is None and invitation.reopened_at is not None

        assert client.get(respond_url(old_token)).status_code == 404
        assert [m.to for m in mail.outbox] == [[member.email]]
        new_token = LINK.search(mail.outbox[0].body).group(1)
        assert new_token != old_token
        assert hashlib.sha256(new_token.encode()).hexdigest() == invitation.token_hash
        assert client.get(respond_url(new_token)).status_code == 200
        assert client.post(respond_url(new_token), all_scores("5")).status_code == 302
        assert set(ScanScore.objects.filter(scan=scan).values_list("score", flat=True)) == {5}
        assert ScanScore.objects.filter(scan=scan).count() == 10

    def test_a_member_who_answered_gets_no_new_link(
        self, client, trajectory, facilitator, members, django_capture_on_commit_callbacks
    ):
        """Answers are anonymous, so they cannot be replaced; a second answer would count twice."""
        with django_capture_on_commit_callbacks(execute=True):
            scan = scan_open(
                trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
            )
        member = members[0]
        token = LINK.search(next(m.body for m in mail.outbox if m.to == [member.email])).group(1)
        assert client.post(respond_url(token), all_scores("2")).status_code == 302
        invitation = ScanInvitation.objects.get(scan=scan, member=member)
        mail.outbox.clear()

        client.force_login(facilitator.user)
        detail = client.get(reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk}))
        buttons = {
            other.pk: reverse(
                "vision:scan_reopen", kwargs={"trajectory": trajectory.pk, "scan": scan.pk, "invitation": other.pk}
            )
            for other in scan.invitations.all()
        }
        reopen = buttons.pop(invitation.pk)
        assert reopen not in detail.content.decode()  # no button for a member who answered
        assert all(url in detail.content.decode() for url in buttons.values())  # the others keep theirs
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reopen, follow=True)
        assert "Dit lid heeft al geantwoord." in " ".join(str(m) for m in response.context["messages"])
        before = (invitation.used_at, invitation.token_hash)
        invitation.refresh_from_db()
        assert (invitation.used_at, invitation.token_hash, invitation.reopened_at) == (*before, None)
        assert mail.outbox == []
        assert not AuditLogEntry.objects.filter(action="scan.reopen").exists()
        assert ScanScore.objects.filter(scan=scan).count() == 10
        client.logout()
        assert "vision/scan_answered.html" in [t.name for t in client.get(respond_url(token)).templates]

    def test_a_late_older_mail_does_not_replace_the_newer_link(
        self, trajectory, facilitator, members, django_capture_on_commit_callbacks
    ):
        scan = scan_open(
            trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
        )
        invitation = scan.invitations.get(member=members[0])
        with django_capture_on_commit_callbacks(execute=True):
            scan_reopen(invitation=invitation, actor=facilitator.user)
        new_token = LINK.search(next(m.body for m in mail.outbox if m.to == [members[0].email])).group(1)
        # The first mail leaves only now (say, the broker was down): it must not mint a link.
        from notifications.services import outbox_deliver

        first = OutboxMail.objects.get(dedup_key=f"scan-invitation:{invitation.pk}:first")
        outbox_deliver(mail_id=first.pk)
        assert not LINK.search(mail.outbox[-1].body)
        invitation.refresh_from_db()
        assert hashlib.sha256(new_token.encode()).hexdigest() == invitation.token_hash

    def test_a_closed_scan_cannot_be_reopened(self, facilitator_client, trajectory):
        invitation, token = open_invitation(trajectory, closed_on=date(2026, 3, 1))
        url = reverse(
            "vision:scan_reopen",
            kwargs={"trajectory": trajectory.pk, "scan": invitation.scan_id, "invitation": invitation.pk},
        )
        assert facilitator_client.post(url).status_code == 302
        invitation.refresh_from_db()
        assert invitation.reopened_at is None
        assert hashlib.sha256(token.encode()).hexdigest() == invitation.token_hash


class ScanCloseTests:
    def test_closing_stops_the_links(self, client, facilitator_client, trajectory):
        invitation, token = open_invitation(trajectory)
        url = reverse("vision:scan_close", kwargs={"trajectory": trajectory.pk, "scan": invitation.scan_id})
        assert facilitator_client.post(url).status_code == 302
        invitation.scan.refresh_from_db()
        assert invitation.scan.closed_on == timezone.localdate()
        client.logout()
        assert "vision/scan_closed.html" in [t.name for t in client.get(respond_url(token)).templates]
        assert AuditLogEntry.objects.for_object(invitation.scan).filter(action="scan.close").exists()


class ScanRemindTests:
    """A reminder goes to the members who have not answered, with the link they already have."""

    @pytest.fixture
    def opened(self, trajectory, facilitator, members, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            scan = scan_open(
                trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user
            )
        tokens = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}
        mail.outbox.clear()
        return scan, tokens

    def remind_url(self, trajectory, scan):
        return reverse("vision:scan_remind", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})

    def test_only_who_has_not_answered_gets_the_same_link(
        self, client, facilitator, trajectory, members, opened, django_capture_on_commit_callbacks
    ):
        scan, tokens = opened
        answered, *waiting = members
        assert client.post(respond_url(tokens[answered.email]), all_scores("4")).status_code == 302
        hashes = dict(ScanInvitation.objects.filter(scan=scan).values_list("member__email", "token_hash"))

        client.force_login(facilitator.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.remind_url(trajectory, scan), follow=True)
        assert response.status_code == 200
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in waiting)
        for message in mail.outbox:
            token = LINK.search(message.body).group(1)
            assert token == tokens[message.to[0]]  # the same link, no new token
            assert token in message.alternatives[0][0]
        assert dict(ScanInvitation.objects.filter(scan=scan).values_list("member__email", "token_hash")) == hashes
        entry = AuditLogEntry.objects.for_object(scan).get(action="scan.remind")
        assert entry.actor == facilitator.user and entry.detail == "2 reminders"

        client.logout()  # the link of the first mail still works
        assert client.post(respond_url(tokens[waiting[0].email]), all_scores("2")).status_code == 302

    def test_after_a_new_link_the_reminder_repeats_the_new_link(
        self, client, facilitator, trajectory, members, opened, django_capture_on_commit_callbacks
    ):
        scan, tokens = opened
        invitation = ScanInvitation.objects.get(scan=scan, member=members[0])
        with django_capture_on_commit_callbacks(execute=True):
            scan_reopen(invitation=invitation, actor=facilitator.user)
        new_token = LINK.search(mail.outbox[0].body).group(1)
        assert new_token != tokens[members[0].email]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert scan_remind(scan=scan, actor=facilitator.user) == 3
        reminder = next(m for m in mail.outbox if m.to == [members[0].email])
        assert LINK.search(reminder.body).group(1) == new_token

    def test_nobody_to_remind_sends_nothing(self, client, facilitator, trajectory, members, opened):
        scan, tokens = opened
        for token in tokens.values():
            client.post(respond_url(token), all_scores("3"))
        client.force_login(facilitator.user)
        response = client.post(self.remind_url(trajectory, scan), follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert not OutboxMail.objects.filter(template="vision/email/scan_reminder").exists()
        assert not AuditLogEntry.objects.filter(action="scan.remind").exists()

    @pytest.mark.parametrize("ended", ["closed", "past_closing_date"])
    def test_a_closed_scan_sends_no_reminder(self, facilitator, trajectory, members, ended):
        scan = ScanInvitationFactory(scan=ScanFactory(trajectory=trajectory, **{ended: True})).scan
        with pytest.raises(ValidationError):
            scan_remind(scan=scan, actor=facilitator.user)
        assert not OutboxMail.objects.filter(template="vision/email/scan_reminder").exists()

    def test_the_button_shows_while_someone_has_not_answered(self, facilitator_client, trajectory, opened):
        scan, _tokens = opened
        url = reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})
        assert self.remind_url(trajectory, scan) in facilitator_client.get(url).content.decode()


class ScanDontKnowTests:
    """Every question has "don't know": stored, counted apart, and in no average."""

    def test_the_form_offers_dont_know_for_every_question(self, client, trajectory):
        _invitation, token = open_invitation(trajectory)
        page = client.get(respond_url(token)).content.decode()
        for item in ScanItem:
            assert f'name="score_{item}" value="dont_know"' in page

    def test_dont_know_is_stored_and_left_out_of_the_averages(self, client, facilitator_client, trajectory):
        scan = ScanFactory(trajectory=trajectory)
        tokens = [scan_token_issue(invitation=ScanInvitationFactory(scan=scan)) for _ in range(2)]
        assert client.post(respond_url(tokens[0]), all_scores("2", score_los_laten="dont_know")).status_code == 302
        assert client.post(respond_url(tokens[1]), all_scores("4")).status_code == 302

        stored = ScanScore.objects.filter(scan=scan, item=ScanItem.LET_GO)
        assert sorted(stored.values_list("score", flat=True), key=lambda v: v or 0) == [None, 4]
        results = {row.item: row for row in scan_results_per_item(scan)}
        assert (results["los_laten"].average, results["los_laten"].answers, results["los_laten"].dont_know) == (4, 1, 1)
        assert (results["open_staan"].average, results["open_staan"].answers, results["open_staan"].dont_know) == (
            3,
            2,
            0,
        )

        response = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})
        )
        let_go = next(row for row in response.context["results"] if row.item == "los_laten")
        assert let_go.dont_know == 1
        assert response.context["answered"] == 2

    def test_an_item_with_only_dont_know_has_no_average(self, trajectory):
        scan = ScanFactory(trajectory=trajectory)
        scan_submit(invitation=ScanInvitationFactory(scan=scan), scores={item: (None, "") for item in ScanItem.values})
        rows = scan_results_per_item(scan)
        assert all(row.average is None and row.answers == 0 and row.dont_know == 1 for row in rows)
        assert scan_results_per_category(scan, minimum=1).categories[0]["respondents"] == 1

    def test_the_database_refuses_a_score_outside_1_to_5(self, trajectory):
        with pytest.raises(IntegrityError), transaction.atomic():
            ScanScore.objects.create(
                scan=ScanFactory(trajectory=trajectory), category=MemberCategory.COUNCIL, item="los_laten", score=0
            )


class ScanExportTests:
    """The results as CSV for the council: Dutch spreadsheet format, small categories hidden."""

    def test_the_file_holds_the_results_without_small_categories(self, facilitator_client, trajectory):
        scan = ScanFactory(trajectory=trajectory)
        for name, category, value in (
            ("Geertruida Verborgen", MemberCategory.VILLAGE_COUNCIL, 2),
            ("Hendrikus Naamloos", MemberCategory.VILLAGE_COUNCIL, 5),
            ("Wilhelmina Alleen", MemberCategory.COUNCIL, 4),
        ):
            member = ProgressGroupMemberFactory(trajectory=trajectory, name=name, category=category)
            scores = {item: (value, "Tekst van " + name) for item in ScanItem.values}
            if name == "Wilhelmina Alleen":
                scores[ScanItem.LET_GO] = (None, "")
            scan_submit(invitation=ScanInvitationFactory(scan=scan, member=member), scores=scores)

        response = facilitator_client.get(
            reverse("vision:scan_export", kwargs={"trajectory": trajectory.pk, "scan": scan.pk}),
            headers={"accept-language": "en"},
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        text = response.content.decode()
        assert text.startswith(BOM)
        rows = spreadsheet_rows(text)
        assert rows[0] == [
            "Item",
            "Average (1 to 5)",
            "Scores",
            "Don't know",
            "Village or neighbourhood council (2 answers)",
        ]
        by_label = {row[0]: row for row in rows[1 : 1 + len(ScanItem)]}
        assert by_label["Be open"] == ["Be open", "3,7", "3", "0", "3,5"]  # (2 + 5 + 4) / 3, decimal comma
        let_go = by_label[str(ScanItem.LET_GO.label)]
        assert let_go[1:] == ["3,5", "2", "1", "3,5"]  # "don't know" counted, not averaged
        note = rows[-1][0]
        assert "Council" in note and "fewer than 2 answers" in note
        assert "Wilhelmina" not in text and "Tekst van" not in text  # no names, no comments

    def test_the_same_hiding_as_the_results_page(self, facilitator_client, trajectory):
        scan = ScanFactory(trajectory=trajectory)
        answer(ScanInvitationFactory(scan=scan), {item: 4 for item in ScanItem.values})
        url = reverse("vision:scan_export", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})
        rows = spreadsheet_rows(facilitator_client.get(url).content.decode())
        assert len(rows[0]) == 4  # the only category has one answer: no column
        detail = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})
        )
        assert detail.context["category_columns"] == [] and len(detail.context["hidden_categories"]) == 1
        assert url in detail.content.decode()


class ScanClosingDateTests:
    """A scan is opened with a closing date: the mail and the answer page state it, after it the
    link says the scan is closed."""

    def test_the_open_form_stores_the_closing_date(self, facilitator_client, trajectory, members):
        url = reverse("vision:scan_open", kwargs={"trajectory": trajectory.pk})
        closes_on = closing_date(10)
        response = facilitator_client.post(url, {"open-kind": "nulmeting", "open-closes_on": closes_on.isoformat()})
        assert response.status_code == 302
        scan = Scan.objects.get(trajectory=trajectory)
        assert scan.closes_on == closes_on
        assert closes_on.isoformat() in AuditLogEntry.objects.for_object(scan).get().detail

    @pytest.mark.parametrize("closes_on", ["", "yesterday"])
    def test_the_open_form_wants_a_date_from_today(self, facilitator_client, trajectory, members, closes_on):
        if closes_on == "yesterday":
            closes_on = closing_date(-1).isoformat()
        url = reverse("vision:scan_open", kwargs={"trajectory": trajectory.pk})
        response = facilitator_client.post(url, {"open-kind": "nulmeting", "open-closes_on": closes_on})
        assert response.status_code == 200
        assert "closes_on" in response.context["open_form"].errors
        assert not Scan.objects.exists()

    def test_the_service_refuses_a_date_in_the_past(self, trajectory, facilitator, members):
        with pytest.raises(ValidationError) as refused:
            scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(-1), actor=facilitator.user)
        assert "closes_on" in refused.value.error_dict
        assert not Scan.objects.exists()

    def test_the_mail_and_the_answer_page_state_the_date(
        self, client, trajectory, facilitator, members, django_capture_on_commit_callbacks
    ):
        closes_on = closing_date(9)
        with django_capture_on_commit_callbacks(execute=True):
            scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closes_on, actor=facilitator.user)
        with translation.override("nl"):
            shown = date_format(closes_on, "j F Y")
        message = mail.outbox[0]
        assert shown in message.body and shown in message.alternatives[0][0]
        token = LINK.search(message.body).group(1)
        response = client.get(respond_url(token))
        assert response.status_code == 200
        assert shown in response.content.decode()

    def test_after_the_date_the_link_says_the_scan_is_closed(self, client, trajectory):
        invitation, token = open_invitation(trajectory, past_closing_date=True)
        response = client.get(respond_url(token))
        assert response.status_code == 200
        assert "vision/scan_closed.html" in [t.name for t in response.templates]
        assert "form" not in response.context
        response = client.post(respond_url(token), all_scores("4"))
        assert "vision/scan_closed.html" in [t.name for t in response.templates]
        assert not ScanScore.objects.exists()
        invitation.refresh_from_db()
        assert invitation.used_at is None

    def test_on_the_closing_date_itself_answers_are_taken(self, client, trajectory):
        _invitation, token = open_invitation(trajectory, closes_on=timezone.localdate())
        assert client.post(respond_url(token), all_scores("4")).status_code == 302
        assert ScanScore.objects.count() == len(ScanItem)

    def test_the_service_refuses_answers_after_the_date(self, trajectory):
        invitation, _token = open_invitation(trajectory, past_closing_date=True)
        with pytest.raises(ScanNotOpen):
            scan_submit(invitation=invitation, scores={item: (3, "") for item in ScanItem.values})
        assert not ScanScore.objects.exists()

    def test_no_new_link_after_the_date(self, trajectory, facilitator, members, django_capture_on_commit_callbacks):
        invitation, _token = open_invitation(trajectory, past_closing_date=True)
        invitation.used_at = None
        with pytest.raises(ValidationError):
            scan_reopen(invitation=invitation, actor=facilitator.user)


class ScanResultsTests:
    @pytest.fixture
    def baseline(self, trajectory):
        """Four answers: two village councils, one council member, one young person."""
        scan = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, opened_on=date(2026, 2, 1))
        people = [
            (MemberCategory.VILLAGE_COUNCIL, {"cultuuromslag": 2, "los_laten": 1}),
            (MemberCategory.VILLAGE_COUNCIL, {"cultuuromslag": 4, "los_laten": 2}),
            (MemberCategory.COUNCIL, {"cultuuromslag": 5, "los_laten": 5}),
            (MemberCategory.YOUNG_PEOPLE, {"cultuuromslag": 1, "los_laten": 4}),
        ]
        for category, scores in people:
            member = ProgressGroupMemberFactory(trajectory=trajectory, category=category)
            answer(ScanInvitationFactory(scan=scan, member=member), scores)
        ScanInvitationFactory(scan=scan)  # invited, did not answer
        return scan

    def test_averages_per_item(self, baseline):
        results = {r.item: r for r in scan_results_per_item(baseline)}
        assert [r.item for r in scan_results_per_item(baseline)] == ScanItem.values
        assert (results["cultuuromslag"].average, results["cultuuromslag"].answers) == (3.0, 4)
        assert (results["los_laten"].average, results["los_laten"].answers) == (3.0, 4)
        assert results["communicatie"].average == 3.0

    def test_averages_per_category_only_from_two_answers(self, baseline):
        per_category = scan_results_per_category(baseline)
        assert [c["category"] for c in per_category.categories] == [MemberCategory.VILLAGE_COUNCIL]
        village = per_category.categories[0]
        assert village["respondents"] == 2
        assert village["averages"][ScanItem.values.index("cultuuromslag")] == 3.0
        assert village["averages"][ScanItem.values.index("los_laten")] == 1.5
        assert {c["category"] for c in per_category.hidden} == {MemberCategory.COUNCIL, MemberCategory.YOUNG_PEOPLE}

    def test_every_category_with_a_lower_minimum(self, baseline):
        per_category = scan_results_per_category(baseline, minimum=1)
        council = next(c for c in per_category.categories if c["category"] == MemberCategory.COUNCIL)
        assert council["averages"][0] == 5.0

    def test_results_take_one_query_each(self, baseline, django_assert_num_queries):
        with django_assert_num_queries(1):
            scan_results_per_item(baseline)
        with django_assert_num_queries(1):
            scan_results_per_category(baseline)

    def test_no_comparison_with_only_a_baseline(self, trajectory, baseline, facilitator_client):
        assert scan_comparison(trajectory) is None
        response = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": baseline.pk})
        )
        assert response.status_code == 200
        assert response.context["comparison"] is None
        assert 'id="scan-comparison"' not in response.content.decode()

    def test_no_comparison_while_the_follow_up_has_no_answers(self, trajectory, baseline):
        ScanInvitationFactory(scan=ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP))
        assert scan_comparison(trajectory) is None

    def test_before_and_after_with_both_scans(self, trajectory, baseline, facilitator_client):
        follow_up = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, opened_on=date(2026, 9, 1))
        for scores in ({"cultuuromslag": 4}, {"cultuuromslag": 5}):
            answer(ScanInvitationFactory(scan=follow_up), scores)
        comparison = scan_comparison(trajectory)
        assert (comparison.before, comparison.after) == (baseline, follow_up)
        assert comparison.rows[0][1:] == (3.0, 4.5)
        response = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": follow_up.pk})
        )
        html = response.content.decode()
        assert 'id="scan-comparison"' in html and 'role="img"' in html
        rows = response.context["comparison_rows"]
        assert (rows[0]["before"], rows[0]["after"], rows[0]["change"]) == (3.0, 4.5, 1.5)
        assert len(rows) == len(ScanItem)

    def test_the_detail_page_counts_who_answered_and_shows_comments_without_names(
        self, trajectory, baseline, facilitator_client
    ):
        invitation = ScanInvitationFactory(scan=baseline)
        answer(invitation, {}, comments={"communicatie": "Het aanspreekpunt werkt."})
        response = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": baseline.pk})
        )
        assert response.context["answered"] == 5
        assert len(response.context["invitations"]) == 6
        assert response.context["comments"] == [(str(ScanItem.COMMUNICATION.label), ["Het aanspreekpunt werkt."])]

    def test_the_detail_page_takes_a_fixed_number_of_queries(self, trajectory, facilitator_client):
        baseline = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, opened_on=date(2026, 2, 1))
        follow_up = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, opened_on=date(2026, 9, 1))
        categories = [MemberCategory.COUNCIL, MemberCategory.VILLAGE_COUNCIL, MemberCategory.CIVIL_SERVICE]

        def add_answers(count):
            for n in range(count):
                member = ProgressGroupMemberFactory(trajectory=trajectory, category=categories[n % 3])
                for scan in (baseline, follow_up):
                    answer(
                        ScanInvitationFactory(scan=scan, member=member),
                        {"cultuuromslag": n % 5 + 1},
                        {"kennisdeling": f"Opmerking {n}"},
                    )

        def queries():
            url = reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": follow_up.pk})
            with CaptureQueriesContext(connection) as captured:
                response = facilitator_client.get(url)
            assert response.status_code == 200
            assert response.context["comparison"] is not None
            return len(captured)

        add_answers(3)
        small = queries()
        add_answers(15)
        large = queries()
        assert small == large
        assert large <= 15


class ScanAnonymityTests:
    """Once stored, an answer cannot be tied to the member: not in the data, not in the admin."""

    def test_a_score_has_no_field_that_points_to_a_member_or_a_moment(self):
        fields = {field.name: field for field in ScanScore._meta.concrete_fields}
        assert set(fields) == {"id", "scan", "category", "item", "score", "comment"}
        assert isinstance(fields["id"], models.UUIDField)  # random: no order of answering
        assert fields["scan"].related_model is Scan
        assert not any(isinstance(field, (models.DateField, models.TimeField)) for field in fields.values())
        # Nothing in the product points to an invitation, so no row can tie a score to its member.
        for model in apps.get_models():
            for field in model._meta.get_fields():
                assert not (field.is_relation and field.related_model is ScanInvitation and field.concrete), (
                    f"{model._meta.label}.{field.name} points to a scan invitation"
                )

    def test_after_answering_no_row_names_the_member(self, client, trajectory):
        invitation, token = open_invitation(trajectory)
        member = invitation.member
        counts = {model: model._default_manager.count() for model in apps.get_models()}
        assert client.post(respond_url(token), all_scores("4", comment_los_laten="Prima")).status_code == 302

        grown = {model for model in apps.get_models() if model._default_manager.count() != counts[model]}
        assert grown == {ScanScore, AuditLogEntry}
        rows = list(ScanScore.objects.values())
        assert len(rows) == len(ScanItem)
        for row in rows:
            assert set(row) == {"id", "scan_id", "category", "item", "score", "comment"}
            assert (row["scan_id"], row["category"]) == (invitation.scan_id, member.category)
            assert isinstance(row["id"], uuid.UUID) and row["id"].version == 4
        text = str(rows)
        assert member.name not in text and member.email not in text and invitation.token_hash not in text
        invitation.refresh_from_db()
        assert invitation.used_at is not None  # the invitation knows *that* the member answered

    @pytest.fixture
    def answered(self, trajectory):
        """Two village councillors with names one would recognise, and one council member."""
        scan = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE)
        people = []
        for name, category, value in (
            ("Geertruida Verborgen", MemberCategory.VILLAGE_COUNCIL, 2),
            ("Hendrikus Naamloos", MemberCategory.VILLAGE_COUNCIL, 4),
            ("Wilhelmina Alleen", MemberCategory.COUNCIL, 5),
        ):
            member = ProgressGroupMemberFactory(trajectory=trajectory, name=name, category=category)
            answer(ScanInvitationFactory(scan=scan, member=member), {item: value for item in ScanItem.values})
            people.append(member)
        return scan, people

    def test_the_admin_lists_and_shows_scores_without_names(self, client, answered):
        scan, people = answered
        client.force_login(UserFactory(superuser=True))

        changelist = client.get(reverse("admin:vision_scanscore_changelist"))
        assert changelist.status_code == 200
        html = changelist.content.decode()
        for member in people:
            assert member.name not in html and member.email not in html
        shown = list(changelist.context["cl"].result_list)
        assert len(shown) == 2 * len(ScanItem)
        assert {score.category for score in shown} == {MemberCategory.VILLAGE_COUNCIL}

        score = shown[0]
        page = client.get(reverse("admin:vision_scanscore_change", args=[score.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        for member in people:
            assert member.name not in html and member.email not in html
        assert str(score.scan) in html and 'name="_save"' not in html
        assert client.get(reverse("admin:vision_scanscore_add")).status_code == 403

    def test_the_admin_hides_a_category_with_one_answer(self, client, answered):
        """One council member answered: the council's scores would be that member's answers."""
        scan, _people = answered
        client.force_login(UserFactory(superuser=True))
        lonely = ScanScore.objects.filter(scan=scan, category=MemberCategory.COUNCIL).first()

        changelist = client.get(reverse("admin:vision_scanscore_changelist"), {"category": MemberCategory.COUNCIL})
        assert changelist.status_code == 200
        assert list(changelist.context["cl"].result_list) == []
        assert client.get(reverse("admin:vision_scanscore_change", args=[lonely.pk])).status_code == 302

    def test_the_results_are_the_same_without_the_link_to_the_member(self, trajectory, answered, facilitator_client):
        scan, _people = answered
        response = facilitator_client.get(
            reverse("vision:scan_detail", kwargs={"trajectory": trajectory.pk, "scan": scan.pk})
        )
        assert response.status_code == 200
        assert [(r.average, r.answers) for r in response.context["results"]] == [(11 / 3, 3)] * len(ScanItem)
        (village,) = response.context["category_columns"]
        assert (village["category"], village["respondents"]) == (MemberCategory.VILLAGE_COUNCIL, 2)
        assert village["averages"] == [3.0] * len(ScanItem)
        assert [(c["category"], c["respondents"]) for c in response.context["hidden_categories"]] == [
            (MemberCategory.COUNCIL, 1)
        ]
        assert response.context["answered"] == 3

    WHAT_IS_STORED = {
        "nl": [
            "Dit bewaren we als je de scan invult:",
            "je score van 1 tot 5 (of “weet ik niet”) per vraag, en je toelichting als je die geeft;",
            "je categorie in de voortgangsgroep ({category}), om de categorieën te vergelijken;",
            "dat je link is gebruikt. De procesbegeleider ziet dat je de scan hebt ingevuld, "
            "niet wat je hebt ingevuld.",
            "Je naam, je link en het tijdstip bewaren we niet bij je scores. "
            "Toelichtingen staan er zonder je naam bij.",
            "Een categorie met minder dan 2 antwoorden tonen we niet apart.",
        ],
        "en": [
            "What we store when you answer:",
            "your score from 1 to 5 (or “don’t know”) for each question, and your comment if you give one;",
            "your category in the progress group ({category}), to compare the categories;",
            "that your link has been used. The process facilitator sees that you answered, not what you answered.",
            "We do not store your name, your link or the time with your scores. Comments are shown without your name.",
            "A category with fewer than 2 answers is not shown separately.",
        ],
    }

    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_the_mail_says_exactly_what_is_stored(
        self, trajectory, facilitator, members, language, django_capture_on_commit_callbacks
    ):
        """The scores per question (and a comment), the category for the comparison, and that the
        link was used: what `scan_submit` writes (test_after_answering_no_row_names_the_member)."""
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            scan_open(trajectory=trajectory, kind=ScanKind.BASELINE, closes_on=closing_date(), actor=facilitator.user)
        OutboxMail.objects.filter(to=members[0].email).update(language=language)
        for callback in callbacks:
            callback()
        message = next(m for m in mail.outbox if m.to == [members[0].email])
        with translation.override(language):
            category = members[0].get_category_display()
        expected = [line.format(category=category) for line in self.WHAT_IS_STORED[language]]
        for body in (message.body, message.alternatives[0][0]):
            text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
            for line in expected:
                assert line in text, f"{line!r} not in the {language} mail"
            assert members[0].name not in text.split(",", 1)[1]  # only in the greeting


class GroupedBarChartTests:
    def test_two_bars_per_row_with_a_legend_and_escaped_text(self):
        svg = grouped_bar_chart(
            [("Cultuur <omslag>", 2.5, 3.5), ("Los laten", None, 4)],
            series=("Nulmeting", "Eenmeting"),
            title="Voor & na",
            chart_id="test-chart",
            maximum=5,
        )
        assert svg.startswith("<svg") and 'role="img"' in svg
        assert "Cultuur &lt;omslag&gt;" in svg and "Voor &amp; na" in svg
        assert "Nulmeting" in svg and "Eenmeting" in svg
        assert svg.count("<rect") == 2 + 2 + 3  # the hatch pattern, the legend, three bars (one is missing)
        assert "style=" not in svg and "<script" not in svg

    def test_nothing_for_no_data_and_a_safe_id(self):
        assert grouped_bar_chart([], series=("a", "b"), title="t", chart_id="c") == ""
        with pytest.raises(ValueError):
            grouped_bar_chart([("a", 1, 2)], series=("a", "b"), title="t", chart_id='x" onload="')


# --- access -------------------------------------------------------------------------------------


@pytest.fixture
def scan_objects(trajectory):
    invitation = ScanInvitationFactory(scan=ScanFactory(trajectory=trajectory))
    return invitation.scan, invitation


def staff_url(name, trajectory, scan, invitation):
    kwargs = {"trajectory": trajectory.pk}
    if name in (
        "vision:scan_detail",
        "vision:scan_close",
        "vision:scan_reopen",
        "vision:scan_remind",
        "vision:scan_export",
    ):
        kwargs["scan"] = scan.pk
    if name == "vision:scan_reopen":
        kwargs["invitation"] = invitation.pk
    return reverse(name, kwargs=kwargs)


READ_URLS = ["vision:scan_list", "vision:scan_detail", "vision:scan_export"]
POST_URLS = ["vision:scan_open", "vision:scan_close", "vision:scan_reopen", "vision:scan_remind"]


class ScanAccessTests:
    @pytest.mark.parametrize("name", READ_URLS + POST_URLS)
    def test_anonymous_goes_to_the_login_page(self, client, trajectory, scan_objects, name):
        url = staff_url(name, trajectory, *scan_objects)
        response = client.post(url) if name in POST_URLS else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("name", READ_URLS + POST_URLS)
    def test_another_associations_facilitator_gets_404(self, client, world, trajectory, scan_objects, name):
        client.force_login(FacilitatorFactory(association=world.other).user)
        url = staff_url(name, trajectory, *scan_objects)
        response = (
            client.post(url, {"open-kind": "eenmeting", "open-closes_on": closing_date().isoformat()})
            if name in POST_URLS
            else client.get(url)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("name", READ_URLS)
    def test_an_officer_reads(self, client, officer, trajectory, scan_objects, name):
        client.force_login(officer.user)
        response = client.get(staff_url(name, trajectory, *scan_objects))
        assert response.status_code == 200
        if name != "vision:scan_export":  # a file has no page context
            assert response.context["can_steer"] is False

    @pytest.mark.parametrize("name", POST_URLS)
    def test_an_officer_cannot_change(self, client, officer, trajectory, scan_objects, members, name):
        client.force_login(officer.user)
        scan, invitation = scan_objects
        response = client.post(
            staff_url(name, trajectory, scan, invitation),
            {"open-kind": "eenmeting", "open-closes_on": closing_date().isoformat()},
        )
        assert response.status_code == 403
        scan.refresh_from_db()
        invitation.refresh_from_db()
        assert scan.closed_on is None and invitation.reopened_at is None
        assert Scan.objects.filter(trajectory=trajectory).count() == 1

    def test_the_reopen_url_checks_the_scan_of_the_invitation(self, facilitator_client, trajectory, scan_objects):
        scan, _invitation = scan_objects
        elsewhere = ScanInvitationFactory()  # another municipality's trajectory
        url = reverse(
            "vision:scan_reopen", kwargs={"trajectory": trajectory.pk, "scan": scan.pk, "invitation": elsewhere.pk}
        )
        assert facilitator_client.post(url).status_code == 404
