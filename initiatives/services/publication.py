"""The review of a publication: nothing a resident submits is public before an officer of the
municipality approves it; an officer can take it offline again, with a reason the initiator reads.

PUBLICATION_TRANSITIONS is the only source of the allowed steps. Each step locks the row,
records who and when, and writes an audit line; a refused step is audited too.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.models import AuditResult
from audit.services import audit_log
from initiatives.constants import PUBLICATION_TRANSITIONS, Publication, Status
from initiatives.models import Initiative
from initiatives.services.common import audit_initiative
from municipalities.access import require_officer

# The actor of an approval the municipality's setting made (audit lines show it as this label).
WITHOUT_REVIEW = "publish_without_review"


class PublicationNotAllowed(ValidationError):
    pass


def publication_at_submission(initiative: Initiative, *, now) -> None:
    """Before the first save: a municipality that publishes without review approves a consenting
    initiative at once (`publication_audit_submission` writes the audit line after the save)."""
    if initiative.publication_consent and initiative.municipality.publish_without_review:
        initiative.publication = Publication.APPROVED
        initiative.publication_decided_at = now


def publication_audit_submission(initiative: Initiative) -> None:
    """The audit line of an approval by the municipality's setting (actor: the system)."""
    if initiative.publication == Publication.APPROVED:
        audit_log(
            actor=None,
            action=AuditAction.PUBLICATION_APPROVE,
            obj=initiative,
            municipality=initiative.municipality,
            detail=WITHOUT_REVIEW,
        )


def _refusal(initiative: Initiative, to: str) -> str:
    """Why `initiative` cannot go to publication state `to`; empty when it can."""
    if to == Publication.APPROVED:
        if not initiative.publication_consent:
            return _("The initiator did not give consent to publish this initiative.")
        if initiative.status == Status.WITHDRAWN:
            return _("A withdrawn initiative is never published.")
    if to not in PUBLICATION_TRANSITIONS.get(initiative.publication, frozenset()):
        if to == Publication.APPROVED:
            return _("This initiative is already approved for publication.")
        return _("This initiative is already not published.")
    return ""


def _publication_set(*, initiative: Initiative, to: str, actor, reason: str = "") -> Initiative:
    """Apply one step of the review; a refusal is audited outside the rolled-back transaction."""
    require_officer(actor, initiative.municipality_id)
    if to == Publication.HIDDEN and not reason:
        raise ValidationError({"reason": _("Say why the initiative is not published. The initiator reads it.")})
    try:
        with transaction.atomic():
            initiative = Initiative.objects.select_for_update().select_related("municipality").get(pk=initiative.pk)
            refusal = _refusal(initiative, to)
            if refusal:
                raise PublicationNotAllowed(refusal)
            from_state = initiative.publication
            initiative.publication = to
            initiative.publication_reason = reason
            initiative.publication_decided_at = timezone.now()
            initiative.publication_decided_by = actor
            initiative.full_clean(
                exclude=["village", "municipality", "organisation", "assigned_officer", "registered_by"],
                validate_unique=False,
                validate_constraints=False,
            )
            initiative.save(
                update_fields=[
                    "publication",
                    "publication_reason",
                    "publication_decided_at",
                    "publication_decided_by",
                    "updated_at",
                ]
            )
            audit_initiative(
                actor,
                AuditAction.PUBLICATION_APPROVE if to == Publication.APPROVED else AuditAction.PUBLICATION_HIDE,
                initiative,
                detail=f"{from_state} -> {to}",
            )
    except PublicationNotAllowed:
        audit_log(
            actor=actor,
            action=AuditAction.PUBLICATION_APPROVE if to == Publication.APPROVED else AuditAction.PUBLICATION_HIDE,
            obj=initiative,
            municipality=initiative.municipality,
            result=AuditResult.REFUSED,
            detail=f"{initiative.publication} -> {to}",
        )
        raise
    return initiative


def publication_approve(*, initiative: Initiative, actor) -> Initiative:
    """An officer of the initiative's municipality puts it on the public pages (consent needed)."""
    return _publication_set(initiative=initiative, to=Publication.APPROVED, actor=actor)


def publication_hide(*, initiative: Initiative, actor, reason: str) -> Initiative:
    """An officer refuses the publication or takes a published initiative offline, saying why."""
    return _publication_set(initiative=initiative, to=Publication.HIDDEN, actor=actor, reason=(reason or "").strip())
