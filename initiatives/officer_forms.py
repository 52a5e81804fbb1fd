"""Forms for the officer's page of one initiative. Each validates input only; the services
decide what is allowed (and say so with a ValidationError that the view shows at the form)."""

from decimal import Decimal

from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from initiatives.constants import (
    INITIATOR_ROLES,
    MUNICIPAL_ROLE_EXPLANATIONS,
    MUNICIPALITY_ROLES,
    TRANSITIONS,
    AgreementParty,
    DecisionOutcome,
    IntakeChannel,
    MessageKind,
    MunicipalRole,
    Status,
)
from initiatives.forms import (
    AttachmentsField,
    InitiativeSubmitForm,
    intake_layout,
    money_field,
    too_many_files_message,
    village_choices,
)
from initiatives.models import ACTIVE_STATUSES, Initiative
from initiatives.services.duplicates import duplicate_candidates
from municipalities.models import StandardText
from villages.models import Village, VillageOrganisation


class StandardTextSelect(forms.Select):
    """A select of standard texts; each option carries its text, so officer.js can fill the
    textarea named in `data-fills`. Without JavaScript the form uses the text itself."""

    def __init__(self, *args, texts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = {str(text.pk): text for text in texts}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        text = self.texts.get(str(value))
        if text is not None:
            option["attrs"]["data-text"] = text.body
            option["attrs"]["data-purpose"] = text.purpose
        return option


class StandardTextField(forms.TypedChoiceField):
    """Choose one of the given StandardText rows (grouped by purpose); cleans to the row."""

    def __init__(self, *, texts, fills, **kwargs):
        texts = list(texts)
        self.texts_by_pk = {text.pk: text for text in texts}
        groups: dict[str, list] = {}
        for text in texts:
            groups.setdefault(text.get_purpose_display(), []).append((text.pk, text.title))
        choices = [("", _("No standard text"))]
        choices += list(groups.items()) if len(groups) > 1 else next(iter(groups.values()), [])
        kwargs.setdefault("required", False)
        super().__init__(
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=StandardTextSelect(texts=texts, attrs={"data-fills": fills}),
            **kwargs,
        )

    def clean(self, value):
        pk = super().clean(value)
        return self.texts_by_pk.get(pk) if pk is not None else None


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), empty_label=_("Choose an officer")
    )

    def __init__(self, *args, initiative, **kwargs):
        kwargs.setdefault("initial", {"officer": initiative.assigned_officer_id})
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        field.queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                officer_membership__municipality_id=initiative.municipality_id,
                officer_membership__is_active=True,
            )
            .order_by("first_name", "last_name", "username")
        )
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()


class StatusChangeForm(forms.Form):
    """Offers only the steps TRANSITIONS allows from the current status. "Decided" is reached
    through the decision form, which asks for the motivation the initiator reads."""

    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only officers see this note. The initiator gets a mail with the new status."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", _("Choose the new status"))] + [
            (status.value, status.label) for status in status_choices(initiative.status)
        ]


def status_choices(from_status: str) -> list[Status]:
    """The statuses an officer may choose from `from_status`, in workflow order."""
    allowed = TRANSITIONS.get(from_status, frozenset()) - {Status.DECIDED}
    return [status for status in Status if status in allowed]


class MessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Send as"),
        choices=[
            (MessageKind.TO_INITIATOR.value, _("Message to the initiator (mailed, visible on their page)")),
            (MessageKind.INTERNAL_NOTE.value, _("Internal note (only officers see it)")),
        ],
        initial=MessageKind.TO_INITIATOR,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField(label=_("Attachments (optional)"))

    def __init__(self, *args, standard_texts=(), **kwargs):
        super().__init__(*args, **kwargs)
        texts = [t for t in standard_texts if t.purpose in (StandardText.Purpose.MESSAGE, StandardText.Purpose.NOTE)]
        if texts:
            self.fields["standard_text"] = StandardTextField(
                texts=texts,
                fills=self["body"].auto_id,
                label=_("Start from a standard text (optional)"),
                help_text=_("The text appears in the box below, so you can change it before sending."),
            )
            self.order_fields(["kind", "standard_text", "body", "attachments"])

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(too_many_files_message())
        return files

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip():
            text = cleaned.get("standard_text")
            if text is not None:
                cleaned["body"] = text.body  # without JavaScript: the chosen text as it is
            elif "body" not in self.errors:
                self.add_error("body", _("Write the text of the message or note."))
        return cleaned

    @property
    def internal(self) -> bool:
        return self.cleaned_data["kind"] == MessageKind.INTERNAL_NOTE


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role of the municipality"), widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this role? The initiator reads this on their page."),
    )

    def __init__(self, *args, initiative, **kwargs):
        kwargs.setdefault(
            "initial", {"role": initiative.municipal_role, "explanation": initiative.municipal_role_explanation}
        )
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (
                role.value,
                format_html(
                    '<span class="fw-semibold">{}</span><span class="d-block form-text mt-0">{}</span>',
                    role.label,
                    MUNICIPAL_ROLE_EXPLANATIONS[role],
                ),
            )
            for role in MunicipalRole
        ]


class AgreementForm(forms.Form):
    party = forms.ChoiceField(label=_("Who does it?"), choices=AgreementParty.choices)
    partner_name = forms.CharField(
        label=_("Name of the partner"),
        max_length=200,
        required=False,
        help_text=_("Only when a partner does it."),
    )
    role = forms.ChoiceField(label=_("Role"))
    description = forms.CharField(label=_("What"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(
        label=_("Due date (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("Choose a role")),
            (_("Roles of the municipality"), [(role.value, role.label) for role in MUNICIPALITY_ROLES]),
            (_("Roles of the initiators"), [(role.value, role.label) for role in INITIATOR_ROLES]),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("party") == AgreementParty.PARTNER and not cleaned.get("partner_name"):
            self.add_error("partner_name", _("Fill in the name of the partner."))
        if cleaned.get("party") != AgreementParty.PARTNER:
            cleaned["partner_name"] = ""
        return cleaned


class AgreementDoneForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", _("Done")), ("0", _("Not done"))], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Public: the initiator reads it, and so does everyone when the initiative is published."),
    )
    fund = forms.TypedChoiceField(label=_("Contribution from fund (optional)"), coerce=int, required=False)
    amount = money_field(_("Amount in euro (optional)"), minimum=Decimal("0.01"))

    def __init__(self, *args, funds=(), standard_texts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.funds = {fund.pk: fund for fund in funds}
        self.fields["fund"].choices = [("", _("No contribution"))] + [
            (fund.pk, self.fund_label(fund)) for fund in funds
        ]
        texts = [t for t in standard_texts if t.purpose == StandardText.Purpose.DECISION]
        if texts:
            self.fields["standard_text"] = StandardTextField(
                texts=texts,
                fills=self["motivation"].auto_id,
                label=_("Start from a standard text (optional)"),
                help_text=_("The text appears in the box below, so you can change it."),
            )
            self.order_fields(["outcome", "standard_text", "motivation", "fund", "amount"])

    @staticmethod
    def fund_label(fund) -> str:
        needed = getattr(fund, "supporters", None)
        if needed is not None and needed.still_needed:
            return _("%(fund)s (%(needed)s more supporters from the village needed)") % {
                "fund": f"{fund.name} {fund.year}",
                "needed": needed.still_needed,
            }
        return f"{fund.name} {fund.year}"

    def clean_fund(self):
        pk = self.cleaned_data.get("fund")
        return self.funds.get(pk) if pk not in (None, "") else None

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("motivation") or "").strip():
            text = cleaned.get("standard_text")
            if text is not None:
                cleaned["motivation"] = text.body
            elif "motivation" not in self.errors:
                self.add_error("motivation", _("Explain the decision: the initiator and the public read it."))
        return cleaned


class ProposalApproveForm(forms.Form):
    """Approve the proposed decision as it stands: a button only; the service checks the rest."""


class ProposalSendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending back"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The officer who made the proposal reads this. The initiator does not."),
    )


