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

        self.connect_statistics_marks()
        self.connect_new_reply_flags()

    def connect_new_reply_flags(self):
        from django.db.models.signals import post_save

        from initiatives import new_reply_flags
        from initiatives.models import Initiative, Message

        post_save.connect(new_reply_flags.message_saved, sender=Message, dispatch_uid="new_reply_flag_message")
        post_save.connect(new_reply_flags.initiative_saved, sender=Initiative, dispatch_uid="new_reply_flag_officer")

    def connect_statistics_marks(self):
        """Every save or delete of what the statistics count marks its month (statistics_rollups)."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.models import ExtraHoliday
        from initiatives import statistics_rollups as rollups
        from initiatives.models import Decision, Grant, Initiative, Satisfaction, Theme

        post_save.connect(rollups.initiative_saved, sender=Initiative, dispatch_uid="statistics_initiative_saved")
        post_delete.connect(rollups.initiative_deleted, sender=Initiative, dispatch_uid="statistics_initiative_gone")
        m2m_changed.connect(rollups.themes_changed, sender=Initiative.themes.through, dispatch_uid="statistics_themes")
        for model in (Decision, Grant, Satisfaction):
            for signal in (post_save, post_delete):
                signal.connect(
                    rollups.initiative_child_changed,
                    sender=model,
                    dispatch_uid=f"statistics_{model._meta.model_name}_{id(signal)}",
                )
        post_delete.connect(rollups.everything_changed, sender=Theme, dispatch_uid="statistics_theme_gone")
        for signal in (post_save, post_delete):
            signal.connect(
                rollups.everything_changed, sender=ExtraHoliday, dispatch_uid=f"statistics_holiday_{id(signal)}"
            )
