from functools import cache

from accounts.mfa import mfa_required
from municipalities.access import officer_membership as membership_of


def staff_menu(request):
    """What the header's menu needs to know of the signed-in user.

    Each value is a callable, so the template only queries the database when it shows the
    header for a logged-in user, and only once per request.
    """
    user = getattr(request, "user", None)

    @cache
    def officer_membership():
        if user is None or not user.is_authenticated:
            return None
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
        return mfa_required(user)

    return {
        "mfa_pending": mfa_pending,
        "officer_membership": officer_membership,
        "officer_municipality": officer_municipality,
    }
