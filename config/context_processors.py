from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_PLATFORM_NAME = _("Village initiatives")


def platform_name():
    """The platform's name: the PLATFORM_NAME setting, or the translated default."""
    return getattr(settings, "PLATFORM_NAME", "") or DEFAULT_PLATFORM_NAME


def platform(request):
    """What every page's header and footer need.

    `officer_municipality` is a callable, so the template only queries the database when it
    shows the header for a logged-in user, and only once per request.
    """
    user = getattr(request, "user", None)

    @cache
    def officer_membership():
        if user is None or not user.is_authenticated:
            return None
        from municipalities.access import officer_membership as membership_of

        return membership_of(user)

    def officer_municipality():
        membership = officer_membership()
        return membership.municipality if membership else None

    @cache
    def mfa_pending():
        """Signed in, but the second step is still to come: the menu shows no staff pages yet.
        No query of its own: MFARequiredMiddleware already asked `mfa_required` for this user."""
        if user is None or not user.is_authenticated or getattr(user, "is_verified", lambda: True)():
            return False
        from accounts.mfa import mfa_required

        return mfa_required(user)

    return {
        "mfa_pending": mfa_pending,
        "SITE_URL": settings.SITE_URL,
        "PLATFORM_NAME": platform_name(),
        "officer_membership": officer_membership,
        "officer_municipality": officer_municipality,
    }
