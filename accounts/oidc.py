"""Signing in with the municipality's account: OpenID Connect, with mozilla-django-oidc.

Off unless the installation names its client id and its provider (`enabled()`; the settings
OIDC_*, README "Signing in with the municipality's account"). Then:

- `provider()` gives the provider's addresses: the settings, or its discovery document, fetched
  when a sign-in needs it (with OIDC_TIMEOUT) and kept OIDC_DISCOVERY_CACHE_SECONDS per process.
  A password login never waits for the provider.
- `OIDCBackend` is mozilla-django-oidc's backend. It exchanges the code and verifies the ID token
  (signature against the provider's keys, expiry, nonce); here it also checks the audience and the
  issuer, which mozilla-django-oidc leaves unchecked. It matches the e-mail claim to one active
  account (or makes one without a role, OIDC_CREATE_USERS) and says whether the provider's own
  sign-in counts as our second step (`second_step_by_provider`: `amr`/`acr` of the ID token).
- Everything it refuses raises `SignInRefused` with a `Refusal`: the views show a page that
  says why, and write an audit line (accounts.views, "signing in with the municipality's account").
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import models
from django.shortcuts import resolve_url
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.services import oidc_account_create

logger = logging.getLogger(__name__)

BACKEND = "accounts.oidc.OIDCBackend"
# What mozilla-django-oidc's request view keeps in the session: the sign-ins under way, the page to go to.
STATES_SESSION_KEY = "oidc_states"
NEXT_SESSION_KEY = "oidc_login_next"
# The ID token of this session's sign-in, for ending the provider's session too (OIDC_PROVIDER_LOGOUT).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key, not a secret


class Refusal(models.TextChoices):
    """Why a sign-in with the municipality's account did not go on (audit detail and page)."""

    CANCELLED = "cancelled", _("Signing in was stopped")
    PROVIDER = "provider", _("The municipality's sign-in service gave an error")
    STATE = "state", _("This sign-in was not started here, or is too old")
    EXPIRED = "expired", _("The sign-in had expired")
    AUDIENCE = "audience", _("The sign-in was meant for another application")
    INVALID = "invalid", _("The sign-in could not be checked")
    EMAIL = "email", _("No confirmed e-mail address")
    UNKNOWN = "unknown", _("No account with this e-mail address")
    CREATED = "created", _("Account made, without a role yet")
    AMBIGUOUS = "ambiguous", _("More than one account with this e-mail address")
    INACTIVE = "inactive", _("The account is switched off")
    NO_ROLE = "no_role", _("The account has no role")
    NOT_ALLOWED = "not_allowed", _("Not in a group that may use this platform")


class SignInRefused(Exception):
    """A sign-in refused for `reason`; `user` when an account matched, `label` (the e-mail address
    the provider sent) when none did. Not a SuspiciousOperation: mozilla-django-oidc would turn
    that into a silent None."""

    def __init__(self, reason: Refusal, *, user=None, label: str = ""):
        super().__init__(reason.value)
        self.reason = reason
        self.user = user
        self.label = label


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or names too little."""


def enabled() -> bool:
    """The installation has a provider: a client id and a discovery document or endpoint addresses."""
    return bool(
        settings.OIDC_RP_CLIENT_ID and (settings.OIDC_OP_DISCOVERY_URL or settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    )


# --- the provider's addresses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


_discovered: dict[str, tuple[float, dict]] = {}
_discovered_lock = threading.Lock()


def _discovery_document(url: str) -> dict:
    now = time.monotonic()
    with _discovered_lock:
        cached = _discovered.get(url)
    if cached and cached[0] > now:
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery document: {type(exc).__name__}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable("discovery document: not a JSON object")
    with _discovered_lock:
        _discovered[url] = (now + settings.OIDC_DISCOVERY_CACHE_SECONDS, document)
    return document


def forget_discovery() -> None:
    """Read the discovery document again at the next sign-in (tests, a provider that moved)."""
    with _discovered_lock:
        _discovered.clear()


def provider() -> Provider:
    """The provider's addresses: each OIDC_OP_* setting that is set, else the discovery document's."""
    document = _discovery_document(settings.OIDC_OP_DISCOVERY_URL) if settings.OIDC_OP_DISCOVERY_URL else {}

    def pick(setting: str, key: str) -> str:
        value = getattr(settings, setting) or document.get(key) or ""
        return value if isinstance(value, str) else ""

    found = Provider(
        issuer=pick("OIDC_OP_ISSUER", "issuer"),
        authorization_endpoint=pick("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
        token_endpoint=pick("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
        userinfo_endpoint=pick("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
        jwks_uri=pick("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
        end_session_endpoint=pick("OIDC_OP_LOGOUT_ENDPOINT", "end_session_endpoint"),
    )
    signed_with_keys = settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS"))
    if not (found.authorization_endpoint and found.token_endpoint and (found.jwks_uri or not signed_with_keys)):
        raise ProviderUnavailable("the provider's authorization, token or keys address is missing")
    return found


# --- the claims -----------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def second_step_by_provider(id_token_claims: dict) -> str:
    """Why the provider's sign-in counts as our second step ("amr mfa", "acr <value>"), or "" when
    the ID token does not say that more than a password was used (OIDC_MFA_AMR, OIDC_MFA_ACR)."""
    for method in _as_list(id_token_claims.get("amr")):
        if method in settings.OIDC_MFA_AMR:
            return f"amr {method}"[:100]
    acr = id_token_claims.get("acr")
    if acr is not None and str(acr) in settings.OIDC_MFA_ACR:
        return f"acr {acr}"[:100]
    return ""


def _check_audience_and_issuer(claims: dict, issuer: str) -> None:
    """OpenID Connect Core 3.1.3.7: our client id is (one of) the audience, and with more than one,
    the authorised party; the issuer is the provider's (when it is known)."""
    client_id = settings.OIDC_RP_CLIENT_ID
    audience = _as_list(claims.get("aud"))
    if client_id not in audience or (len(audience) > 1 and claims.get("azp") != client_id):
        raise SignInRefused(Refusal.AUDIENCE)
    if issuer and claims.get("iss") != issuer:
        raise SignInRefused(Refusal.INVALID)
    if "exp" not in claims:
        raise SignInRefused(Refusal.INVALID)


