from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditedModelAdmin, ScopedModelAdmin
from notifications.constants import OutboxStatus
from notifications.models import NotificationPreference, OutboxMail
from notifications.services import outbox_retry


@admin.register(OutboxMail)
class OutboxMailAdmin(ScopedModelAdmin):
    """What left (or did not leave) the platform; failed mails can be sent again."""

    list_display = ("created_at", "template", "to", "status", "attempts", "sent_at", "municipality")
    list_filter = ("status", "template")
    list_select_related = ("municipality",)
    search_fields = ("to", "dedup_key")
    readonly_fields = [f.name for f in OutboxMail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed mails again"), permissions=["view"])
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=OutboxStatus.FAILED))
        for mail in failed:
            outbox_retry(mail=mail)
        self.message_user(
            request,
            ngettext("%(count)d mail will be sent again.", "%(count)d mails will be sent again.", len(failed))
            % {"count": len(failed)},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedModelAdmin):
    list_display = ("user", "daily_digest")
    list_filter = ("daily_digest",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
