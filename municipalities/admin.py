from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedModelAdmin
from municipalities.models import Fund, Municipality, OfficerMembership, StandardText

TIMESTAMPS = ("created_at", "updated_at")


@admin.register(Municipality)
class MunicipalityAdmin(ScopedModelAdmin):
    list_display = (
        "name",
        "cbs_code",
        "province",
        "supporting_association",
        "direction_kind",
        "mandate_amount",
        "publish_without_review",
        "is_active",
    )
    list_filter = (
        "is_active",
        "publish_without_review",
        "province",
        "direction_kind",
        ("supporting_association", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("supporting_association",)
    search_fields = ("name", "cbs_code")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "cbs_code",
                    "province",
                    "supporting_association",
                    "direction_kind",
                    "is_active",
                    "publish_without_review",
                )
            },
        ),
        (
            _("Terms and contact"),
            {
                "fields": (
                    "first_response_working_days",
                    "decision_term_weeks",
                    "role_statement",
                    "contact_email",
                    "contact_phone",
                    "website",
                )
            },
        ),
        (_("Mandate and four eyes"), {"fields": ("mandate_amount",)}),
        (
            _("Decision letter: letterhead and signature"),
            {
                "description": _(
                    "Every decision goes to the initiator as a letter (PDF) with these details. "
                    "A letter once made does not change any more."
                ),
                "fields": ("postal_address", "logo", "letter_signer_name", "letter_signer_title"),
            },
        ),
        (
            _("Own look on the platform"),
            {
                "description": _(
                    "The municipality's pages, its villages' pages, the tracking page and the mails carry these "
                    "colours, the logo above and this name. Colours are checked for enough contrast (WCAG AA)."
                ),
                "fields": ("theme_name", "theme_primary_colour", "theme_secondary_colour", "theme_header_image"),
            },
        ),
        (
            _("Decision letter: objections (bezwaar)"),
            {
                "description": _(
                    "The letter says that residents can object within six weeks to the college van burgemeester "
                    "en wethouders, and where and how."
                ),
                "fields": ("objection_address", "objection_url", "objection_email"),
            },
        ),
        (
            _("Decision letter: own texts"),
            {
                "description": _(
                    "Replace the standard opening or closing paragraph of the letter with your own words, per "
                    "language. Plain text, no codes."
                ),
                "fields": ("letter_opening_nl", "letter_closing_nl", "letter_opening_en", "letter_closing_en"),
            },
        ),
        (_("Dates"), {"fields": TIMESTAMPS}),
    )


@admin.register(OfficerMembership)
class OfficerMembershipAdmin(ScopedModelAdmin):
    list_display = ("__str__", "municipality", "role", "job_title", "is_active")
    list_filter = ("role", "is_active", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "municipality")
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "job_title",
        "municipality__name",
    )
    autocomplete_fields = ("user", "municipality", "villages")
    readonly_fields = TIMESTAMPS
    str_select_related = ("user",)


class FundAdminForm(forms.ModelForm):
    """Fund.clean refuses a budget below what the fund has committed and paid; the fund row is
    locked first (the admin saves in one transaction), so no grant slips in meanwhile."""

    class Meta:
        model = Fund
        fields = (
            "municipality",
            "name",
            "year",
            "budget",
            "max_per_initiative",
            "min_own_share_percent",
            "budget_per_village",
            "submit_weeks_before_start",
            "description",
            "grant_conditions",
            "is_open",
        )

    def clean(self):
        if self.instance.pk is not None:
            Fund.objects.select_for_update().get(pk=self.instance.pk)
        return super().clean()


@admin.register(Fund)
class FundAdmin(ScopedModelAdmin):
    form = FundAdminForm
    list_display = ("name", "year", "municipality", "budget", "max_per_initiative", "is_open")
    list_filter = ("is_open", "year", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("name", "municipality__name")
    autocomplete_fields = ("municipality",)
    readonly_fields = TIMESTAMPS


@admin.register(StandardText)
class StandardTextAdmin(ScopedModelAdmin):
    """Coordinators keep their municipality's standard texts here."""

    list_display = ("title", "purpose", "municipality", "is_active")
    list_filter = ("purpose", "is_active", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("title", "body")
    autocomplete_fields = ("municipality",)
    readonly_fields = TIMESTAMPS
