"""A village for staff: its plans with their actions, and officers linking initiatives to them.

The tenant wall: staff of another municipality (or association) get 404; only officers of the
village's municipality link, and only initiatives of that municipality.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditLogEntry
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import PlanActionFactory, VillageFactory, VillagePlanFactory
from tests.vision.factories import FacilitatorFactory
from villages.constants import PlanKind
from villages.services import plan_action_link_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.village = VillageFactory(municipality=tenants.a, name="Elspeet")
    tenants.vision = VillagePlanFactory(village=tenants.village, kind=PlanKind.VILLAGE_VISION, year=2024)
    tenants.execution = VillagePlanFactory(
        village=tenants.village, kind=PlanKind.EXECUTION_PLAN, year=2025, title="Uitvoeringsplan 2025"
    )
    tenants.action = PlanActionFactory(plan=tenants.execution, what="Speeltuin vernieuwen", by_whom="Dorpsbelangen")
    tenants.initiative = InitiativeFactory(village=tenants.village)
    tenants.foreign_initiative = InitiativeFactory(village=VillageFactory(municipality=tenants.b))
    return tenants


@pytest.fixture
def officer(world):
    return OfficerMembershipFactory(municipality=world.a).user


def page_url(village) -> str:
    return reverse("initiatives:village_plans", kwargs={"village": village.pk})


def link_url(village) -> str:
    return reverse("initiatives:plan_action_link", kwargs={"village": village.pk})


class StaffVillageUrlTests:
    def test_url_names(self, world):
        assert page_url(world.village) == f"/dashboard/dorpen/{world.village.pk}/"
        assert link_url(world.village) == f"/dashboard/dorpen/{world.village.pk}/koppelen/"


class StaffVillagePageTests:
    def test_officer_sees_plans_and_actions_and_may_link(self, client, world, officer):
        client.force_login(officer)

        response = client.get(page_url(world.village))

        assert response.status_code == 200
        plans = response.context["plans"]
        assert [p.pk for p in plans] == [world.vision.pk, world.execution.pk]  # vision first, then execution
        assert list(plans[1].actions.all()) == [world.action]
        assert response.context["can_link"] is True
        assert world.initiative in response.context["link_form"].fields["initiative"].queryset
        assert world.foreign_initiative not in response.context["link_form"].fields["initiative"].queryset

    @pytest.mark.parametrize("association", ["provincial", "national"])
    def test_facilitator_reads_without_linking(self, client, world, association):
        client.force_login(FacilitatorFactory(association=getattr(world, association)).user)

        response = client.get(page_url(world.village))

        assert response.status_code == 200
        assert response.context["can_link"] is False
        assert "link_form" not in response.context

    def test_facilitator_sees_only_published_linked_initiatives(self, client, world):
        hidden = InitiativeFactory(village=world.village, publication_consent=False)
        world.action.initiatives.add(world.initiative, hidden)
        client.force_login(FacilitatorFactory(association=world.provincial).user)

        response = client.get(page_url(world.village))

        (execution,) = [p for p in response.context["plans"] if p.pk == world.execution.pk]
        assert list(execution.actions.all()[0].initiatives.all()) == [world.initiative]

    @pytest.mark.parametrize("who", ["foreign_officer", "foreign_facilitator", "nobody"])
    def test_others_get_404(self, client, world, who):
        user = {
            "foreign_officer": lambda: OfficerMembershipFactory(municipality=world.b).user,
            "foreign_facilitator": lambda: FacilitatorFactory(association=world.other).user,
            "nobody": UserFactory,
        }[who]()
        client.force_login(user)

        assert client.get(page_url(world.village)).status_code == 404
        assert client.post(link_url(world.village), {}).status_code == 404

    def test_login_required(self, client, world):
        response = client.get(page_url(world.village))

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_query_count_is_fixed(self, client, world, officer, django_assert_max_num_queries):
        for plan in (world.vision, world.execution):
            for _ in range(4):
                PlanActionFactory(plan=plan, initiatives=[InitiativeFactory(village=world.village)])
        client.force_login(officer)

        with django_assert_max_num_queries(12):
            assert client.get(page_url(world.village)).status_code == 200


class PlanActionLinkTests:
    def test_officer_links_an_initiative(self, client, world, officer):
        client.force_login(officer)

        response = client.post(
            link_url(world.village), {"link-action": world.action.pk, "link-initiative": world.initiative.pk}
        )

        assert response.status_code == 302
        assert list(world.action.initiatives.all()) == [world.initiative]
        entry = AuditLogEntry.objects.get(action="village.plan_action_link")
        assert (entry.actor, entry.object_id, entry.municipality) == (officer, str(world.action.pk), world.a)

    def test_initiative_of_another_municipality_is_refused_by_the_form(self, client, world, officer):
        client.force_login(officer)

        response = client.post(
            link_url(world.village), {"link-action": world.action.pk, "link-initiative": world.foreign_initiative.pk}
        )

        assert response.status_code == 200
        assert "initiative" in response.context["link_form"].errors
        assert not world.action.initiatives.exists()

    def test_initiative_of_another_municipality_is_refused_by_the_service(self, world, officer):
        with pytest.raises(ValidationError) as refusal:
            plan_action_link_initiative(action=world.action, initiative=world.foreign_initiative, actor=officer)

        assert "initiative" in refusal.value.message_dict
        assert not world.action.initiatives.exists()
        assert not AuditLogEntry.objects.exists()

    def test_linking_twice_is_refused(self, client, world, officer):
        world.action.initiatives.add(world.initiative)
        client.force_login(officer)

        response = client.post(
            link_url(world.village), {"link-action": world.action.pk, "link-initiative": world.initiative.pk}
        )

        assert response.status_code == 200
        assert "initiative" in response.context["link_form"].errors

    def test_action_of_another_village_is_refused(self, client, world, officer):
        elsewhere = PlanActionFactory(plan__village=VillageFactory(municipality=world.a))
        client.force_login(officer)

        response = client.post(
            link_url(world.village), {"link-action": elsewhere.pk, "link-initiative": world.initiative.pk}
        )

        assert response.status_code == 200
        assert "action" in response.context["link_form"].errors

    def test_facilitator_may_not_link(self, client, world):
        facilitator = FacilitatorFactory(association=world.provincial).user
        client.force_login(facilitator)

        response = client.post(
            link_url(world.village), {"link-action": world.action.pk, "link-initiative": world.initiative.pk}
        )

        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            plan_action_link_initiative(action=world.action, initiative=world.initiative, actor=facilitator)
        assert not world.action.initiatives.exists()

    def test_link_preselects_the_action(self, client, world, officer):
        client.force_login(officer)

        response = client.get(page_url(world.village), {"actie": world.action.pk})

        assert str(response.context["link_form"].initial["action"]) == str(world.action.pk)
