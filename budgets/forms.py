from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from budgets.constants import MAX_PAPER_CODES_PER_BATCH
from budgets.models import Project
from core.forms import ModelMultipleChoiceField


class ProjectChoiceField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ChoicesForm(forms.Form):
    """The projects of one village's ballot (the template draws each with its cost)."""

    projects = ProjectChoiceField(label=_("Your choice"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, village_budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_budget = village_budget
        self.fields["projects"].queryset = (
            Project.objects.on_ballot()
            .filter(village_budget=village_budget)
            .select_related("initiative")
            .order_by("initiative__title", "pk")
        )

    def selected_ids(self) -> set[str]:
        """The chosen projects as the page shows them again (ids as text)."""
        return {str(value) for value in (self["projects"].value() or [])}


class BallotForm(ChoicesForm):
    """A resident's ballot: confirmed by e-mail, or with the code of a paper ballot."""

    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_("We send you a link. Your vote counts once you open it."),
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
    code = forms.CharField(
        label=_("Voting code from your paper ballot"),
        required=False,
        max_length=20,
        help_text=_("Only if you received a paper ballot with a code. Then you do not need an email address."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}),
    )
    age_confirmed = forms.BooleanField(required=False)
    wants_results = forms.BooleanField(label=_("Mail me the results"), required=False)
    website = forms.CharField(required=False, label=_("Leave this field empty"))  # honeypot

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Your vote could not be sent."))
        if not cleaned.get("email") and not (cleaned.get("code") or "").strip() and "email" not in self.errors:
            self.add_error("email", _("Fill in your email address, or the code from your paper ballot."))
        return cleaned


class PaperBallotForm(ChoicesForm):
    code = forms.CharField(
        label=_("Voting code on the paper ballot"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}),
    )


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Is the idea feasible?"),
        choices=[("yes", _("Yes, it goes on the ballot")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Public: residents read it on the round's page."),
    )
    cost_estimate = forms.DecimalField(
        label=_("Cost estimate of the municipality (€)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What the project costs by the municipality's estimate; the amount of the grant if it wins."),
    )


class PaperCodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_PAPER_CODES_PER_BATCH, initial=20)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)
