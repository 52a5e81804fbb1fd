from django.contrib import admin

from audit.models import AuditLogEntry
from core.admin import ReadOnlyAdminMixin, ScopedModelAdmin


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The audit log can be read, never changed or deleted."""

    list_display = ("created_at", "actor_label", "action", "object_repr", "result", "origin", "municipality")
    list_filter = ("result", "action", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("actor_label", "action", "object_repr", "object_id")
    date_hierarchy = "created_at"
