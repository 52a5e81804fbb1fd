"""The decision letter (beschikking) as a PDF, kept with the initiative.

Every decision is a formal decision, so it gets a letter on the municipality's letterhead: the
decision and its public motivation, the contribution and its conditions, and how to object
(Awb 6:7 and 6:8: within six weeks after the day the decision was sent, to the college van
burgemeester en wethouders). The text is `templates/initiatives/letters/decision.html` in the
initiator's language; a municipality may replace the opening and closing paragraphs with its
own plain text (placeholders filled in by `core.placeholders`, never the template engine).

The letter is made once and then kept (`Decision.letter`): it is what was sent, so a later
change of the letterhead does not change it. `initiative_decide` asks for it after the commit
(`decision_letter_schedule`: a task); the decision mail and the download views make it when it
is still missing (`decision_letter_ensure`). Making a letter never touches the decision itself:
a failure is logged and the next caller tries again. Once the initiator's personal data have
been removed (retention) no letter is made any more: it would name them.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from core.formats import money
from core.pdf import media_url, render_pdf
from core.placeholders import fill_placeholders
from initiatives.constants import DecisionOutcome, Language
from initiatives.models import Decision, decision_letter_path

logger = logging.getLogger(__name__)

TEMPLATE = "initiatives/letters/decision.html"


def letter_filename(decision: Decision) -> str:
    """`besluit-2026-0012.pdf` (a second decision on the same initiative gets its number)."""
    return f"besluit-{decision.initiative.reference}.pdf"


def _date(value) -> str:
    return date_format(timezone.localtime(value) if hasattr(value, "hour") else value, "j F Y")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _contact(decision: Decision) -> dict:
    """Who the initiator can call about the letter: their contact officer, else the officer who
    decided, else the municipality's general contact details."""
    initiative, municipality = decision.initiative, decision.initiative.municipality
    officer = initiative.assigned_officer or decision.decided_by
    membership = getattr(officer, "officer_membership", None) if officer else None
    if membership is None or membership.municipality_id != municipality.pk:
        officer, membership = None, None  # not an officer of this municipality (an administrator)
    return {
        "name": (officer.get_full_name() or "") if officer else "",
        "job_title": membership.job_title if membership else "",
        "phone": (membership.phone if membership else "") or municipality.contact_phone,
        "email": municipality.contact_email or (officer.email if officer else ""),
    }


def _signer(decision: Decision) -> dict:
    """Signed on behalf of the college: the municipality's chosen signer, else the officer who
    decided (in mandate; above the mandate the coordinator who approved), else the college alone."""
    municipality = decision.initiative.municipality
    if municipality.letter_signer_name:
        return {"name": municipality.letter_signer_name, "title": municipality.letter_signer_title}
    officer = decision.approved_by or decision.decided_by
    membership = getattr(officer, "officer_membership", None) if officer else None
    if officer and membership is not None and membership.municipality_id == municipality.pk:
        return {"name": officer.get_full_name() or officer.get_username(), "title": membership.job_title}
    return {"name": "", "title": ""}


def _conditions(grant) -> list[dict]:
    """The conditions of a contribution: the fund's own share, the standard one, the fund's own."""
    fund, initiative = grant.fund, grant.initiative
    conditions = []
    if fund.min_own_share_percent:
        percent = number_format(fund.min_own_share_percent.normalize(), use_l10n=True)
        if initiative.total_cost > 0:
            text = _("You pay at least %(percent)s%% of the costs yourselves. Your plan costs %(total)s in total.") % {
                "percent": percent,
                "total": money(initiative.total_cost),
            }
        else:
            text = _("You pay at least %(percent)s%% of the costs yourselves.") % {"percent": percent}
        conditions.append({"text": text, "municipal": False})
    conditions.append(
        {
            "text": _(
                "You use the contribution only for the plan as you submitted it. Does your plan change? "
                "Then talk to your contact person first."
            ),
            "municipal": False,
        }
    )
    conditions += [{"text": line, "municipal": True} for line in _lines(fund.grant_conditions)]
    return conditions


def _own_text(decision: Decision, field: str, language: str, values: dict) -> str:
    text = getattr(decision.initiative.municipality, f"{field}_{language}", "") or ""
    return fill_placeholders(text.strip(), values)


