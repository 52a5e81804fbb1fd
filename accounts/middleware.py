"""Staff finish signing in before they see anything else.

Runs after django-otp's OTPMiddleware, which marks the session's user as verified (one query for
the device the session names). A signed-in user who needs two-step sign-in (`mfa_required`) and is
not verified yet is sent to the code page (an app is set up) or to the setup page (not yet),
with `?next=` back to where they were going. Anonymous visitors and residents never notice.
"""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from accounts.mfa import confirmed_totp_device, mfa_required

# Open without a verified session: the steps themselves, signing in and out, the language switch.
OPEN_URL_NAMES = (
    "accounts:mfa_verify",
    "accounts:mfa_verify_recovery",
    "accounts:mfa_setup",
    "login",
    "logout",
    "set_language",
    "core:healthz",
    "admin:login",
    "admin:logout",
)


@cache
def _open_paths(urlconf) -> frozenset[str]:
    paths = set()
    for name in OPEN_URL_NAMES:
        try:
            paths.add(reverse(name, urlconf=urlconf))
        except NoReverseMatch:
            continue
    return frozenset(paths)


def is_open_path(request) -> bool:
    path = request.path_info
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    return path in _open_paths(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)


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
