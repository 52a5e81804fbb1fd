from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from initiatives.constants import (
    AgreementParty,
    AgreementRole,
    DecisionOutcome,
    GrantStatus,
    MessageKind,
    Publication,
    Status,
)
from initiatives.models import (
    Agreement,
    Attachment,
    CostLine,
    Decision,
    DecisionProposal,
    Grant,
    Initiative,
    Message,
    StatusChange,
    Support,
    SupportNameDisplay,
    Theme,
    TrackingToken,
)
from tests.municipalities.factories import FundFactory, UserFactory
from tests.villages.factories import VillageFactory


def _days_after(field, days):
    return factory.LazyAttribute(lambda o: getattr(o, field) + timedelta(days=days))


class ThemeFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"thema-{n}")
    name_nl = factory.Sequence(lambda n: f"Leefbaarheid {n}")
    name_en = factory.Sequence(lambda n: f"Liveability {n}")
    order = factory.Sequence(lambda n: n)

    class Meta:
        model = Theme
        django_get_or_create = ("slug",)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A submitted initiative; a Trait per workflow state: `InitiativeFactory(decided=True)`."""

    reference = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    title = factory.Faker("sentence", nb_words=4, locale="nl_NL")
    goal = factory.Faker("paragraph", locale="nl_NL")
    description = factory.Faker("paragraph", nb_sentences=5, locale="nl_NL")
    target_group = "Bewoners van het dorp"
    village = factory.SubFactory(VillageFactory)
    municipality = factory.SelfAttribute("village.municipality")
    initiator_name = factory.Faker("name", locale="nl_NL")
    initiator_email = factory.Faker("email", locale="nl_NL")
    initiator_phone = factory.Faker("phone_number", locale="nl_NL")
    asks_money = True
    amount_requested = Decimal("2500.00")
    own_contribution_money = Decimal("500.00")
    own_contribution_hours = 40
    publication_consent = True
    # Like the rows from before the review: consent means approved. A trait for the other states.
    publication = factory.LazyAttribute(
        lambda o: Publication.APPROVED if o.publication_consent else Publication.PENDING
    )
    privacy_acknowledged_at = factory.SelfAttribute("submitted_at")
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    first_response_due = factory.LazyAttribute(lambda o: (o.submitted_at + timedelta(days=7)).date())
    decision_due = factory.LazyAttribute(lambda o: (o.submitted_at + timedelta(weeks=8)).date())

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    class Params:
        responded = factory.Trait(first_response_at=_days_after("submitted_at", 2))
        # Decided initiatives were submitted longer ago, so every timestamp lies in the past.
        long_ago = factory.Trait(submitted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=400)))
        intake = factory.Trait(status=Status.INTAKE, responded=True)
        in_conversation = factory.Trait(status=Status.IN_CONVERSATION, responded=True)
        waiting = factory.Trait(status=Status.WAITING_FOR_INITIATOR, responded=True)
        decided = factory.Trait(
            status=Status.DECIDED, long_ago=True, responded=True, decided_at=_days_after("submitted_at", 30)
        )
        in_progress = factory.Trait(
            status=Status.IN_PROGRESS, long_ago=True, responded=True, decided_at=_days_after("submitted_at", 30)
        )
        realised = factory.Trait(
            status=Status.REALISED, long_ago=True, responded=True, decided_at=_days_after("submitted_at", 30)
        )
        closed = factory.Trait(
            status=Status.CLOSED,
            long_ago=True,
            responded=True,
            decided_at=_days_after("submitted_at", 30),
            closed_at=_days_after("submitted_at", 300),
        )
        withdrawn = factory.Trait(status=Status.WITHDRAWN, closed_at=_days_after("submitted_at", 3))
        # The publication review (initiatives.services.publication).
        publication_pending = factory.Trait(publication=Publication.PENDING)
        publication_hidden = factory.Trait(
            publication=Publication.HIDDEN,
            publication_reason="Er staat een telefoonnummer in de tekst.",
            publication_decided_at=_days_after("submitted_at", 1),
        )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class CostLineFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    description = factory.Iterator(["Materiaal", "Huur van de zaal", "Verf en kwasten", "Koffie en thee"])
    amount = Decimal("750.00")

    class Meta:
        model = CostLine


class StatusChangeFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    from_status = Status.SUBMITTED
    to_status = Status.INTAKE
    actor = factory.SubFactory(UserFactory, staff=True)
    note = ""

    class Meta:
        model = StatusChange


class MessageFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    kind = MessageKind.TO_INITIATOR
    author = factory.SubFactory(UserFactory, staff=True)
    body = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = Message

    class Params:
        from_initiator = factory.Trait(kind=MessageKind.FROM_INITIATOR, author=None)
        internal = factory.Trait(kind=MessageKind.INTERNAL_NOTE)


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A row only: the path points at no file (enough for lists and scoping)."""

    initiative = factory.SubFactory(InitiativeFactory)
    file = factory.Sequence(lambda n: f"private/attachments/2026/01/bijlage{n}.pdf")
    original_name = "begroting.pdf"
    content_type = "application/pdf"
    size = 12345

    class Meta:
        model = Attachment


class AgreementFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    party = AgreementParty.MUNICIPALITY
    role = AgreementRole.FACILITATE
    description = "De gemeente regelt de vergunning voor het evenement."
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(weeks=4))

    class Meta:
        model = Agreement


class DecisionFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory, decided=True)
    outcome = DecisionOutcome.SUPPORTED
    motivation = factory.Faker("paragraph", locale="nl_NL")
    decided_by = factory.SubFactory(UserFactory, staff=True)

    class Meta:
        model = Decision


class GrantFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory, decided=True)
    fund = factory.SubFactory(FundFactory, municipality=factory.SelfAttribute("..initiative.municipality"))
    amount = Decimal("2000.00")
    status = GrantStatus.COMMITTED

    class Meta:
        model = Grant


class DecisionProposalFactory(factory.django.DjangoModelFactory):
    """A decision with a contribution above the mandate, waiting for a coordinator."""

    initiative = factory.SubFactory(InitiativeFactory, in_conversation=True)
    outcome = DecisionOutcome.SUPPORTED
    motivation = factory.Faker("paragraph", locale="nl_NL")
    fund = factory.SubFactory(FundFactory, municipality=factory.SelfAttribute("..initiative.municipality"))
    amount = Decimal("3000.00")
    proposed_by = factory.SubFactory(UserFactory, staff=True)

    class Meta:
        model = DecisionProposal


class TrackingTokenFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    token_hash = factory.Faker("sha256")

    class Meta:
        model = TrackingToken


class SupportFactory(factory.django.DjangoModelFactory):
    """A confirmed neighbour from the initiative's own village; `unconfirmed=True`, `elsewhere=True`."""

    initiative = factory.SubFactory(InitiativeFactory)
    name = factory.Faker("name", locale="nl_NL")
    name_display = SupportNameDisplay.SHORT
    village = factory.SelfAttribute("initiative.village")
    email = factory.Sequence(lambda n: f"buur{n}@example.nl")
    reason = "Goed plan voor het dorp."
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    token_issued_at = factory.SelfAttribute("created_at")
    confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Support

    class Params:
        unconfirmed = factory.Trait(confirmed_at=None)
        elsewhere = factory.Trait(village=None)
