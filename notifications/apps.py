from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Mail outbox")

    def ready(self):
        from notifications import digest  # noqa: F401 - registers the digest's context builder
