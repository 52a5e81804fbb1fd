"""Staff finish signing in before they see anything else.

Runs after django-otp's OTPMiddleware, which marks the session's user as verified (one query for
the device the session names). A signed-in user who needs two-step sign-in (`mfa_required`) and is
not verified yet is sent to the code page (an app is set up) or to the setup page (not yet; it
asks for an enrolment link or a recovery code), with `?next=` back to where they were going.
Anonymous visitors and residents never notice.
"""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from accounts.mfa import confirmed_totp_device, mfa_required

# Open without a verified session: the steps themselves, signing in (also with the municipality's
# account) and out, the language switch.
OPEN_URL_NAMES = (
    "accounts:mfa_verify",
    "accounts:mfa_verify_recovery",
    "accounts:mfa_setup",
    "login",
    "logout",
    "oidc:login",
    "oidc:callback",
    "oidc:refused",
    "set_language",
    "core:healthz",
    "admin:login",
    "admin:logout",
)


# Open too, with any token: the enrolment link from the mail (it leads to the setup page).
OPEN_TOKEN_URL_NAMES = ("accounts:mfa_enrol",)


@cache
def _open_paths(urlconf) -> frozenset[str]:
    paths = set()
    for name in OPEN_URL_NAMES:
        try:
            paths.add(reverse(name, urlconf=urlconf))
        except NoReverseMatch:
            continue
    return frozenset(paths)


@cache
def _open_prefixes(urlconf) -> tuple[str, ...]:
    prefixes = []
    for name in OPEN_TOKEN_URL_NAMES:
        try:
            url = reverse(name, kwargs={"token": "0"}, urlconf=urlconf)
        except NoReverseMatch:
            continue
        prefixes.append(url[: url.rindex("0")])
    return tuple(prefixes)


def is_open_path(request) -> bool:
    path = request.path_info
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return path in _open_paths(urlconf) or path.startswith(_open_prefixes(urlconf))


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not is_open_path(request)
            and user.is_authenticated
            and not user.is_verified()
            and mfa_required(user)
        ):
            step = "accounts:mfa_verify" if confirmed_totp_device(user) is not None else "accounts:mfa_setup"
            url = reverse(step)
            if request.method in ("GET", "HEAD"):
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)
