"""A real OpenID Connect provider for the tests: oidc-provider-mock (Flask and authlib) in a thread.

It signs its ID tokens with its own RSA key, publishes the key (JWKS) and a discovery document,
and takes any client id and secret. A test chooses a person's claims (`provider.person(...)`):
they go into the ID token and the userinfo answer as they are, so a test can make the provider
issue a token for another audience (`aud`) or one that has expired (`exp`), and say how the
person signed in (`amr`, `acr`). The platform verifies those tokens with mozilla-django-oidc as
it would a municipality's.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings

# authlib refuses plain http unless told that this is a test.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "dorpsinitiatief-test"
CLIENT_SECRET = "geheim-van-de-test"
OIDC_BACKEND = "accounts.oidc.OIDCBackend"


@dataclass
class MockProvider:
    url: str

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def person(self, sub: str, **claims) -> str:
        """The provider knows `sub` with these claims from now on; returns `sub`."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()
        return sub


@contextmanager
def running_provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        yield MockProvider(url=f"http://localhost:{server.server_port}")


def oidc_settings(discovery_url: str, **more) -> dict:
    """The settings of an installation with this provider (as the OIDC_* variables make them).
    The mock's tokens name no key id (`kid`): OIDC_VERIFY_KID off, as the README says for it."""
    return {
        "OIDC_OP_DISCOVERY_URL": discovery_url,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_VERIFY_KID": False,
        "AUTHENTICATION_BACKENDS": [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND],
        **more,
    }


# A provider nobody runs (.invalid never resolves): the pages exist, nothing is fetched until a sign-in.
OFFLINE_PROVIDER = {
    "OIDC_OP_DISCOVERY_URL": "",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.gemeente.invalid/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.gemeente.invalid/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.gemeente.invalid/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.gemeente.invalid/jwks",
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
}


def offline_provider_settings() -> dict:
    return {**OFFLINE_PROVIDER, "AUTHENTICATION_BACKENDS": [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]}


def authorize(authorization_url: str, sub: str | None, deny: bool = False) -> str:
    """What a person does on the provider's sign-in page: choose `sub` (or press Deny).
    Returns the address the provider sends the browser back to (our callback)."""
    data = {"action": "deny"} if deny else {"sub": sub}
    response = requests.post(authorization_url, data=data, allow_redirects=False, timeout=5)
    assert response.status_code == 302, (response.status_code, response.text[:300])
    return response.headers["Location"]


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
