"""Forms for residents. Every rule a person can break has a plain message (B1)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import ModelMultipleChoiceField, add_service_error, quick_copies
from initiatives.constants import HelpKind, Language
from initiatives.models import MAX_AMOUNT, SatisfactionScore, SupportNameDisplay, Theme
from initiatives.services.submission import initiative_money_check
from initiatives.uploads import ALLOWED_DESCRIPTION, sanitize_filename, sniff_content_type
from villages.models import Village, VillageOrganisation


def money_field(label, *, minimum=Decimal("0"), **kwargs) -> forms.DecimalField:
    """An optional amount in euro between `minimum` and the sane maximum."""
    return forms.DecimalField(
        label=label, required=False, min_value=minimum, max_value=MAX_AMOUNT, decimal_places=2, max_digits=12, **kwargs
    )


@dataclass
class CheckedUpload:
    """An upload whose real type and clean name are known."""

    file: UploadedFile
    name: str
    content_type: str
    size: int


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ATTACHMENT_MAX_FILES files, each checked by content and size."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        checked, errors = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload.size > settings.ATTACHMENT_MAX_BYTES:
                errors.append(
                    _("“%(name)s” is too large. A file can be at most %(mb)s MB.")
                    % {"name": upload.name, "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
                )
                continue
            content_type = sniff_content_type(upload)
            if content_type is None:
                errors.append(
                    _("“%(name)s” is not a file type we accept. Use %(types)s.")
                    % {"name": upload.name, "types": ALLOWED_DESCRIPTION}
                )
                continue
            checked.append(
                CheckedUpload(upload, sanitize_filename(upload.name, content_type), content_type, upload.size)
            )
        if errors:
            raise ValidationError(errors)
        return checked


def village_choices(municipality_slug=None):
    """Villages of active municipalities, grouped by municipality (for an optgroup select)."""
    villages = Village.objects.public().select_related("municipality").order_by("municipality__name", "name")
    if municipality_slug:
        villages = villages.filter(municipality__slug=municipality_slug)
    groups: dict[str, list] = {}
    for village in villages:
        groups.setdefault(village.municipality.name, []).append((village.pk, village.name))
    return [("", _("Choose your village"))] + list(groups.items())


class GroupedVillageField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=village_choices, coerce=int, **kwargs)

    def valid_value(self, value):
        """`clean` looks the village up; walking every village's choice first would cost a query
        and a list of all villages on each submission (bench/results/server.md)."""
        return True

    def clean(self, value):
        pk = super().clean(value)
        # No ORDER BY for a look-up by primary key: a slice alone would still compile the model's
        # ordering (the municipality's name, a join) on every submission (bench/results/server.md).
        villages = Village.objects.public().select_related("municipality").filter(pk=pk).order_by()
        village = next(iter(villages[:1]), None)
        if village is None:
            raise ValidationError(_("Choose a village from the list."))
        return village


class ThemesField(ModelMultipleChoiceField):
    """The themes as the page offers them; a sent form gives their ids, unread. `initiative_submit`
    links them in one statement that also checks that each exists (a theme removed meanwhile is
    an error at the field there): the form's look-up was a query on each submission
    (bench/results/server.md)."""

    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        self._check_numbers(value)
        ids = []
        for pk in value:
            try:
                ids.append(int(str(pk)))
            except (TypeError, ValueError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                ) from None
        self.run_validators(ids)
        return list(dict.fromkeys(ids))


class OrganisationChoiceIterator(forms.models.ModelChoiceIterator):
    """The organisations grouped by village (an optgroup each), after a plain empty choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for organisation in self.queryset.order_by("village__name", "name", "pk"):
            groups.setdefault(organisation.village.name, []).append(self.choice(organisation))
        yield from groups.items()


class OrganisationSelect(forms.Select):
    """Each option says its village (`data-village`): static/js/site.js then offers only the
    chosen village's organisations. Without JavaScript the list stays grouped by village."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-village"] = str(instance.village_id)
        return option


class OrganisationField(forms.ModelChoiceField):
    iterator = OrganisationChoiceIterator
    widget = OrganisationSelect

    def __init__(self, **kwargs):
        queryset = VillageOrganisation.objects.filter(village__municipality__is_active=True).select_related("village")
        super().__init__(queryset=queryset, empty_label=_("No organisation"), required=False, **kwargs)


class IntakeSection(Fieldset):
    """One numbered section of an intake form: a fieldset with an h3 legend and, when given,
    a first paragraph (`intro`) before its fields."""

    template = "initiatives/includes/intake_section.html"

    def __init__(self, legend, *fields, intro="", **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.intro = intro

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(self.template, {"section": self, "fields": fields})


def include(template_name: str) -> HTML:
    """A template in a layout, rendered with the page's context (the formset, the kept files)."""
    return HTML(f'{{% include "{template_name}" %}}')


