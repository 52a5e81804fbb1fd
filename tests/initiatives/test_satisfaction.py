"""The question after closing: asked once, answered once, counted in the officers' statistics."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from core.csv import spreadsheet_rows
from initiatives.constants import Status
from initiatives.models import Satisfaction
from initiatives.services.satisfaction import SatisfactionAlreadyGiven, SatisfactionNotAllowed, satisfaction_answer
from initiatives.services.submission import tracking_token_issue
from initiatives.services.workflow import initiative_change_status, initiative_transition
from notifications.models import OutboxMail
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import tracking_url_from
from tests.municipalities.factories import OfficerMembershipFactory, two_municipalities
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

TEMPLATE = "initiatives/email/satisfaction"


def satisfaction_mails(initiative):
    return OutboxMail.objects.filter(initiative=initiative, template=TEMPLATE)


def urls(initiative):
    token = tracking_token_issue(initiative=initiative)
    return (
        reverse("initiatives:track", kwargs={"token": token}),
        reverse("initiatives:satisfaction", kwargs={"token": token}),
    )


class SatisfactionRequestTests:
    def test_closing_asks_once_with_a_link_to_the_tracking_page(
        self, client, officer, django_capture_on_commit_callbacks
    ):
        initiative = InitiativeFactory(in_progress=True, village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)

        row = satisfaction_mails(initiative).get()
        assert row.dedup_key == f"satisfaction:{initiative.pk}"
        assert row.to == initiative.initiator_email
        sent = [m for m in mail.outbox if m.to == [initiative.initiator_email] and "#satisfaction" in m.body]
        assert len(sent) == 1
        response = client.get(tracking_url_from(sent[0].body))
        assert response.status_code == 200
        assert response.context["satisfaction_form"] is not None

    def test_reopened_and_closed_again_is_asked_only_once(self, officer, django_capture_on_commit_callbacks):
        initiative = InitiativeFactory(in_progress=True, village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)
            initiative_change_status(initiative=initiative, to_status=Status.IN_CONVERSATION, actor=officer.user)
            initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)

        assert satisfaction_mails(initiative).count() == 1
        assert len([m for m in mail.outbox if "#satisfaction" in m.body]) == 1

    def test_no_email_address_no_mail(self, officer):
        initiative = InitiativeFactory(in_progress=True, village__municipality=officer.municipality, initiator_email="")
        initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)
        assert not satisfaction_mails(initiative).exists()

    def test_already_answered_while_realised_is_not_asked_again(self, officer):
        initiative = InitiativeFactory(realised=True, village__municipality=officer.municipality)
        satisfaction_answer(initiative=initiative, score=5)
        initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)
        assert not satisfaction_mails(initiative).exists()

    def test_the_schedulers_automatic_closure_does_not_mail(self):
        initiative = InitiativeFactory(waiting=True)
        initiative_transition(initiative=initiative, to_status=Status.CLOSED, note="No answer for 30 working days.")
        assert not satisfaction_mails(initiative).exists()

    def test_withdrawing_does_not_ask(self):
        initiative = InitiativeFactory(in_conversation=True)
        initiative_transition(initiative=initiative, to_status=Status.WITHDRAWN, by_initiator=True)
        assert not satisfaction_mails(initiative).exists()


class TrackingPageTests:
    @pytest.mark.parametrize(
        ("traits", "asked"),
        [
            ({"closed": True}, True),
            ({"realised": True}, True),
            ({"in_progress": True}, False),
            ({"in_conversation": True}, False),
            ({"withdrawn": True}, False),
        ],
    )
    def test_the_question_shows_only_once_the_initiative_is_finished(self, client, traits, asked):
        track, _answer = urls(InitiativeFactory(**traits))
        response = client.get(track)
        assert response.status_code == 200
        assert (response.context["satisfaction_form"] is not None) is asked

    def test_answering_stores_it_and_the_page_thanks_instead_of_asking(self, client):
        initiative = InitiativeFactory(closed=True)
        track, answer = urls(initiative)

        response = client.post(answer, {"score": "4", "comment": "Fijne samenwerking.", "may_contact": "on"})

        assert response.status_code == 302
        assert response.url == track
        saved = Satisfaction.objects.get(initiative=initiative)
        assert (saved.score, saved.comment, saved.may_contact) == (4, "Fijne samenwerking.", True)
        page = client.get(track)
        assert page.context["satisfaction_form"] is None
        assert page.context["satisfaction"] == saved

    def test_the_question_page_opens_on_its_own(self, client):
        _track, answer = urls(InitiativeFactory(closed=True))
        response = client.get(answer)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"

    def test_unknown_link_is_404(self, client):
        response = client.post(reverse("initiatives:satisfaction", kwargs={"token": "x" * 43}), {"score": "5"})
        assert response.status_code == 404
        assert not Satisfaction.objects.exists()


class FormValidationTests:
    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({}, "score"),
            ({"score": "0"}, "score"),
            ({"score": "6"}, "score"),
            ({"score": "goed"}, "score"),
            ({"score": "3", "comment": "x" * 2001}, "comment"),
        ],
    )
    def test_invalid_answers_are_shown_again_and_not_stored(self, client, data, field):
        _track, answer = urls(InitiativeFactory(closed=True))
        response = client.post(answer, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert not Satisfaction.objects.exists()

    def test_comment_and_contact_are_optional(self, client):
        initiative = InitiativeFactory(realised=True)
        _track, answer = urls(initiative)
        assert client.post(answer, {"score": "1"}).status_code == 302
        saved = Satisfaction.objects.get(initiative=initiative)
        assert (saved.score, saved.comment, saved.may_contact) == (1, "", False)


class SecondAnswerTests:
    def test_a_second_post_is_refused_kindly_and_keeps_the_first(self, client):
        initiative = InitiativeFactory(closed=True)
        track, answer = urls(initiative)
        client.post(answer, {"score": "5", "comment": "Top"})

        response = client.post(answer, {"score": "1", "comment": "Toch niet"})

        assert response.status_code == 302
        assert response.url == track
        assert "info" in [m.level_tag for m in get_messages(response.wsgi_request)]
        saved = Satisfaction.objects.get(initiative=initiative)
        assert (saved.score, saved.comment) == (5, "Top")

    def test_the_service_refuses_a_second_answer(self):
        initiative = InitiativeFactory(closed=True)
        satisfaction_answer(initiative=initiative, score=3)
        with pytest.raises(SatisfactionAlreadyGiven):
            satisfaction_answer(initiative=initiative, score=4)
        assert Satisfaction.objects.get(initiative=initiative).score == 3

    def test_reopened_and_closed_again_still_one_answer(self, officer, client):
        initiative = InitiativeFactory(closed=True, village__municipality=officer.municipality)
        satisfaction_answer(initiative=initiative, score=2)
        initiative_change_status(initiative=initiative, to_status=Status.IN_CONVERSATION, actor=officer.user)
        initiative_change_status(initiative=initiative, to_status=Status.CLOSED, actor=officer.user)
        track, answer = urls(initiative)
        assert client.get(track).context["satisfaction_form"] is None
        client.post(answer, {"score": "5"})
        assert Satisfaction.objects.get(initiative=initiative).score == 2

    def test_an_open_initiative_cannot_be_answered(self, client):
        initiative = InitiativeFactory(in_conversation=True)
        track, answer = urls(initiative)
        response = client.post(answer, {"score": "5"})
        assert response.status_code == 302
        assert not Satisfaction.objects.exists()
        assert client.get(answer).status_code == 302  # the question page sends them back
        with pytest.raises(SatisfactionNotAllowed):
            satisfaction_answer(initiative=initiative, score=5)


class StatisticsTests:
    URL = reverse("initiatives:statistics")
    PERIOD = {"from": "2000-01-01", "to": "2100-12-31"}

    @pytest.fixture
    def world(self):
        tenants = two_municipalities()
        village_a, village_b = VillageFactory(municipality=tenants.a), VillageFactory(municipality=tenants.b)
        for score, comment in ((5, "Heel fijn"), (4, ""), (2, "Traag"), (1, "")):
            satisfaction_answer(
                initiative=InitiativeFactory(closed=True, village=village_a), score=score, comment=comment
            )
        InitiativeFactory(closed=True, village=village_a)  # not answered: counts nowhere
        for _ in range(3):  # another municipality, all satisfied: never counted for A's officer
            satisfaction_answer(initiative=InitiativeFactory(closed=True, village=village_b), score=5, comment="!")
        tenants.officer = OfficerMembershipFactory(municipality=tenants.a).user
        return tenants

    def test_the_officer_sees_the_answers_of_their_own_municipality(self, client, world):
        client.force_login(world.officer)

        response = client.get(self.URL, self.PERIOD)

        table = {t.slug: t for t in response.context["tables"]}["satisfaction"]
        assert len(table.rows) == 1
        name, answers, satisfied, satisfied_share, average, comments = table.rows[0]
        assert (name, answers, satisfied, comments) == (world.a.name, 4, 2, 2)
        assert satisfied_share == pytest.approx(0.5)
        assert average == pytest.approx(3.0)
        assert [n for _label, n in table.chart] == [1, 1, 0, 1, 1]  # 5 down to 1
        assert response.context["figures"]["satisfaction_answers"] == 4

    def test_csv_has_the_same_figures(self, client, world):
        client.force_login(world.officer)

        response = client.get(reverse("initiatives:statistics_csv", kwargs={"table": "satisfaction"}), self.PERIOD)

        assert response.status_code == 200
        rows = spreadsheet_rows(response.content.decode("utf-8"))
        assert rows[1] == [world.a.name, "4", "2", "50,0", "3,0", "2"]
        assert len(rows) == 2

    def test_the_fresh_count_costs_one_query_per_table(self, world, django_assert_num_queries):
        """Seven queries count every table fresh, the satisfaction answers among them; the page
        reads roll-ups (tests/initiatives/test_statistics_rollups.py)."""
        from initiatives.models import Initiative
        from initiatives.statistics import figures_fresh

        with django_assert_num_queries(7):
            figures = figures_fresh(Initiative.objects.visible_to(world.officer))
        assert sum(n for n, _comments in figures.answers.values()) == 4
