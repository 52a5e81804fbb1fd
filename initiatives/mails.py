"""How initiative mails get their context at send time: fresh private links are minted here."""

from django.conf import settings
from django.urls import reverse

from initiatives.models import Initiative
from initiatives.services.submission import tracking_token_issue
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
    if mail.context.get("tracking_links_for"):
        initiatives = Initiative.objects.filter(pk__in=mail.context["tracking_links_for"]).order_by("-submitted_at")
        built.context["tracking_links"] = [
            {"initiative": initiative, "url": tracking_url(initiative)} for initiative in initiatives
        ]
    return built
