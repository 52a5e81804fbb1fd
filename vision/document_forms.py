"""Forms for the vision document and the scans. They validate input only; the services in
`vision.services.documents` decide what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import ScanItem, ScanKind, VisionSectionKey, VisionStatus

# What each section of the vision is about: the manifest's six rules of thumb (DOMAIN.md),
# with an introduction before and the role pairs after.
SECTION_GUIDANCE = {
    VisionSectionKey.INTRODUCTION: _(
        "Why this vision: what already moves in the municipality, what government participation means here, "
        "and who helped to write it."
    ),
    VisionSectionKey.CULTURE_CHANGE: _(
        "An open attitude: from objections to solutions. Support, don't direct. Welcome unusual questions. "
        "Show appreciation."
    ),
    VisionSectionKey.COMMUNICATION: _(
        "Keep each other informed of ideas, needs and plans for the living environment. Low-threshold contact "
        "points per village or neighbourhood. Say what you expect of each other, realistic about time and "
        "feasibility. Be open about decisions on initiatives."
    ),
    VisionSectionKey.COOPERATION: _(
        "Invest time, know each other, keep the lines short. Trust, and room to work together in new ways."
    ),
    VisionSectionKey.STIMULATION: _(
        "See initiatives as a valuable sharing of responsibility. Support each other to reach the goals. "
        "Look for wider application."
    ),
    VisionSectionKey.PARTNERSHIP: _(
        "Same goals; share successes and failures. The initiator keeps control of their initiative: take it "
        "over and the energy is gone. Room to experiment, with broad support."
    ),
    VisionSectionKey.KNOWLEDGE_SHARING: _(
        "Residents are people with talents. Hold each other to what you can contribute. Co-creation at the "
        "start of plans, not consultation afterwards."
    ),
    VisionSectionKey.ROLES: _(
        "Which role the municipality takes (be open, let go, facilitate, make possible) and which role the "
        "initiators take (make a plan, persevere, seize opportunities, carry out)."
    ),
}

# The role pairs of the VO trajectory: the municipality's role and the initiators' role.
ROLE_PAIRS = [
    (_("be open"), _("make a plan")),
    (_("let go"), _("persevere")),
    (_("facilitate"), _("seize opportunities")),
    (_("make possible"), _("carry out")),
]

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

SCORE_CHOICES = [
    (1, _("1 – not at all")),
    (2, _("2 – a little")),
    (3, _("3 – partly")),
    (4, _("4 – largely")),
    (5, _("5 – fully")),
]


class VisionEditForm(forms.Form):
    """The whole text of the vision: one textarea per section. Saving makes a new version."""

    title = forms.CharField(label=_("Title"), max_length=200)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    change_note = forms.CharField(
        label=_("What changed in this version?"),
        max_length=300,
        required=False,
        help_text=_("One line, for example: “Comments of the village councils added”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in VisionSectionKey:
            self.fields[self.section_field(key)] = forms.CharField(
                label=key.label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=SECTION_GUIDANCE[key],
            )

    @staticmethod
    def section_field(key) -> str:
        return f"section_{key}"

    def section_fields(self):
        return [self[self.section_field(key)] for key in VisionSectionKey]

    def sections(self) -> dict[str, str]:
        return {key.value: self.cleaned_data[self.section_field(key)] for key in VisionSectionKey}


class VisionStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=VisionStatus.choices)
    adopted_on = forms.DateField(
        label=_("Adopted by the council on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the council adopted the vision."),
    )
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", _("Choose the new status"))] + [
            (status.value, status.label) for status in VisionStatus if status in allowed
        ]


class ScanOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of scan"),
        choices=ScanKind.choices,
        widget=forms.RadioSelect,
        help_text=_("The baseline comes before the trajectory's work, the follow-up after it."),
    )


class ScanResponseForm(forms.Form):
    """A score from 1 to 5 for each of the ten items, and an optional comment per item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ScanItem:
            self.fields[f"score_{item}"] = forms.TypedChoiceField(
                label=item.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=SCAN_QUESTIONS[item],
                error_messages={"required": _("Choose a score from 1 to 5.")},
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

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            item.value: (self.cleaned_data[f"score_{item}"], self.cleaned_data[f"comment_{item}"]) for item in ScanItem
        }
