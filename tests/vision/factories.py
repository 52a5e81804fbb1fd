from datetime import date, timedelta

import factory
from django.utils import timezone

from tests.municipalities.factories import MunicipalityFactory, UserFactory
from tests.villages.factories import AssociationFactory
from vision.constants import (
    MeetingKind,
    MemberCategory,
    ScanItem,
    ScanKind,
    Stage,
    StageStatus,
    TrajectoryKind,
    TrajectoryStatus,
    VisionSectionKey,
    VisionStatus,
)
from vision.models import (
    ActionItem,
    Attendance,
    Case,
    Facilitator,
    Meeting,
    ProgressGroupMember,
    Scan,
    ScanInvitation,
    ScanScore,
    StageDeliverable,
    Trajectory,
    TrajectoryStage,
    VisionComment,
    VisionDocument,
    VisionSection,
    VisionVersion,
)


class FacilitatorFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, staff=True)
    association = factory.SubFactory(AssociationFactory)
    phone = factory.Faker("phone_number", locale="nl_NL")

    class Meta:
        model = Facilitator


class TrajectoryFactory(factory.django.DjangoModelFactory):
    municipality = factory.SubFactory(MunicipalityFactory)
    kind = TrajectoryKind.VO
    title = factory.LazyAttribute(lambda o: f"Verdiepingsslag Overheidsparticipatie {o.municipality.name}")
    facilitator = None
    status = TrajectoryStatus.ACTIVE
    current_stage = Stage.INTAKE
    started_on = date(2026, 1, 15)

    class Meta:
        model = Trajectory

    class Params:
        planned = factory.Trait(status=TrajectoryStatus.PLANNED, started_on=None)
        completed = factory.Trait(status=TrajectoryStatus.COMPLETED, ended_on=date(2026, 12, 15))
        stopped = factory.Trait(status=TrajectoryStatus.STOPPED, ended_on=date(2026, 6, 15))


class TrajectoryStageFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    stage = factory.Iterator(Stage)
    order = factory.Sequence(lambda n: n + 1)
    status = StageStatus.NOT_STARTED
    planned_start = date(2026, 2, 1)
    planned_end = date(2026, 4, 1)

    class Meta:
        model = TrajectoryStage

    class Params:
        in_progress = factory.Trait(status=StageStatus.IN_PROGRESS, actual_start=date(2026, 2, 1))
        completed = factory.Trait(
            status=StageStatus.COMPLETED, actual_start=date(2026, 2, 1), actual_end=date(2026, 3, 20)
        )


class StageDeliverableFactory(factory.django.DjangoModelFactory):
    stage = factory.SubFactory(TrajectoryStageFactory)
    title = factory.Iterator(["Gesprek met de wethouder", "Overzicht van lopende ontwikkelingen", "Lijst met cases"])
    required = True
    done = False
    done_at = factory.Maybe("done", factory.LazyFunction(timezone.now), None)

    class Meta:
        model = StageDeliverable


class ProgressGroupMemberFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    name = factory.Faker("name", locale="nl_NL")
    email = factory.Faker("email", locale="nl_NL")
    phone = factory.Faker("phone_number", locale="nl_NL")
    organisation = factory.Faker("company", locale="nl_NL")
    category = MemberCategory.VILLAGE_COUNCIL
    user = None
    joined_on = date(2026, 2, 1)

    class Meta:
        model = ProgressGroupMember

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory))


class MeetingFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    kind = MeetingKind.PROGRESS_GROUP
    title = "Vergadering voortgangsgroep"
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = factory.LazyAttribute(lambda o: f"Gemeentehuis {o.trajectory.municipality.name}")
    agenda = "1. Opening\n2. Stand van zaken\n3. Rondvraag"

    class Meta:
        model = Meeting


class AttendanceFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(ProgressGroupMemberFactory, trajectory=factory.SelfAttribute("..meeting.trajectory"))
    invited_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Attendance


class ActionItemFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    meeting = None
    description = "Uitnodiging versturen voor de Vliegwiel-bijeenkomst"
    owner = None
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    done = False
    done_at = factory.Maybe("done", factory.LazyFunction(timezone.now), None)

    class Meta:
        model = ActionItem


class CaseFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    title = "Speeltuin door bewoners"
    description = factory.Faker("paragraph", locale="nl_NL")
    government_role = "De gemeente stelde de grond beschikbaar en liet verder los."
    initiators_role = "Bewoners maakten een plan en voerden het zelf uit."
    lessons = "Korte lijnen werken."

    class Meta:
        model = Case


class VisionDocumentFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    title = factory.LazyAttribute(lambda o: f"Visie op overheidsparticipatie {o.trajectory.municipality.name}")

    class Meta:
        model = VisionDocument


class VisionVersionFactory(factory.django.DjangoModelFactory):
    document = factory.SubFactory(VisionDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VisionStatus.DRAFT
    change_note = "Eerste opzet na de bijeenkomst"

    class Meta:
        model = VisionVersion

    class Params:
        consultation = factory.Trait(status=VisionStatus.CONSULTATION)
        adopted = factory.Trait(status=VisionStatus.ADOPTED, adopted_on=date(2026, 3, 1))


class VisionSectionFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(VisionVersionFactory)
    key = factory.Iterator(VisionSectionKey)
    body = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = VisionSection


class VisionCommentFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(VisionVersionFactory, consultation=True)
    author = factory.SubFactory(UserFactory)
    body = "Graag meer over de rol van de jongeren."

    class Meta:
        model = VisionComment


def closing_date(days: int = 14) -> date:
    """A scan's closing date `days` from today (the last day members can answer)."""
    return timezone.localdate() + timedelta(days=days)


class ScanFactory(factory.django.DjangoModelFactory):
    trajectory = factory.SubFactory(TrajectoryFactory)
    kind = ScanKind.BASELINE
    opened_on = date(2026, 2, 1)

    class Meta:
        model = Scan

    class Params:
        closed = factory.Trait(closed_on=factory.LazyAttribute(lambda o: o.opened_on + timedelta(days=19)))
        # Not closed by hand, but its closing date (the last day to answer) was yesterday.
        past_closing_date = factory.Trait(
            opened_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=15)),
            closes_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )


class ScanInvitationFactory(factory.django.DjangoModelFactory):
    scan = factory.SubFactory(ScanFactory)
    member = factory.SubFactory(ProgressGroupMemberFactory, trajectory=factory.SelfAttribute("..scan.trajectory"))
    token_hash = factory.Faker("sha256")
    sent_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = ScanInvitation


class ScanScoreFactory(factory.django.DjangoModelFactory):
    """An anonymous score: its scan and a member category, never a member or an invitation."""

    scan = factory.SubFactory(ScanFactory)
    category = MemberCategory.CITIZEN_INITIATIVES
    item = factory.Iterator(ScanItem)
    score = 3
    comment = ""

    class Meta:
        model = ScanScore
