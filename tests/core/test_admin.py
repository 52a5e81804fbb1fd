"""The admin is scoped like every other page: an officer manages their own municipality only."""

from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.services import enrolment_link_create
from api.services import api_key_create
from audit.services import audit_log
from core.models import ExtraHoliday
from initiatives.models import Initiative, ReferenceSequence, StatusChange
from municipalities.models import StandardText
from notifications.models import NotificationPreference, OutboxMail
from tests.budgets.factories import VillageBudgetFactory
from tests.initiatives.factories import (
    AgreementFactory,
    AttachmentFactory,
    CostLineFactory,
    DecisionFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    StatusChangeFactory,
    ThemeFactory,
    TrackingTokenFactory,
)
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import PlanActionFactory, VillageFactory, VillageOrganisationFactory
from tests.vision.factories import (
    ActionItemFactory,
    AttendanceFactory,
    CaseFactory,
    FacilitatorFactory,
    ScanInvitationFactory,
    ScanScoreFactory,
    StageDeliverableFactory,
    VisionSectionFactory,
)
from villages.models import VillagePlan
from vision.models import ScanInvitation

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def grant_permissions(user, *codenames):
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.village_a = VillageFactory(municipality=tenants.a, name="Hulshorst")
    tenants.village_b = VillageFactory(municipality=tenants.b, name="Wezep")
    tenants.initiative_a = InitiativeFactory(village=tenants.village_a, title="Jeu-de-boulesbaan bij het dorpshuis")
    tenants.initiative_b = InitiativeFactory(village=tenants.village_b, title="Pluktuin achter de kerk")
    return tenants


@pytest.fixture
def officer_client(client, world):
    officer = OfficerMembershipFactory(municipality=world.a).user
    grant_permissions(
        officer,
        "initiatives.view_initiative",
        "initiatives.change_initiative",
        "villages.view_village",
        "villages.view_villageplan",
        "villages.add_villageplan",
        "villages.change_villageplan",
    )
    client.force_login(officer)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


class TestOfficerInAdmin:
    def test_initiative_list_shows_own_municipality_only(self, officer_client, world):
        response = officer_client.get(admin_url(Initiative, "changelist"))

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [world.initiative_a]
        content = response.content.decode()
        assert world.initiative_a.reference in content
        assert world.initiative_b.reference not in content
        assert world.initiative_b.title not in content
        assert world.b.name not in content  # not even as a filter choice

    def test_own_initiative_opens(self, officer_client, world):
        response = officer_client.get(admin_url(Initiative, "change", world.initiative_a.pk))

        assert response.status_code == 200
        assert world.initiative_a.title in response.content.decode()

    def test_initiative_of_another_municipality_answers_as_missing(self, officer_client, world):
        url = admin_url(Initiative, "change", world.initiative_b.pk)

        response = officer_client.get(url)
        followed = officer_client.get(url, follow=True)

        assert response.status_code in (302, 404)
        if response.status_code == 302:  # Django's admin: back to the index, "does not exist"
            assert response.url == reverse("admin:index")
        assert world.initiative_b.title not in followed.content.decode()
        assert world.initiative_b.initiator_email not in followed.content.decode()

    def test_initiative_of_another_municipality_cannot_be_changed(self, officer_client, world):
        url = admin_url(Initiative, "change", world.initiative_b.pk)

        response = officer_client.post(url, {"title": "Overgenomen"})

        assert response.status_code in (302, 404)
        world.initiative_b.refresh_from_db()
        assert world.initiative_b.title == "Pluktuin achter de kerk"

    def test_adding_an_initiative_is_not_offered(self, officer_client):
        assert officer_client.get(admin_url(Initiative, "add")).status_code == 403

    def test_village_choices_are_own_municipality_only(self, officer_client, world):
        response = officer_client.get(admin_url(VillagePlan, "add"))

        assert response.status_code == 200
        choices = response.context["adminform"].form.fields["village"].queryset
        assert list(choices) == [world.village_a]

    def test_village_autocomplete_answers_own_municipality_only(self, officer_client, world):
        response = officer_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "villages", "model_name": "villageplan", "field_name": "village", "term": ""},
        )

        assert response.status_code == 200
        assert [result["id"] for result in response.json()["results"]] == [str(world.village_a.pk)]

    def test_a_plan_cannot_be_attached_to_a_village_of_another_municipality(self, officer_client, world):
        data = {
            "village": world.village_b.pk,
            "kind": "dorpsvisie",
            "title": "Dorpsvisie Wezep",
            "year": 2026,
            "summary": "",
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
            "actions-MIN_NUM_FORMS": 0,
            "actions-MAX_NUM_FORMS": 1000,
        }

        response = officer_client.post(admin_url(VillagePlan, "add"), data)

        assert response.status_code == 200
        assert "village" in response.context["adminform"].form.errors
        assert not VillagePlan.objects.exists()

    def test_a_plan_for_an_own_village_is_saved(self, officer_client, world):
        data = {
            "village": world.village_a.pk,
            "kind": "dorpsvisie",
            "title": "Dorpsvisie Hulshorst",
            "year": 2026,
            "summary": "",
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
            "actions-MIN_NUM_FORMS": 0,
            "actions-MAX_NUM_FORMS": 1000,
        }

        response = officer_client.post(admin_url(VillagePlan, "add"), data)

        assert response.status_code == 302
        assert VillagePlan.objects.get().village == world.village_a

    def test_facilitator_with_view_permission_sees_no_initiatives(self, client, world):
        facilitator = FacilitatorFactory(association=world.provincial).user
        grant_permissions(facilitator, "initiatives.view_initiative")
        client.force_login(facilitator)

        response = client.get(admin_url(Initiative, "changelist"))

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == []


