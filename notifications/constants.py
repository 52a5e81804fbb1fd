from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# After this many failed attempts a mail is marked failed; an admin can retry it.
MAX_ATTEMPTS = 5
