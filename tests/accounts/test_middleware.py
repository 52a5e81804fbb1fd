"""A staff session that has not passed the second step opens nothing but the steps themselves,
logging out, the language switch, static files and the health probe."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.vision.factories import FacilitatorFactory

from .helpers import give_app, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["officer", "coordinator", "facilitator", "admin"])
def half_logged_in(request, client):
    """A client after the password step only, for each kind of staff."""
    user = {
        "officer": lambda: OfficerMembershipFactory().user,
        "coordinator": lambda: OfficerMembershipFactory(coordinator=True).user,
        "facilitator": lambda: FacilitatorFactory().user,
        "admin": lambda: UserFactory(superuser=True),
    }[request.param]()
    give_app(user)
    assert password_login(client, user.username).status_code == 302
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/statistieken/",
        "/trajecten/",
        "/admin/",
        "/admin/auth/user/",
        "/account/meldingen/",
        "/account/verificatie/herstelcodes/",
        "/accounts/password_change/",
        "/",
    ],
)
def test_every_other_page_sends_to_the_code_page(half_logged_in, path):
    response = half_logged_in.get(path, {"q": "x"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa_verify')}?next={path.replace('/', '%2F')}%3Fq%3Dx"


def test_a_post_is_sent_to_the_code_page_without_next(half_logged_in):
    response = half_logged_in.post(reverse("initiatives:bulk_assign"), {})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")


def test_the_steps_logout_language_static_and_health_stay_open(half_logged_in):
    client = half_logged_in
    assert client.get(reverse("accounts:mfa_verify")).status_code == 200
    assert client.get(reverse("accounts:mfa_verify_recovery")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(f"{settings.STATIC_URL}css/site.css").status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:mfa_verify")})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert client.get(reverse("initiatives:home")).status_code == 200


def queries_of(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_a_verified_staff_session_costs_one_query_for_its_app_and_no_role_lookup(client):
    client.force_login(OfficerMembershipFactory().user)

    sql = queries_of(client, reverse("core:privacy"))

    assert len([q for q in sql if "otp_" in q]) == 1  # django-otp loads the session's app
    assert not [q for q in sql if "vision_facilitator" in q]  # no need to ask who needs two steps


def test_a_user_without_staff_role_costs_one_query_for_the_role_lookup(client):
    client.force_login(UserFactory())

    sql = queries_of(client, reverse("core:privacy"))

    assert not [q for q in sql if "otp_" in q]
    assert len([q for q in sql if "vision_facilitator" in q]) == 1


def test_anonymous_visitors_cost_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("core:privacy")).status_code == 200


def test_the_menu_shows_no_staff_pages_before_the_second_step(half_logged_in):
    """They would only lead back to the code page; the way out (log out) stays."""
    html = half_logged_in.get(reverse("accounts:mfa_verify")).content.decode()
    for name in (
        "initiatives:dashboard",
        "vision:trajectory_list",
        "notifications:preferences",
        "accounts:mfa_recovery_codes",
    ):
        assert f'href="{reverse(name)}"' not in html, name
    assert f'action="{reverse("logout")}"' in html


def test_the_menu_shows_the_staff_pages_once_verified(client):
    user = OfficerMembershipFactory().user
    client.force_login(user)  # verified with an app (tests/conftest.py)
    html = client.get(reverse("initiatives:home")).content.decode()
    for name in (
        "initiatives:dashboard",
        "vision:trajectory_list",
        "notifications:preferences",
        "accounts:mfa_recovery_codes",
    ):
        assert f'href="{reverse(name)}"' in html, name
