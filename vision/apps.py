from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    name = "vision"
    verbose_name = _("VO trajectories")

    def ready(self):
        from municipalities.scoping import register_staff_scope
        from vision import (
            audit_details,  # noqa: F401 - registers the audit log describer
            mails,  # noqa: F401 - registers the meeting mail context builder
            scan_mails,  # noqa: F401 - registers the scan invitation mail context builder
        )
        from vision.models import facilitated_municipality_ids, member_municipality_ids

        register_staff_scope(facilitated_municipality_ids)
        register_staff_scope(member_municipality_ids)
