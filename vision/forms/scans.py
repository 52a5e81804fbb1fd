"""The scan's forms: opening a scan and a member's answers."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vision.constants import ScanItem, ScanKind, VisionSectionKey
from vision.forms.documents import SECTION_GUIDANCE

# What a member scores for each item of a scan: "we, residents and municipality, ..." in practice.
SCAN_QUESTIONS = {
    ScanItem.CULTURE_CHANGE: SECTION_GUIDANCE[VisionSectionKey.CULTURE_CHANGE],
    ScanItem.COMMUNICATION: SECTION_GUIDANCE[VisionSectionKey.COMMUNICATION],
    ScanItem.COOPERATION: SECTION_GUIDANCE[VisionSectionKey.COOPERATION],
    ScanItem.STIMULATION: SECTION_GUIDANCE[VisionSectionKey.STIMULATION],
    ScanItem.PARTNERSHIP: SECTION_GUIDANCE[VisionSectionKey.PARTNERSHIP],
    ScanItem.KNOWLEDGE_SHARING: SECTION_GUIDANCE[VisionSectionKey.KNOWLEDGE_SHARING],
    ScanItem.BE_OPEN: _("The municipality is open to residents' ideas and to unusual questions."),
    ScanItem.LET_GO: _("The municipality leaves an initiative with the residents and does not take it over."),
    ScanItem.FACILITATE: _(
        "The municipality supports initiatives with money, space or knowledge, without steering them."
    ),
    ScanItem.MAKE_POSSIBLE: _("The municipality removes obstacles in rules and procedures, so initiatives can happen."),
}


# "Don't know" is an answer too: stored as an empty score, counted apart, not in the averages.
DONT_KNOW = "dont_know"

SCORE_CHOICES = [
    (1, _("1 – not at all")),
    (2, _("2 – a little")),
    (3, _("3 – partly")),
    (4, _("4 – largely")),
    (5, _("5 – fully")),
    (DONT_KNOW, _("I don't know")),
]


def _score_or_dont_know(value):
    return None if value == DONT_KNOW else int(value)


# The closing date the open form suggests: two weeks, time enough to answer after a reminder.
DEFAULT_ANSWER_DAYS = 14


class ScanOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of scan"),
        choices=ScanKind.choices,
        widget=forms.RadioSelect,
        help_text=_("The baseline comes before the trajectory's work, the follow-up after it."),
    )
    closes_on = forms.DateField(
        label=_("Members can answer until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day to answer. The invitation says so; after this day the link no longer works."),
        error_messages={"required": _("Choose a closing date."), "invalid": _("Enter a date, e.g. 25-03-2026.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].initial = timezone.localdate() + timedelta(days=DEFAULT_ANSWER_DAYS)

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise ValidationError(_("Choose a closing date: today or later."))
        return closes_on


class ScanResponseForm(forms.Form):
    """A score from 1 to 5 (or "don't know") for each of the ten items, and an optional comment per item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ScanItem:
            self.fields[f"score_{item}"] = forms.TypedChoiceField(
                label=item.label,
                choices=SCORE_CHOICES,
                coerce=_score_or_dont_know,
                widget=forms.RadioSelect,
                help_text=SCAN_QUESTIONS[item],
                error_messages={"required": _("Choose a score from 1 to 5, or “I don't know”.")},
            )
            self.fields[f"comment_{item}"] = forms.CharField(
                label=_("Comment on “%(item)s” (optional)") % {"item": item.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def items(self):
        """Per item: its score field and comment field, for a fieldset each."""
        return [(item, self[f"score_{item}"], self[f"comment_{item}"]) for item in ScanItem]

    def clean(self):
        cleaned = super().clean()
        for item in ScanItem:
            value = cleaned.get(f"score_{item}")
            if value is not None and value not in range(1, 6):
                self.add_error(f"score_{item}", ValidationError(_("Choose a score from 1 to 5.")))
        return cleaned

    def scores(self) -> dict[str, tuple[int | None, str]]:
        return {
            item.value: (self.cleaned_data[f"score_{item}"], self.cleaned_data[f"comment_{item}"]) for item in ScanItem
        }
