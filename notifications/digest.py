"""The daily digest's content: one line per held mail, with its subject and where to act."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.builders import Built, register
from notifications.models import OutboxMail


@register("notifications/email/digest")
def build_digest(mail) -> Built:
    from notifications.services import _build

    items = []
    held = OutboxMail.objects.filter(pk__in=mail.context.get("mail_ids", [])).select_related("initiative")
    for item in held.order_by("created_at"):
        subject = " ".join(render_to_string(f"{item.template}_subject.txt", _build(item).context).split())
        url = ""
        if item.initiative_id:
            url = settings.SITE_URL + reverse("initiatives:officer_detail", kwargs={"pk": item.initiative_id})
        items.append({"subject": subject, "url": url, "at": item.created_at})
    return Built(context={"items": items})
