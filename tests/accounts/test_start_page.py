"""After signing in, each role lands on its own start page, not the residents' home page."""

import pytest
from django.urls import reverse

from accounts.views import start_page_for
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.vision.factories import FacilitatorFactory, ProgressGroupMemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-42"


def test_each_role_has_its_start_page(django_assert_max_num_queries):
    admin = UserFactory(is_superuser=True, is_staff=True)
    officer = OfficerMembershipFactory().user
    facilitator = FacilitatorFactory().user
    member = ProgressGroupMemberFactory(user=UserFactory()).user
    former = ProgressGroupMemberFactory(user=UserFactory(), left_on="2026-01-01").user
    staff = UserFactory(is_staff=True)
    nobody = UserFactory()
    with django_assert_max_num_queries(1):
        assert start_page_for(officer) == reverse("initiatives:dashboard")
    assert start_page_for(admin) == reverse("admin:index")
    assert start_page_for(facilitator) == reverse("vision:trajectory_list")
    assert start_page_for(member) == reverse("vision:trajectory_list")
    assert start_page_for(former) == reverse("initiatives:home")
    assert start_page_for(staff) == reverse("admin:index")
    assert start_page_for(nobody) == reverse("initiatives:home")


def test_a_member_signs_in_and_lands_on_the_trajectories(client):
    member = ProgressGroupMemberFactory(user=UserFactory()).user
    member.set_password(PASSWORD)
    member.save()
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("vision:trajectory_list")


def test_an_officer_is_led_through_the_second_step_to_the_dashboard(client):
    officer = OfficerMembershipFactory().user
    officer.set_password(PASSWORD)
    officer.save()
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.url == reverse("start_page")
    step = client.get(response.url)
    assert step.url.startswith(reverse("accounts:mfa_setup")) or step.url.startswith(reverse("accounts:mfa_verify"))
    assert "next=%2Faccounts%2Fstart%2F" in step.url  # after the second step: the start page, then the dashboard
    client.force_login(officer)  # the second step passed (tests/conftest.py)
    assert client.get(reverse("start_page")).url == reverse("initiatives:dashboard")


def test_a_next_address_still_wins(client):
    member = ProgressGroupMemberFactory(user=UserFactory()).user
    member.set_password(PASSWORD)
    member.save()
    response = client.post(
        reverse("login") + "?next=/privacy/", {"username": member.username, "password": PASSWORD, "next": "/privacy/"}
    )
    assert response.url == "/privacy/"