class ProposalWithdrawForm(forms.Form):
    """Withdraw your own waiting proposal: a button only."""


class GrantPaidForm(forms.Form):
    """Nothing to fill in: the button says it all."""


class GrantWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=200)


class SupportHideReasonForm(forms.Form):
    """Hide a supporter's reason: a button only; the service writes the audit row."""


class PublicationApproveForm(forms.Form):
    """Approve the publication: a button only; the service checks consent and the state."""


class PublicationHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The initiator reads this reason on their page. Write it in plain words."),
    )


class InitiativeRegisterForm(InitiativeSubmitForm):
    """The public form for an officer who enters a phone, paper, email or counter application.

    No honeypot and no privacy checkbox (the officer tells the initiator about the privacy
    statement); the email address may be empty; only villages of the officer's municipality.
    """

    channel = forms.ChoiceField(
        label=_("How did the application come in?"),
        choices=[(value, label) for value, label in IntakeChannel.choices if value != IntakeChannel.WEB],
        initial=IntakeChannel.PHONE,
        widget=forms.RadioSelect,
    )

    handler = forms.ModelChoiceField(
        label=_("Handler"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("The officer who handles this initiative. You, unless you choose a colleague."),
    )

    def __init__(self, *args, municipality=None, officer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        handler = self.fields["handler"]
        handler.queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                officer_membership__municipality=municipality,
                officer_membership__is_active=True,
            )
            .order_by("first_name", "last_name", "username")
        )
        handler.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if officer is not None and not self.is_bound:
            handler.initial = officer.pk
        del self.fields["privacy_acknowledged"]
        del self.fields["website"]
        villages = village_choices(municipality.slug if municipality is not None else None)
        self.fields["village"].choices = [("", _("Choose the village"))] + villages[1:]
        if municipality is not None:
            self.fields["organisation"].queryset = VillageOrganisation.objects.filter(
                village__municipality=municipality
            ).select_related("village")
        fields = self.fields
        # The officer fills this in: the questions speak of the initiator, not to them.
        fields["title"].label = _("Name of the initiative")
        fields["goal"].label = _("What does the initiator want to achieve?")
        fields["description"].label = _("What does the initiator want to do?")
        fields["description"].help_text = _("What the initiator will do, with whom and where.")
        fields["organisation"].help_text = _("Only when the initiator starts this on behalf of an organisation.")
        fields["help_kinds"].label = _("What help does the initiator ask of the municipality?")
        fields["amount_requested"].label = _("Amount the initiator asks (euro)")
        fields["own_contribution_money"].label = _("Own contribution of the initiator in money (euro)")
        fields["own_contribution_hours"].label = _("Hours the initiator and others put in")
        fields["own_contribution_materials"].label = _("Materials the initiator brings")
        fields["support_evidence"].label = _("Who in the neighbourhood supports the plan?")
        fields["permits_needed"].label = _("Does the initiator need permits?")
        fields["planned_start"].label = _("When does the initiator want to start?")
        fields["is_right_to_challenge"].label = _(
            "The initiator wants to take over a task of the municipality (right to challenge)"
        )
        fields["initiator_name"].label = _("Name of the initiator")
        fields["initiator_email"].label = _("Email address of the initiator")
        fields["initiator_email"].required = False
        fields["initiator_email"].help_text = _(
            "Without an email address the initiator gets no mails and no personal link: give them the reference."
        )
        fields["initiator_phone"].label = _("Phone number of the initiator")
        fields["preferred_language"].label = _("In which language do we write to the initiator?")
        fields["publication_consent"].label = _(
            "The initiator agrees that the initiative is shown on the website (without name or contact details)"
        )
        for name in ("initiator_name", "initiator_email", "initiator_phone"):
            fields[name].widget.attrs["autocomplete"] = "off"  # not the officer's own details

    def intake_sections(self) -> Layout:
        privacy_note = format_html(
            '<p>{} <a href="{}">{}</a></p>',
            _("Tell the initiator why we ask for their details and where they can read the privacy statement."),
            reverse("core:privacy"),
            _("Privacy statement"),
        )
        return intake_layout(
            self,
            before=[Div("channel", "handler", css_class="form-section")],
            legends={
                "initiative": _("1. The initiative"),
                "help": _("2. Help asked"),
                "costs": _("3. Costs and own contribution"),
                "initiator": _("6. The initiator"),
                "privacy": _("7. Publication and privacy"),
            },
            intros={"attachments": _("For example a scanned letter or the budget the initiator sent.")},
            privacy=[HTML(privacy_note), "publication_consent"],
        )

    def clean_village(self):
        village = self.cleaned_data["village"]
        if self.municipality is not None and village.municipality_id != self.municipality.pk:
            raise ValidationError(_("Choose a village of your own municipality."))
        return village


