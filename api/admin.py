"""API keys in the admin: made for one municipality, shown once, revoked (never deleted)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["municipality", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "municipality"]
        return ["name", "municipality", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps pointing at the key

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, raw_key = api_key_create(name=obj.name, municipality=obj.municipality, actor=request.user)
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            _("The key of “%(name)s”, shown only now (only its hash is stored): %(key)s")
            % {"name": key.name, "key": raw_key},
        )

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=request.user)
            count += 1
        self.message_user(
            request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count}
        )
