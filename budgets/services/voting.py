"""Writes for voting: a ballot by e-mail (counted once its link is opened, changeable until
voting closes), a paper ballot with a single-use code, and an officer voiding a ballot."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from budgets.constants import (
    MAX_PAPER_CODES_PER_BATCH,
    PAPER_CODE_ALPHABET,
    PAPER_CODE_LENGTH,
    Phase,
    VotingStyle,
)
from budgets.models import Ballot, BallotChoice, BudgetRound, PaperCode, Project, VillageBudget, email_hash, secret_hash
from core.formats import money
from municipalities.access import require_officer
from notifications.services import mail_enqueue


class VotingClosed(ValidationError):
    pass


def _require_voting(round: BudgetRound, now) -> None:
    if round.phase(now) != Phase.VOTING:
        raise VotingClosed(_("Voting is not open."))


def ballot_check_choices(*, village_budget: VillageBudget, projects: Iterable[Project]) -> list[Project]:
    """The rules of the round's ballot: projects of this village on the ballot, at least one,
    and within the budget (knapsack) or at most N (approval)."""
    projects = list(projects)
    round = village_budget.round
    if not projects:
        raise ValidationError({"projects": _("Choose at least one project.")})
    allowed = set(Project.objects.on_ballot().filter(village_budget=village_budget).values_list("pk", flat=True))
    if any(project.pk not in allowed for project in projects):
        raise ValidationError({"projects": _("Choose only projects of this village's ballot.")})
    if round.voting_style == VotingStyle.KNAPSACK:
        total = sum(project.cost_estimate for project in projects)
        if total > village_budget.amount:
            raise ValidationError(
                {
                    "projects": _(
                        "Your choice costs %(total)s, which is more than the budget of %(budget)s. "
                        "Leave out one or more projects."
                    )
                    % {"total": money(total), "budget": money(village_budget.amount)}
                }
            )
    elif len(projects) > (round.max_choices or 0):
        raise ValidationError(
            {
                "projects": _("Choose at most %(max)s projects; you chose %(count)s.")
                % {"max": round.max_choices, "count": len(projects)}
            }
        )
    return projects


def _set_choices(ballot: Ballot, projects: list[Project]) -> None:
    BallotChoice.objects.filter(ballot=ballot).delete()
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, project=project) for project in projects])


@transaction.atomic
def ballot_cast(
    *,
    village_budget: VillageBudget,
    projects: Iterable[Project],
    email: str,
    age_confirmed: bool,
    wants_results: bool = False,
    language: str = "nl",
    now=None,
) -> Ballot:
    """A resident's ballot by e-mail: stored, not counted until the link in the mail is opened."""
    round = village_budget.round
    _require_voting(round, now)
    if not age_confirmed:
        raise ValidationError(
            {
                "age_confirmed": _("You may vote if you are %(age)s or older and live in this village.")
                % {"age": round.minimum_age}
            }
        )
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Fill in your email address: you confirm your vote by mail.")})
    projects = ballot_check_choices(village_budget=village_budget, projects=projects)
    ballot = Ballot(
        round=round,
        village_budget=village_budget,
        email=email,
        email_hash=email_hash(email),
        language=language[:2],
        wants_results=wants_results,
    )
    ballot.full_clean(exclude=["projects"])
    ballot.save()
    _set_choices(ballot, projects)
    mail_enqueue(
        to=email,
        template="budgets/email/ballot_confirm",
        dedup_key=f"budget-ballot-confirm:{ballot.pk}",
        language=ballot.language,
        subject=round,
        context={"round": round.pk, "ballot": ballot.pk},
    )
    return ballot


def ballot_for_token(token: str):
    """The ballot a confirmation link points to (an empty queryset for an unknown link)."""
    if not token or len(token) > 100:
        return Ballot.objects.none()
    return Ballot.objects.filter(token_hash=secret_hash(f"ballot:{token}"))


def ballot_token_issue(ballot: Ballot) -> str:
    """A new link for the ballot (the mail builder calls it when the mail leaves); the previous
    link stops working. Only the hash is stored."""
    token = secrets.token_urlsafe(32)
    Ballot.objects.filter(pk=ballot.pk).update(token_hash=secret_hash(f"ballot:{token}"))
    return token


def _count_this_one(ballot: Ballot, now) -> None:
    """Confirm `ballot`; a counted ballot of the same address in this round is replaced."""
    if ballot.confirmed_at is not None:
        return
    others = (
        Ballot.objects.select_for_update()
        .filter(round_id=ballot.round_id, email_hash=ballot.email_hash, confirmed_at__isnull=False)
        .filter(replaced_at__isnull=True)
        .exclude(pk=ballot.pk)
    )
    for other in others:
        other.replaced_at = now
        other.save(update_fields=["replaced_at"])
    ballot.confirmed_at = now
    ballot.save(update_fields=["confirmed_at"])


