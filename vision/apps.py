from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    name = "vision"
    verbose_name = _("VO trajectories")

    def ready(self):
        from . import (
            mails,  # noqa: F401 - registers the meeting mail context builder
            scan_mails,  # noqa: F401 - registers the scan invitation mail context builder
        )
