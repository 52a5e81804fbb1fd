"""Villages, their organisations and plans: officers, facilitators and progress-group members
of the municipality see them (the STAFF audience); nobody sees another municipality's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import PlanActionFactory, VillageFactory, VillageOrganisationFactory, VillagePlanFactory
from tests.vision.factories import FacilitatorFactory, ProgressGroupMemberFactory, TrajectoryFactory
from villages.models import PlanAction, Village, VillageOrganisation, VillagePlan

pytestmark = pytest.mark.django_db

MODELS = [Village, VillageOrganisation, VillagePlan, PlanAction]


def tenant_objects(municipality):
    village = VillageFactory(municipality=municipality)
    plan = VillagePlanFactory(village=village)
    return {
        Village: village,
        VillageOrganisation: VillageOrganisationFactory(village=village),
        VillagePlan: plan,
        PlanAction: PlanActionFactory(plan=plan),
    }


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.objects_a = tenant_objects(tenants.a)
    tenants.objects_b = tenant_objects(tenants.b)
    return tenants


def visible(model, user):
    return set(model.objects.visible_to(user))


def sees_only_a(world, model, user):
    seen = visible(model, user)
    return world.objects_a[model] in seen and world.objects_b[model] not in seen


@pytest.mark.parametrize("model", MODELS)
class TestVillageDataVisibleTo:
    def test_officer_sees_own_municipality_only(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a).user

        assert sees_only_a(world, model, officer)

    def test_provincial_facilitator_sees_supported_municipality_only(self, world, model):
        facilitator = FacilitatorFactory(association=world.provincial).user

        assert sees_only_a(world, model, facilitator)

    def test_national_facilitator_sees_through_its_member_association(self, world, model):
        facilitator = FacilitatorFactory(association=world.national).user

        assert sees_only_a(world, model, facilitator)

    def test_facilitator_of_another_association_sees_none_of_a(self, world, model):
        facilitator = FacilitatorFactory(association=world.other).user

        seen = visible(model, facilitator)

        assert world.objects_b[model] in seen
        assert world.objects_a[model] not in seen

    def test_progress_group_member_sees_the_villages_of_their_municipality(self, world, model):
        member = ProgressGroupMemberFactory(trajectory=TrajectoryFactory(municipality=world.a), with_account=True)

        assert sees_only_a(world, model, member.user)

    def test_member_who_left_sees_nothing(self, world, model):
        member = ProgressGroupMemberFactory(
            trajectory=TrajectoryFactory(municipality=world.a), with_account=True, left_on="2026-03-01"
        )

        assert visible(model, member.user) == set()

    def test_anonymous_sees_nothing(self, world, model):
        assert visible(model, AnonymousUser()) == set()

    def test_inactive_facilitator_account_sees_nothing(self, world, model):
        facilitator = FacilitatorFactory(association=world.provincial, user__is_active=False).user

        assert visible(model, facilitator) == set()

    def test_staff_user_without_a_role_sees_nothing(self, world, model):
        assert visible(model, UserFactory(staff=True)) == set()

    def test_superuser_sees_everything(self, world, model):
        seen = visible(model, UserFactory(superuser=True))

        assert {world.objects_a[model], world.objects_b[model]} <= seen

    def test_scoped_list_is_one_query(self, world, model, django_assert_num_queries):
        facilitator = FacilitatorFactory(association=world.national).user

        with django_assert_num_queries(1):
            list(model.objects.visible_to(facilitator))
