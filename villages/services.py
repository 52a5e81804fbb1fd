"""Writes for villages (STYLE.md §2): keyword-only, atomic, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from municipalities.access import is_officer_of
from villages.models import PlanAction


@transaction.atomic
def plan_action_link_initiative(*, action: PlanAction, initiative, actor) -> PlanAction:
    """An officer records that `initiative` carries out (part of) a village plan's action."""
    village = action.plan.village
    if not is_officer_of(actor, village.municipality_id):
        raise PermissionDenied(_("Only officers of this municipality can link initiatives to a plan."))
    if initiative.municipality_id != village.municipality_id:
        raise ValidationError({"initiative": _("Choose an initiative of this municipality.")})
    if action.initiatives.filter(pk=initiative.pk).exists():
        raise ValidationError({"initiative": _("This initiative is already linked to this action.")})
    action.initiatives.add(initiative)
    audit_log(
        actor=actor,
        action=AuditAction.VILLAGE_PLAN_ACTION_LINK,
        obj=action,
        municipality=village.municipality,
        detail=f"initiative={initiative.pk}",
    )
    return action
