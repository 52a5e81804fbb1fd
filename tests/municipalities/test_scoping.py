"""Who sees which municipality, its officers and its funds (municipalities/scoping.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from municipalities.models import Fund, Municipality, OfficerMembership
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory, two_municipalities
from tests.vision.factories import FacilitatorFactory, ProgressGroupMemberFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db

MODELS = [Municipality, OfficerMembership, Fund]
OFFICERS_ONLY = [OfficerMembership, Fund]


def tenant_objects(municipality):
    return {
        Municipality: municipality,
        OfficerMembership: OfficerMembershipFactory(municipality=municipality),
        Fund: FundFactory(municipality=municipality),
    }


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.objects_a = tenant_objects(tenants.a)
    tenants.objects_b = tenant_objects(tenants.b)
    return tenants


def visible(model, user):
    return set(model.objects.visible_to(user))


class TestOfficerVisibleTo:
    @pytest.mark.parametrize("model", MODELS)
    def test_sees_own_municipality_and_nothing_of_another(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a).user

        seen = visible(model, officer)

        assert world.objects_a[model] in seen
        assert world.objects_b[model] not in seen

    def test_coordinator_sees_the_same_as_a_contact_officer(self, world):
        coordinator = OfficerMembershipFactory(municipality=world.a, coordinator=True).user

        assert visible(Fund, coordinator) == {world.objects_a[Fund]}

    @pytest.mark.parametrize("model", MODELS)
    def test_inactive_membership_sees_nothing(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a, is_active=False).user

        assert visible(model, officer) == set()

    @pytest.mark.parametrize("model", MODELS)
    def test_scoped_list_is_one_query(self, world, model, django_assert_num_queries):
        officer = OfficerMembershipFactory(municipality=world.a).user

        with django_assert_num_queries(1):
            list(model.objects.visible_to(officer))


class TestFacilitatorVisibleTo:
    def test_provincial_facilitator_sees_the_municipalities_it_supports(self, world):
        facilitator = FacilitatorFactory(association=world.provincial).user

        assert visible(Municipality, facilitator) == {world.a}

    def test_national_facilitator_sees_municipalities_of_its_member_associations(self, world):
        facilitator = FacilitatorFactory(association=world.national).user

        assert visible(Municipality, facilitator) == {world.a}

    def test_facilitator_of_another_association_sees_only_its_own(self, world):
        facilitator = FacilitatorFactory(association=world.other).user

        assert visible(Municipality, facilitator) == {world.b}

    @pytest.mark.parametrize("model", OFFICERS_ONLY)
    def test_sees_no_officers_and_no_funds(self, world, model):
        facilitator = FacilitatorFactory(association=world.provincial).user

        assert visible(model, facilitator) == set()

    def test_inactive_facilitator_sees_nothing(self, world):
        facilitator = FacilitatorFactory(association=world.provincial, is_active=False).user

        assert visible(Municipality, facilitator) == set()


class TestProgressGroupMemberVisibleTo:
    def test_sees_the_municipality_of_the_trajectory_but_no_funds_or_officers(self, world):
        member = ProgressGroupMemberFactory(trajectory=TrajectoryFactory(municipality=world.a), with_account=True)

        assert visible(Municipality, member.user) == {world.a}
        assert visible(Fund, member.user) == set()
        assert visible(OfficerMembership, member.user) == set()


class TestEveryoneElse:
    @pytest.mark.parametrize("model", MODELS)
    def test_anonymous_sees_nothing(self, world, model):
        assert visible(model, AnonymousUser()) == set()

    @pytest.mark.parametrize("model", MODELS)
    def test_inactive_user_sees_nothing(self, world, model):
        officer = OfficerMembershipFactory(municipality=world.a).user
        officer.is_active = False
        officer.save(update_fields=["is_active"])

        assert visible(model, officer) == set()

    @pytest.mark.parametrize("model", MODELS)
    def test_staff_user_without_a_role_sees_nothing(self, world, model):
        assert visible(model, UserFactory(staff=True)) == set()

    @pytest.mark.parametrize("model", MODELS)
    def test_superuser_sees_everything(self, world, model):
        seen = visible(model, UserFactory(superuser=True))

        assert {world.objects_a[model], world.objects_b[model]} <= seen


class TestOfficerScopeKey:
    """`officer_scope_key`: the same key only for the same scope (kept statements use it)."""

    def scope_sql(self, user):
        from initiatives.models import Initiative

        return Initiative.objects.visible_to(user).order_by().values("pk").query.sql_with_params()

    def test_keys_are_equal_exactly_where_the_scopes_are(self, world):
        from municipalities.scoping import officer_scope_key, remember_officer_municipalities

        a1, a2 = (OfficerMembershipFactory(municipality=world.a) for _ in range(2))
        b = OfficerMembershipFactory(municipality=world.b)
        users = [m.user for m in (a1, a2, b)]
        assert officer_scope_key(users[0]) is None  # not remembered: the ids would need a query
        for user in users:
            remember_officer_municipalities(user, OfficerMembership.objects.filter(user=user, is_active=True))
        superuser = UserFactory(is_superuser=True)
        users.append(superuser)
        for one in users:
            for other in users:
                same_key = officer_scope_key(one) == officer_scope_key(other)
                assert same_key == (self.scope_sql(one) == self.scope_sql(other)), (one, other)
        assert officer_scope_key(AnonymousUser()) == ("none",)
        assert officer_scope_key(superuser) == ("all",)