@pytest.fixture
def one_of_everything(world):
    """At least one row for every registered model, spread over both municipalities."""
    initiative = world.initiative_a
    for factory in (CostLineFactory, StatusChangeFactory, MessageFactory, AttachmentFactory, AgreementFactory):
        factory(initiative=initiative)
    decision = DecisionFactory(initiative=initiative)
    GrantFactory(initiative=initiative, decision=decision)
    TrackingTokenFactory(initiative=initiative)
    initiative.themes.add(ThemeFactory())
    PlanActionFactory(plan__village=world.village_a, initiatives=[initiative])
    VillageOrganisationFactory(village=world.village_b)
    OfficerMembershipFactory(municipality=world.b, villages=[world.village_b])
    attendance = AttendanceFactory(meeting__trajectory__municipality=world.a)
    trajectory = attendance.meeting.trajectory
    ActionItemFactory(trajectory=trajectory, meeting=attendance.meeting, owner=attendance.member)
    StageDeliverableFactory(stage__trajectory=trajectory)
    CaseFactory(trajectory=trajectory, village=world.village_a, initiative=initiative)
    VisionSectionFactory(version__document__trajectory=trajectory)
    scan = ScanInvitationFactory(scan__trajectory=trajectory).scan
    # Two answers of one category: the admin hides the scores of a category with fewer.
    ScanScoreFactory.create_batch(2, scan=scan, item="cultuuromslag")
    FacilitatorFactory(association=world.provincial)
    ReferenceSequence.objects.create(year=2026, last_number=2)
    Group.objects.create(name="Contactfunctionarissen")
    StandardText.objects.create(municipality=world.a, title="Eerste contact", body="Welkom")
    VillageBudgetFactory(round__fund__municipality=world.a, village=world.village_a)
    audit_log(actor=None, action="initiative.assign", obj=initiative, municipality=world.a)
    OutboxMail.objects.create(
        to="a@example.nl", template="initiatives/email/receipt", dedup_key="x", subject=initiative
    )
    NotificationPreference.objects.create(user=OfficerMembershipFactory(municipality=world.a).user, daily_digest=True)
    # Two-step login and lockout: recovery codes, a failed login (the app comes with force_login).
    StaticDevice.objects.create(user=OfficerMembershipFactory(municipality=world.a).user, name="Recovery codes")
    enrolment_link_create(user=OfficerMembershipFactory(municipality=world.b).user)
    AccessAttempt.objects.create(username="iemand", ip_address="192.0.2.1", failures_since_start=1)
    api_key_create(name="Zaaksysteem", municipality=world.a, actor=None)  # the staff API
    AccessLog.objects.create(username="iemand", ip_address="192.0.2.1")  # none are written (AXES_DISABLE_ACCESS_LOG)
    AccessFailureLog.objects.create(username="iemand", ip_address="192.0.2.1")
    # The data migration seeds decreed days, but a transactional test may have flushed them.
    ExtraHoliday.objects.get_or_create(date=date(2026, 5, 15), defaults={"description": "Vrijdag na Hemelvaartsdag"})
    return world


