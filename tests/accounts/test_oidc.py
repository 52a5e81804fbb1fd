"""Signing in with the municipality's account (OpenID Connect, issue 15), against a real provider.

oidc-provider-mock runs in a thread (tests/accounts/oidc_provider.py). The Django test client
starts each sign-in on our page, follows the redirect to the provider, where the test chooses the
person as someone would on its page (requests, over HTTP), and comes back to our callback with the
provider's code; the platform then exchanges the code, fetches the keys and verifies the ID token
with mozilla-django-oidc, as it would with a municipality's provider.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import oidc
from accounts.models import ProviderSignIn
from accounts.views import REFUSAL_SESSION_KEY, REFUSAL_TEXTS
from audit.describe import describe
from audit.models import AuditLogEntry, AuditResult
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.vision.factories import ProgressGroupMemberFactory

from .helpers import app_code, give_app, password_login
from .oidc_provider import (
    CLIENT_ID,
    OIDC_BACKEND,
    authorize,
    oidc_settings,
    path_and_query,
    query_of,
    running_provider,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture(autouse=True)
def installation_with_provider(settings, provider):
    """The installation names the provider's discovery document (OIDC_OP_DISCOVERY_URL)."""
    for name, value in oidc_settings(provider.discovery_url).items():
        setattr(settings, name, value)
    oidc.forget_discovery()
    yield
    oidc.forget_discovery()


@pytest.fixture
def officer():
    return OfficerMembershipFactory(user__email="Gert.Schuurman@Nunspeet.example").user


