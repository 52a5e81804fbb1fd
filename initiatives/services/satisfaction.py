"""Writes for the satisfaction question (STYLE.md §2).

When an initiative is closed the initiator is asked, once, how the municipality worked with
them: one mail (deduplication key ``satisfaction:<pk>``, so reopening and closing again asks
nothing new) with their private link, and one answer per initiative on the tracking page.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.constants import Status
from initiatives.models import Initiative, Satisfaction
from initiatives.services.common import initiator_mail, mail_initiator

# The statuses in which the tracking page asks the question.
SATISFACTION_STATUSES = frozenset({Status.CLOSED, Status.REALISED})
SATISFACTION_TEMPLATE = "initiatives/email/satisfaction"


class SatisfactionNotAllowed(ValidationError):
    pass


class SatisfactionAlreadyGiven(SatisfactionNotAllowed):
    pass


def satisfaction_dedup_key(initiative: Initiative) -> str:
    return f"satisfaction:{initiative.pk}"


def satisfaction_request(*, initiative: Initiative):
    """Mail the initiator the question, at most once per initiative, after the commit.

    Returns the outbox row, or None when there is no address, it was asked before or it was
    already answered.
    """
    if Satisfaction.objects.filter(initiative_id=initiative.pk).exists():
        return None
    return mail_initiator(initiative, template=SATISFACTION_TEMPLATE, key=satisfaction_dedup_key(initiative))


def satisfaction_mails(initiatives) -> list:
    """`satisfaction_request` for many initiatives in one query: unsaved outbox rows, for
    `mail_enqueue_many` (the dedup key still asks each initiator once)."""
    answered = set(
        Satisfaction.objects.filter(initiative_id__in=[i.pk for i in initiatives]).values_list(
            "initiative_id", flat=True
        )
    )
    mails = (
        initiator_mail(initiative, template=SATISFACTION_TEMPLATE, key=satisfaction_dedup_key(initiative))
        for initiative in initiatives
        if initiative.pk not in answered
    )
    return [mail for mail in mails if mail is not None]


def satisfaction_can_answer(initiative: Initiative) -> bool:
    """Closed or realised, still with the initiator's data, and not a duplicate (that plan goes
    on in the other initiative: there is nothing handled yet to rate)."""
    return (
        initiative.status in SATISFACTION_STATUSES
        and initiative.personal_data_removed_at is None
        and initiative.duplicate_of_id is None
    )


@transaction.atomic
def satisfaction_answer(*, initiative: Initiative, score: int, comment: str = "", may_contact: bool = False):
    """Store the initiator's one answer. A second answer, or one before closing, is refused."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if Satisfaction.objects.filter(initiative=initiative).exists():
        raise SatisfactionAlreadyGiven(_("You have already told us how satisfied you are. Thank you!"))
    if not satisfaction_can_answer(initiative):
        raise SatisfactionNotAllowed(_("You can answer this question once your initiative is closed."))
    satisfaction = Satisfaction(
        initiative=initiative,
        score=score,
        comment=comment.strip(),
        may_contact=may_contact,
        answered_at=timezone.now(),
    )
    satisfaction.full_clean()
    satisfaction.save()
    return satisfaction
