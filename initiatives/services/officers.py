"""What an officer does with an initiative of their municipality: assign, message, say the
municipality's role, keep agreements. Each takes the acting user and checks again that they are
an officer of the initiative's municipality.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from initiatives.constants import MessageKind
from initiatives.models import (
    Agreement,
    Initiative,
    Message,
    OfficerReadMark,
    RoleChange,
)
from initiatives.services.common import audit_initiative, mail_initiator, officer_link, save_attachments
from initiatives.statistics_rollups import statistics_touch
from municipalities.access import NotAllowed, require_officer
from municipalities.models import OfficerMembership
from notifications.services import mail_enqueue


@transaction.atomic
def initiative_assign(*, initiative: Initiative, officer, actor) -> Initiative:
    """Give the initiative to `officer` (a user); they hear about it unless they took it themselves."""
    require_officer(actor, initiative.municipality_id)
    membership = OfficerMembership.objects.filter(
        user=officer, municipality_id=initiative.municipality_id, is_active=True
    ).first()
    if membership is None:
        raise NotAllowed(_("You can only assign an officer of this municipality."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.assigned_officer_id == officer.pk:
        return initiative
    initiative.assigned_officer = officer
    initiative.save(update_fields=["assigned_officer", "updated_at"])
    audit_initiative(actor, AuditAction.INITIATIVE_ASSIGN, initiative, detail=f"officer={officer.pk}")
    if officer.pk != actor.pk and officer.email:
        mail_enqueue(
            to=officer.email,
            template="initiatives/email/officer_assigned",
            recipient=officer,
            dedup_key=f"assigned:{initiative.pk}:{officer.pk}:{uuid.uuid4().hex[:8]}",
            subject=initiative,
            link=officer_link(initiative),
            context={"officer_name": officer.get_full_name(), "by_name": actor.get_full_name()},
        )
    return initiative


@transaction.atomic
def initiative_bulk_assign(*, initiatives, officer, actor) -> int:
    """Assign many at once, all or nothing; each is its own audited change. Returns how many changed."""
    changed = 0
    for initiative in initiatives:
        before = initiative.assigned_officer_id
        if initiative_assign(initiative=initiative, officer=officer, actor=actor).assigned_officer_id != before:
            changed += 1
    return changed


def record_first_response(initiative: Initiative) -> None:
    if initiative.first_response_at is None:
        answered = Initiative.objects.filter(pk=initiative.pk, first_response_at__isnull=True).update(
            first_response_at=timezone.now()
        )
        if answered:
            statistics_touch(initiatives=[initiative])  # an UPDATE sends no signal


@transaction.atomic
def initiative_message_send(*, initiative: Initiative, body: str, actor, internal: bool = False, files=()) -> Message:
    """A message to the initiator (mailed, shown on their page) or an internal note (never shown)."""
    require_officer(actor, initiative.municipality_id)
    kind = MessageKind.INTERNAL_NOTE if internal else MessageKind.TO_INITIATOR
    message = Message.objects.create(initiative=initiative, kind=kind, author=actor, body=body)
    save_attachments(initiative=initiative, files=files, message=message)
    if not internal:
        record_first_response(initiative)
        mail_initiator(initiative, template="initiatives/email/officer_message", key=f"message:{message.pk}")
    audit_initiative(
        actor, AuditAction.INITIATIVE_NOTE if internal else AuditAction.INITIATIVE_MESSAGE, initiative, obj=message
    )
    return message


def initiative_mark_seen(*, initiative: Initiative, user) -> None:
    """`user` opened the initiative's page now: the initiator's replies until now are no longer
    new to them. One statement (an upsert); reading is no change, so no audit line."""
    OfficerReadMark.objects.bulk_create(
        [OfficerReadMark(user=user, initiative=initiative, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "initiative"],
        update_fields=["seen_at"],
    )
    if initiative.assignee_has_new_reply and initiative.assigned_officer_id == user.pk:
        Initiative.objects.filter(pk=initiative.pk, assigned_officer=user).update(assignee_has_new_reply=False)
        initiative.assignee_has_new_reply = False


@transaction.atomic
def initiative_set_role(*, initiative: Initiative, role: str, explanation: str, actor) -> Initiative:
    """The municipality's rung on the overheidsparticipatietrap for this initiative, said out loud."""
    require_officer(actor, initiative.municipality_id)
    before = initiative.municipal_role
    if (role, explanation) == (before, initiative.municipal_role_explanation):
        return initiative  # nothing changed: no history line
    initiative.municipal_role = role
    initiative.municipal_role_explanation = explanation
    initiative.full_clean(validate_unique=False, validate_constraints=False)
    initiative.save(update_fields=["municipal_role", "municipal_role_explanation", "updated_at"])
    change = RoleChange(initiative=initiative, from_role=before, to_role=role, explanation=explanation, actor=actor)
    change.full_clean()
    change.save()
    audit_initiative(actor, AuditAction.INITIATIVE_ROLE, initiative, detail=role)
    return initiative


@transaction.atomic
def agreement_add(
    *, initiative: Initiative, actor, party: str, role: str, description: str, due_date=None, partner_name: str = ""
) -> Agreement:
    require_officer(actor, initiative.municipality_id)
    agreement = Agreement(
        initiative=initiative,
        party=party,
        role=role,
        description=description,
        due_date=due_date,
        partner_name=partner_name,
        created_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    audit_initiative(actor, AuditAction.AGREEMENT_ADD, initiative, obj=agreement)
    return agreement


@transaction.atomic
def agreement_set_done(*, agreement: Agreement, actor, done: bool = True) -> Agreement:
    require_officer(actor, agreement.initiative.municipality_id)
    agreement.done = done
    agreement.done_at = timezone.now() if done else None
    agreement.save(update_fields=["done", "done_at", "updated_at"])
    audit_initiative(
        actor, AuditAction.AGREEMENT_DONE if done else AuditAction.AGREEMENT_REOPEN, agreement.initiative, obj=agreement
    )
    return agreement
