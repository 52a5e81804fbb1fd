"""VO trajectories: officers and DKK facilitators see by municipality, a progress-group member
with an account sees only their own trajectory."""

import pytest
from django.contrib.auth.models import AnonymousUser

from initiatives.models import Initiative
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import VillageFactory
from tests.vision.factories import (
    ActionItemFactory,
    AttendanceFactory,
    CaseFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    ScanScoreFactory,
    StageDeliverableFactory,
    TrajectoryFactory,
    TrajectoryStageFactory,
    VisionCommentFactory,
    VisionDocumentFactory,
    VisionSectionFactory,
    VisionVersionFactory,
)
from vision.models import (
    ActionItem,
    Attendance,
    Case,
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

pytestmark = pytest.mark.django_db

MODELS = [
    Trajectory,
    TrajectoryStage,
    StageDeliverable,
    ProgressGroupMember,
    Meeting,
    Attendance,
    ActionItem,
    Case,
    VisionDocument,
    VisionVersion,
    VisionSection,
    VisionComment,
    Scan,
    ScanInvitation,
    ScanScore,
]


def trajectory_objects(municipality):
    """One trajectory with one object of every kind hanging off it."""
    trajectory = TrajectoryFactory(municipality=municipality)
    stage = TrajectoryStageFactory(trajectory=trajectory)
    meeting = MeetingFactory(trajectory=trajectory)
    attendance = AttendanceFactory(meeting=meeting)
    version = VisionVersionFactory(document=VisionDocumentFactory(trajectory=trajectory))
    invitation = ScanInvitationFactory(scan=ScanFactory(trajectory=trajectory))
    return {
        Trajectory: trajectory,
        TrajectoryStage: stage,
        StageDeliverable: StageDeliverableFactory(stage=stage),
        ProgressGroupMember: attendance.member,
        Meeting: meeting,
        Attendance: attendance,
        ActionItem: ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=attendance.member),
        Case: CaseFactory(trajectory=trajectory, village=VillageFactory(municipality=municipality)),
        VisionDocument: version.document,
        VisionVersion: version,
        VisionSection: VisionSectionFactory(version=version),
        VisionComment: VisionCommentFactory(version=version),
        Scan: invitation.scan,
        ScanInvitation: invitation,
        ScanScore: ScanScoreFactory(scan=invitation.scan),
    }


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.objects_a = trajectory_objects(tenants.a)
    tenants.objects_a2 = trajectory_objects(tenants.a)  # a second trajectory in the same municipality
    tenants.objects_b = trajectory_objects(tenants.b)
    return tenants


def visible(model, user):
    return set(model.objects.visible_to(user))


@pytest.mark.parametrize("model", MODELS)
class TestTrajectoryDataVisibleTo:
    def test_officer_sees_every_trajectory_of_own_municipality_only(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a).user

        seen = visible(model, officer)

        assert {world.objects_a[model], world.objects_a2[model]} <= seen
        assert world.objects_b[model] not in seen

    @pytest.mark.parametrize("association", ["provincial", "national"])
    def test_facilitator_sees_supported_municipalities_only(self, world, model, association):
        facilitator = FacilitatorFactory(association=getattr(world, association)).user

        seen = visible(model, facilitator)

        assert {world.objects_a[model], world.objects_a2[model]} <= seen
        assert world.objects_b[model] not in seen

    def test_facilitator_of_another_association_sees_none_of_a(self, world, model):
        facilitator = FacilitatorFactory(association=world.other).user

        seen = visible(model, facilitator)

        assert world.objects_b[model] in seen
        assert world.objects_a[model] not in seen
        assert world.objects_a2[model] not in seen

    def test_member_with_account_sees_only_their_own_trajectory(self, world, model):
        member = ProgressGroupMemberFactory(trajectory=world.objects_a[Trajectory], with_account=True)

        seen = visible(model, member.user)

        assert world.objects_a[model] in seen
        assert world.objects_a2[model] not in seen
        assert world.objects_b[model] not in seen

    def test_member_who_left_sees_nothing(self, world, model):
        member = ProgressGroupMemberFactory(
            trajectory=world.objects_a[Trajectory], with_account=True, left_on="2026-03-01"
        )

        assert visible(model, member.user) == set()

    def test_anonymous_sees_nothing(self, world, model):
        assert visible(model, AnonymousUser()) == set()

    @pytest.mark.parametrize("role", ["officer", "facilitator", "member"])
    def test_inactive_account_sees_nothing(self, world, model, role):
        if role == "officer":
            user = OfficerMembershipFactory(municipality=world.a).user
        elif role == "facilitator":
            user = FacilitatorFactory(association=world.provincial).user
        else:
            user = ProgressGroupMemberFactory(trajectory=world.objects_a[Trajectory], with_account=True).user
        user.is_active = False
        user.save(update_fields=["is_active"])

        assert visible(model, user) == set()

    def test_inactive_facilitator_sees_nothing(self, world, model):
        facilitator = FacilitatorFactory(association=world.provincial, is_active=False).user

        assert visible(model, facilitator) == set()

    def test_staff_user_without_a_role_sees_nothing(self, world, model):
        assert visible(model, UserFactory(staff=True)) == set()

    def test_superuser_sees_everything(self, world, model):
        seen = visible(model, UserFactory(superuser=True))

        assert {world.objects_a[model], world.objects_a2[model], world.objects_b[model]} <= seen

    @pytest.mark.parametrize("role", ["officer", "facilitator", "member"])
    def test_scoped_list_is_one_query(self, world, model, role, django_assert_num_queries):
        if role == "officer":
            user = OfficerMembershipFactory(municipality=world.a).user
        elif role == "facilitator":
            user = FacilitatorFactory(association=world.national).user
        else:
            user = ProgressGroupMemberFactory(trajectory=world.objects_a[Trajectory], with_account=True).user

        with django_assert_num_queries(1):
            list(model.objects.visible_to(user))


class TestNoInitiativesOutsideTheOfficers:
    def test_member_and_facilitator_see_no_initiatives_of_their_municipality(self, world):
        InitiativeFactory(village=VillageFactory(municipality=world.a))
        member = ProgressGroupMemberFactory(trajectory=world.objects_a[Trajectory], with_account=True)
        facilitator = FacilitatorFactory(association=world.provincial)

        assert visible(Initiative, member.user) == set()
        assert visible(Initiative, facilitator.user) == set()
