"""Who may see and who may change a VO trajectory.

See: `Trajectory.objects.visible_to(user)` (facilitators of the supporting association,
officers of the municipality, members of its progress group, platform admins).
Change: platform admins, facilitators of the supporting association, and members of the
trajectory's own progress group. Officers outside the group read only.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from core.exceptions import NotAllowed
from vision.models import ProgressGroupMember, Trajectory, facilitated_municipality_ids


def can_edit_trajectory(user, trajectory: Trajectory) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    facilitates = facilitated_municipality_ids(user).filter(pk=trajectory.municipality_id).exists()
    return (
        facilitates
        or ProgressGroupMember.objects.filter(Q(left_on__isnull=True), trajectory=trajectory, user=user).exists()
    )


def require_editor(actor, trajectory: Trajectory, message, *, error=NotAllowed) -> None:
    """Raise `error` with `message` unless `actor` may change `trajectory` (services check again)."""
    if not can_edit_trajectory(actor, trajectory):
        raise error(message)


class TrajectoryMixin(LoginRequiredMixin):
    """Loads `self.trajectory` from the URL's `trajectory` kwarg through the user's scope.

    Another association's trajectory answers 404, like a missing one. Set `edit = True` on
    views that change something: read-only users then get 403.
    """

    edit = False
    trajectory_kwarg = "trajectory"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.trajectory = get_object_or_404(
            Trajectory.objects.visible_to(request.user).select_related("municipality", "facilitator__user"),
            pk=kwargs[self.trajectory_kwarg],
        )
        self.can_edit = can_edit_trajectory(request.user, self.trajectory)
        if self.edit and not self.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(trajectory=self.trajectory, municipality=self.trajectory.municipality, can_edit=self.can_edit)
        return context