def decision_letter_context(decision: Decision) -> dict:
    """What the letter shows. Call inside `translation.override(<the initiator's language>)`."""
    initiative = decision.initiative
    municipality = initiative.municipality
    language = translation.get_language()[:2]
    values = {
        "reference": initiative.reference,
        "title": initiative.title,
        "village": initiative.village.name,
        "municipality": municipality.name,
        "initiator": initiative.initiator_name,
        "submitted_on": _date(initiative.submitted_at),
        "decided_on": _date(decision.decided_at),
    }
    grants = [
        {
            "amount": money(grant.amount),
            "fund": str(grant.fund),
            "conditions": _conditions(grant),
        }
        for grant in decision.grants.all()
    ]
    outcome_sentence = {
        DecisionOutcome.SUPPORTED: _("We support your initiative."),
        DecisionOutcome.PARTLY_SUPPORTED: _("We support part of your initiative."),
        DecisionOutcome.NOT_SUPPORTED: _("We do not support your initiative."),
    }[decision.outcome]
    return {
        "decision": decision,
        "initiative": initiative,
        "municipality": municipality,
        "language": language,
        "logo_url": media_url(municipality.logo.name) if municipality.logo else "",
        # The municipality's own primary colour (checked for contrast on white) on the letterhead.
        "letter_colour": municipality.theme_primary_colour,
        "postal_address": _lines(municipality.postal_address),
        "decided_on": values["decided_on"],
        "submitted_on": values["submitted_on"],
        "contact": _contact(decision),
        "signer": _signer(decision),
        "outcome_sentence": outcome_sentence,
        "motivation": decision.motivation,
        "grants": grants,
        "opening": _own_text(decision, "letter_opening", language, values),
        "closing": _own_text(decision, "letter_closing", language, values),
        "objection_address": _lines(municipality.objection_address or municipality.postal_address),
        "objection_url": municipality.objection_url,
        "objection_email": municipality.objection_email,
    }


def _letter_language(decision: Decision) -> str:
    language = decision.initiative.preferred_language
    return language if language in Language.values else Language.DUTCH


def decision_letter_render(*, decision: Decision) -> bytes:
    """The letter's PDF, in the initiator's language (nothing is stored)."""
    with translation.override(_letter_language(decision)):
        return render_pdf(TEMPLATE, decision_letter_context(decision))


def _locked_decision(decision_id: int) -> Decision | None:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related(
            "initiative__municipality",
            "initiative__village",
            "initiative__organisation",
            "initiative__assigned_officer__officer_membership",
            "decided_by__officer_membership",
            "approved_by__officer_membership",
        )
        .prefetch_related("grants__fund", "grants__initiative")
        .filter(pk=decision_id)
        .first()
    )


@transaction.atomic
def decision_letter_ensure(*, decision_id: int) -> Decision | None:
    """The decision with its letter, made now when it is still missing. Safe to call twice and
    at the same time: the decision row is locked while the letter is made, and a letter that
    exists is never made again. Returns None for an unknown decision; the decision without a
    letter once the initiator's personal data are removed. Rendering errors are raised (the
    caller decides: the task retries, the mail goes without it, the download says so).
    """
    decision = _locked_decision(decision_id)
    if decision is None or decision.initiative.personal_data_removed_at:
        return decision
    if decision.letter and decision.letter.storage.exists(decision.letter.name):
        return decision
    pdf = decision_letter_render(decision=decision)
    field = decision.letter
    field.storage.delete(decision_letter_path(decision, ""))  # left by a rolled-back attempt
    field.save("besluit.pdf", ContentFile(pdf), save=False)
    decision.letter_made_at = timezone.now()
    decision.save(update_fields=["letter", "letter_made_at"])
    audit_log(
        actor=None,
        action=AuditAction.DECISION_LETTER_MAKE,
        obj=decision,
        municipality=decision.initiative.municipality,
        detail=f"language={_letter_language(decision)}",
    )
    return decision


def decision_letter_pdf(*, decision_id: int) -> bytes | None:
    """The letter's bytes (made when missing), or None when there is none to give."""
    decision = decision_letter_ensure(decision_id=decision_id)
    if decision is None or not decision.letter:
        return None
    try:
        with decision.letter.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        logger.warning("decision letter: file of decision %s is missing", decision_id)
        return None


def decision_letter_schedule(decision: Decision) -> None:
    """After the commit, have the worker make the letter (a broker that is down only means the
    mail or the first download makes it)."""
    decision_id = decision.pk
    transaction.on_commit(lambda: _dispatch(decision_id))


def _dispatch(decision_id: int) -> None:
    from initiatives.tasks import decision_letter_make

    try:
        decision_letter_make.delay(decision_id)
    except Exception:  # noqa: BLE001 - the decision is safe; the letter is made when needed
        logger.warning("decision letter: could not enqueue decision %s", decision_id, exc_info=True)
