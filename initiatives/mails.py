"""How initiative mails get their context at send time: fresh private links are minted here,
and the decision mail gets its letter (PDF) attached."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from initiatives.models import Decision, Initiative, Support
from initiatives.services.letters import decision_letter_pdf, letter_filename
from initiatives.services.submission import tracking_token_issue
from initiatives.services.supports import support_links_issue
from notifications.builders import Built, register

logger = logging.getLogger(__name__)
DECISION_MAIL = "initiatives/email/decision"


def tracking_url(initiative: Initiative) -> str:
    token = tracking_token_issue(initiative=initiative)
    return settings.SITE_URL + reverse("initiatives:track", kwargs={"token": token})


@register("initiatives/email/")
def build_initiative_mail(mail) -> Built:
    built = Built()
    if isinstance(mail.subject, Initiative):
        initiative = mail.subject
        built.context.update(initiative=initiative, municipality=initiative.municipality)
        if mail.context.get("tracking_link"):
            built.context["tracking_url"] = tracking_url(initiative)
        if mail.template == DECISION_MAIL:
            _attach_letter(mail, initiative, built)
    if isinstance(mail.subject, Support) and mail.context.get("support_links"):
        support = mail.subject
        confirm, withdraw = support_links_issue(support=support)
        built.context.update(
            support=support,
            initiative=support.initiative,
            municipality=support.initiative.municipality,
            confirm_url=settings.SITE_URL + reverse("initiatives:support_confirm", kwargs={"token": confirm}),
            withdraw_url=settings.SITE_URL + reverse("initiatives:support_withdraw", kwargs={"token": withdraw}),
            initiative_url=settings.SITE_URL
            + reverse("initiatives:public", kwargs={"reference": support.initiative.reference}),
            valid_days=settings.SUPPORT_CONFIRM_DAYS,
        )
    if mail.context.get("tracking_links_for"):
        initiatives = Initiative.objects.filter(pk__in=mail.context["tracking_links_for"]).order_by("-submitted_at")
        built.context["tracking_links"] = [
            {"initiative": initiative, "url": tracking_url(initiative)} for initiative in initiatives
        ]
    return built


def _decision_of(mail, initiative: Initiative) -> Decision | None:
    """The decision the mail is about: named in its context (older rows: in its key "decision:<pk>")."""
    decision_id = mail.context.get("decision_id")
    if decision_id is None:
        key = mail.dedup_key.partition("decision:")[2]
        decision_id = int(key) if key.isdigit() else None
    decisions = Decision.objects.filter(initiative=initiative).select_related("initiative")
    return (decisions.filter(pk=decision_id) if decision_id else decisions).first()


def _attach_letter(mail, initiative: Initiative, built: Built) -> None:
    """The letter goes with the mail, made now if the task has not made it yet. Without it (a
    rendering failure) the mail still leaves: it then points to the personal page instead."""
    decision = _decision_of(mail, initiative)
    built.context["decision"] = decision
    built.context["letter_attached"] = False
    if decision is None:
        return
    try:
        with transaction.atomic():  # a failure leaves the sending transaction usable
            pdf = decision_letter_pdf(decision_id=decision.pk)
    except Exception:  # noqa: BLE001 - the decision mail matters more than its attachment
        logger.exception("decision letter: could not make the letter of decision %s for its mail", decision.pk)
        return
    if pdf:
        built.attachments.append((letter_filename(decision), pdf, "application/pdf"))
        built.context["letter_attached"] = True
