"""Signing in with the municipality's account, in Chromium (issue 15): the login page's button, the
provider's own sign-in page (oidc-provider-mock in a thread, tests/accounts/oidc_provider.py), the
way back, the dashboard; our code when the provider did no second step; a refusal page; and the
logout that also ends the provider's session (its end-session page, then back to our home page).

Our pages get axe-core; the provider's pages are not ours (its stylesheet from a CDN is answered
empty here, so nothing leaves the machine). Elements are found by id, name, CSS or URL.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import oidc
from tests.accounts.oidc_provider import oidc_settings, running_provider
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory

from .conftest import assert_accessible, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def other_origins(provider):
    return (provider.url,)


@pytest.fixture(autouse=True)
def installation_with_provider(settings, provider):
    """The installation's variables name the provider, with logout at the provider too; the
    Content-Security-Policy lets the header's logout form go on to it (config/settings/base.py)."""
    for name, value in oidc_settings(provider.discovery_url, OIDC_PROVIDER_LOGOUT=True).items():
        setattr(settings, name, value)
    policy = django_settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "form-action": [*policy["DIRECTIVES"]["form-action"], provider.url]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    oidc.forget_discovery()
    yield
    oidc.forget_discovery()


@pytest.fixture(autouse=True)
def no_cdn(page):
    """The mock provider's pages load a stylesheet from a CDN: answered empty, never fetched."""
    page.context.route(
        "https://cdn.jsdelivr.net/**", lambda route: route.fulfill(status=200, content_type="text/css", body="")
    )


@pytest.fixture
def officer():
    return OfficerMembershipFactory(user__email="gert.schuurman@nunspeet.example").user


def path(page) -> str:
    return urlsplit(page.url).path


def sign_in_at_the_provider(page, provider, sub):
    """On our login page: the button, then the provider's page, where the person chooses `sub`."""
    page.goto(reverse("login"))
    with page.expect_navigation():
        page.locator("#oidc-login").click()
    assert page.url.startswith(f"{provider.url}/oauth2/authorize?"), page.url
    page.locator("input[name=sub]").fill(sub)
    with page.expect_navigation(url=lambda url: not url.startswith(provider.url)):
        page.locator("form:has(input[name=sub]) button[type=submit]").click()
    page.wait_for_load_state()


def test_an_officer_signs_in_with_the_municipalitys_account_and_lands_on_the_dashboard(page, provider, officer):
    provider.person("gert", email=officer.email, amr=["pwd", "mfa"])
    page.goto(reverse("login"))
    assert page.locator("#oidc-login").is_visible()
    assert_accessible(page)

    sign_in_at_the_provider(page, provider, "gert")

    # The provider's second step counted: no code page, straight to the officer's own start page.
    assert path(page) == reverse("initiatives:dashboard")
    assert_accessible(page)

    # Logging out ends our session, then the provider's: its end-session page, then our home page.
    with page.expect_navigation(url=lambda url: url.startswith(provider.url)):
        page.locator(f"form[action='{reverse('logout')}'] [type=submit]").click()
    assert path(page) == "/oauth2/end_session"
    with page.expect_navigation(url=lambda url: not url.startswith(provider.url)):
        page.locator("form[action$='/oauth2/end_session/confirm'] button[type=submit]").click()
    assert path(page) == reverse("initiatives:home")
    page.goto(reverse("initiatives:dashboard"))
    assert path(page) == reverse("login")


def test_without_the_providers_second_step_the_officer_types_our_code(page, provider, officer):
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    provider.person("gert", email=officer.email, amr=["pwd"])

    sign_in_at_the_provider(page, provider, "gert")

    assert path(page) == reverse("accounts:mfa_verify")
    type_app_code(page, device)
    assert path(page) == reverse("initiatives:dashboard")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "iemand@elders.example"}, "unknown"),
        ({"email": "zonder.rol@nunspeet.example"}, "no_role"),
        ({"email": "gert.schuurman@nunspeet.example", "aud": "een-andere-applicatie"}, "audience"),
    ],
)
def test_a_refused_sign_in_ends_on_a_page_that_says_why(page, provider, officer, claims, reason):
    UserFactory(email="zonder.rol@nunspeet.example")
    provider.person("persoon", amr=["mfa"], **claims)

    sign_in_at_the_provider(page, provider, "persoon")

    assert path(page) == reverse("oidc:refused")
    assert page.locator(f"#oidc-refusal[data-reason='{reason}']").is_visible()
    assert_accessible(page)
    page.goto(reverse("initiatives:dashboard"))
    assert path(page) == reverse("login")
