"""Scans (before and after): personal links, opening and closing, answers, and the results (reads)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.constants import AuditAction
from audit.services import audit_log
from notifications.services import mail_enqueue
from vision.access import require_steerer
from vision.constants import MemberCategory, ScanItem, ScanKind
from vision.models import (
    ProgressGroupMember,
    Scan,
    ScanInvitation,
    ScanScore,
    Trajectory,
)

# Services check again what the views check (vision.access.can_steer_trajectory).
EDIT_REFUSED = gettext_lazy("You may read this trajectory, but not change it.")


SCAN_INVITATION_TEMPLATE = "vision/email/scan_invitation"
SCAN_REMINDER_TEMPLATE = "vision/email/scan_reminder"


# Results of a member category are shown only from this many answers, so nobody's scores can be traced.
MIN_CATEGORY_ANSWERS = 2


SCORE_RANGE = range(1, 6)


def scan_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throwaway_hash() -> str:
    """A hash nobody holds the token of: fills the required, unique column until a mail is sent."""
    return scan_token_hash(secrets.token_urlsafe(32))


def _token_from_nonce(invitation: ScanInvitation) -> str:
    """The personal link's token: a keyed hash of the invitation and its random nonce. The
    database holds the nonce and the token's SHA-256, not the token: without SECRET_KEY the
    database gives no working link."""
    value = f"{invitation.pk}:{invitation.link_nonce}"
    return salted_hmac(SCAN_LINK_SALT, value, algorithm="sha256").hexdigest()


SCAN_LINK_SALT = "vision.scan-link"


def scan_token_issue(*, invitation: ScanInvitation) -> str:
    """A new personal link for `invitation`; the previous one stops working. Only the hash and
    a random nonce are stored.

    Called by the mail builder at send time, inside the sending transaction: if the mail
    fails, the new hash is rolled back with it.
    """
    invitation.link_nonce = secrets.token_urlsafe(32)
    token = _token_from_nonce(invitation)
    invitation.token_hash = scan_token_hash(token)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["link_nonce", "token_hash", "sent_at"])
    return token


def scan_token_for_mail(*, invitation: ScanInvitation) -> str:
    """The member's current personal link (a reminder repeats it), or a new one when the
    invitation has none yet (the first mail, or after `scan_reopen`)."""
    if invitation.link_nonce:
        token = _token_from_nonce(invitation)
        if constant_time_compare(scan_token_hash(token), invitation.token_hash):
            return token
    return scan_token_issue(invitation=invitation)


def scan_invitations_for_token(token: str):
    """The invitation a personal link points to (an empty queryset for an unknown link). A read."""
    if not token or len(token) > 100:
        return ScanInvitation.objects.none()
    return ScanInvitation.objects.filter(token_hash=scan_token_hash(token))


def _mail_invitation(invitation: ScanInvitation, *, key: str, reminder: bool = False) -> None:
    mail_enqueue(
        to=invitation.member.email,
        template=SCAN_REMINDER_TEMPLATE if reminder else SCAN_INVITATION_TEMPLATE,
        dedup_key=f"{'scan-reminder' if reminder else 'scan-invitation'}:{invitation.pk}:{key}",
        context={
            "invitation": invitation.pk,
            # The builder mints a link only for the latest mail of an invitation.
            "generation": invitation.reopened_at.isoformat() if invitation.reopened_at else "",
        },
    )


def scan_members_to_invite(trajectory: Trajectory, today: date):
    """Members of the progress group on `today` with an email address. The DKK facilitator
    guides the scan and does not score the municipality."""
    return (
        ProgressGroupMember.objects.filter(trajectory=trajectory)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today))
        .exclude(email="")
        .exclude(category=MemberCategory.FACILITATOR)
        .order_by("pk")
    )


@transaction.atomic
def scan_open(*, trajectory: Trajectory, kind: str, closes_on: date, actor) -> Scan:
    """Open a scan and mail every member their personal link (after commit, through the outbox).

    One scan is open at a time, and a trajectory has one nulmeting: the measurement before.
    `closes_on` is the last day members can answer (today at the earliest); the invitation
    and the answer page state it, and after it the link says the scan is closed.
    """
    require_steerer(actor, trajectory, EDIT_REFUSED)
    trajectory = Trajectory.objects.select_for_update(of=("self",)).get(pk=trajectory.pk)
    if kind not in ScanKind.values:
        raise ValidationError({"kind": _("Choose the kind of scan.")})
    scans = Scan.objects.filter(trajectory=trajectory)
    if scans.filter(closed_on__isnull=True).exists():
        raise ValidationError(_("A scan is still open. Close it before you open a new one."))
    if kind == ScanKind.BASELINE and scans.filter(kind=ScanKind.BASELINE).exists():
        raise ValidationError({"kind": _("This trajectory already has a baseline scan. Open a follow-up scan.")})
    today = timezone.localdate()
    if closes_on is None or closes_on < today:
        raise ValidationError({"closes_on": _("Choose a closing date: today or later.")})
    members = list(scan_members_to_invite(trajectory, today))
    if not members:
        raise ValidationError(_("No member of the progress group has an email address. Add them first."))
    scan = Scan(trajectory=trajectory, kind=kind, opened_on=today, closes_on=closes_on)
    scan.full_clean()
    scan.save()
    for member in members:
        invitation = ScanInvitation(scan=scan, member=member, token_hash=_throwaway_hash())
        invitation.full_clean()
        invitation.save()
        _mail_invitation(invitation, key="first")
    audit_log(
        actor=actor,
        action=AuditAction.SCAN_OPEN,
        obj=scan,
        municipality=trajectory.municipality,
        detail=f"{kind}: {len(members)} invitations, open until {closes_on.isoformat()}",
    )
    return scan


@transaction.atomic
def scan_reopen(*, invitation: ScanInvitation, actor) -> ScanInvitation:
    """Mail a member who has not answered yet a new link (lost mail, expired link): the old
    link stops working at once.

    A member who answered cannot answer again: the answers are stored without a way back to
    the member, so they cannot be replaced, and a second answer would count twice.
    """
    invitation = (
        ScanInvitation.objects.select_for_update(of=("self",))
        .select_related("scan__trajectory__municipality", "member")
        .get(pk=invitation.pk)
    )
    trajectory = invitation.scan.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED)
    if invitation.scan.closed_on is not None:
        raise ValidationError(_("This scan is closed. Open a new scan instead."))
    if not invitation.scan.accepts_answers(timezone.localdate()):
        raise ValidationError(_("The closing date of this scan has passed. Open a new scan instead."))
    if invitation.used_at is not None:
        raise ValidationError(
            _("This member has answered already. Answers are stored without names, so they cannot be changed.")
        )
    if not invitation.member.email:
        raise ValidationError(_("This member has no email address any more."))
    invitation.reopened_at = timezone.now()
    invitation.token_hash = _throwaway_hash()
    invitation.link_nonce = ""
    invitation.save(update_fields=["reopened_at", "token_hash", "link_nonce"])
    _mail_invitation(invitation, key=f"reopened:{invitation.reopened_at.timestamp()}")
    audit_log(
        actor=actor,
        action=AuditAction.SCAN_REOPEN,
        obj=invitation.scan,
        municipality=trajectory.municipality,
        detail=f"invitation {invitation.pk}",
    )
    return invitation


@transaction.atomic
def scan_remind(*, scan: Scan, actor) -> int:
    """Mail a reminder to every invited member who has not answered yet (and is still in the
    progress group, with an email address): the same personal link, no new one. Returns how
    many members get one.
    """
    scan = Scan.objects.select_for_update(of=("self",)).select_related("trajectory__municipality").get(pk=scan.pk)
    trajectory = scan.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED)
    today = timezone.localdate()
    if not scan.accepts_answers(today):
        raise ValidationError(_("This scan is closed. Members can no longer answer."))
    invitations = list(
        ScanInvitation.objects.filter(scan=scan, used_at__isnull=True)
        .filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=today))
        .exclude(member__email="")
        .select_related("member")
        .order_by("pk")
    )
    if not invitations:
        raise ValidationError(_("Every invited member has answered already. Nobody needs a reminder."))
    key = f"{timezone.now().timestamp()}"
    for invitation in invitations:
        _mail_invitation(invitation, key=key, reminder=True)
    audit_log(
        actor=actor,
        action=AuditAction.SCAN_REMIND,
        obj=scan,
        municipality=trajectory.municipality,
        detail=f"{len(invitations)} reminders",
    )
    return len(invitations)


@transaction.atomic
def scan_close(*, scan: Scan, actor) -> Scan:
    scan = Scan.objects.select_for_update(of=("self",)).select_related("trajectory__municipality").get(pk=scan.pk)
    require_steerer(actor, scan.trajectory, EDIT_REFUSED)
    if scan.closed_on is not None:
        raise ValidationError(_("This scan is already closed."))
    scan.closed_on = max(timezone.localdate(), scan.opened_on)
    scan.full_clean()
    scan.save(update_fields=["closed_on", "updated_at"])
    audit_log(actor=actor, action=AuditAction.SCAN_CLOSE, obj=scan, municipality=scan.trajectory.municipality)
    return scan


class ScanNotOpen(ValidationError):
    """The link was used already, was replaced, or the scan is closed."""


@transaction.atomic
def scan_submit(*, invitation: ScanInvitation, scores: dict[str, tuple[int | None, str]]) -> ScanInvitation:
    """Store a member's answers: a score 1-5 or None for "don't know" (and an optional
    comment) for every ScanItem. "Don't know" is stored and counted, but not averaged.

    `scores` maps each item to (score, comment). All or nothing: the scores and `used_at`
    are saved in one transaction, and a link that was used, replaced or closed is refused.
    The scores are anonymous: they keep the scan and the member's category, not the member
    or the invitation, and get a random id (no time, no order).
    """
    locked = (
        ScanInvitation.objects.select_for_update(of=("self",))
        .select_related("scan__trajectory__municipality", "member")
        .filter(pk=invitation.pk, token_hash=invitation.token_hash)
        .first()
    )
    if locked is None or locked.used_at is not None:
        raise ScanNotOpen(_("You have already answered this scan."))
    if not locked.scan.accepts_answers(timezone.localdate()):
        raise ScanNotOpen(_("This scan is closed."))
    missing = [item for item in ScanItem.values if item not in scores]
    unknown = [item for item in scores if item not in ScanItem.values]
    if missing or unknown:
        raise ValidationError(_("Give a score for every question."))
    rows = []
    for item in ScanItem.values:
        score, comment = scores[item]
        if score is not None and (not isinstance(score, int) or isinstance(score, bool) or score not in SCORE_RANGE):
            raise ValidationError(_("Every score is a whole number from 1 to 5, or “don't know”."))
        row = ScanScore(
            scan=locked.scan,
            category=locked.member.category,
            item=item,
            score=score,
            comment=(comment or "").strip(),
        )
        row.full_clean()
        rows.append(row)
    ScanScore.objects.bulk_create(rows)
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    audit_log(
        actor="scan link",
        action=AuditAction.SCAN_ANSWER,
        obj=locked.scan,
        municipality=locked.scan.trajectory.municipality,
        detail=f"invitation {locked.pk}",
    )
    return locked


@dataclass
class ItemResult:
    item: str
    label: str
    average: float | None  # of the scores 1-5 only
    answers: int  # scores 1-5
    dont_know: int = 0  # "don't know": counted, not averaged


def _scores(scan_ids):
    return ScanScore.objects.filter(scan_id__in=scan_ids)


def scan_results_per_item(scan: Scan) -> list[ItemResult]:
    """Per item, in ScanItem order: the average of the scores, how many scores and how many
    "don't know" (which count in no average): one query."""
    rows = {
        row["item"]: row
        for row in _scores([scan.pk])
        .values("item")
        .annotate(
            average=Avg("score"),
            answers=Count("score"),
            dont_know=Count("pk", filter=Q(score__isnull=True)),
        )
        .order_by()
    }
    empty = {"average": None, "answers": 0, "dont_know": 0}
    return [
        ItemResult(
            item=item.value,
            label=str(item.label),
            average=rows.get(item.value, empty)["average"],
            answers=rows.get(item.value, empty)["answers"],
            dont_know=rows.get(item.value, empty)["dont_know"],
        )
        for item in ScanItem
    ]


@dataclass
class CategoryResults:
    """Averages per item for each member category with enough answers; the others are named only."""

    categories: list[dict]  # {"category", "label", "respondents", "averages": [float|None per ScanItem]}
    hidden: list[dict]  # {"category", "label", "respondents"}


def scan_results_per_category(scan: Scan, *, minimum: int = MIN_CATEGORY_ANSWERS) -> CategoryResults:
    """Per member category (when they answered): respondents and the average per item: one query.

    A category with fewer than `minimum` respondents is not broken down: with one respondent,
    the "average" would be that person's own answers. Every answer has a row for every item
    (a score, or "don't know", which Avg leaves out), so the respondents of a category are its
    number of rows for an item.
    """
    rows = (
        _scores([scan.pk]).values("category", "item").annotate(average=Avg("score"), respondents=Count("pk")).order_by()
    )
    by_category: dict[str, dict] = {}
    for row in rows:
        entry = by_category.setdefault(row["category"], {"respondents": 0, "averages": {}})
        entry["respondents"] = max(entry["respondents"], row["respondents"])
        entry["averages"][row["item"]] = row["average"]
    shown, hidden = [], []
    for category in MemberCategory:
        entry = by_category.get(category.value)
        if entry is None:
            continue
        base = {"category": category.value, "label": str(category.label), "respondents": entry["respondents"]}
        if entry["respondents"] >= minimum:
            shown.append(base | {"averages": [entry["averages"].get(item) for item in ScanItem.values]})
        else:
            hidden.append(base)
    return CategoryResults(categories=shown, hidden=hidden)


@dataclass
class Comparison:
    before: Scan
    after: Scan
    rows: list[tuple[str, float | None, float | None]]  # (label, before average, after average)


def scan_comparison(trajectory: Trajectory) -> Comparison | None:
    """The nulmeting against the latest eenmeting, both with answers: two queries, or None."""
    scans = list(
        Scan.objects.filter(trajectory=trajectory)
        .annotate(answers=Count("scores"))
        .filter(answers__gt=0)
        .order_by("opened_on", "pk")
    )
    before = next((scan for scan in scans if scan.kind == ScanKind.BASELINE), None)
    after = next((scan for scan in reversed(scans) if scan.kind == ScanKind.FOLLOW_UP), None)
    if before is None or after is None:
        return None
    averages = {
        (row["scan_id"], row["item"]): row["average"]
        for row in _scores([before.pk, after.pk]).values("scan_id", "item").annotate(average=Avg("score")).order_by()
    }
    rows = [
        (str(item.label), averages.get((before.pk, item.value)), averages.get((after.pk, item.value)))
        for item in ScanItem
    ]
    return Comparison(before=before, after=after, rows=rows)


def scan_comments(scan: Scan) -> list[tuple[str, list[str]]]:
    """The comments per item, without names and in no traceable order: one query."""
    by_item: dict[str, list[str]] = {}
    for item, comment in (
        _scores([scan.pk]).exclude(comment="").order_by("item", "comment").values_list("item", "comment")
    ):
        by_item.setdefault(item, []).append(comment)
    return [(str(item.label), by_item[item.value]) for item in ScanItem if item.value in by_item]
