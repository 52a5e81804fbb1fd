from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"

    def ready(self):
        from core.models import ExtraHoliday
        from core.working_days import clear_extra_holidays_cache

        def extra_holiday_changed(**kwargs):
            clear_extra_holidays_cache()

        # Deadlines read the extra holidays once per process: a saved or deleted row clears them.
        post_save.connect(
            extra_holiday_changed, sender=ExtraHoliday, weak=False, dispatch_uid="core_extra_holiday_saved"
        )
        post_delete.connect(
            extra_holiday_changed, sender=ExtraHoliday, weak=False, dispatch_uid="core_extra_holiday_gone"
        )