class IntakeFormHelper(FormHelper):
    """`{% crispy form %}` for an intake form: only its sections. The <form> tag, the CSRF
    token, the error summary (initiatives/includes/submission_error_summary.html) and the
    button are the page's, so crispy adds no tag and no error alert of its own."""

    form_tag = False
    disable_csrf = True
    error_text_inline = False  # as `|as_crispy_field` without a helper: a block per error
    template = "initiatives/includes/intake_form.html"
    field_template = "initiatives/includes/intake_field.html"  # "(optional)" after each optional label

    def __init__(self, layout: Layout):
        super().__init__()
        self.layout = layout


def intake_layout(form, *, legends: dict, intros: dict | None = None, before=(), attachments=(), privacy=()) -> Layout:
    """The sections both intake forms share, in the order residents think: the public form and
    the officers' phone and paper intake (`officer_forms.InitiativeRegisterForm`).

    Each form gives what is its own: the `legends` and `intros` (first paragraphs) of the
    sections "initiative", "help", "costs", "initiator" and "privacy"; layout objects `before`
    the first section; what comes before the file field in the attachments section; and the
    privacy section's content.
    """
    intros = intros or {}

    def section(key, *fields, **kwargs):
        return IntakeSection(legends[key], *fields, intro=intros.get(key, ""), **kwargs)

    # Themes are offered once there are any (one query, when the page is rendered).
    themes = ["themes"] if form.fields["themes"].queryset.exists() else []
    return Layout(
        *before,
        section("initiative", "title", "goal", "description", "target_group", "village", "organisation", *themes),
        section("help", "help_kinds", "is_right_to_challenge"),
        section("costs", include("initiatives/includes/cost_lines.html"), css_id="costs", tabindex="-1"),
        IntakeSection(
            _("4. Support and practical matters"),
            "support_evidence",
            "permits_needed",
            "maintenance_after",
            "planned_start",
        ),
        IntakeSection(_("5. Attachments"), *attachments, "attachments", intro=intros.get("attachments", "")),
        section("initiator", "initiator_name", "initiator_email", "initiator_phone", "preferred_language"),
        section("privacy", *privacy),
    )


def attachments_help_text() -> str:
    return _("At most %(count)s files of at most %(mb)s MB each: %(types)s.") % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "types": ALLOWED_DESCRIPTION,
    }


