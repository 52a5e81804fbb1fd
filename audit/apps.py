from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit.services import audit_admin_change
        from core.admin import register_admin_change_hook

        register_admin_change_hook(audit_admin_change)
