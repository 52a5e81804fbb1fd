"""Forwarding: the village of an initiative lies in another municipality of the platform.

An officer sends it on, choosing the village there. The initiative moves with its history
(status changes, messages, attachments, agreements and mails are its own rows, so they move
with it); what belonged to the sender stays behind: the handler, the officers' read marks, the
organisation (of the sender's village) and links to the sender's village plans. The scoping by
municipality then takes the sender's access away: their pages answer 404.

Deadlines start again (Awb 2:3: a forwarded request counts from its receipt by the competent
body): the first response and the decision are due by the receiver's own norms, counted from
the day of forwarding; the status goes back to "submitted" and a first response is owed again.

Refused once the municipality has decided or given money, and for a closed or withdrawn
initiative: then it is no longer a request that went to the wrong desk.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from initiatives.constants import OPEN_STATUSES
from initiatives.deadlines import initiative_due_dates
from initiatives.models import Forwarding, Initiative, OfficerReadMark
from initiatives.services.common import mail_initiator, officer_link, officers_to_notify
from initiatives.services.workflow import initiative_restart
from municipalities.access import require_officer
from notifications.services import mail_enqueue


class ForwardNotAllowed(ValidationError):
    pass


def forward_refusal(initiative: Initiative) -> str:
    """Why `initiative` cannot be forwarded now; empty when it can."""
    if initiative.status not in OPEN_STATUSES:
        return _("Only an open initiative can be forwarded: this one is “%(status)s”.") % {
            "status": initiative.get_status_display()
        }
    # .all(): the officer's page has these prefetched
    if initiative.decisions.all():
        return _("The municipality has already decided on this initiative, so it cannot be forwarded.")
    if initiative.grants.all():
        return _("This initiative has a contribution from a fund, so it cannot be forwarded.")
    if initiative.duplicates.all():
        return _("Other initiatives are marked as a duplicate of this one. Undo those marks first.")
    return ""


@transaction.atomic
def initiative_forward(*, initiative: Initiative, village, actor, note: str = "") -> Forwarding:
    """Move `initiative` to `village` in another active municipality; both municipalities'
    audit logs get a line, the receiver's officers and the initiator are told."""
    require_officer(actor, initiative.municipality_id)
    initiative = Initiative.objects.select_for_update().select_related("municipality", "village").get(pk=initiative.pk)
    sender, receiver = initiative.municipality, village.municipality
    refusal = forward_refusal(initiative)
    if not refusal and receiver.pk == sender.pk:
        refusal = _("Choose a village in another municipality. To change the village, edit the initiative.")
    elif not refusal and not receiver.is_active:
        refusal = _("This municipality does not accept initiatives on this platform.")
    if refusal:
        raise ForwardNotAllowed(refusal)
    note = note.strip()
    forwarding = Forwarding(
        initiative=initiative,
        from_municipality=sender,
        to_municipality=receiver,
        from_village=initiative.village,
        to_village=village,
        note=note,
        actor=actor,
    )
    forwarding.full_clean()
    initiative = initiative_restart(
        initiative=initiative,
        actor=actor,
        note=_("Forwarded from %(from)s to %(to)s.") % {"from": sender.name, "to": receiver.name},
    )
    forwarding.save()  # after the status row: the history, newest first, opens with the forwarding
    now = timezone.now()
    initiative.municipality, initiative.village = receiver, village
    initiative.first_response_due, initiative.decision_due = initiative_due_dates(
        municipality=receiver, submitted_at=now
    )
    initiative.first_response_at = None
    initiative.assigned_officer = None
    initiative.organisation = None
    initiative.officers_notice_pending = False  # the receiving officers hear of it below, the sender's need not
    initiative.full_clean(validate_unique=False, validate_constraints=False)
    initiative.save(
        update_fields=[
            "municipality",
            "village",
            "first_response_due",
            "decision_due",
            "first_response_at",
            "assigned_officer",
            "organisation",
            "officers_notice_pending",
            "updated_at",
        ]
    )
    OfficerReadMark.objects.filter(initiative=initiative).delete()
    initiative.plan_actions.clear()  # the sender's village plans
    detail = f"from={sender.pk} to={receiver.pk}"
    for municipality in (sender, receiver):
        audit_log(
            actor=actor, action=AuditAction.INITIATIVE_FORWARD, obj=initiative, municipality=municipality, detail=detail
        )
    for officer in officers_to_notify(initiative):
        if officer.user.email:
            mail_enqueue(
                to=officer.user.email,
                template="initiatives/email/officer_new",
                dedup_key=f"forwarded:{forwarding.pk}:{officer.user_id}",
                subject=initiative,
                recipient=officer.user,
                link=officer_link(initiative),
                context={"officer_name": officer.user.get_full_name(), "forwarded_from": sender.name},
            )
    mail_initiator(
        initiative,
        template="initiatives/email/forwarded",
        key=f"forwarded:{forwarding.pk}",
        context={"forwarded_from": sender.name},
    )
    return forwarding
