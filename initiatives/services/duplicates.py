"""Duplicates: the same plan submitted twice (by two neighbours, or twice by one).

An officer marks initiative A as a duplicate of B. A is closed through the normal transition
service with a note, points at B (B lists A), and A's initiator reads in plain words that the
plan goes on in another initiative; they never learn who submitted it. Links stay one step long:
when B is itself a duplicate, A points at B's original, and A's own duplicates move along to B.

The mark can be undone while A's closing is still its latest status change: A is reopened
(closed -> in conversation, the workflow's only way back) and its initiator is told.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from initiatives.constants import OPEN_STATUSES, Status
from initiatives.models import ACTIVE_STATUSES, DuplicateChange, Initiative
from initiatives.services.common import audit_initiative, mail_initiator
from initiatives.services.workflow import initiative_transition
from municipalities.access import require_officer

REFERENCE = re.compile(r"^\s*(\d{4}-\d{4,6})\b")


class DuplicateNotAllowed(ValidationError):
    pass


def duplicate_candidates(*, initiative: Initiative, text: str):
    """The initiatives of the same municipality that `text` names: a reference (also at the
    start of "2026-0012 Speeltuin", as the suggestions show them) or words of the title."""
    others = (
        Initiative.objects.filter(municipality_id=initiative.municipality_id)
        .exclude(pk=initiative.pk)
        .select_related("duplicate_of")
    )
    match = REFERENCE.match(text or "")
    if match:
        return others.filter(reference=match.group(1))
    return others.filter(status__in=ACTIVE_STATUSES).search(text, within=[initiative.municipality_id])


def duplicate_original(initiative: Initiative) -> Initiative:
    """The initiative that goes on: `initiative` itself, or the one it is a duplicate of (read
    from the database: the caller's copy may be older than the last mark)."""
    initiative = Initiative.objects.get(pk=initiative.pk)
    seen = {initiative.pk}
    while initiative.duplicate_of_id is not None and initiative.duplicate_of_id not in seen:
        seen.add(initiative.duplicate_of_id)
        initiative = Initiative.objects.get(pk=initiative.duplicate_of_id)
    return initiative


def duplicate_refusal(initiative: Initiative) -> str:
    """Why `initiative` cannot be marked as a duplicate now; empty when it can."""
    if initiative.duplicate_of_id is not None:
        return _("This initiative is already marked as a duplicate.")
    if initiative.status not in OPEN_STATUSES:
        return _("Only an initiative that is still open can be marked as a duplicate.")
    if any(grant.is_active for grant in initiative.grants.all()):
        return _("This initiative has a contribution from a fund. Withdraw it first.")
    return ""


@transaction.atomic
def initiative_mark_duplicate(*, initiative: Initiative, original: Initiative, actor, note: str = "") -> Initiative:
    """Close `initiative` as a duplicate of `original` (or of the initiative `original` is a
    duplicate of), audit it, and tell its initiator."""
    require_officer(actor, initiative.municipality_id)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    original = duplicate_original(original)
    refusal = duplicate_refusal(initiative)
    if not refusal:
        if original.pk == initiative.pk:
            refusal = _("An initiative cannot be a duplicate of itself.")
        elif original.municipality_id != initiative.municipality_id:
            refusal = _("Choose an initiative of the same municipality.")
        elif original.status not in ACTIVE_STATUSES:
            refusal = _("Choose an initiative that still goes on: %(initiative)s is closed or withdrawn.") % {
                "initiative": original.reference
            }
    if refusal:
        raise DuplicateNotAllowed(refusal)
    note = note.strip()
    closed = initiative_transition(
        initiative=initiative,
        to_status=Status.CLOSED,
        actor=actor,
        note=note or _("Duplicate of %(reference)s.") % {"reference": original.reference},
        ask_satisfaction=False,
    )
    closed.duplicate_of = original
    closed.save(update_fields=["duplicate_of", "updated_at"])
    DuplicateChange.objects.create(
        initiative=closed,
        original=original,
        note=note,
        actor=actor,
        status_change=closed.status_changes.order_by("-pk").first(),
    )
    audit_initiative(actor, AuditAction.INITIATIVE_DUPLICATE, closed, detail=f"original={original.pk}")
    # No chains: what pointed at this one now points at the original too.
    for earlier in Initiative.objects.select_for_update().filter(duplicate_of=closed):
        earlier.duplicate_of = original
        earlier.save(update_fields=["duplicate_of", "updated_at"])
        DuplicateChange.objects.create(
            initiative=earlier,
            original=original,
            note=_("Moved along: %(reference)s is a duplicate too.") % {"reference": closed.reference},
            actor=actor,
        )
        audit_initiative(actor, AuditAction.INITIATIVE_DUPLICATE, earlier, detail=f"original={original.pk}")
    mail_initiator(
        closed,
        template="initiatives/email/duplicate",
        key=f"duplicate:{closed.pk}:{closed.duplicate_changes.order_by('-pk').first().pk}",
    )
    return closed


def duplicate_undo_refusal(initiative: Initiative) -> str:
    """Why the duplicate mark of `initiative` cannot be undone; empty when it can."""
    if initiative.duplicate_of_id is None:
        return _("This initiative is not marked as a duplicate.")
    mark = initiative.duplicate_changes.filter(marked=True, status_change__isnull=False).order_by("-pk").first()
    latest = initiative.status_changes.order_by("-pk").first()
    if initiative.status != Status.CLOSED or mark is None or latest is None or latest.pk != mark.status_change_id:
        return _("The status of this initiative changed after it was marked as a duplicate, so the mark stays.")
    return ""


@transaction.atomic
def initiative_unmark_duplicate(*, initiative: Initiative, actor, note: str = "") -> Initiative:
    """Undo the mark: the initiative is reopened ("in conversation") and its initiator is told."""
    require_officer(actor, initiative.municipality_id)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    refusal = duplicate_undo_refusal(initiative)
    if refusal:
        raise DuplicateNotAllowed(refusal)
    original_id = initiative.duplicate_of_id
    note = note.strip()
    reopened = initiative_transition(
        initiative=initiative,
        to_status=Status.IN_CONVERSATION,
        actor=actor,
        note=note or _("Not a duplicate after all."),
    )
    reopened.duplicate_of = None
    reopened.save(update_fields=["duplicate_of", "updated_at"])
    change = DuplicateChange.objects.create(
        initiative=reopened, original_id=original_id, marked=False, note=note, actor=actor
    )
    audit_initiative(actor, AuditAction.INITIATIVE_DUPLICATE_UNDO, reopened, detail=f"original={original_id}")
    mail_initiator(reopened, template="initiatives/email/duplicate_undone", key=f"duplicate-undone:{change.pk}")
    return reopened
