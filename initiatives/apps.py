from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        from initiatives import (
            audit_details,  # noqa: F401 - registers the audit log's words for initiatives
            mails,  # noqa: F401 - registers the mail context builder
        )