# --- the backend ----------------------------------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the provider's addresses read when a sign-in comes back,
    the checks it leaves out, and our rules for matching an account."""

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads every address here, for every login, the password's too; they
        # are read when a sign-in comes back instead (`provider`), from the discovery document.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @cached_property
    def provider(self) -> Provider:
        return provider()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 - mozilla-django-oidc's name
        return self.provider.token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return self.provider.userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return self.provider.jwks_uri

    def authenticate(self, request, **kwargs):
        # Only the callback view (accounts.views.OIDCCallbackView) signs in here: it passes the
        # nonce. A password login with ?code=&state= in its address never reaches the provider.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # not an account that was switched off

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, the expiry and the nonce; then the audience and issuer."""
        try:
            claims = super().verify_token(token, **kwargs)
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused(Refusal.EXPIRED) from exc
        except (jwt.PyJWTError, SuspiciousOperation, KeyError) as exc:
            logger.warning("OpenID Connect: token refused (%s)", type(exc).__name__)
            raise SignInRefused(Refusal.INVALID) from exc
        _check_audience_and_issuer(claims, self.provider.issuer)
        return claims

    def store_tokens(self, access_token, id_token):
        """Nothing here: the callback keeps the ID token once the person is signed in (for logout)."""

    def get_or_create_user(self, access_token, id_token, payload):
        """`payload` is the verified ID token. Its claims win over the userinfo endpoint's, which adds
        what the ID token lacks (often the e-mail address and the groups)."""
        claims = dict(payload)
        if self.provider.userinfo_endpoint:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
                raise SignInRefused(Refusal.INVALID)
            claims = {**userinfo, **payload}
        email = self.email_of(claims)
        user = self.matching_user(claims, email)
        if not self.in_allowed_group(claims):
            raise SignInRefused(Refusal.NOT_ALLOWED, user=user, label=email)
        created = False
        if user is None:
            if not settings.OIDC_CREATE_USERS:
                raise SignInRefused(Refusal.UNKNOWN, label=email)
            user = self.create_user(claims)
            created = True
        user.oidc_created = created
        user.oidc_second_step = second_step_by_provider(payload)
        user.oidc_id_token = id_token
        return user

    def email_of(self, claims: dict) -> str:
        email = claims.get(settings.OIDC_EMAIL_CLAIM)
        if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
            raise SignInRefused(Refusal.EMAIL)
        return email.strip()

    def filter_users_by_claims(self, claims):
        email = claims.get(settings.OIDC_EMAIL_CLAIM)
        if not isinstance(email, str) or not email.strip():
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email.strip())

    def matching_user(self, claims: dict, email: str):
        """The one active account with this e-mail address; None when there is none at all."""
        users = list(self.filter_users_by_claims(claims)[:10])
        active = [user for user in users if user.is_active]
        if len(active) > 1:
            raise SignInRefused(Refusal.AMBIGUOUS, label=email)
        if active:
            return active[0]
        if users:
            raise SignInRefused(Refusal.INACTIVE, user=users[0], label=email)
        return None

    def in_allowed_group(self, claims: dict) -> bool:
        if not (settings.OIDC_GROUPS_CLAIM and settings.OIDC_ALLOWED_GROUPS):
            return True
        groups = set(_as_list(claims.get(settings.OIDC_GROUPS_CLAIM)))
        return bool(groups & set(settings.OIDC_ALLOWED_GROUPS))

    def create_user(self, claims):
        return oidc_account_create(
            email=self.email_of(claims),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )


# --- logging out at the provider too --------------------------------------------------------------


def provider_logout_url(request) -> str:
    """Where the browser goes after our logout to end the provider's session too, or "" (then the
    logout stays ours). Only for a session signed in with the provider, with OIDC_PROVIDER_LOGOUT.
    The same hook as mozilla-django-oidc's OIDC_OP_LOGOUT_URL_METHOD; read before the session ends."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not (id_token and settings.OIDC_PROVIDER_LOGOUT and enabled()):
        return ""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        logger.warning("OpenID Connect: no end-session address; logged out here only", exc_info=True)
        return ""
    if not endpoint:
        return ""
    params = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