class DuplicateForm(forms.Form):
    """Which initiative goes on: a reference, or words of its title (the field suggests the open
    initiatives of the municipality as "2026-0012 Title"). It cleans to that initiative; the
    service decides whether marking is allowed."""

    original = forms.CharField(
        label=_("The initiative that goes on"),
        max_length=200,
        help_text=_("Type its reference (for example 2026-0012) or words of its title."),
        widget=forms.TextInput(attrs={"list": "duplicate-suggestions", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only officers see this note. The initiator gets a mail in plain words."),
    )

    SHOWN_MATCHES = 5

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative

    def suggestions(self):
        """The open initiatives of the municipality, newest first, for the field's list."""
        return (
            Initiative.objects.filter(
                municipality_id=self.initiative.municipality_id,
                status__in=ACTIVE_STATUSES,
                duplicate_of__isnull=True,
            )
            .exclude(pk=self.initiative.pk)
            .only("reference", "title")
            .order_by("-submitted_at")[:200]
        )

    def clean_original(self):
        text = self.cleaned_data["original"]
        matches = list(duplicate_candidates(initiative=self.initiative, text=text)[: self.SHOWN_MATCHES + 1])
        if not matches:
            raise ValidationError(
                _(
                    "No other initiative of your municipality matches “%(text)s”. "
                    "Type its reference, for example 2026-0012."
                )
                % {"text": text}
            )
        if len(matches) > 1:
            names = ", ".join(str(match) for match in matches[: self.SHOWN_MATCHES])
            raise ValidationError(
                _("More initiatives match: %(names)s. Type the reference of the one that goes on.") % {"names": names}
            )
        return matches[0]


class DuplicateUndoForm(forms.Form):
    """Undo the duplicate mark: a button only; the service checks that nothing changed since."""


class ForwardForm(forms.Form):
    """The village in another municipality of the platform (villages grouped by municipality);
    the municipality follows from the village."""

    village = forms.TypedChoiceField(
        label=_("Village in the other municipality"),
        coerce=int,
        help_text=_("Only municipalities on this platform that have their villages in it are in the list."),
    )
    note = forms.CharField(
        label=_("Note for the other municipality"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why it goes there. Officers of both municipalities read it, the initiator does not."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["village"].choices = self.village_choices

    def village_choices(self):
        """Called when the field renders or validates: the list costs one query, and only then."""
        villages = (
            Village.objects.public()
            .exclude(municipality_id=self.initiative.municipality_id)
            .select_related("municipality")
            .order_by("municipality__name", "name")
        )
        groups: dict[str, list] = {}
        for village in villages:
            groups.setdefault(village.municipality.name, []).append((village.pk, village.name))
        return [("", _("Choose the village"))] + list(groups.items())

    def clean_village(self):
        village = (
            Village.objects.public()
            .exclude(municipality_id=self.initiative.municipality_id)
            .select_related("municipality")
            .filter(pk=self.cleaned_data["village"])
            .first()
        )
        if village is None:
            raise ValidationError(_("Choose a village from the list."))
        return village