class TestSuperuserAdmin:
    @pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
    def test_every_change_list_opens(self, superuser_client, one_of_everything, model):
        response = superuser_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1

    @pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
    def test_every_change_page_opens(self, superuser_client, one_of_everything, model):
        obj = model._default_manager.first()
        if obj is None:
            pytest.skip(f"no {model._meta.label} rows")

        response = superuser_client.get(admin_url(model, "change", obj.pk))

        assert response.status_code == 200

    @pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
    def test_add_page_opens_where_adding_is_allowed(self, rf, superuser_client, one_of_everything, model):
        request = rf.get("/")
        request.user = UserFactory(superuser=True)
        expected = 200 if admin.site._registry[model].has_add_permission(request) else 403

        assert superuser_client.get(admin_url(model, "add")).status_code == expected

    def test_superuser_sees_every_municipality(self, superuser_client, world):
        response = superuser_client.get(admin_url(Initiative, "changelist"))

        assert set(response.context["cl"].result_list) == {world.initiative_a, world.initiative_b}


class TestHistoryIsReadOnly:
    def test_status_changes_cannot_be_changed_or_deleted(self, superuser_client):
        change = StatusChangeFactory()

        page = superuser_client.get(admin_url(StatusChange, "change", change.pk))
        delete = superuser_client.post(admin_url(StatusChange, "delete", change.pk), {"post": "yes"})

        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert delete.status_code == 403
        assert StatusChange.objects.filter(pk=change.pk).exists()

    def test_scan_invitation_never_shows_its_token_hash(self, superuser_client):
        invitation = ScanInvitationFactory()

        page = superuser_client.get(admin_url(ScanInvitation, "change", invitation.pk))

        assert page.status_code == 200
        assert invitation.token_hash not in page.content.decode()


class TestInitiativeChangeListQueries:
    def count_queries(self, client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(Initiative, "changelist"))
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    def add_initiatives(self, world, count):
        for number in range(count):
            officer = OfficerMembershipFactory(municipality=world.a).user
            village = VillageFactory(municipality=world.a)
            InitiativeFactory(village=village, assigned_officer=officer, in_conversation=bool(number % 2))

    def test_query_count_does_not_grow_with_the_rows(self, superuser_client, world, django_assert_max_num_queries):
        self.add_initiatives(world, 3)  # 5 with the two of the world
        few, shown_few = self.count_queries(superuser_client)
        self.add_initiatives(world, 25)  # 30
        with django_assert_max_num_queries(12):
            many, shown_many = self.count_queries(superuser_client)

        assert (shown_few, shown_many) == (5, 30)
        assert few == many

    def test_scoped_query_count_does_not_grow_with_the_rows(self, officer_client, world):
        self.add_initiatives(world, 4)
        few, shown_few = self.count_queries(officer_client)
        self.add_initiatives(world, 25)
        many, shown_many = self.count_queries(officer_client)

        assert (shown_few, shown_many) == (5, 30)
        assert few == many
