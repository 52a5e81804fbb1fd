"""Django's own user and group admins, audited like every other admin page (core.admin).

A staff account made here gets an enrolment link by mail (to set up two-step verification), and
the action "Send an enrolment link" resets a user's two-step verification and sends a new link
(a lost phone, lost recovery codes).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import user_needs_mfa
from accounts.models import AuthenticatorApp, EnrolmentLink, RecoveryCodes
from accounts.services import enrolment_link_issue
from core.admin import AuditedAdminMixin, ReadOnlyAdminMixin

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)

# django-otp's device admins, under the Dutch names of our proxies (accounts.models), in this
# app's section of the admin: "Authenticator-apps" and "Herstelcodes".
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(TOTPDeviceAdmin):
    pass


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(StaticDeviceAdmin):
    pass


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (
            _("Two-step verification"),
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "is_staff"),
                "description": _(
                    "Staff log in in two steps. A staff account with an email address gets a link "
                    "by mail to set up the app."
                ),
            },
        ),
    )
    actions = ["send_enrolment_link"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.email and user_needs_mfa(obj):
            enrolment_link_issue(user=obj, actor=request.user)
            self.message_user(request, _("An enrolment link was sent to %(email)s.") % {"email": obj.email})

    @admin.action(
        description=_("Send an enrolment link (resets two-step verification)"),
        permissions=["change"],
    )
    def send_enrolment_link(self, request, queryset):
        sent = skipped = 0
        for user in queryset.order_by("pk"):
            if not user.email:
                skipped += 1
                continue
            enrolment_link_issue(user=user, actor=request.user)
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d enrolment link sent. The app and recovery codes of that account no longer work.",
                    "%(count)d enrolment links sent. The apps and recovery codes of those accounts no longer work.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account has no email address: no link sent.",
                    "%(count)d accounts have no email address: no link sent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass


@admin.register(EnrolmentLink)
class EnrolmentLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which links were sent and used (no tokens: only their hashes are stored, and not shown)."""

    list_display = ("user", "created_at", "expires_at", "used_at")
    list_select_related = ("user",)
    fields = ("user", "created_at", "expires_at", "used_at")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created_at"
