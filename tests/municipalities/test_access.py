"""Who is an officer of which municipality: one answer for views, services and pages."""

import pytest

from core.exceptions import NotAllowed
from municipalities.access import is_officer_of, officer_membership, officers_for_village, require_officer
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


class IsOfficerOfTests:
    def test_an_active_officer_of_the_municipality(self):
        membership = OfficerMembershipFactory()
        assert is_officer_of(membership.user, membership.municipality_id)

    def test_an_officer_of_another_municipality_is_not(self):
        membership = OfficerMembershipFactory()
        assert not is_officer_of(membership.user, MunicipalityFactory().pk)

    def test_an_ended_membership_does_not_count(self):
        membership = OfficerMembershipFactory(is_active=False)
        assert not is_officer_of(membership.user, membership.municipality_id)

    def test_a_deactivated_account_does_not_count(self):
        membership = OfficerMembershipFactory(user__is_active=False)
        assert not is_officer_of(membership.user, membership.municipality_id)

    def test_platform_admins_are_officers_everywhere(self):
        assert is_officer_of(UserFactory(superuser=True), MunicipalityFactory().pk)

    def test_the_memberships_a_page_loaded_answer_without_a_query(self, django_assert_num_queries):
        membership = OfficerMembershipFactory()
        user = membership.user
        officer_membership(user)
        with django_assert_num_queries(0):
            assert is_officer_of(user, membership.municipality_id)
            assert not is_officer_of(user, membership.municipality_id + 1)


class RequireOfficerTests:
    def test_refuses_with_a_plain_message(self):
        with pytest.raises(NotAllowed, match="Alleen medewerkers van deze gemeente"):
            require_officer(UserFactory(), MunicipalityFactory().pk)

    def test_lets_an_officer_through(self):
        membership = OfficerMembershipFactory()
        require_officer(membership.user, membership.municipality_id)


class OfficersForVillageTests:
    def test_only_active_officers_with_the_village_in_their_portfolio(self):
        village = VillageFactory()
        mine = OfficerMembershipFactory(municipality=village.municipality, villages=[village])
        OfficerMembershipFactory(municipality=village.municipality)  # another portfolio
        OfficerMembershipFactory(municipality=village.municipality, villages=[village], is_active=False)
        assert officers_for_village(village) == [mine]
