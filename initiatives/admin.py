from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    ScopedModelAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    SuperuserEditOnlyMixin,
)
from core.forms import add_service_error
from initiatives.constants import GrantStatus
from initiatives.models import (
    Agreement,
    Attachment,
    CostLine,
    Decision,
    Grant,
    Initiative,
    Message,
    ReferenceSequence,
    RoleChange,
    Satisfaction,
    StatusChange,
    Theme,
    TrackingToken,
)
from initiatives.services.funds import fund_check_grant
from municipalities.models import Fund
from notifications.models import OutboxMail

TIMESTAMPS = ("created_at", "updated_at")
# Files are private: the admin shows what was uploaded, never a link to the stored path.
ATTACHMENT_FIELDS = ("original_name", "content_type", "size", "uploaded_at", "message")


@admin.register(Theme)
class ThemeAdmin(ScopedModelAdmin):
    list_display = ("name_nl", "name_en", "slug", "order")
    search_fields = ("name_nl", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


# Initiative inlines. Cost lines, messages, attachments and the status history are written by
# services (the total, the emails, the upload checks, the audit trail): the admin only shows them.


class CostLineInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = CostLine
    fields = ("description", "amount")


class StatusChangeInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = StatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "by_initiator", "note")
    readonly_fields = ("created_at",)


class RoleChangeInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = RoleChange
    fields = ("created_at", "from_role", "to_role", "actor", "explanation")
    readonly_fields = ("created_at",)


class MessageInline(ReadOnlyInlineMixin, ScopedStackedInline):
    model = Message
    fields = ("created_at", "kind", "author", "body")


class AttachmentInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Attachment
    fields = ATTACHMENT_FIELDS


class AgreementInline(ScopedTabularInline):
    model = Agreement
    fields = ("party", "partner_name", "role", "description", "due_date", "done", "done_at")


# Decisions and grants are written by initiatives.services.funds (its checks, row locks and
# audit lines): staff see them here; only a superuser edits them, and a grant still keeps the
# fund's rules (GrantAdminForm).


class GrantAdminForm(forms.ModelForm):
    """A grant added or changed in the admin passes the service's rule (`fund_check_grant`) with
    the fund row locked: the admin saves in one transaction, so the sums hold until the save."""

    MONEY_FIELDS = ("initiative", "fund", "amount", "status")

    class Meta:
        model = Grant
        fields = ("initiative", "decision", "fund", "amount", "status", "paid_at", "withdrawn_at")

    def clean(self):
        cleaned = super().clean()
        fund, amount = cleaned.get("fund"), cleaned.get("amount")
        initiative = cleaned.get("initiative") if "initiative" in self.fields else None
        if initiative is None and self.instance.initiative_id:
            initiative = self.instance.initiative
        status = cleaned.get("status", self.instance.status)
        touched = self.instance._state.adding or any(name in self.changed_data for name in self.MONEY_FIELDS)
        if fund is None or amount is None or initiative is None or status == GrantStatus.WITHDRAWN or not touched:
            return cleaned
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        try:
            fund_check_grant(
                fund=locked,
                initiative=initiative,
                amount=amount,
                grant=None if self.instance._state.adding else self.instance,
            )
        except ValidationError as error:
            add_service_error(self, error)
        return cleaned


class DecisionInline(SuperuserEditOnlyMixin, ScopedStackedInline):
    model = Decision
    fields = ("outcome", "motivation", "decided_by", "decided_at")
    autocomplete_fields = ("decided_by",)


class GrantInline(SuperuserEditOnlyMixin, ScopedTabularInline):
    model = Grant
    form = GrantAdminForm
    fields = ("fund", "amount", "status", "decision", "paid_at", "withdrawn_at")
    autocomplete_fields = ("fund", "decision")


class SatisfactionInline(ReadOnlyInlineMixin, ScopedStackedInline):
    """The initiator's answer after closing: written by the resident, never edited here."""

    model = Satisfaction
    fields = ("score", "comment", "may_contact", "answered_at")


class OutboxMailInline(ReadOnlyInlineMixin, GenericTabularInline):
    """The mails about this initiative (the outbox itself knows no initiative)."""

    model = OutboxMail
    ct_field = "subject_type"
    ct_fk_field = "subject_id"
    fields = ("created_at", "template", "to", "status", "sent_at")
    readonly_fields = fields
    verbose_name_plural = _("mails")


