"""Who may open the officers' pages: active officers (and coordinators) of a municipality.

Objects are then always looked up through `visible_to(request.user)`, so another
municipality's initiative answers 404 exactly like a missing one.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .constants import OfficerRole
from .models import OfficerMembership
from .scoping import remember_officer_municipalities


def officer_membership(user) -> OfficerMembership | None:
    """The user's (first) active membership; all of them are remembered for scoping."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:  # the view and the header of one request ask once
        return cached[0] if cached else None
    memberships = list(
        OfficerMembership.objects.filter(user=user, is_active=True).select_related("municipality").order_by("pk")
    )
    remember_officer_municipalities(user, memberships)
    setattr(user, _CACHE_ATTRIBUTE, memberships)  # the user object lives for one request
    return memberships[0] if memberships else None


_CACHE_ATTRIBUTE = "_officer_memberships"


class OfficerRequiredMixin(LoginRequiredMixin):
    """Logged-in officers and coordinators; platform admins too. Others get 403."""

    coordinator_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = officer_membership(request.user)
        if request.user.is_superuser:
            return super().dispatch(request, *args, **kwargs)
        if self.membership is None:
            raise PermissionDenied
        if self.coordinator_only and self.membership.role != OfficerRole.COORDINATOR:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CoordinatorRequiredMixin(OfficerRequiredMixin):
    coordinator_only = True
