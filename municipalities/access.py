"""Who is an officer of which municipality: the one place that answers it.

Officers' pages are for active officers (and coordinators) of a municipality, and services
check again with `require_officer` before they write.

Objects are then always looked up through `visible_to(request.user)`, so another
municipality's initiative answers 404 exactly like a missing one.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed
from municipalities.constants import OfficerRole
from municipalities.models import OfficerMembership
from municipalities.scoping import remember_officer_municipalities


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


def act_as_officer_for_request(user, municipality) -> None:
    """Officer rights in one municipality for this request's user object, without a membership
    row: for an API key's account (api.models.ApiKey), so that the services' `require_officer`
    holds while the key appears in no list of officers, assignments or mails."""
    membership = OfficerMembership(user=user, municipality=municipality, is_active=True)
    remember_officer_municipalities(user, [membership])
    setattr(user, _CACHE_ATTRIBUTE, [membership])


def is_officer_of(user, municipality_id) -> bool:
    """Active officers (and coordinators) of the municipality, and platform admins."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:  # the memberships this request already loaded
        return any(membership.municipality_id == municipality_id for membership in cached)
    return OfficerMembership.objects.filter(user=user, municipality_id=municipality_id, is_active=True).exists()


def require_officer(actor, municipality_id) -> None:
    """Raise `NotAllowed` unless `actor` is an officer of the municipality (or a platform admin)."""
    if not is_officer_of(actor, municipality_id):
        raise NotAllowed(_("Only officers of this municipality can do this."))


def is_coordinator_of(user, municipality_id) -> bool:
    """Active coordinators of the municipality, and platform admins: who may approve a proposal."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return any(m.municipality_id == municipality_id and m.is_coordinator for m in cached)
    return OfficerMembership.objects.filter(
        user=user, municipality_id=municipality_id, is_active=True, role=OfficerRole.COORDINATOR
    ).exists()


def require_coordinator(actor, municipality_id) -> None:
    """Raise `NotAllowed` unless `actor` is a coordinator of the municipality (or a platform admin)."""
    if not is_coordinator_of(actor, municipality_id):
        raise NotAllowed(_("Only coordinators of this municipality can do this."))


def coordinators_of(municipality_id) -> list[OfficerMembership]:
    """The active coordinators of the municipality, with their users."""
    return list(
        OfficerMembership.objects.filter(
            municipality_id=municipality_id, is_active=True, role=OfficerRole.COORDINATOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def officers_for_village(village, *, related=()) -> list[OfficerMembership]:
    """The officers with `village` in their portfolio: who residents of that village deal with.

    `related`: more relations to read in the same query (what a caller needs about each user).
    """
    return list(
        OfficerMembership.objects.filter(municipality_id=village.municipality_id, is_active=True, villages=village)
        .select_related("user", *related)
        .order_by("role", "user__last_name")
    )


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
