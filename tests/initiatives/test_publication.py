"""Nothing a resident submits is public before an officer of the municipality approves it
(issue 12): through the real pages, the review service's matrix, and the municipality's choice
to publish without review."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.constants import AuditAction
from audit.models import AuditLogEntry, AuditResult
from initiatives.constants import PUBLICATION_TRANSITIONS, Publication, Status
from initiatives.models import Initiative
from initiatives.services.publication import PublicationNotAllowed, publication_approve, publication_hide
from initiatives.services.submission import initiative_withdraw, tracking_token_issue
from municipalities.access import NotAllowed
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import form_data
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

TITLE = "Nieuwe speeltuin bij het dorpshuis"  # the title form_data() submits


@pytest.fixture
def village():
    return VillageFactory(name="Elspeet", municipality=MunicipalityFactory(name="Nunspeet"))


@pytest.fixture
def officer(village):
    return OfficerMembershipFactory(municipality=village.municipality).user


@pytest.fixture
def stranger():
    """An officer of another municipality."""
    return OfficerMembershipFactory().user


def submit_through_the_form(client, village) -> Initiative:
    response = client.post(reverse("initiatives:submit"), form_data(village))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Initiative.objects.get(title=TITLE)


def public_pages(initiative) -> dict[str, str]:
    municipality, village = initiative.municipality, initiative.village
    return {
        "gallery": reverse("initiatives:list"),
        "municipality": reverse("initiatives:municipality", kwargs={"slug": municipality.slug}),
        "village": reverse("initiatives:village", kwargs={"municipality": municipality.slug, "slug": village.slug}),
    }


def shown_on(client, initiative) -> set[str]:
    """The public pages that show `initiative` (its own page included, when it answers 200)."""
    shown = {name for name, url in public_pages(initiative).items() if initiative.title in client.get(url).text}
    if client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference})).status_code == 200:
        shown.add("own page")
    return shown


EVERYWHERE = {"gallery", "municipality", "village", "own page"}


def approve_url(initiative):
    return reverse("initiatives:officer_publication_approve", args=[initiative.pk])


def hide_url(initiative):
    return reverse("initiatives:officer_publication_hide", args=[initiative.pk])


def track_url(initiative):
    return reverse("initiatives:track", kwargs={"token": tracking_token_issue(initiative=initiative)})


def audit_rows(initiative, action):
    return list(AuditLogEntry.objects.filter(action=action, object_id=str(initiative.pk)).order_by("pk"))


class NothingPublicBeforeReviewTests:
    def test_a_consenting_submission_is_nowhere_public_until_an_officer_approves(self, client, village, officer):
        initiative = submit_through_the_form(client, village)
        assert initiative.publication_consent and initiative.publication == Publication.PENDING
        assert shown_on(client, initiative) == set()

        client.force_login(officer)
        response = client.post(approve_url(initiative))
        assert response.status_code == 302
        assert response["Location"].endswith("#publication")
        client.logout()

        assert shown_on(client, initiative) == EVERYWHERE
        [row] = audit_rows(initiative, AuditAction.PUBLICATION_APPROVE)
        assert (row.actor, row.result, row.detail) == (officer, AuditResult.OK, "pending -> approved")
        initiative.refresh_from_db()
        assert initiative.publication_decided_by == officer and initiative.publication_decided_at

    def test_the_dashboard_counts_and_lists_what_waits_for_review(self, client, village, officer):
        waiting = submit_through_the_form(client, village)
        # References of last year: the form's submission takes this year's first number.
        InitiativeFactory(village=village, intake=True, reference="2025-0001")  # approved already
        InitiativeFactory(
            village=village, intake=True, reference="2025-0002", publication_pending=True, publication_consent=False
        )
        client.force_login(officer)

        dashboard = client.get(reverse("initiatives:dashboard"))
        counter = next(c for c in dashboard.context["counters"] if c["key"] == "publication_review")
        assert counter["count"] == 1
        queue = client.get(counter["url"])
        assert [row.pk for row in queue.context["initiatives"]] == [waiting.pk]

        client.post(approve_url(waiting))
        dashboard = client.get(reverse("initiatives:dashboard"))
        assert next(c for c in dashboard.context["counters"] if c["key"] == "publication_review")["count"] == 0

    def test_the_officer_page_offers_approve_and_not_publish(self, client, village, officer):
        initiative = InitiativeFactory(village=village, publication_pending=True)
        client.force_login(officer)
        html = client.get(reverse("initiatives:officer_detail", args=[initiative.pk])).text
        assert approve_url(initiative) in html
        assert hide_url(initiative) in html


class TakingOfflineTests:
    def test_hiding_takes_a_published_initiative_offline_with_an_audit_row(self, client, village, officer):
        initiative = InitiativeFactory(village=village, intake=True)
        assert shown_on(client, initiative) == EVERYWHERE

        client.force_login(officer)
        response = client.post(hide_url(initiative), {"publication_hide-reason": "De tekst noemt een buurman."})
        assert response.status_code == 302
        client.logout()

        assert shown_on(client, initiative) == set()
        [row] = audit_rows(initiative, AuditAction.PUBLICATION_HIDE)
        assert (row.actor, row.result, row.detail) == (officer, AuditResult.OK, "approved -> hidden")
        initiative.refresh_from_db()
        assert initiative.publication == Publication.HIDDEN
        assert initiative.publication_reason == "De tekst noemt een buurman."

    def test_hiding_needs_a_reason(self, client, village, officer):
        initiative = InitiativeFactory(village=village, intake=True)
        client.force_login(officer)
        response = client.post(hide_url(initiative), {"publication_hide-reason": "   "})
        assert response.status_code == 200
        assert response.context["publication_hide_form"].errors
        initiative.refresh_from_db()
        assert initiative.publication == Publication.APPROVED
        assert audit_rows(initiative, AuditAction.PUBLICATION_HIDE) == []

    def test_a_hidden_initiative_can_be_approved_again(self, client, village, officer):
        initiative = InitiativeFactory(village=village, intake=True, publication_hidden=True)
        client.force_login(officer)
        client.post(approve_url(initiative))
        client.logout()
        assert shown_on(client, initiative) == EVERYWHERE
        initiative.refresh_from_db()
        assert initiative.publication_reason == ""


class RefusalsTests:
    def test_another_municipalitys_officer_gets_404_and_changes_nothing(self, client, village, stranger):
        pending = InitiativeFactory(village=village, publication_pending=True)
        public = InitiativeFactory(village=village)
        client.force_login(stranger)
        assert client.post(approve_url(pending)).status_code == 404
        assert client.post(hide_url(public), {"publication_hide-reason": "Weg ermee"}).status_code == 404
        pending.refresh_from_db()
        public.refresh_from_db()
        assert (pending.publication, public.publication) == (Publication.PENDING, Publication.APPROVED)
        assert not AuditLogEntry.objects.filter(
            action__in=[AuditAction.PUBLICATION_APPROVE, AuditAction.PUBLICATION_HIDE]
        ).exists()

    def test_the_service_refuses_another_municipalitys_officer(self, village, stranger):
        with pytest.raises(NotAllowed):
            publication_approve(initiative=InitiativeFactory(village=village, publication_pending=True), actor=stranger)

    def test_approving_needs_consent(self, client, village, officer):
        initiative = InitiativeFactory(village=village, publication_consent=False)
        client.force_login(officer)
        response = client.post(approve_url(initiative))
        assert response.status_code == 200
        assert response.context["publication_approve_form"].non_field_errors()
        initiative.refresh_from_db()
        assert initiative.publication == Publication.PENDING
        [row] = audit_rows(initiative, AuditAction.PUBLICATION_APPROVE)
        assert row.result == AuditResult.REFUSED
        client.logout()
        assert shown_on(client, initiative) == set()

    def test_a_withdrawn_initiative_is_not_public_and_cannot_be_approved(self, client, village, officer):
        initiative = InitiativeFactory(village=village)
        initiative_withdraw(initiative=initiative, reason="")
        assert shown_on(client, initiative) == set()
        pending = InitiativeFactory(village=village, withdrawn=True, publication_pending=True)
        with pytest.raises(PublicationNotAllowed):
            publication_approve(initiative=pending, actor=officer)


class PublicationMatrixTests:
    """Every edge of PUBLICATION_TRANSITIONS succeeds; every other step is refused."""

    @pytest.mark.parametrize("start", list(Publication))
    @pytest.mark.parametrize("target", [Publication.APPROVED, Publication.HIDDEN])
    def test_every_step(self, village, officer, start, target):
        initiative = InitiativeFactory(village=village, publication=start)
        step = publication_approve if target == Publication.APPROVED else publication_hide
        kwargs = {"reason": "Niet geschikt"} if target == Publication.HIDDEN else {}
        if target in PUBLICATION_TRANSITIONS[start]:
            assert step(initiative=initiative, actor=officer, **kwargs).publication == target
        else:
            with pytest.raises(PublicationNotAllowed):
                step(initiative=initiative, actor=officer, **kwargs)
            initiative.refresh_from_db()
            assert initiative.publication == start

    def test_no_state_is_a_dead_end(self):
        assert all(PUBLICATION_TRANSITIONS[state] for state in Publication)

    def test_hiding_without_a_reason_is_refused_by_the_service(self, village, officer):
        with pytest.raises(ValidationError) as error:
            publication_hide(initiative=InitiativeFactory(village=village), actor=officer, reason="")
        assert "reason" in error.value.message_dict


class PublishWithoutReviewTests:
    def test_the_default_is_review(self):
        assert MunicipalityFactory().publish_without_review is False

    def test_a_municipality_that_publishes_without_review_shows_a_submission_at_once(self, client, village):
        village.municipality.publish_without_review = True
        village.municipality.save()
        initiative = submit_through_the_form(client, village)
        assert initiative.publication == Publication.APPROVED
        assert shown_on(client, initiative) == EVERYWHERE
        [row] = audit_rows(initiative, AuditAction.PUBLICATION_APPROVE)
        assert (row.actor, row.actor_label) == (None, "system")

    def test_without_consent_nothing_is_published_even_then(self, client, village):
        village.municipality.publish_without_review = True
        village.municipality.save()
        client.post(reverse("initiatives:submit"), form_data(village, publication_consent=None))
        initiative = Initiative.objects.get(title=TITLE)
        assert initiative.publication == Publication.PENDING
        assert shown_on(client, initiative) == set()

    def test_the_setting_is_editable_in_the_admin(self, admin_client, village):
        url = reverse("admin:municipalities_municipality_change", args=[village.municipality.pk])
        assert "publish_without_review" in admin_client.get(url).context["adminform"].form.fields


class TrackingPageTests:
    """The initiator reads on their page whether the initiative is on the website."""

    def test_not_public_yet_while_waiting_for_review(self, client, village):
        initiative = InitiativeFactory(village=village, publication_pending=True)
        response = client.get(track_url(initiative))
        assert response.context["publication"] == "pending"
        assert "Nog niet openbaar." in response.text

    def test_public_with_a_link(self, client, village):
        initiative = InitiativeFactory(village=village)
        response = client.get(track_url(initiative))
        assert response.context["publication"] == "public"
        assert reverse("initiatives:public", kwargs={"reference": initiative.reference}) in response.text

    def test_not_published_with_the_officers_reason(self, client, village):
        initiative = InitiativeFactory(village=village, publication_hidden=True)
        response = client.get(track_url(initiative))
        assert response.context["publication"] == "hidden"
        assert initiative.publication_reason in response.text
        assert reverse("initiatives:public", kwargs={"reference": initiative.reference}) not in response.text

    def test_withdrawn_is_not_public(self, client, village):
        initiative = InitiativeFactory(village=village, withdrawn=True)
        assert client.get(track_url(initiative)).context["publication"] == "withdrawn"

    def test_nothing_is_said_without_consent(self, client, village):
        initiative = InitiativeFactory(village=village, publication_consent=False)
        response = client.get(track_url(initiative))
        assert response.context["publication"] == ""
        assert 'id="publication"' not in response.text


def test_the_migration_keeps_what_was_public_public(village):
    """Rows with consent were public before the review existed: the data migration approves them."""
    consenting = InitiativeFactory(village=village, publication_pending=True)
    without = InitiativeFactory(village=village, publication_consent=False)
    migration = importlib.import_module("initiatives.migrations.0009_publication_review")
    migration.approve_consenting(apps, None)
    consenting.refresh_from_db()
    without.refresh_from_db()
    assert (consenting.publication, without.publication) == (Publication.APPROVED, Publication.PENDING)
    assert consenting.status == Status.SUBMITTED
