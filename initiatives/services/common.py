"""What the initiative services share: mails to the initiator and the handling officers, audit rows, attachments."""

from django.urls import reverse

from audit.services import audit_log
from initiatives.models import (
    Attachment,
    Initiative,
)
from municipalities.access import officers_for_village
from municipalities.models import OfficerMembership
from notifications.models import OutboxMail
from notifications.services import mail_enqueue


def _initiator_mail_fields(initiative: Initiative, *, template: str, key: str, context=None) -> dict | None:
    if not initiative.initiator_email:
        return None
    return {
        "to": initiative.initiator_email,
        "template": template,
        "dedup_key": key,
        "language": initiative.preferred_language,
        "subject": initiative,
        "context": {"tracking_link": True, **(context or {})},
    }


def mail_initiator(initiative: Initiative, *, template: str, key: str, context=None):
    """Every mail to the initiator carries a fresh private link; no address, no mail."""
    fields = _initiator_mail_fields(initiative, template=template, key=key, context=context)
    return mail_enqueue(**fields) if fields else None


def initiator_mail(initiative: Initiative, *, template: str, key: str, context=None) -> OutboxMail | None:
    """The mail `mail_initiator` sends, as an unsaved row for `mail_enqueue_many` (many at once)."""
    fields = _initiator_mail_fields(initiative, template=template, key=key, context=context)
    return OutboxMail.about(**fields) if fields else None


def officer_link(initiative: Initiative) -> str:
    """The initiative's page in the management environment: the link a staff mail's digest shows."""
    return reverse("initiatives:officer_detail", kwargs={"pk": initiative.pk})


def officers_to_notify(initiative: Initiative, *, related=()) -> list[OfficerMembership]:
    """The village's officers; when nobody has the village, every officer of the municipality.

    `related`: more relations to read in the same query (`notifications.services.DIGEST_RELATED`).
    """
    return officers_for_village(initiative.village, related=related) or list(
        OfficerMembership.objects.filter(municipality_id=initiative.municipality_id, is_active=True).select_related(
            "user", *related
        )
    )


def save_attachments(*, initiative, files, message=None):
    for upload in files:
        Attachment.objects.create(
            initiative=initiative,
            message=message,
            file=upload.file,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
        )


def notify_handler(initiative: Initiative, *, template: str, key: str):
    recipients = (
        [initiative.assigned_officer]
        if initiative.assigned_officer
        else [o.user for o in officers_to_notify(initiative)]
    )
    for user in recipients:
        if user.email:
            mail_enqueue(
                to=user.email,
                template=template,
                dedup_key=f"{key}:{user.pk}",
                subject=initiative,
                recipient=user,
                link=officer_link(initiative),
                context={"officer_name": user.get_full_name()},
            )


def audit_initiative(actor, action: str, initiative: Initiative, detail: str = "", obj=None):
    audit_log(actor=actor, action=action, obj=obj or initiative, municipality=initiative.municipality, detail=detail)
