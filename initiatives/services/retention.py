"""Privacy (AVG) for initiators: removal after the retention term, and a copy on request.

`retention_run(now=...)` runs daily (Celery beat, `initiatives.retention_daily`). An initiative
closed or withdrawn more than INITIATOR_DATA_RETENTION_MONTHS ago loses its initiator's personal
data; the initiative and its history keep their non-personal facts. What is removed:

- the initiator's name (replaced by a neutral text), email address and phone number;
- the bodies of the initiator's own messages and the reasons they gave with a status change
  (their free text is treated as personal; the privacy statement says so);
- every attachment, rows and files, also those of officers' messages: letters and photos about
  a resident's plan often hold personal data, and nobody can check each file by hand;
- the decision letters (PDF files: they name the initiator); the decisions themselves stay,
  and no letter is made for them again;
- the satisfaction comment and permission to contact (the score stays for the statistics);
- the tracking links (revoked), and the initiator's address on the mails in the outbox
  (a mail still pending to that address is marked failed: it can no longer be sent);
- the supporters' (neighbours') email addresses, names, reasons and links, and their address on
  the outbox's mails; a support never confirmed is deleted. Confirmed ones still count, with
  their village. (Apart from this, a support never confirmed is deleted once its link has
  expired: `support_sweep_unconfirmed`, in the same daily run.)

What stays: title, plan, costs, village, status history (statuses, dates, officers), decisions,
agreements, grants, officers' messages and internal notes, and one audit row per initiative
("initiative.anonymise"). Work happens in batches of BATCH_SIZE initiatives, each with a fixed
number of queries however many initiatives, messages or files it holds. Running twice removes
nothing more: an initiative is done once `personal_data_removed_at` is set.
"""

import calendar
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Prefetch, Value, When
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from audit.services import audit_log
from initiatives.constants import MessageKind
from initiatives.models import (
    Attachment,
    Decision,
    Grant,
    Initiative,
    Message,
    Satisfaction,
    StatusChange,
    Support,
    TrackingToken,
    decision_letter_path,
)
from initiatives.services.supports import support_sweep_unconfirmed
from initiatives.statistics_rollups import statistics_touch
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail

BATCH_SIZE = 500
# What an anonymised mail's `to` becomes: a reserved domain (RFC 2606) that never receives mail.
REMOVED_EMAIL = "removed@anonymised.invalid"


