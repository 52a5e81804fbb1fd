"""Who may see a VO trajectory, who steers it, and what the members of its progress group do.

See: `Trajectory.objects.visible_to(user)` (facilitators of the supporting association,
officers of the municipality, members of its progress group, platform admins).

Steer (`can_steer_trajectory`): platform admins and the facilitators of the supporting
association. Steering is every change to the course of the trajectory: stages and their
checklists, the progress group, meetings and their invitations, attendance, minutes and
action items, the vision's text and status, the scans, costs and editing cases. Everyone who
steers signs in with a second factor (`accounts.mfa.user_needs_mfa`: facilitators and admins).

Take part (`is_progress_group_member`): an active member of the trajectory's own progress group
reads everything of it (meetings, minutes, action items, the vision, scan results), adds cases
(`can_add_case`) and comments on the latest version of the vision while it is in consultation
(`can_comment_on_trajectory_vision`). Members do not steer; the owner of an action item (a
member with an account) edits and closes that item (`can_manage_action_item`).

Contact data of the members (email, phone): only for users who see the trajectory and sign in
with a second factor (`can_see_member_contacts`); a member without a staff role does not.

Officers of the municipality outside the progress group read only.

The association's report (`can_read_association_report`): platform admins and active
facilitators, over the trajectories they steer; not members, not officers.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.mfa import mfa_required
from core.exceptions import NotAllowed
from vision.models import Facilitator, ProgressGroupMember, Trajectory, facilitated_municipality_ids


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_steer_trajectory(user, trajectory: Trajectory) -> bool:
    """Platform admins and active facilitators of the association that supports the municipality."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return facilitated_municipality_ids(user).filter(pk=trajectory.municipality_id).exists()


def can_read_association_report(user) -> bool:
    """The association's report over all its trajectories (`vision.report`): platform admins and
    active facilitators. Members of a progress group and officers do not read it."""
    if not _active(user):
        return False
    return user.is_superuser or Facilitator.objects.filter(user=user, is_active=True).exists()


def is_progress_group_member(user, trajectory: Trajectory) -> bool:
    """A current member (not left) of the trajectory's own progress group, with this account."""
    if not _active(user):
        return False
    return ProgressGroupMember.objects.filter(trajectory=trajectory, user=user, left_on__isnull=True).exists()


def can_manage_action_item(user, item) -> bool:
    """Edit and close an action item: those who steer, and its owner when the owner is a
    current member of the progress group with this account."""
    if can_steer_trajectory(user, item.trajectory):
        return True
    owner = item.owner
    return bool(_active(user) and owner is not None and owner.user_id == user.pk and owner.left_on is None)


def require_action_item_manager(actor, item, message, *, error=NotAllowed) -> None:
    if not can_manage_action_item(actor, item):
        raise error(message)


def can_add_case(user, trajectory: Trajectory) -> bool:
    return can_steer_trajectory(user, trajectory) or is_progress_group_member(user, trajectory)


def can_comment_on_trajectory_vision(user, trajectory: Trajectory) -> bool:
    """May comment on the trajectory's vision; the service also wants the latest version, in
    consultation (`vision.services.documents.vision_comment_add`)."""
    return can_steer_trajectory(user, trajectory) or is_progress_group_member(user, trajectory)


def can_see_member_contacts(user, trajectory: Trajectory) -> bool:
    """Email and phone of the members: only for users who sign in with a second factor.

    The caller has found `trajectory` through `visible_to(user)` already.
    """
    return _active(user) and mfa_required(user)


def require_steerer(actor, trajectory: Trajectory, message, *, error=NotAllowed) -> None:
    """Raise `error` with `message` unless `actor` steers `trajectory` (services check again)."""
    if not can_steer_trajectory(actor, trajectory):
        raise error(message)


def require_case_adder(actor, trajectory: Trajectory, message, *, error=NotAllowed) -> None:
    if not can_add_case(actor, trajectory):
        raise error(message)


# What a view needs before it runs (`TrajectoryMixin.needs`); reading needs nothing more.
STEER = "steer"
ADD_CASE = "add_case"
COMMENT = "comment"


class TrajectoryMixin(LoginRequiredMixin):
    """Loads `self.trajectory` from the URL's `trajectory` kwarg through the user's scope.

    Another association's trajectory answers 404, like a missing one. `needs` names what a view
    that changes something requires (`STEER`, `ADD_CASE` or `COMMENT`); a user who sees the
    trajectory but may not do that gets 403. The page's context says what the user may do:
    `can_steer`, `can_add_case`, `can_comment` and `can_see_contacts`.
    """

    needs: str | None = None
    trajectory_kwarg = "trajectory"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.trajectory = get_object_or_404(
            Trajectory.objects.visible_to(request.user).select_related("municipality", "facilitator__user"),
            pk=kwargs[self.trajectory_kwarg],
        )
        user = request.user
        self.can_steer = can_steer_trajectory(user, self.trajectory)
        # Whether a member who does not steer: those who steer may do all a member does anyway.
        self.is_member = not self.can_steer and is_progress_group_member(user, self.trajectory)
        self.can_add_case = self.can_steer or self.is_member
        self.can_comment = self.can_steer or self.is_member
        self.can_see_contacts = can_see_member_contacts(user, self.trajectory)
        allowed = {STEER: self.can_steer, ADD_CASE: self.can_add_case, COMMENT: self.can_comment}
        if self.needs is not None and not allowed[self.needs]:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def access_context(self) -> dict:
        return {
            "trajectory": self.trajectory,
            "municipality": self.trajectory.municipality,
            "can_steer": self.can_steer,
            "is_member": self.is_member,
            "can_add_case": self.can_add_case,
            "can_comment": self.can_comment,
            "can_see_contacts": self.can_see_contacts,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.access_context())
        return context
