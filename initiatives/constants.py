from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INTAKE = "intake", _("Intake")
    IN_CONVERSATION = "in_conversation", _("In conversation")
    WAITING_FOR_INITIATOR = "waiting_for_initiator", _("Waiting for initiator")
    DECIDED = "decided", _("Decided")
    IN_PROGRESS = "in_progress", _("Being carried out")
    REALISED = "realised", _("Realised")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The workflow, as data (STYLE.md §6). One service applies it; a test walks every edge.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.INTAKE, Status.IN_CONVERSATION, Status.WITHDRAWN, Status.CLOSED}),
    Status.INTAKE: frozenset(
        {Status.IN_CONVERSATION, Status.WAITING_FOR_INITIATOR, Status.DECIDED, Status.WITHDRAWN, Status.CLOSED}
    ),
    Status.IN_CONVERSATION: frozenset({Status.WAITING_FOR_INITIATOR, Status.DECIDED, Status.WITHDRAWN, Status.CLOSED}),
    Status.WAITING_FOR_INITIATOR: frozenset({Status.IN_CONVERSATION, Status.WITHDRAWN, Status.CLOSED}),
    Status.DECIDED: frozenset({Status.IN_PROGRESS, Status.IN_CONVERSATION, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.REALISED, Status.WITHDRAWN, Status.CLOSED}),
    Status.REALISED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_CONVERSATION}),  # reopen
    Status.WITHDRAWN: frozenset(),
}
TERMINAL_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
# Statuses in which the municipality still owes the initiator a decision.
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.INTAKE, Status.IN_CONVERSATION, Status.WAITING_FOR_INITIATOR})


class Publication(models.TextChoices):
    """Whether an initiative with the initiator's consent is on the public pages.

    Nothing is public before an officer of the municipality approves it (unless the municipality
    publishes without review, `Municipality.publish_without_review`). Consent and "not withdrawn"
    are needed as well: `InitiativeQuerySet.published_q` is the whole rule.
    """

    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved for publication")
    HIDDEN = "hidden", _("Not published")


# The publication review, as data (STYLE.md §6): one service applies it, a test walks every edge.
# A hidden initiative may be approved later; an approved one may be taken offline again.
PUBLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Publication.PENDING: frozenset({Publication.APPROVED, Publication.HIDDEN}),
    Publication.APPROVED: frozenset({Publication.HIDDEN}),
    Publication.HIDDEN: frozenset({Publication.APPROVED}),
}


class HelpKind(models.TextChoices):
    ADVICE = "advice", _("Advice and thinking along")
    MONEY = "money", _("Money")
    PERMITS = "permits", _("Permits and rules")
    SPACE = "space", _("A place or space")
    NETWORK = "network", _("Contacts and network")
    PROCESS = "process", _("Help with the process")


class MunicipalRole(models.TextChoices):
    """The overheidsparticipatietrap (ROB, 2012), from least to most government steering."""

    LET_GO = "loslaten", pgettext_lazy("participation ladder", "Let go")
    FACILITATE = "faciliteren", _("Facilitate")
    STIMULATE = "stimuleren", _("Stimulate")
    DIRECT = "regisseren", pgettext_lazy("participation ladder", "Direct")
    REGULATE = "reguleren", _("Regulate")


MUNICIPAL_ROLE_EXPLANATIONS = {
    MunicipalRole.LET_GO: _("Residents decide on content and process. The municipality stays out of it."),
    MunicipalRole.FACILITATE: _("The municipality supports with money, space or knowledge, without steering."),
    MunicipalRole.STIMULATE: _("The municipality has a goal and encourages residents to take it up."),
    MunicipalRole.DIRECT: _("The municipality connects the parties and keeps the direction."),
    MunicipalRole.REGULATE: _("The municipality sets rules, gives permits and enforces them."),
}


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper or letter")
    EMAIL = "email", _("Email")
    COUNTER = "counter", _("In person")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class MessageKind(models.TextChoices):
    TO_INITIATOR = "to_initiator", _("Message to the initiator")
    FROM_INITIATOR = "from_initiator", _("Message from the initiator")
    INTERNAL_NOTE = "internal_note", _("Internal note")


class AgreementParty(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    INITIATOR = "initiator", _("Initiator")
    PARTNER = "partner", _("Partner")


class AgreementRole(models.TextChoices):
    """The role pairs of the VO trajectory: the municipality's four and the initiators' four."""

    BE_OPEN = "open_staan", _("Be open")
    LET_GO = "los_laten", pgettext_lazy("role pair", "Let go")
    FACILITATE = "faciliteren", _("Facilitate")
    MAKE_POSSIBLE = "mogelijk_maken", _("Make possible")
    MAKE_PLAN = "plan_maken", _("Make a plan")
    PERSEVERE = "volhouden", _("Persevere")
    SEIZE_OPPORTUNITIES = "kansen_pakken", _("Seize opportunities")
    CARRY_OUT = "uitvoeren", _("Carry out")


MUNICIPALITY_ROLES = (
    AgreementRole.BE_OPEN,
    AgreementRole.LET_GO,
    AgreementRole.FACILITATE,
    AgreementRole.MAKE_POSSIBLE,
)
INITIATOR_ROLES = (
    AgreementRole.MAKE_PLAN,
    AgreementRole.PERSEVERE,
    AgreementRole.SEIZE_OPPORTUNITIES,
    AgreementRole.CARRY_OUT,
)


class DecisionOutcome(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    PARTLY_SUPPORTED = "partly_supported", _("Partly supported")
    NOT_SUPPORTED = "not_supported", _("Not supported")


class GrantStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalStatus(models.TextChoices):
    """A decision with a contribution above the municipality's mandate is first a proposal: a
    coordinator other than the proposer approves it (then it is decided) or sends it back."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")


# What each status means for the resident, and what comes next (B1, shown on the tracking page).
STATUS_EXPLANATIONS = {
    Status.SUBMITTED: (
        _("We have received your initiative."),
        _("A contact person will read it and get in touch with you."),
    ),
    Status.INTAKE: (
        _("A contact person is looking at your initiative."),
        _("Your contact person will contact you to talk about your plan."),
    ),
    Status.IN_CONVERSATION: (
        _("You and the municipality are talking about your initiative."),
        _("Together you look at what is needed. After that the municipality decides how it helps."),
    ),
    Status.WAITING_FOR_INITIATOR: (
        _("The municipality is waiting for an answer or information from you."),
        _("Read the latest message and reply below."),
    ),
    Status.DECIDED: (
        _("The municipality has decided how it helps."),
        _("Read the decision below. Then you can start carrying out your plan."),
    ),
    Status.IN_PROGRESS: (
        _("Your initiative is being carried out."),
        _("Keep to the agreements below. Tell your contact person when it is ready."),
    ),
    Status.REALISED: (
        _("Your initiative has been realised. Well done!"),
        _("The municipality will close the file."),
    ),
    Status.CLOSED: (
        _("The file of your initiative is closed."),
        _("Do you want to continue? Send a message and ask to reopen it."),
    ),
    Status.WITHDRAWN: (
        _("You have withdrawn your initiative."),
        _("You can always submit a new initiative."),
    ),
}