@admin.register(Initiative)
class InitiativeAdmin(ScopedModelAdmin):
    list_display = ("reference", "title", "village", "municipality", "status", "assigned_officer", "submitted_at")
    list_filter = (
        "status",
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "intake_channel",
        "is_right_to_challenge",
        "asks_money",
        "publication_consent",
        "publication",
    )
    # One query for the page however many rows: every relation in list_display is joined.
    list_select_related = ("village", "municipality", "assigned_officer")
    search_fields = ("reference", "title", "village__name", "initiator_name", "initiator_email")
    date_hierarchy = "submitted_at"
    autocomplete_fields = ("village", "organisation", "assigned_officer", "registered_by")
    filter_horizontal = ("themes",)
    # The municipality is always the village's (Initiative.clean refuses another one); status
    # and dates change only through the workflow service, which also writes the status history.
    readonly_fields = (
        "reference",
        "municipality",
        "status",
        "total_cost",
        "privacy_acknowledged_at",
        "submitted_at",
        "first_response_due",
        "decision_due",
        "first_response_at",
        "decided_at",
        "closed_at",
        "personal_data_removed_at",
        # The publication review happens on the officer's page (initiatives.services.publication).
        "publication",
        "publication_reason",
        "publication_decided_at",
        "publication_decided_by",
        *TIMESTAMPS,
    )
    fieldsets = (
        (None, {"fields": ("reference", "title", "goal", "description", "target_group", "themes")}),
        (_("Where"), {"fields": ("village", "municipality", "organisation")}),
        (
            _("Initiator"),
            {"fields": ("initiator_name", "initiator_email", "initiator_phone", "preferred_language")},
        ),
        (
            _("Help asked"),
            {
                "fields": (
                    "asks_advice",
                    "asks_money",
                    "asks_permits",
                    "asks_space",
                    "asks_network",
                    "asks_process",
                    "is_right_to_challenge",
                )
            },
        ),
        (
            _("Money and own contribution"),
            {
                "fields": (
                    "total_cost",
                    "amount_requested",
                    "own_contribution_money",
                    "own_contribution_hours",
                    "own_contribution_materials",
                )
            },
        ),
        (
            _("Plan"),
            {"fields": ("support_evidence", "permits_needed", "maintenance_after", "planned_start")},
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "status",
                    "assigned_officer",
                    "municipal_role",
                    "municipal_role_explanation",
                    "intake_channel",
                    "registered_by",
                    "publication_consent",
                    "privacy_acknowledged_at",
                )
            },
        ),
        (
            _("Publication"),
            {"fields": ("publication", "publication_reason", "publication_decided_at", "publication_decided_by")},
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "submitted_at",
                    "first_response_due",
                    "decision_due",
                    "first_response_at",
                    "decided_at",
                    "closed_at",
                    "personal_data_removed_at",
                    *TIMESTAMPS,
                )
            },
        ),
    )
    inlines = (
        CostLineInline,
        AgreementInline,
        DecisionInline,
        GrantInline,
        MessageInline,
        AttachmentInline,
        StatusChangeInline,
        RoleChangeInline,
        SatisfactionInline,
        OutboxMailInline,
    )

    def has_add_permission(self, request):
        # The intake form (with its reference, deadlines and confirmation mail) is the only way in.
        return False


@admin.register(CostLine)
class CostLineAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("description", "amount", "initiative")
    list_select_related = ("initiative",)
    search_fields = ("description", "initiative__reference", "initiative__title")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("initiative", "from_status", "to_status", "actor", "by_initiator", "created_at")
    list_filter = ("to_status", "by_initiator")
    list_select_related = ("initiative", "actor")
    search_fields = ("initiative__reference", "initiative__title", "note")
    date_hierarchy = "created_at"


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("__str__", "initiative", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("initiative", "author")
    search_fields = ("initiative__reference", "initiative__title", "body")
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("original_name", "initiative", "content_type", "size", "uploaded_at")
    list_select_related = ("initiative",)
    search_fields = ("original_name", "initiative__reference", "initiative__title")
    fields = ("initiative", *ATTACHMENT_FIELDS)


@admin.register(Agreement)
class AgreementAdmin(ScopedModelAdmin):
    list_display = ("__str__", "initiative", "party", "role", "due_date", "done")
    list_filter = ("party", "role", "done")
    list_select_related = ("initiative",)
    search_fields = ("description", "partner_name", "initiative__reference", "initiative__title")
    autocomplete_fields = ("initiative", "created_by")
    readonly_fields = TIMESTAMPS


@admin.register(Decision)
class DecisionAdmin(SuperuserEditOnlyMixin, ScopedModelAdmin):
    list_display = ("initiative", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome",)
    list_select_related = ("initiative", "decided_by")
    search_fields = ("initiative__reference", "initiative__title", "motivation")
    date_hierarchy = "decided_at"
    autocomplete_fields = ("initiative", "decided_by")
    str_select_related = ("initiative",)


@admin.register(Grant)
class GrantAdmin(SuperuserEditOnlyMixin, ScopedModelAdmin):
    form = GrantAdminForm
    list_display = ("initiative", "fund", "amount", "status", "paid_at")
    list_filter = ("status", ("fund", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("initiative", "fund")
    search_fields = ("initiative__reference", "initiative__title", "fund__name")
    autocomplete_fields = ("initiative", "fund", "decision")
    readonly_fields = TIMESTAMPS
    str_select_related = ("initiative",)


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("year", "last_number")


@admin.register(TrackingToken)
class TrackingTokenAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    # The token hash is never shown: revoking a link is a service, not an edit.
    list_display = ("initiative", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("initiative",)
    search_fields = ("initiative__reference", "initiative__title")
    fields = ("initiative", "created_at", "last_used_at", "revoked_at")