@quick_copies  # each submission copies the 25 fields: 403 -> 198 us without deep-copying their choices
class InitiativeSubmitForm(forms.Form):
    """The public form. Fields are grouped in sections (`helper`) in the order residents think."""

    # About the initiative
    title = forms.CharField(
        label=_("Name of your initiative"),
        max_length=200,
        help_text=_("A short name. For example: “New playground in Elspeet”."),
    )
    goal = forms.CharField(
        label=_("What do you want to achieve?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("What do you want to do?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tell what you are going to do, with whom, and where."),
    )
    target_group = forms.CharField(
        label=_("Who is it for?"),
        max_length=300,
        required=False,
        help_text=_("For example: children, elderly people, everyone in the village."),
    )
    village = GroupedVillageField(label=_("Village"))
    organisation = OrganisationField(
        label=_("Organisation"),
        help_text=_("Only if you start this initiative on behalf of an organisation."),
    )
    themes = ThemesField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    # Help asked
    help_kinds = forms.MultipleChoiceField(
        label=_("What help do you ask from the municipality?"),
        choices=HelpKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of help.")},
    )

    # Money
    amount_requested = money_field(_("Amount you ask (euro)"))
    own_contribution_money = money_field(_("Your own contribution in money (euro)"))
    own_contribution_hours = forms.IntegerField(
        label=_("Hours that you and others put in"), required=False, min_value=0, max_value=100_000
    )
    own_contribution_materials = forms.CharField(
        label=_("Materials you bring yourself"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Practical
    support_evidence = forms.CharField(
        label=_("Who in the neighbourhood supports your plan?"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: signatures, a meeting, a survey. Also tell if people have objections."),
    )
    permits_needed = forms.CharField(
        label=_("Do you need permits?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    maintenance_after = forms.CharField(
        label=_("Who takes care of it afterwards?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: who maintains the playground when it is ready."),
    )
    planned_start = forms.DateField(
        label=_("When do you want to start?"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_right_to_challenge = forms.BooleanField(
        label=_("We want to take over a task of the municipality (right to challenge)"),
        required=False,
        help_text=_("For example: maintaining a park or running a community building, perhaps with its budget."),
    )

    attachments = AttachmentsField(
        label=_("Attachments"),
        help_text=lazy(attachments_help_text, str)(),  # in the language of the page, not of the import
    )

    # About you
    initiator_name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    initiator_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send the confirmation and your personal link to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    initiator_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("In which language do we write to you?"), choices=Language.choices, initial=Language.DUTCH
    )

    publication_consent = forms.BooleanField(
        label=_("You may show my initiative on the website (without my name or contact details)"), required=False
    )
    privacy_acknowledged = forms.BooleanField(
        label=_("I have read the privacy statement"),
        error_messages={"required": _("Read the privacy statement and tick the box.")},
    )
    # Honeypot: hidden from people, filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, kept_uploads=0, municipality_slug=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_uploads = kept_uploads
        if municipality_slug:
            self.fields["village"].choices = village_choices(municipality_slug)
        self.fields["initiator_phone"].validators.append(_validate_phone)

    @cached_property
    def helper(self) -> IntakeFormHelper:
        """The crispy layout, built when the page is rendered (never for a valid post)."""
        return IntakeFormHelper(self.intake_sections())

    def intake_sections(self) -> Layout:
        privacy_link = format_html(
            '<p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            reverse("core:privacy"),
            _("Read the privacy statement (opens in a new tab)"),
        )
        return intake_layout(
            self,
            legends={
                "initiative": _("1. Your initiative"),
                "help": _("2. What help do you need?"),
                "costs": _("3. Costs and your own contribution"),
                "initiator": _("6. About you"),
                "privacy": _("7. Privacy"),
            },
            intros={
                "costs": _("Do you ask for money? Then write down what things cost. We add up the total for you."),
                "initiator": _("We only use these details to contact you about this initiative."),
            },
            attachments=[include("initiatives/includes/kept_uploads.html")],
            privacy=["publication_consent", HTML(privacy_link), "privacy_acknowledged"],
        )

    def clean_planned_start(self):
        start = self.cleaned_data.get("planned_start")
        if start and start < timezone.localdate():
            raise ValidationError(_("The start date cannot be in the past."))
        if start and start.year > timezone.localdate().year + 10:
            raise ValidationError(_("Choose a start date within the next ten years."))
        return start

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty"))
        return ""

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        total = len(files) + self.kept_uploads
        if total > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(too_many_files_message())
        return files

    def clean(self):
        cleaned = super().clean()
        village, organisation = cleaned.get("village"), cleaned.get("organisation")
        if village and organisation and organisation.village_id != village.pk:
            self.add_error("organisation", _("This organisation belongs to another village."))
        for field in ("amount_requested", "own_contribution_money", "own_contribution_hours"):
            if cleaned.get(field) is None:
                cleaned[field] = 0
        return cleaned

    def check_money(self, formset: "BaseCostLineFormSet") -> None:
        """The money rule of `initiative_money_check`, once the form and the cost lines are valid:
        its messages are shown at the amount asked, or above the form."""
        if not (self.is_valid() and formset.is_valid()):
            return
        try:
            initiative_money_check(
                asks_money=HelpKind.MONEY in self.cleaned_data["help_kinds"],
                amount_requested=self.cleaned_data.get("amount_requested"),
                cost_lines=formset.lines(),
            )
        except ValidationError as error:
            add_service_error(self, error)

    def initiative_data(self) -> dict:
        """The Initiative fields, for `initiative_submit`."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "goal",
                "description",
                "target_group",
                "village",
                "organisation",
                "themes",
                "amount_requested",
                "own_contribution_money",
                "own_contribution_hours",
                "own_contribution_materials",
                "support_evidence",
                "permits_needed",
                "maintenance_after",
                "planned_start",
                "is_right_to_challenge",
                "initiator_name",
                "initiator_email",
                "initiator_phone",
                "preferred_language",
                "publication_consent",
            )
        }
        for kind in HelpKind:
            fields[f"asks_{kind.value}"] = kind.value in data["help_kinds"]
        return fields


def too_many_files_message():
    maximum = settings.ATTACHMENT_MAX_FILES
    return ngettext("You can add at most %(max)s file.", "You can add at most %(max)s files.", maximum) % {
        "max": maximum
    }


def _validate_phone(value):
    digits = [c for c in value if c.isdigit()]
    if value and (len(digits) < 8 or any(c not in "0123456789+-() " for c in value)):
        raise ValidationError(_("Enter a phone number with digits only, for example 06 12345678."))


class CostLineForm(forms.Form):
    description = forms.CharField(label=_("What is it for?"), max_length=200, required=False)
    amount = money_field(_("Amount (euro)"))

    def clean(self):
        cleaned = super().clean()
        description, amount = cleaned.get("description"), cleaned.get("amount")
        if description and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Fill in the amount for this cost line."))
        if amount is not None and not description:
            self.add_error("description", _("Say what this amount is for."))
        return cleaned


class BaseCostLineFormSet(forms.BaseFormSet):
    """The cost lines: one empty line to start with and as many as needed (up to `max_num`).

    "Add a line" is a submit button named `ADD_LINE`. With JavaScript it adds an empty line in
    the page (static/js/site.js, from the formset's `empty_form`); without, the form comes back
    from the server with everything kept, one line more and no error messages yet.
    """

    ADD_LINE = "costs-add"

    @classmethod
    def add_line_requested(cls, data) -> bool:
        return cls.ADD_LINE in data

    @classmethod
    def with_added_line(cls, data, **kwargs):
        """A bound formset of the posted lines and one empty line more (at most `max_num`)."""
        data = data.copy()
        key = f"{kwargs.get('prefix') or cls.get_default_prefix()}-TOTAL_FORMS"
        try:
            total = int(data.get(key, 0))
        except (TypeError, ValueError):
            total = 0
        data[key] = str(min(max(total, 0) + 1, cls.max_num))
        return cls(data, **kwargs)

    @property
    def can_add_line(self) -> bool:
        return self.total_form_count() < self.max_num

    def lines(self) -> list[dict]:
        return [
            {"description": f.cleaned_data["description"], "amount": f.cleaned_data["amount"]}
            for f in self.forms
            if f.cleaned_data.get("description") and f.cleaned_data.get("amount") is not None
        ]


CostLineFormSet = forms.formset_factory(
    CostLineForm, formset=BaseCostLineFormSet, extra=1, max_num=20, absolute_max=20, validate_max=True
)


class TrackingReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = AttachmentsField(label=_("Attachments (optional)"))

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(too_many_files_message())
        return files


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw your initiative? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, I want to withdraw my initiative"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SatisfactionForm(forms.Form):
    """One question after closing: a score (a radio group: fieldset, legend, a label per value)."""

    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how the municipality worked with you?"),
        choices=SatisfactionScore.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Would you like to explain? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well, and what could be better? At most 2000 characters."),
    )
    may_contact = forms.BooleanField(
        label=_("The municipality may contact me about my answer"),
        required=False,
    )


ELSEWHERE = "elsewhere"


class SupportForm(forms.Form):
    """ "I support this" on a published initiative's page. The address only receives the link to
    confirm; the name appears as the resident chooses; the reason is public."""

    name = forms.CharField(label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    name_display = forms.ChoiceField(
        label=_("Show my name on this page as"),
        choices=SupportNameDisplay.choices,
        initial=SupportNameDisplay.SHORT,
        widget=forms.RadioSelect,
    )
    village = forms.ChoiceField(
        label=_("Where do you live?"),
        help_text=_("The municipality counts the supporters from the village of the initiative."),
        error_messages={"required": _("Choose where you live.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your support. We never show your address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    reason = forms.CharField(
        label=_("Why do you support this? (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on this page. At most 300 characters."),
    )
    # Honeypot: hidden from people, filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {
            str(village.pk): village
            for village in Village.objects.filter(municipality_id=initiative.municipality_id).order_by("name")
        }
        self.fields["village"].choices = (
            [("", _("Choose"))]
            + [(pk, village.name) for pk, village in self.villages.items()]
            + [(ELSEWHERE, _("Somewhere else"))]
        )

    def clean_village(self):
        value = self.cleaned_data["village"]
        return None if value == ELSEWHERE else self.villages[value]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty"))
        return ""
