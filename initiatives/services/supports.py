"""Neighbours' support for a published initiative (draagvlak): giving it, confirming it by the
link in the mail, withdrawing it, and an officer hiding an offensive reason.

The resident sees the same answer ("check your mailbox") for a new address, one that already
supports and one still to confirm: the page never says whether an address is known. Only a
confirmed support counts; a fund can ask for a minimum number of confirmed supporters from the
initiative's own village (`initiatives.services.funds.fund_check_grant`).
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from initiatives.constants import Status
from initiatives.models import Initiative, Support, SupportNameDisplay, tracking_token_hash
from initiatives.services.common import audit_initiative
from municipalities.access import require_officer
from notifications.services import mail_enqueue

CONFIRM_TEMPLATE = "initiatives/email/support_confirm"
# Support is given to a plan that is still alive: not to a closed or withdrawn one.
SUPPORT_CLOSED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN})


def support_is_open(initiative: Initiative) -> bool:
    """Whether residents can still give support (the page shows the form)."""
    return initiative.is_published and initiative.status not in SUPPORT_CLOSED_STATUSES


def normalise_email(email: str) -> str:
    """One address, one support: addresses are compared and stored in lower case."""
    return (email or "").strip().lower()


@transaction.atomic
def support_give(
    *,
    initiative: Initiative,
    name: str,
    email: str,
    village=None,
    name_display: str = SupportNameDisplay.SHORT,
    reason: str = "",
    language: str = "nl",
) -> Support:
    """Support `initiative` (unconfirmed until the link in the mail is followed).

    An address that already supports this initiative changes nothing: a confirmed support stays
    as it was and gets no mail; one still to confirm gets a new confirmation mail (the old link
    stops working) with its first name, village and reason kept.
    """
    if not support_is_open(initiative):
        raise ValidationError(_("This initiative cannot be supported any more."))
    if village is not None and village.municipality_id != initiative.municipality_id:
        raise ValidationError({"village": _("Choose a village of this municipality, or “elsewhere”.")})
    email = normalise_email(email)
    support = Support(
        initiative=initiative,
        name=name.strip(),
        name_display=name_display,
        village=village,
        email=email,
        reason=reason.strip(),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    support.full_clean(validate_constraints=False)
    existing = Support.objects.select_for_update().filter(initiative=initiative, email=email).first()
    if existing is None:
        try:
            with transaction.atomic():  # two posts at once: the second finds the first
                support.save()
        except IntegrityError:
            existing = Support.objects.select_for_update().get(initiative=initiative, email=email)
        else:
            _mail_confirmation(support)
            return support
    if existing.confirmed_at is None:
        _mail_confirmation(existing)
    return existing


def _mail_confirmation(support: Support) -> None:
    """The links are minted when the mail leaves (initiatives.mails), never stored in the outbox."""
    mail_enqueue(
        to=support.email,
        template=CONFIRM_TEMPLATE,
        dedup_key=f"support-confirm:{support.pk}:{uuid.uuid4().hex}",
        language=support.language,
        subject=support,
        context={"support_links": True},
    )


def support_links_issue(*, support: Support, now=None) -> tuple[str, str]:
    """New confirm and withdraw links for `support` (the earlier ones stop working).

    Returns the two tokens; only their SHA-256 is stored. The confirm link works
    SUPPORT_CONFIRM_DAYS days; the withdraw link as long as the support exists.
    """
    confirm, withdraw = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    Support.objects.filter(pk=support.pk).update(
        confirm_token_hash=tracking_token_hash(confirm),
        withdraw_token_hash=tracking_token_hash(withdraw),
        token_issued_at=now or timezone.now(),
    )
    return confirm, withdraw


def support_link_expired(support: Support, *, now=None) -> bool:
    """The confirm link is older than SUPPORT_CONFIRM_DAYS (a confirmed support never expires)."""
    if support.confirmed_at is not None:
        return False
    issued = support.token_issued_at or support.created_at
    return (now or timezone.now()) > issued + timedelta(days=settings.SUPPORT_CONFIRM_DAYS)


@transaction.atomic
def support_confirm(*, support: Support, now=None) -> Support:
    """Confirm through the link in the mail. Confirming twice changes nothing."""
    now = now or timezone.now()
    support = Support.objects.select_for_update().select_related("initiative__municipality").get(pk=support.pk)
    if support.confirmed_at is not None:
        return support
    if support_link_expired(support, now=now):
        raise ValidationError(
            _("This link has expired. Support the initiative again on its page: you will get a new link.")
        )
    if not support_is_open(support.initiative):
        raise ValidationError(_("This initiative cannot be supported any more."))
    support.confirmed_at = now
    support.save(update_fields=["confirmed_at"])
    return support


@transaction.atomic
def support_withdraw(*, support: Support) -> None:
    """Withdraw through the link in the mail: the support and its personal data are deleted."""
    Support.objects.filter(pk=support.pk).delete()


@transaction.atomic
def support_hide_reason(*, support: Support, actor) -> Support:
    """An officer hides an offensive reason from the public page (the supporter still counts)."""
    support = Support.objects.select_for_update().select_related("initiative__municipality").get(pk=support.pk)
    require_officer(actor, support.initiative.municipality_id)
    if support.reason_hidden_at is not None:
        raise ValidationError(_("This reason is already hidden."))
    if not support.reason:
        raise ValidationError(_("This supporter gave no reason."))
    support.reason_hidden_at = timezone.now()
    support.save(update_fields=["reason_hidden_at"])
    audit_initiative(actor, AuditAction.SUPPORT_REASON_HIDE, support.initiative, obj=support)
    return support


def support_sweep_unconfirmed(*, now=None) -> int:
    """Delete supports never confirmed whose link has expired (their address is kept no longer).
    Runs with the daily retention. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUPPORT_CONFIRM_DAYS)
    stale = Support.objects.filter(confirmed_at__isnull=True).filter(
        models.Q(token_issued_at__lt=cutoff) | models.Q(token_issued_at__isnull=True, created_at__lt=cutoff)
    )
    deleted, _rows = stale.delete()
    return deleted


# --- reads -----------------------------------------------------------------------------------


@dataclass
class SupportCount:
    total: int
    own_village: int


def support_count(initiative: Initiative) -> SupportCount:
    """Confirmed supporters, and how many of them live in the initiative's own village: one query."""
    counts = (
        Support.objects.confirmed()
        .filter(initiative=initiative)
        .aggregate(
            total=models.Count("pk"),
            own_village=models.Count("pk", filter=models.Q(village_id=initiative.village_id)),
        )
    )
    return SupportCount(total=counts["total"], own_village=counts["own_village"])


@dataclass
class SupportersNeeded:
    fund: object
    minimum: int
    have: int

    @property
    def still_needed(self) -> int:
        return max(0, self.minimum - self.have)


def supporters_needed(funds, *, own_village: int) -> list[SupportersNeeded]:
    """For each fund with a minimum: the minimum, the confirmed supporters from the own village,
    and how many are still needed."""
    return [
        SupportersNeeded(fund=fund, minimum=fund.min_supporters, have=own_village)
        for fund in funds
        if fund.min_supporters
    ]