@transaction.atomic
def ballot_confirm(*, ballot: Ballot, now=None) -> Ballot:
    """The resident opened the link in the mail: the ballot counts (once per address)."""
    ballot = Ballot.objects.select_for_update().select_related("round").get(pk=ballot.pk)
    _require_voting(ballot.round, now)
    if ballot.voided_at is not None or ballot.replaced_at is not None:
        raise ValidationError(_("This ballot no longer counts. Vote again if you want to."))
    _count_this_one(ballot, now or timezone.now())
    return ballot


@transaction.atomic
def ballot_change(*, ballot: Ballot, projects: Iterable[Project], now=None) -> Ballot:
    """The holder of the link chooses again; it still counts once."""
    ballot = Ballot.objects.select_for_update().select_related("round", "village_budget__round").get(pk=ballot.pk)
    _require_voting(ballot.round, now)
    if ballot.voided_at is not None or ballot.replaced_at is not None:
        raise ValidationError(_("This ballot no longer counts. Vote again if you want to."))
    projects = ballot_check_choices(village_budget=ballot.village_budget, projects=projects)
    now = now or timezone.now()
    _set_choices(ballot, projects)
    ballot.changed_at = now
    ballot.save(update_fields=["changed_at"])
    _count_this_one(ballot, now)
    return ballot


@transaction.atomic
def ballot_cast_paper(
    *, village_budget: VillageBudget, projects: Iterable[Project], code: str, actor=None, now=None
) -> Ballot:
    """A paper ballot: the code (printed on it) is used once and the ballot counts at once.
    Entered by the resident (`actor` None) or by an officer of the municipality."""
    round = village_budget.round
    if actor is not None:
        require_officer(actor, round.municipality_id)
    _require_voting(round, now)
    normalised = "".join((code or "").split()).upper().replace("-", "")
    paper_code = (
        PaperCode.objects.select_for_update().filter(code_hash=secret_hash(f"code:{normalised}")).first()
        if normalised
        else None
    )
    if paper_code is None or paper_code.village_budget_id != village_budget.pk:
        raise ValidationError({"code": _("This code is not valid for this village. Check the code on your paper.")})
    if paper_code.used_at is not None:
        raise ValidationError({"code": _("This code has already been used.")})
    projects = ballot_check_choices(village_budget=village_budget, projects=projects)
    now = now or timezone.now()
    ballot = Ballot.objects.create(
        round=round,
        village_budget=village_budget,
        paper_code=paper_code,
        entered_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        confirmed_at=now,
    )
    _set_choices(ballot, projects)
    paper_code.used_at = now
    paper_code.save(update_fields=["used_at"])
    if actor is not None:
        audit_log(actor=actor, action=AuditAction.BUDGET_PAPER_BALLOT, obj=ballot, municipality=round.municipality)
    return ballot


@transaction.atomic
def ballot_void(*, ballot: Ballot, actor, reason: str) -> Ballot:
    """An officer takes a ballot out of the count, with a reason (audit)."""
    ballot = Ballot.objects.select_for_update().select_related("round__municipality").get(pk=ballot.pk)
    require_officer(actor, ballot.round.municipality_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for voiding this ballot.")})
    if ballot.voided_at is not None:
        raise ValidationError(_("This ballot was already voided."))
    if ballot.round.results_at is not None:
        raise ValidationError(_("The results are published: a ballot can no longer be voided."))
    ballot.voided_at, ballot.voided_by, ballot.void_reason = timezone.now(), actor, reason.strip()[:300]
    ballot.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_log(
        actor=actor,
        action=AuditAction.BUDGET_BALLOT_VOID,
        obj=ballot,
        municipality=ballot.round.municipality,
        detail=ballot.void_reason[:200],
    )
    return ballot


def _new_code() -> str:
    return "".join(secrets.choice(PAPER_CODE_ALPHABET) for _ in range(PAPER_CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read and type; the dash and spaces are ignored when entered."""
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def paper_codes_create(*, village_budget: VillageBudget, count: int, actor) -> list[str]:
    """Make `count` single-use codes for the village's paper ballots. Returns the codes, which
    are shown once (to print); only their hashes are stored."""
    round = village_budget.round
    require_officer(actor, round.municipality_id)
    if not 1 <= count <= MAX_PAPER_CODES_PER_BATCH:
        raise ValidationError(
            {"count": _("Make between 1 and %(max)s codes at a time.") % {"max": MAX_PAPER_CODES_PER_BATCH}}
        )
    if round.results_at is not None or round.phase() == Phase.COUNTING:
        raise ValidationError(_("Voting has closed: no more codes."))
    VillageBudget.objects.select_for_update().get(pk=village_budget.pk)  # one batch number at a time
    batch = (PaperCode.objects.filter(village_budget=village_budget).aggregate(last=Max("batch"))["last"] or 0) + 1
    codes = set()
    while len(codes) < count:
        codes.add(_new_code())
    PaperCode.objects.bulk_create(
        [
            PaperCode(
                village_budget=village_budget, code_hash=secret_hash(f"code:{code}"), batch=batch, created_by=actor
            )
            for code in codes
        ]
    )
    audit_log(
        actor=actor,
        action=AuditAction.BUDGET_PAPER_CODES,
        obj=village_budget,
        municipality=round.municipality,
        detail=f"batch={batch} count={count}",
    )
    return sorted(format_code(code) for code in codes)
