"""How initiative mails get their context at send time: fresh private links are minted here."""

from django.conf import settings
from django.urls import reverse

from initiatives.models import Initiative, Support
from initiatives.services.submission import tracking_token_issue
from initiatives.services.supports import support_links_issue
from notifications.builders import Built, register


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
