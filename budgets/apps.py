from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Village budgets")

    def ready(self):
        from budgets import (
            audit_details,  # noqa: F401 - registers the audit log's words for budget rounds
            mails,  # noqa: F401 - registers the mail context builder
        )
        from budgets.models import municipality_rounds_section
        from initiatives.public_sections import register_municipality_section

        register_municipality_section(municipality_rounds_section)
