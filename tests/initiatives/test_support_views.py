"""The support pages: the form on the public page (honeypot, rate limits, the same answer for any
address), the links in the mail (a button confirms or withdraws; opening changes nothing), the
officer's list and hide button, the count and "still needed" on the tracking page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from initiatives.models import Support
from initiatives.services.submission import tracking_token_issue
from initiatives.services.supports import support_links_issue
from tests.initiatives.factories import InitiativeFactory, SupportFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    return InitiativeFactory(in_conversation=True)


def post_support(client, initiative, **data):
    values = {
        "name": "Anna de Vries",
        "name_display": "short",
        "village": str(initiative.village_id),
        "email": "anna@example.nl",
        "reason": "Fijn voor de kinderen.",
        "website": "",
    }
    return client.post(reverse("initiatives:support", kwargs={"reference": initiative.reference}), {**values, **data})


class PublicSupportFormTests:
    def test_the_page_shows_the_form_count_and_public_names(self, client, initiative):
        SupportFactory(initiative=initiative, name="Piet Jansen", reason="Mooi plan")
        SupportFactory(initiative=initiative, name="Geheim Persoon", name_display="hidden", reason="")
        SupportFactory(initiative=initiative, name="Niet Bevestigd", unconfirmed=True)
        response = client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference}))
        html = response.content.decode()
        assert 'action="{}"'.format(reverse("initiatives:support", kwargs={"reference": initiative.reference})) in html
        assert "2 mensen steunen dit initiatief" in html
        assert "Piet J." in html and "Mooi plan" in html
        assert "Geheim" not in html and "Niet Bevestigd" not in html

    def test_supporting_sends_a_confirmation_mail_and_the_same_answer_each_time(
        self, client, initiative, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_support(client, initiative)
        sent = reverse("initiatives:support_sent", kwargs={"reference": initiative.reference})
        assert response.status_code == 302 and response["Location"] == sent
        assert mail.outbox[-1].to == ["anna@example.nl"]
        support = Support.objects.get()
        support.confirmed_at = support.created_at
        support.save(update_fields=["confirmed_at"])
        again = post_support(client, initiative, name="Iemand anders")
        assert again.status_code == 302 and again["Location"] == sent  # says nothing about the address
        assert Support.objects.get().name == "Anna de Vries"

    def test_errors_show_the_page_again_with_the_form(self, client, initiative):
        response = post_support(client, initiative, email="geen-adres", village="")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Kies waar je woont." in html and "Fout:" in html
        assert not Support.objects.exists()

    def test_elsewhere_is_a_choice(self, client, initiative):
        post_support(client, initiative, village="elsewhere")
        assert Support.objects.get().village is None

    def test_honeypot_stores_nothing(self, client, initiative):
        response = post_support(client, initiative, website="http://spam.example")
        assert response.status_code == 200
        assert not Support.objects.exists()

    def test_rate_limit_per_address(self, client, initiative, settings):
        settings.SUPPORT_RATE_LIMIT_PER_ADDRESS = 2
        for _ in range(2):
            assert post_support(client, initiative).status_code == 302
        assert post_support(client, initiative).status_code == 429
        assert post_support(client, initiative, email="ander@example.nl").status_code == 302

    def test_rate_limit_per_client(self, client, initiative, settings):
        settings.SUPPORT_RATE_LIMIT = 2
        for number in range(2):
            assert post_support(client, initiative, email=f"buur{number}@example.nl").status_code == 302
        assert post_support(client, initiative, email="buur9@example.nl").status_code == 429

    def test_a_closed_initiative_has_no_form(self, client):
        initiative = InitiativeFactory(closed=True)
        response = client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference}))
        assert b'name="email"' not in response.content
        assert post_support(client, initiative).status_code == 302
        assert not Support.objects.exists()


class SupportLinkTests:
    def test_opening_the_confirm_link_changes_nothing_the_button_confirms(self, client, initiative):
        support = SupportFactory(initiative=initiative, unconfirmed=True)
        confirm, _withdraw = support_links_issue(support=support)
        url = reverse("initiatives:support_confirm", kwargs={"token": confirm})
        assert client.get(url).status_code == 200
        support.refresh_from_db()
        assert support.confirmed_at is None
        response = client.post(url, follow=True)
        support.refresh_from_db()
        assert support.confirmed_at is not None
        assert "Je steun telt mee" in response.content.decode()
        assert client.post(url).status_code == 302  # twice: nothing changes

    def test_withdraw_link_deletes_the_support(self, client, initiative):
        support = SupportFactory(initiative=initiative)
        _confirm, withdraw = support_links_issue(support=support)
        url = reverse("initiatives:support_withdraw", kwargs={"token": withdraw})
        assert client.get(url).status_code == 200
        assert Support.objects.exists()
        response = client.post(url)
        assert response.status_code == 302
        assert not Support.objects.exists()
        assert client.get(url).status_code == 404

    def test_links_of_an_initiative_no_longer_public_answer_404(self, client):
        support = SupportFactory(initiative=InitiativeFactory(publication_hidden=True), unconfirmed=True)
        confirm, _ = support_links_issue(support=support)
        assert client.get(reverse("initiatives:support_confirm", kwargs={"token": confirm})).status_code == 404


class OfficerSupportersTests:
    def test_officer_sees_every_supporter_with_village_and_hides_a_reason(self, client, initiative):
        officer = OfficerMembershipFactory(municipality=initiative.municipality)
        support = SupportFactory(initiative=initiative, name="Geheim Persoon", name_display="hidden", reason="Grof")
        SupportFactory(initiative=initiative, elsewhere=True, name="Verre Buur")
        client.force_login(officer.user)
        page = client.get(reverse("initiatives:officer_detail", kwargs={"pk": initiative.pk})).content.decode()
        assert "Geheim Persoon" in page and "Verre Buur" in page and "Ergens anders" in page
        assert "2 bevestigde steunbetuigingen, waarvan 1 uit" in page
        url = reverse("initiatives:officer_support_hide", kwargs={"pk": initiative.pk, "support_pk": support.pk})
        assert client.post(url).status_code == 302
        support.refresh_from_db()
        assert support.reason_hidden_at is not None
        public = client.get(reverse("initiatives:public", kwargs={"reference": initiative.reference}))
        assert b"Grof" not in public.content

    def test_decision_form_says_how_many_are_still_needed(self, client, initiative):
        officer = OfficerMembershipFactory(municipality=initiative.municipality)
        FundFactory(municipality=initiative.municipality, name="Dorpsfonds", min_supporters=5)
        SupportFactory.create_batch(2, initiative=initiative)
        client.force_login(officer.user)
        page = client.get(reverse("initiatives:officer_detail", kwargs={"pk": initiative.pk})).content.decode()
        assert "Dorpsfonds 2026 (nog 3 steunbetuigingen uit het dorp nodig)" in page
        assert re.search(r"Nog nodig</dt><dd[^>]*>3<", page)


class TrackingPageTests:
    def test_initiator_sees_the_count_and_what_is_still_needed(self, client, initiative):
        FundFactory(municipality=initiative.municipality, name="Dorpsfonds", min_supporters=4)
        SupportFactory.create_batch(3, initiative=initiative)
        SupportFactory(initiative=initiative, elsewhere=True)
        token = tracking_token_issue(initiative=initiative)
        page = client.get(reverse("initiatives:track", kwargs={"token": token})).content.decode()
        assert "4 mensen steunen je initiatief, waarvan 3 uit" in page
        assert "Nog nodig: <strong>1</strong>" in page