def removed_text() -> str:
    """The neutral text stored in place of personal data, in the platform's own language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("(removed)")


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (31 March minus one month: 28/29 Feb)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retention_cutoff(*, now: datetime) -> datetime:
    return months_before(now, settings.INITIATOR_DATA_RETENTION_MONTHS)


def retention_run(*, now: datetime | None = None) -> int:
    """Remove the initiator's personal data wherever the retention term has passed.

    Returns how many initiatives were anonymised. Each batch is its own transaction.
    """
    now = now or timezone.now()
    support_sweep_unconfirmed(now=now)
    cutoff = retention_cutoff(now=now)
    total = 0
    while True:
        done = _anonymise_batch(cutoff=cutoff, now=now)
        total += done
        if done < BATCH_SIZE:
            return total


@transaction.atomic
def _anonymise_batch(*, cutoff: datetime, now: datetime) -> int:
    rows = list(
        Initiative.objects.retention_due(cutoff)
        .select_for_update(skip_locked=True)  # a second run at the same time takes other rows
        .order_by("pk")
        .values("pk", "reference", "title", "municipality_id", "initiator_email")[:BATCH_SIZE]
    )
    if not rows:
        return 0
    ids = [row["pk"] for row in rows]
    placeholder = removed_text()

    # Files: the rows go now, the files once the rows are surely gone (after the commit).
    attachments = Attachment.objects.filter(initiative_id__in=ids)
    paths = [path for path in attachments.values_list("file", flat=True) if path]
    attachments.delete()  # nothing refers to an attachment: one DELETE, whatever the number
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: _delete_files(storage, paths))

    # Decision letters: the stored name, and the fixed one (a rolled-back attempt may have left it).
    letters = Decision.objects.filter(initiative_id__in=ids)
    letter_paths = {path for path in letters.exclude(letter="").values_list("letter", flat=True)}
    letter_paths |= {decision_letter_path(decision, "") for decision in letters.only("pk")}
    letters.exclude(letter="").update(letter="", letter_made_at=None)
    letter_storage = Decision._meta.get_field("letter").storage
    transaction.on_commit(lambda: _delete_files(letter_storage, sorted(letter_paths)))

    Message.objects.filter(initiative_id__in=ids, kind=MessageKind.FROM_INITIATOR).update(body=placeholder)
    # History rows keep their facts (statuses, dates, who); only the initiator's own words go.
    StatusChange.objects.filter(initiative_id__in=ids, by_initiator=True).exclude(note="").update(note=placeholder)
    TrackingToken.objects.filter(initiative_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    commented = Satisfaction.objects.filter(initiative_id__in=ids).exclude(comment="")
    statistics_touch(
        initiatives=Initiative.objects.filter(pk__in=commented.values("initiative_id"))
    )  # "with a comment"
    Satisfaction.objects.filter(initiative_id__in=ids).update(comment="", may_contact=False)
    _anonymise_mails(ids=ids, emails={row["initiator_email"].lower() for row in rows if row["initiator_email"]})
    _anonymise_supports(ids=ids, now=now)

    Initiative.objects.filter(pk__in=ids).update(
        initiator_name=placeholder,
        initiator_email="",
        initiator_phone="",
        personal_data_removed_at=now,
        updated_at=now,
    )
    # One audit row per initiative, written at once (what `audit_log` writes for actor None).
    AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(
                actor=None,
                actor_label="system",
                action=AuditAction.INITIATIVE_ANONYMISE,
                object_type=Initiative._meta.label_lower,
                object_id=str(row["pk"]),
                object_repr=f"{row['reference']} {row['title']}"[:200],
                municipality_id=row["municipality_id"],
                detail=f"retention_months={settings.INITIATOR_DATA_RETENTION_MONTHS}",
            )
            for row in rows
        ]
    )
    return len(rows)


def _anonymise_mails(*, ids: list[int], emails: set[str]) -> None:
    """The initiator's address on the outbox rows: this initiative's mails and lost-link mails.

    Officers' addresses (those of accounts on the platform) stay: their timeline shows them.
    A lost-link mail (it belongs to no initiative) keeps an address that an initiative whose
    data is still held uses too.
    """
    cannot_send = Case(When(status=OutboxStatus.PENDING, then=Value(OutboxStatus.FAILED)), default=F("status"))
    staff_addresses = get_user_model().objects.exclude(email="").annotate(address=Lower("email")).values("address")
    OutboxMail.objects.about(Initiative, ids).exclude(In(Lower("to"), staff_addresses)).update(
        to=REMOVED_EMAIL, status=cannot_send
    )
    if not emails:
        return
    still_held = (
        Initiative.objects.filter(personal_data_removed_at__isnull=True)
        .exclude(pk__in=ids)
        .exclude(initiator_email="")
        .annotate(address=Lower("initiator_email"))
        .values("address")
    )
    OutboxMail.objects.filter(subject_id__isnull=True, template="initiatives/email/lost_link").filter(
        In(Lower("to"), sorted(emails))
    ).exclude(In(Lower("to"), still_held)).update(to=REMOVED_EMAIL, status=cannot_send)


def _anonymise_supports(*, ids: list[int], now: datetime) -> None:
    """The supporters of these initiatives: unconfirmed ones go (their mails with them), confirmed
    ones keep their village and date; address, name, reason and links go, also from the outbox."""
    cannot_send = Case(When(status=OutboxStatus.PENDING, then=Value(OutboxStatus.FAILED)), default=F("status"))
    supports = Support.objects.filter(initiative_id__in=ids)
    unconfirmed = list(supports.filter(confirmed_at__isnull=True).values_list("pk", flat=True))
    if unconfirmed:
        OutboxMail.objects.about(Support, unconfirmed).delete()
        Support.objects.filter(pk__in=unconfirmed).delete()
    OutboxMail.objects.about(Support, supports.values("pk")).update(to=REMOVED_EMAIL, status=cannot_send)
    supports.filter(personal_data_removed_at__isnull=True).update(
        email="",
        name="",
        reason="",
        confirm_token_hash=None,
        withdraw_token_hash=None,
        personal_data_removed_at=now,
    )


def _delete_files(storage, paths: list[str]) -> None:
    for path in paths:
        storage.delete(path)  # a file that is already gone is no error


# --- the initiator's copy of their data (AVG art. 15) --------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else None


def personal_data_export(*, initiative: Initiative) -> dict:
    """Everything held about the initiator of `initiative`, as plain JSON-ready data.

    Never internal notes (nor their attachments), never other residents' data. Officers'
    names are included: they act as public servants. The export is audited ("initiative.export").
    """
    initiative = (
        Initiative.objects.select_related("village", "municipality", "organisation", "assigned_officer")
        .select_related("satisfaction")
        .prefetch_related(
            "themes",
            "cost_lines",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            Prefetch(
                "messages",
                queryset=Message.objects.exclude(kind=MessageKind.INTERNAL_NOTE)
                .select_related("author")
                .prefetch_related("attachments"),
            ),
            "agreements",
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by")),
            Prefetch("grants", queryset=Grant.objects.select_related("fund")),
            Prefetch(
                "mails",
                queryset=OutboxMail.objects.filter(to__iexact=initiative.initiator_email or "-").order_by("created_at"),
                to_attr="mails_to_initiator",
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.exclude(message__kind=MessageKind.INTERNAL_NOTE).select_related("message"),
            ),
        )
        .get(pk=initiative.pk)
    )
    satisfaction = getattr(initiative, "satisfaction", None)
    data = {
        "exported_at": _when(timezone.now()),
        "initiative": {
            "reference": initiative.reference,
            "title": initiative.title,
            "goal": initiative.goal,
            "description": initiative.description,
            "target_group": initiative.target_group,
            "village": initiative.village.name,
            "municipality": initiative.municipality.name,
            "organisation": initiative.organisation.name if initiative.organisation else None,
            "themes": [str(theme) for theme in initiative.themes.all()],
            "initiator_name": initiative.initiator_name,
            "initiator_email": initiative.initiator_email,
            "initiator_phone": initiative.initiator_phone,
            "preferred_language": initiative.preferred_language,
            "help_asked": [kind.value for kind in initiative.help_kinds],
            "total_cost": str(initiative.total_cost),
            "amount_requested": str(initiative.amount_requested),
            "own_contribution_money": str(initiative.own_contribution_money),
            "own_contribution_hours": initiative.own_contribution_hours,
            "own_contribution_materials": initiative.own_contribution_materials,
            "support_evidence": initiative.support_evidence,
            "permits_needed": initiative.permits_needed,
            "maintenance_after": initiative.maintenance_after,
            "planned_start": _when(initiative.planned_start),
            "is_right_to_challenge": initiative.is_right_to_challenge,
            "publication_consent": initiative.publication_consent,
            "publication": initiative.publication,
            "privacy_acknowledged_at": _when(initiative.privacy_acknowledged_at),
            "intake_channel": initiative.intake_channel,
            "status": initiative.status,
            "assigned_officer": _person(initiative.assigned_officer),
            "municipal_role": initiative.municipal_role,
            "municipal_role_explanation": initiative.municipal_role_explanation,
            "submitted_at": _when(initiative.submitted_at),
            "first_response_due": _when(initiative.first_response_due),
            "decision_due": _when(initiative.decision_due),
            "first_response_at": _when(initiative.first_response_at),
            "decided_at": _when(initiative.decided_at),
            "closed_at": _when(initiative.closed_at),
        },
        "cost_lines": [
            {"description": line.description, "amount": str(line.amount)} for line in initiative.cost_lines.all()
        ],
        "status_history": [
            {
                "at": _when(change.created_at),
                "from": change.from_status,
                "to": change.to_status,
                "by_you": change.by_initiator,
                "by": _person(change.actor),
                # Your own reason; an officer's note with a status change stays internal.
                "your_note": change.note if change.by_initiator else "",
            }
            for change in initiative.status_changes.all()
        ],
        "messages": [
            {
                "at": _when(message.created_at),
                "kind": message.kind,
                "author": _person(message.author),
                "body": message.body,
                "attachments": [file.original_name for file in message.attachments.all()],
            }
            for message in initiative.messages.all()
        ],
        "agreements": [
            {
                "party": agreement.party,
                "partner_name": agreement.partner_name,
                "role": agreement.role,
                "description": agreement.description,
                "due_date": _when(agreement.due_date),
                "done": agreement.done,
                "done_at": _when(agreement.done_at),
            }
            for agreement in initiative.agreements.all()
        ],
        "decisions": [
            {
                "outcome": decision.outcome,
                "motivation": decision.motivation,
                "decided_at": _when(decision.decided_at),
                "decided_by": _person(decision.decided_by),
                # The letter itself is on your personal page (a PDF with this decision).
                "letter": f"besluit-{initiative.reference}.pdf" if decision.letter else None,
            }
            for decision in initiative.decisions.all()
        ],
        "grants": [
            {
                "fund": grant.fund.name,
                "amount": str(grant.amount),
                "status": grant.status,
                "paid_at": _when(grant.paid_at),
                "withdrawn_at": _when(grant.withdrawn_at),
            }
            for grant in initiative.grants.all()
        ],
        "attachments": [
            {
                "name": file.original_name,
                "type": file.content_type,
                "size": file.size,
                "uploaded_at": _when(file.uploaded_at),
            }
            for file in initiative.attachments.all()
        ],
        "emails_to_you": [
            {
                "to": mail.to,
                "kind": mail.template.rsplit("/", 1)[-1],
                "created_at": _when(mail.created_at),
                "sent_at": _when(mail.sent_at),
            }
            for mail in initiative.mails_to_initiator
        ],
        "satisfaction": (
            {
                "score": satisfaction.score,
                "comment": satisfaction.comment,
                "may_contact": satisfaction.may_contact,
                "answered_at": _when(satisfaction.answered_at),
            }
            if satisfaction
            else None
        ),
    }
    audit_log(actor=None, action=AuditAction.INITIATIVE_EXPORT, obj=initiative, municipality=initiative.municipality)
    return data
