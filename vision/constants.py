from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrajectoryKind(models.TextChoices):
    VO = "vo", _("Verdiepingsslag Overheidsparticipatie (VO)")
    DIA_LOCAL_INITIATIVE = "dia_local_initiative", _("Democratie in Actie: facilitating local initiative")
    DIA_RULES_OF_PLAY = "dia_rules_of_play", _("Democratie in Actie: rules of play for democratic processes")
    DIA_DEMOCRATIC_BUDGETING = "dia_budgeting", _("Democratie in Actie: democratic budgeting")
    DIA_CHANGE_PROCESSES = "dia_change", _("Democratie in Actie: change processes in local democracy")
    DIA_VILLAGE_DEMOCRACY = "dia_kernendemocratie", _("Democratie in Actie: village and neighbourhood democracy")


DIA_KINDS = frozenset(k for k in TrajectoryKind if k != TrajectoryKind.VO)
# Democratie in Actie pays at most half of the local tailored support, and never more than this.
DIA_SHARE = Decimal("0.50")
DIA_MAX_CONTRIBUTION = Decimal("5000.00")


class TrajectoryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Stage(models.TextChoices):
    """The six VO stages, in order (Plan van aanpak VO)."""

    INTAKE = "intake", _("Connect to developments (intake)")
    CASES = "cases", _("Collect cases")
    PROGRESS_GROUP = "progress_group", _("Form the progress group")
    MEETINGS = "meetings", _("Meetings with active residents")
    VISION = "vision", _("End product: the vision")
    IMPLEMENTATION = "implementation", _("Implementation: practise and learn")


STAGE_ORDER = list(Stage)


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class MemberCategory(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration (college)")
    CIVIL_SERVICE = "civil_service", _("Civil service")
    COUNCIL = "council", _("Council")
    VILLAGE_COUNCIL = "village_council", _("Village or neighbourhood council")
    SOCIAL_COUNCIL = "social_council", _("Social council")
    YOUNG_PEOPLE = "young_people", _("Young people")
    CITIZEN_INITIATIVES = "citizen_initiatives", _("Citizens' initiatives")
    FACILITATOR = "facilitator", _("DKK process facilitator")


# A progress group missing one of these is incomplete (DOMAIN.md, stage 3).
REQUIRED_MEMBER_CATEGORIES = tuple(MemberCategory)


def category_order():
    """An ORDER BY expression that lists members in the order of MemberCategory, not by code."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *(When(category=category, then=Value(position)) for position, category in enumerate(MemberCategory)),
        output_field=IntegerField(),
    )


class MeetingKind(models.TextChoices):
    PROGRESS_GROUP = "progress_group", _("Progress-group meeting")
    ACTIVE_RESIDENTS = "active_residents", _("Vliegwiel meeting with active residents")
    INTERVISION = "intervisie", _("Intervision")


class RsvpAnswer(models.TextChoices):
    """A member's answer to a meeting invitation, given through the links in the mail."""

    YES = "yes", _("I will come")
    NO = "no", _("I will not come")


class VisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("In consultation")
    ADOPTED = "adopted", _("Adopted")


class ManifestRule(models.TextChoices):
    """The six rules of thumb of the manifest (four Brabant municipalities)."""

    CULTURE_CHANGE = "cultuuromslag", _("Culture change")
    COMMUNICATION = "communicatie", _("Communication")
    COOPERATION = "samenwerking", _("Cooperation")
    STIMULATION = "stimulering", _("Stimulation")
    PARTNERSHIP = "partnerschap", _("Partnership")
    KNOWLEDGE_SHARING = "kennisdeling", _("Knowledge sharing")


class VisionSectionKey(models.TextChoices):
    INTRODUCTION = "introduction", _("Introduction")
    CULTURE_CHANGE = ManifestRule.CULTURE_CHANGE.value, ManifestRule.CULTURE_CHANGE.label
    COMMUNICATION = ManifestRule.COMMUNICATION.value, ManifestRule.COMMUNICATION.label
    COOPERATION = ManifestRule.COOPERATION.value, ManifestRule.COOPERATION.label
    STIMULATION = ManifestRule.STIMULATION.value, ManifestRule.STIMULATION.label
    PARTNERSHIP = ManifestRule.PARTNERSHIP.value, ManifestRule.PARTNERSHIP.label
    KNOWLEDGE_SHARING = ManifestRule.KNOWLEDGE_SHARING.value, ManifestRule.KNOWLEDGE_SHARING.label
    ROLES = "roles", _("Roles of municipality and initiators")


class ScanKind(models.TextChoices):
    BASELINE = "nulmeting", _("Baseline (nulmeting)")
    FOLLOW_UP = "eenmeting", _("Follow-up (eenmeting)")


class ScanItem(models.TextChoices):
    """What a scan scores: the six rules and the municipality's four roles."""

    CULTURE_CHANGE = ManifestRule.CULTURE_CHANGE.value, ManifestRule.CULTURE_CHANGE.label
    COMMUNICATION = ManifestRule.COMMUNICATION.value, ManifestRule.COMMUNICATION.label
    COOPERATION = ManifestRule.COOPERATION.value, ManifestRule.COOPERATION.label
    STIMULATION = ManifestRule.STIMULATION.value, ManifestRule.STIMULATION.label
    PARTNERSHIP = ManifestRule.PARTNERSHIP.value, ManifestRule.PARTNERSHIP.label
    KNOWLEDGE_SHARING = ManifestRule.KNOWLEDGE_SHARING.value, ManifestRule.KNOWLEDGE_SHARING.label
    BE_OPEN = "open_staan", _("Be open")
    LET_GO = "los_laten", pgettext_lazy("role pair", "Let go")
    FACILITATE = "faciliteren", _("Facilitate")
    MAKE_POSSIBLE = "mogelijk_maken", _("Make possible")


# The role pairs of the VO trajectory: the municipality's role and the initiators' role.
ROLE_PAIRS = [
    (_("be open"), _("make a plan")),
    (_("let go"), _("persevere")),
    (_("facilitate"), _("seize opportunities")),
    (_("make possible"), _("carry out")),
]


# The one source of truth for a version's status. Adopted is final for that version: a change
# after adoption is a new version, which starts as a draft.
VISION_TRANSITIONS: dict[str, frozenset[str]] = {
    VisionStatus.DRAFT: frozenset({VisionStatus.CONSULTATION}),
    VisionStatus.CONSULTATION: frozenset({VisionStatus.DRAFT, VisionStatus.ADOPTED}),
    VisionStatus.ADOPTED: frozenset(),
}
