"""Forms for the vision document and the scans. They validate input only; the services in
`vision.services.documents` decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vision.constants import VisionSectionKey, VisionStatus

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


class VisionCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is missing? What would you say differently? The progress group and the facilitator read it."),
    )
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