def start(client, next_url=None):
    response = client.get(reverse("oidc:login") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.status_code
    return response["Location"]


def sign_in(client, sub, next_url=None, deny=False):
    """Press "Log in with your municipality's account", choose `sub` at the provider, come back."""
    back = authorize(start(client, next_url), sub, deny=deny)
    assert back.startswith(f"http://testserver{reverse('oidc:callback')}?"), back
    return client.get(path_and_query(back))


def refused(client, response) -> str:
    """The answer is the refusal page (never a 500) and nobody is signed in; returns the reason."""
    assert response.status_code == 302 and response["Location"] == reverse("oidc:refused"), response
    page = client.get(reverse("oidc:refused"))
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
    reason = client.session[REFUSAL_SESSION_KEY]["reason"]
    assert f'data-reason="{reason}"' in page.content.decode()
    return reason


def audit_lines(action=None):
    lines = AuditLogEntry.objects.order_by("pk")
    return list(lines.filter(action=action) if action else lines)


class SignInTests:
    def test_an_officer_whose_provider_did_a_second_step_lands_on_the_dashboard(self, client, provider, officer):
        provider.person("gert", email="gert.schuurman@nunspeet.example", amr=["pwd", "mfa"])

        response = sign_in(client, "gert")

        assert response.status_code == 302 and response["Location"] == reverse("start_page")
        assert int(client.session["_auth_user_id"]) == officer.pk
        assert client.session["_auth_user_backend"] == OIDC_BACKEND
        # The provider's second step counts as ours: the session is verified, no code page.
        device = ProviderSignIn.objects.get(user=officer)
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        page = client.get(reverse("start_page"), follow=True)
        assert page.redirect_chain[-1][0] == DASHBOARD and page.status_code == 200

    def test_the_page_asked_for_before_signing_in_comes_next(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"])
        statistics = reverse("initiatives:statistics")

        response = sign_in(client, "gert", next_url=statistics)

        assert response["Location"] == statistics
        assert client.get(statistics).status_code == 200

    def test_another_site_as_next_is_not_followed(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"])

        response = sign_in(client, "gert", next_url="https://kwaadwillend.example/")

        assert response["Location"] == reverse("start_page")

    def test_without_the_providers_second_step_our_code_follows(self, client, provider, officer):
        device = give_app(officer)
        provider.person("gert", email=officer.email, amr=["pwd"])

        response = sign_in(client, "gert", next_url=DASHBOARD)

        assert response["Location"] == DASHBOARD
        assert DEVICE_ID_SESSION_KEY not in client.session
        step = client.get(DASHBOARD)
        assert step.status_code == 302 and step["Location"].startswith(reverse("accounts:mfa_verify"))
        response = client.post(step["Location"], {"code": app_code(device.bin_key), "next": DASHBOARD})
        assert response["Location"] == DASHBOARD
        assert client.get(DASHBOARD).status_code == 200

    def test_without_an_app_the_setup_page_follows(self, client, provider, officer):
        provider.person("gert", email=officer.email)  # no amr at all

        sign_in(client, "gert")

        assert client.get(DASHBOARD)["Location"].startswith(reverse("accounts:mfa_setup"))

    def test_an_acr_value_of_the_settings_counts_as_the_second_step(self, client, provider, officer, settings):
        settings.OIDC_MFA_ACR = ["urn:gemeente:loa:substantieel"]
        provider.person("gert", email=officer.email, amr=["pwd"], acr="urn:gemeente:loa:substantieel")

        sign_in(client, "gert")

        assert client.get(DASHBOARD).status_code == 200
        assert audit_lines("mfa.verify")[0].detail == "municipality's sign-in: acr urn:gemeente:loa:substantieel"

    def test_which_amr_methods_count_is_a_setting(self, client, provider, officer, settings):
        settings.OIDC_MFA_AMR = ["hwk"]
        provider.person("gert", email=officer.email, amr=["pwd", "mfa"])

        sign_in(client, "gert")

        assert DEVICE_ID_SESSION_KEY not in client.session
        assert client.get(DASHBOARD).status_code == 302

    def test_a_progress_group_member_signs_in_without_a_second_step(self, client, provider):
        member = ProgressGroupMemberFactory(with_account=True).user
        provider.person("lid", email=member.email, amr=["pwd"])

        sign_in(client, "lid")

        page = client.get(reverse("start_page"), follow=True)
        assert page.redirect_chain[-1][0] == reverse("vision:trajectory_list") and page.status_code == 200

    def test_a_password_login_still_works_and_never_asks_the_provider(self, client, officer, monkeypatch):
        monkeypatch.setattr(oidc, "provider", lambda: pytest.fail("the provider was asked"))

        response = password_login(client, officer.username, next_url=DASHBOARD)
        # An address with a code and a state goes through the password backend only.
        other = password_login(client.__class__(), officer.username, next_url=DASHBOARD, QUERY_STRING="code=x&state=y")

        assert response["Location"] == DASHBOARD and other["Location"] == DASHBOARD
        assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"

    def test_the_discovery_document_is_read_once_per_process(self, client, provider, officer, monkeypatch):
        asked = []
        real_get = oidc.requests.get
        monkeypatch.setattr(
            oidc.requests, "get", lambda url, **kw: asked.append(url) or real_get(url, **kw), raising=True
        )
        provider.person("gert", email=officer.email, amr=["mfa"])

        sign_in(client, "gert")
        client.logout()
        sign_in(client, "gert")

        assert asked.count(provider.discovery_url) == 1
        assert int(client.session["_auth_user_id"]) == officer.pk


class AuditTests:
    def test_a_sign_in_with_the_providers_second_step_is_two_lines_of_the_municipality(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["pwd", "mfa"])

        sign_in(client, "gert")

        signin, second = audit_lines()
        assert (signin.action, signin.actor, signin.result) == ("signin.oidc", officer, AuditResult.OK)
        assert signin.municipality == officer.officer_membership.municipality
        assert signin.detail == "second step by the provider"
        assert (second.action, second.actor) == ("mfa.verify", officer)
        assert second.detail == "municipality's sign-in: amr mfa"

    def test_no_password_line_and_no_token_in_the_log(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["pwd"])

        sign_in(client, "gert")

        assert [line.action for line in audit_lines()] == ["signin.oidc"]
        assert audit_lines()[0].detail == "second step still to come"
        text = json.dumps(list(AuditLogEntry.objects.values_list()), default=str)
        assert "eyJ" not in text  # no JWT (ID or access token) anywhere

    def test_the_log_page_says_it_in_words(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["pwd", "mfa"])
        sign_in(client, "gert")
        provider.person("gert", email=officer.email, aud="een-andere-applicatie")
        sign_in(client, "gert")

        texts = [entry.detail_text for entry in describe(audit_lines())]

        assert texts == [
            "de inlogdienst van de gemeente deed de tweede stap",
            "bij de inlogdienst van de gemeente (amr mfa)",
            "De inlog was bedoeld voor een andere toepassing",
        ]

    def test_a_member_signing_in_is_not_logged_as_with_the_password(self, client, provider):
        member = ProgressGroupMemberFactory(with_account=True).user
        provider.person("lid", email=member.email)

        sign_in(client, "lid")

        assert audit_lines() == []


class RefusalTests:
    """Every refusal ends on the page that says why, signs nobody in, and is an audit line."""

    def test_a_token_for_another_audience_is_refused(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"], aud="een-andere-applicatie")

        assert refused(client, sign_in(client, "gert")) == "audience"
        (line,) = audit_lines()
        assert (line.action, line.result, line.detail) == ("signin.oidc_refused", AuditResult.REFUSED, "audience")

    def test_a_token_for_several_audiences_needs_us_as_authorised_party(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"], aud=[CLIENT_ID, "ander"], azp="ander")
        assert refused(client, sign_in(client, "gert")) == "audience"

        provider.person("gert", email=officer.email, amr=["mfa"], aud=[CLIENT_ID, "ander"], azp=CLIENT_ID)
        assert sign_in(client, "gert")["Location"] == reverse("start_page")

    def test_an_expired_token_is_refused(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"], exp=int(time.time()) - 60)

        assert refused(client, sign_in(client, "gert")) == "expired"
        assert audit_lines()[0].detail == "expired"

    def test_a_token_of_another_issuer_is_refused(self, client, provider, officer, settings):
        settings.OIDC_OP_ISSUER = "https://login.andere-gemeente.example"
        provider.person("gert", email=officer.email, amr=["mfa"])

        assert refused(client, sign_in(client, "gert")) == "invalid"

    def test_an_unknown_person_gets_no_account(self, client, provider, officer):
        provider.person("vreemde", email="iemand@elders.example", amr=["mfa"])

        assert refused(client, sign_in(client, "vreemde")) == "unknown"
        assert not get_user_model().objects.filter(email__iexact="iemand@elders.example").exists()
        (line,) = audit_lines()
        assert (line.actor, line.actor_label, line.detail) == (None, "iemand@elders.example", "unknown")
        page = client.get(reverse("oidc:refused")).content.decode()
        assert "iemand@elders.example" in page

    def test_an_unknown_person_gets_an_account_without_a_role_when_the_installation_allows_it(
        self, client, provider, settings
    ):
        settings.OIDC_CREATE_USERS = True
        provider.person("nieuw", email="Nieuw@Nunspeet.example", given_name="Nina", family_name="Nieuw", amr=["mfa"])

        assert refused(client, sign_in(client, "nieuw")) == "created"
        user = get_user_model().objects.get(email__iexact="nieuw@nunspeet.example")
        assert (user.username, user.first_name, user.last_name) == ("nieuw@nunspeet.example", "Nina", "Nieuw")
        assert not user.has_usable_password() and not user.is_staff
        assert [(line.action, line.detail) for line in audit_lines()] == [
            ("signin.oidc_account", ""),
            ("signin.oidc_refused", "created"),
        ]

        # Again: the same account, still without a role. Once a coordinator adds them, they are in.
        assert refused(client, sign_in(client, "nieuw")) == "no_role"
        assert get_user_model().objects.filter(email__iexact="nieuw@nunspeet.example").count() == 1
        OfficerMembershipFactory(user=user)
        sign_in(client, "nieuw")
        assert client.get(DASHBOARD).status_code == 200

    def test_a_user_without_a_role_does_not_reach_the_dashboard(self, client, provider):
        user = UserFactory()
        provider.person("zonder", email=user.email, amr=["mfa"])

        assert refused(client, sign_in(client, "zonder")) == "no_role"
        assert client.get(DASHBOARD)["Location"].startswith(reverse("login"))
        (line,) = audit_lines()
        assert (line.actor, line.detail) == (user, "no_role")

    def test_a_former_officer_is_refused(self, client, provider, officer):
        officer.officer_membership.is_active = False
        officer.officer_membership.save(update_fields=["is_active"])
        officer.is_staff = False
        officer.save(update_fields=["is_staff"])
        provider.person("gert", email=officer.email, amr=["mfa"])

        assert refused(client, sign_in(client, "gert")) == "no_role"

    def test_an_account_switched_off_is_refused(self, client, provider, officer):
        officer.is_active = False
        officer.save(update_fields=["is_active"])
        provider.person("gert", email=officer.email, amr=["mfa"])

        assert refused(client, sign_in(client, "gert")) == "inactive"
        assert audit_lines()[0].actor == officer

    def test_two_accounts_with_one_address_are_refused(self, client, provider, officer):
        UserFactory(email=officer.email.upper())
        provider.person("gert", email=officer.email, amr=["mfa"])

        assert refused(client, sign_in(client, "gert")) == "ambiguous"

    def test_an_unconfirmed_or_missing_e_mail_address_is_refused(self, client, provider, officer):
        provider.person("gert", email=officer.email, email_verified=False, amr=["mfa"])
        assert refused(client, sign_in(client, "gert")) == "email"

        provider.person("zonder-adres", amr=["mfa"])
        assert refused(client, sign_in(client, "zonder-adres")) == "email"

    def test_the_e_mail_claim_is_a_setting(self, client, provider, officer, settings):
        settings.OIDC_EMAIL_CLAIM = "upn"
        provider.person("gert", email="prive@example.org", upn=officer.email, amr=["mfa"])

        assert int(sign_in(client, "gert") and client.session["_auth_user_id"]) == officer.pk

    def test_only_members_of_the_allowed_groups_when_the_installation_says_so(
        self, client, provider, officer, settings
    ):
        settings.OIDC_GROUPS_CLAIM = "groups"
        settings.OIDC_ALLOWED_GROUPS = ["team-initiatieven"]
        provider.person("gert", email=officer.email, groups=["team-financien"], amr=["mfa"])
        assert refused(client, sign_in(client, "gert")) == "not_allowed"

        provider.person("gert", email=officer.email, groups=["team-financien", "team-initiatieven"], amr=["mfa"])
        assert int(sign_in(client, "gert") and client.session["_auth_user_id"]) == officer.pk

    def test_cancelling_at_the_provider(self, client, provider, officer):
        # The mock leaves the state out of its answer (RFC 6749 4.1.2.1 wants it): no audit line then.
        back = authorize(start(client), None, deny=True)
        assert query_of(back)["error"] == "access_denied"
        assert refused(client, client.get(path_and_query(back))) == "cancelled"
        assert audit_lines() == []

        # With the state, as providers send it: an audit line of the sign-in this session started.
        state = query_of(start(client))["state"]
        response = client.get(reverse("oidc:callback") + f"?error=access_denied&state={state}")
        assert refused(client, response) == "cancelled"
        assert [(line.action, line.detail) for line in audit_lines()] == [("signin.oidc_refused", "cancelled")]

    def test_an_error_of_the_provider(self, client):
        state = query_of(start(client))["state"]

        response = client.get(reverse("oidc:callback") + f"?error=server_error&state={state}")

        assert refused(client, response) == "provider"

    def test_a_way_back_this_session_did_not_start_is_refused_without_an_audit_line(self, client):
        response = client.get(reverse("oidc:callback") + "?code=abc&state=verzonnen")

        assert refused(client, response) == "state"
        assert audit_lines() == []

    def test_the_way_back_works_once(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"])
        back = authorize(start(client), "gert")
        client.get(path_and_query(back))
        client.logout()

        assert refused(client, client.get(path_and_query(back))) == "state"

    def test_a_sign_in_that_took_too_long_is_refused(self, client, provider, officer):
        back = authorize(start(client), provider.person("gert", email=officer.email, amr=["mfa"]))
        session = client.session
        session["oidc_states"][query_of(back)["state"]]["added_on"] -= 16 * 60
        session.save()

        assert refused(client, client.get(path_and_query(back))) == "state"
        assert audit_lines()[0].detail == "state"

    def test_someone_signed_in_already_stays_signed_in_after_a_refusal(self, client, provider, officer):
        client.force_login(officer)
        provider.person("vreemde", email="iemand@elders.example")

        response = sign_in(client, "vreemde")

        assert response["Location"] == reverse("oidc:refused")
        assert "Inloggen is niet gelukt" in client.get(reverse("oidc:refused")).content.decode()
        assert client.get(DASHBOARD).status_code == 200

    def test_a_code_the_provider_does_not_know_is_a_page_not_an_error(self, client, provider, officer):
        back = authorize(start(client), provider.person("gert", email=officer.email))
        state = query_of(back)["state"]

        response = client.get(reverse("oidc:callback") + f"?code=nep-code&state={state}")

        assert refused(client, response) == "provider"

    def test_a_provider_that_cannot_be_reached_is_a_page_not_an_error(self, client, settings):
        settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
        settings.OIDC_TIMEOUT = 2

        assert refused(client, client.get(reverse("oidc:login"))) == "provider"

    def test_the_page_says_why_in_dutch_and_in_english(self, client, provider, officer):
        provider.person("gert", email=officer.email, aud="een-andere-applicatie")
        sign_in(client, "gert")

        dutch = client.get(reverse("oidc:refused")).content.decode()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get(reverse("oidc:refused")).content.decode()

        assert "Je bent niet ingelogd" in dutch and "bedoeld voor een andere toepassing" in dutch
        assert "You are not logged in" in english and "meant for another application" in english


@pytest.mark.parametrize("reason", oidc.Refusal.values)
def test_every_refusal_has_its_own_words_on_the_page(client, reason):
    session = client.session
    session[REFUSAL_SESSION_KEY] = {"reason": reason, "email": "iemand@nunspeet.example"}
    session.save()

    page = client.get(reverse("oidc:refused"))

    assert page.status_code == 200
    text = str(REFUSAL_TEXTS[oidc.Refusal(reason)] % {"email": "iemand@nunspeet.example"})
    assert escape(text) in page.content.decode()


class LogoutTests:
    def test_logging_out_ends_the_providers_session_too_when_configured(self, client, provider, officer, settings):
        settings.OIDC_PROVIDER_LOGOUT = True
        provider.person("gert", email=officer.email, amr=["mfa"])
        sign_in(client, "gert")
        id_token = client.session[oidc.ID_TOKEN_SESSION_KEY]

        response = client.post(reverse("logout"))

        assert response.status_code == 302
        assert response["Location"].startswith(f"{provider.url}/oauth2/end_session?")
        assert query_of(response["Location"]) == {
            "id_token_hint": id_token,
            "client_id": CLIENT_ID,
            "post_logout_redirect_uri": "http://testserver/",
        }
        assert "_auth_user_id" not in client.session  # ours has ended already
        assert client.get(DASHBOARD)["Location"].startswith(reverse("login"))

    def test_without_the_setting_logging_out_stays_here(self, client, provider, officer):
        provider.person("gert", email=officer.email, amr=["mfa"])
        sign_in(client, "gert")

        response = client.post(reverse("logout"))

        assert response["Location"] == reverse("initiatives:home")
        assert oidc.ID_TOKEN_SESSION_KEY not in client.session

    def test_a_password_session_logs_out_here_only(self, client, officer, settings):
        settings.OIDC_PROVIDER_LOGOUT = True
        password_login(client, officer.username)

        assert client.post(reverse("logout"))["Location"] == reverse("initiatives:home")


class WithoutAProviderTests:
    """Without the variables everything is as before: the pages answer 404, the login page is as it was."""

    @pytest.fixture(autouse=True)
    def no_provider(self, settings):
        settings.OIDC_OP_DISCOVERY_URL = ""
        settings.OIDC_RP_CLIENT_ID = ""

    @pytest.mark.parametrize("name", ["oidc:login", "oidc:callback", "oidc:refused"])
    def test_the_pages_answer_404(self, client, name):
        assert client.get(reverse(name)).status_code == 404

    def test_the_login_page_has_no_button(self, client):
        assert 'id="oidc-login"' not in client.get(reverse("login")).content.decode()

    def test_the_login_page_has_the_button_with_a_provider(self, client, settings, provider):
        settings.OIDC_OP_DISCOVERY_URL = provider.discovery_url
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID

        html = client.get(reverse("login") + "?next=/dashboard/").content.decode()

        assert 'id="oidc-login"' in html and 'href="/accounts/gemeente/inloggen/?next=/dashboard/"' in html
        assert "Inloggen met je account van de gemeente" in html


def settings_with(env: dict) -> dict:
    """AUTHENTICATION_BACKENDS and the CSP's form-action as config.settings.test makes them from `env`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AUTHENTICATION_BACKENDS, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]))"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("OIDC_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    backends, form_action = json.loads(result.stdout.strip().splitlines()[-1])
    return {"backends": backends, "form_action": form_action}


def test_the_variables_switch_the_backend_and_the_logout_target_on():
    without = settings_with({})
    assert without == {
        "backends": ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"],
        "form_action": ["'self'"],
    }
    provider_env = {
        "OIDC_RP_CLIENT_ID": "dorpsinitiatief",
        "OIDC_OP_DISCOVERY_URL": "https://login.nunspeet.example/realms/staf/.well-known/openid-configuration",
        "OIDC_PROVIDER_LOGOUT": "true",
    }
    assert settings_with(provider_env) == {
        "backends": [*without["backends"], OIDC_BACKEND],
        "form_action": ["'self'", "https://login.nunspeet.example"],
    }
