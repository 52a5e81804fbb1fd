"""The daily digest's content: one line per held mail, with its subject and where to act."""

from django.conf import settings
from django.template.loader import render_to_string

from notifications.builders import Built, register
from notifications.models import OutboxMail


@register("notifications/email/digest")
def build_digest(mail) -> Built:
    from notifications.services import mail_build

    items = []
    # The rows the mails point to, loaded with them for the builders (whichever app's they are).
    related = [field.name for field in OutboxMail._meta.concrete_fields if field.is_relation]
    held = (
        OutboxMail.objects.filter(pk__in=mail.context.get("mail_ids", []))
        .select_related(*related)
        .prefetch_related("subject")
    )
    for item in held.order_by("created_at"):
        subject = " ".join(render_to_string(f"{item.template}_subject.txt", mail_build(item).context).split())
        # The path the mail's sender gave (mail_enqueue's `link`); none for mails without a page.
        link = item.context.get("link", "")
        url = settings.SITE_URL + link if link else ""
        items.append({"subject": subject, "url": url, "at": item.created_at})
    return Built(context={"items": items})
