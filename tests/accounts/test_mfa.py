"""Who must log in in two steps: officers, coordinators, facilitators and admins; nobody else."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.mfa import format_secret, mfa_required, normalise_recovery_code, user_needs_mfa
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.vision.factories import FacilitatorFactory, ProgressGroupMemberFactory

pytestmark = pytest.mark.django_db


def plain(user):
    """The role without Django's is_staff flag (the factories set it), so the role itself counts."""
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return user


class WhoNeedsTwoStepsTests:
    def test_active_officer_and_coordinator(self):
        assert user_needs_mfa(plain(OfficerMembershipFactory().user))
        assert user_needs_mfa(plain(OfficerMembershipFactory(coordinator=True).user))

    def test_active_facilitator(self):
        assert user_needs_mfa(plain(FacilitatorFactory().user))

    def test_platform_admins(self):
        assert user_needs_mfa(UserFactory(staff=True))
        assert user_needs_mfa(UserFactory(superuser=True))

    def test_inactive_roles_do_not_count(self):
        assert not user_needs_mfa(plain(OfficerMembershipFactory(is_active=False).user))
        assert not user_needs_mfa(plain(FacilitatorFactory(is_active=False).user))

    def test_progress_group_member_and_plain_user_do_not(self):
        assert not user_needs_mfa(ProgressGroupMemberFactory(with_account=True).user)
        assert not user_needs_mfa(UserFactory())
        assert not user_needs_mfa(AnonymousUser())

    def test_one_query_at_most_and_asked_once_per_user_object(self, django_assert_num_queries):
        user = plain(OfficerMembershipFactory().user)
        admin = UserFactory(superuser=True)

        with django_assert_num_queries(1):
            assert mfa_required(user)
            assert mfa_required(user)
        with django_assert_num_queries(0):
            assert mfa_required(admin)


class HelperTests:
    def test_recovery_codes_are_read_without_spaces_dashes_or_capitals(self):
        assert normalise_recovery_code(" ABCD-efgh ") == "abcdefgh"
        assert normalise_recovery_code("ab cd ef gh") == "abcdefgh"

    def test_secret_is_shown_in_groups_of_four(self):
        assert format_secret(b"\x00" * 20) == "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA"
