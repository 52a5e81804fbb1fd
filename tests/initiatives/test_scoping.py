"""Initiatives and everything hanging off them: residents' personal data stays with the
officers of the municipality that handles it (the OFFICERS audience)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from initiatives.models import (
    Agreement,
    Attachment,
    CostLine,
    Decision,
    Grant,
    Initiative,
    Message,
    StatusChange,
    TrackingToken,
)
from tests.initiatives.factories import (
    AgreementFactory,
    AttachmentFactory,
    CostLineFactory,
    DecisionFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    StatusChangeFactory,
    TrackingTokenFactory,
)
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import VillageFactory
from tests.vision.factories import FacilitatorFactory, ProgressGroupMemberFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db

MODELS = [Initiative, CostLine, StatusChange, Message, Attachment, Agreement, Decision, Grant, TrackingToken]


def tenant_objects(municipality):
    initiative = InitiativeFactory(village=VillageFactory(municipality=municipality), decided=True)
    return {
        Initiative: initiative,
        CostLine: CostLineFactory(initiative=initiative),
        StatusChange: StatusChangeFactory(initiative=initiative),
        Message: MessageFactory(initiative=initiative),
        Attachment: AttachmentFactory(initiative=initiative),
        Agreement: AgreementFactory(initiative=initiative),
        Decision: DecisionFactory(initiative=initiative),
        Grant: GrantFactory(initiative=initiative),
        TrackingToken: TrackingTokenFactory(initiative=initiative),
    }


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.objects_a = tenant_objects(tenants.a)
    tenants.objects_b = tenant_objects(tenants.b)
    return tenants


def visible(model, user):
    return set(model.objects.visible_to(user))


@pytest.mark.parametrize("model", MODELS)
class TestInitiativeDataVisibleTo:
    def test_officer_sees_own_municipality_only(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a).user

        seen = visible(model, officer)

        assert world.objects_a[model] in seen
        assert world.objects_b[model] not in seen

    def test_officer_of_b_sees_none_of_a(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.b).user

        assert visible(model, officer) == {world.objects_b[model]}

    def test_former_officer_sees_nothing(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a, is_active=False).user

        assert visible(model, officer) == set()

    def test_facilitator_sees_nothing_even_of_a_supported_municipality(self, world, model):
        for association in (world.provincial, world.national):
            facilitator = FacilitatorFactory(association=association).user

            assert visible(model, facilitator) == set()

    def test_progress_group_member_sees_nothing(self, world, model):
        member = ProgressGroupMemberFactory(trajectory=TrajectoryFactory(municipality=world.a), with_account=True)

        assert visible(model, member.user) == set()

    def test_anonymous_sees_nothing(self, world, model):
        assert visible(model, AnonymousUser()) == set()

    def test_inactive_officer_account_sees_nothing(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a, user__is_active=False).user

        assert visible(model, officer) == set()

    def test_superuser_sees_everything(self, world, model):
        seen = visible(model, UserFactory(superuser=True))

        assert {world.objects_a[model], world.objects_b[model]} <= seen

    def test_scoped_list_is_one_query(self, world, model, django_assert_num_queries):
        officer = OfficerMembershipFactory(municipality=world.a).user

        with django_assert_num_queries(1):
            list(model.objects.visible_to(officer))


class TestInitiativeVisibleTo:
    def test_assigned_officer_of_another_municipality_still_sees_nothing(self, world):
        """Visibility follows the membership, never a stray assignment."""
        officer_b = OfficerMembershipFactory(municipality=world.b).user
        initiative_a = world.objects_a[Initiative]
        initiative_a.assigned_officer = officer_b
        initiative_a.save(update_fields=["assigned_officer"])

        assert initiative_a not in visible(Initiative, officer_b)

    def test_every_workflow_state_is_visible_to_the_officer(self, world):
        officer = OfficerMembershipFactory(municipality=world.a).user
        village = VillageFactory(municipality=world.a)
        states = ["intake", "in_conversation", "waiting", "decided", "in_progress", "realised", "closed", "withdrawn"]
        initiatives = {InitiativeFactory(village=village, **{state: True}) for state in states}

        assert initiatives <= visible(Initiative, officer)
