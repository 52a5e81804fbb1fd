"""The admin's side of the access matrix: money, decision, status and scan models, every staff role.

Money, decisions and status change only through the services (with their checks, row locks and
audit rows). In `/admin/` staff with a role see these rows (as far as their role and
municipality reach) but cannot add, change or delete them; a superuser may add and change
grants and decisions (the grant form keeps the fund's rules, tests/initiatives/test_admin.py),
never history, scans or status fields. Each staff user here has exactly the permissions of
their role group (accounts/roles.py), as in production.

Answers: 200 (the page opens; a change page of a row the user may only view shows it
read-only), 403 (the role may not do this), `GONE` (another municipality's row: the admin
sends the user back to its index, as for a missing row), `ADMIN_LOGIN` (no staff account).
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from accounts.roles import CONTACT_OFFICER, COORDINATOR, FACILITATOR
from initiatives.models import Decision, Grant, Initiative, StatusChange
from municipalities.models import Fund
from tests.core.admin_helpers import admin_url, change_form_data
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory, StatusChangeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import VillageFactory
from tests.vision.factories import (
    FacilitatorFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    ScanScoreFactory,
    TrajectoryFactory,
    TrajectoryStageFactory,
    VisionDocumentFactory,
    VisionVersionFactory,
)
from vision.constants import ScanItem
from vision.models import Scan, ScanInvitation, ScanScore, Trajectory, TrajectoryStage, VisionVersion

ROLES = ("officer", "coordinator", "facilitator", "member", "superuser")
GONE = "gone"  # 302 to the admin index: not one of the user's rows
ADMIN_LOGIN = "admin_login"  # 302 to the admin's login page
VIEWS = ("changelist", "add", "change", "change_post", "delete")

# model -> {role: {view: answer}}; the object is the own municipality's (A) unless the key says b.
VIEW_ONLY = {"changelist": 200, "add": 403, "change": 200, "change_post": 403, "delete": 403}
NO_ACCESS = dict.fromkeys(VIEWS, 403)
NO_STAFF = dict.fromkeys(VIEWS, ADMIN_LOGIN)
SUPERUSER_EDITS = {"changelist": 200, "add": 200, "change": 200, "change_post": 200, "delete": 200}
HISTORY = VIEW_ONLY  # read-only for everyone, a superuser too

MONEY_AND_DECISIONS = {
    "officer": VIEW_ONLY,
    "coordinator": VIEW_ONLY,
    "facilitator": NO_ACCESS,
    "member": NO_STAFF,
    "superuser": SUPERUSER_EDITS,
}
EXPECTED = {
    Grant: MONEY_AND_DECISIONS,
    Decision: MONEY_AND_DECISIONS,
    StatusChange: {
        "officer": HISTORY,
        "coordinator": HISTORY,
        "facilitator": NO_ACCESS,
        "member": NO_STAFF,
        "superuser": HISTORY,
    },
    Scan: {
        "officer": NO_ACCESS,
        "coordinator": NO_ACCESS,
        "facilitator": HISTORY,
        "member": NO_STAFF,
        "superuser": HISTORY,
    },
    ScanScore: {
        "officer": NO_ACCESS,
        "coordinator": NO_ACCESS,
        "facilitator": HISTORY,
        "member": NO_STAFF,
        "superuser": HISTORY,
    },
    ScanInvitation: {
        "officer": NO_ACCESS,
        "coordinator": NO_ACCESS,
        "facilitator": HISTORY,
        "member": NO_STAFF,
        "superuser": HISTORY,
    },
}


def build_world():
    tenants = two_municipalities()
    world = SimpleNamespace()
    for name, municipality, association in (("a", tenants.a, tenants.provincial), ("b", tenants.b, tenants.other)):
        initiative = InitiativeFactory(decided=True, village=VillageFactory(municipality=municipality))
        fund = FundFactory(municipality=municipality, budget="30000.00", max_per_initiative=None)
        trajectory = TrajectoryFactory(municipality=municipality)
        scan = ScanFactory(trajectory=trajectory)
        member = ProgressGroupMemberFactory(trajectory=trajectory)
        # Two answers in one category: the admin, like the results page, hides a lonely one.
        ScanScoreFactory.create_batch(2, scan=scan, category=member.category, item=ScanItem.values[0])
        objects = {
            Initiative: initiative,
            Fund: fund,
            Grant: GrantFactory(initiative=initiative, fund=fund, amount="1000.00"),
            Decision: Decision.objects.filter(initiative=initiative).first() or DecisionFactory(initiative=initiative),
            StatusChange: StatusChangeFactory(initiative=initiative),
            Trajectory: trajectory,
            TrajectoryStage: TrajectoryStageFactory(trajectory=trajectory, order=1),
            VisionVersion: VisionVersionFactory(document=VisionDocumentFactory(trajectory=trajectory)),
            Scan: scan,
            ScanScore: ScanScore.objects.filter(scan=scan).first(),
            ScanInvitation: ScanInvitationFactory(scan=scan, member=member),
        }
        setattr(world, name, objects)
        if name == "a":
            facilitator = FacilitatorFactory(association=association).user
            trajectory.facilitator = facilitator.facilitator
            trajectory.save(update_fields=["facilitator"])
    users = {
        "officer": OfficerMembershipFactory(municipality=tenants.a).user,
        "coordinator": OfficerMembershipFactory(municipality=tenants.a, coordinator=True).user,
        "facilitator": facilitator,
        "member": ProgressGroupMemberFactory(trajectory=world.a[Trajectory], with_account=True).user,
        "superuser": UserFactory(superuser=True),
    }
    groups = {"officer": CONTACT_OFFICER, "coordinator": COORDINATOR, "facilitator": FACILITATOR}
    for role, group in groups.items():
        users[role].groups.add(Group.objects.get(name=group))
    world.user_pks = {role: user.pk for role, user in users.items()}
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def login(client, world, role):
    user = get_user_model().objects.get(pk=world.user_pks[role])
    client.force_login(user)
    return user


def answer(response) -> object:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if location == reverse("admin:index"):
        return GONE
    return 302


def request(client, model, obj, view):
    if view == "changelist":
        return client.get(admin_url(model, "changelist"))
    if view == "add":
        return client.get(admin_url(model, "add"))
    if view == "change":
        return client.get(admin_url(model, "change", obj.pk))
    if view == "change_post":
        page = client.get(admin_url(model, "change", obj.pk))
        # A read-only page has no form to send: post what its model's form would need.
        data = change_form_data(page) if b'name="_save"' in page.content else {"_save": "Save"}
        return client.post(admin_url(model, "change", obj.pk), data)
    return client.get(admin_url(model, "delete", obj.pk))


def _cases():
    for model in EXPECTED:
        for role in ROLES:
            for view in VIEWS:
                yield pytest.param(model, role, view, id=f"{model._meta.label_lower}-{role}-{view}")


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "role", "view"), list(_cases()))
def test_admin_access(client, world, model, role, view):
    login(client, world, role)
    response = request(client, model, world.a[model], view)
    expected = EXPECTED[model][role][view]
    if expected == 200 and view == "change_post":
        # The superuser's save: back to the list, or the form again with the checks' errors.
        assert response.status_code in (200, 302), response.status_code
        return
    assert answer(response) == expected, f"{role} {view} {model._meta.label}: {response.status_code}"


def _foreign_cases():
    for model, by_role in EXPECTED.items():
        for role in ("officer", "coordinator", "facilitator"):
            if by_role[role]["changelist"] == 200:
                yield pytest.param(model, role, id=f"{model._meta.label_lower}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "role"), list(_foreign_cases()))
def test_another_municipalitys_row_is_not_shown(client, world, model, role):
    login(client, world, role)
    listing = client.get(admin_url(model, "changelist"))
    own, foreign = world.a[model], world.b[model]

    assert own.pk in listing.context["cl"].result_list.values_list("pk", flat=True)
    assert foreign.pk not in listing.context["cl"].result_list.values_list("pk", flat=True)
    assert answer(client.get(admin_url(model, "change", foreign.pk))) == GONE


# --- status fields: read-only for every role, a superuser too ------------------------------------

STATUS_FIELDS = {
    Initiative: ("coordinator", {"status": "closed", "publication": "hidden", "publication_reason": "Niet openbaar"}),
    Trajectory: ("facilitator", {"status": "stopped", "current_stage": "vision", "ended_on": "2026-06-01"}),
    TrajectoryStage: ("facilitator", {"status": "completed", "actual_end": "2026-06-01"}),
    VisionVersion: ("facilitator", {"status": "adopted", "adopted_on": "2026-06-01"}),
}


def _status_cases():
    for model, (role, changes) in STATUS_FIELDS.items():
        for who in (role, "superuser"):
            yield pytest.param(model, who, changes, id=f"{model._meta.label_lower}-{who}")


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "role", "changes"), list(_status_cases()))
def test_status_cannot_be_set_in_the_admin(client, world, model, role, changes):
    """The change form shows the status as text and a posted status is ignored: the status
    changes only on the product's pages, through the workflow services."""
    login(client, world, role)
    obj = world.a[model]
    before = {name: getattr(obj, name) for name in changes}
    url = admin_url(model, "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    for name in changes:
        assert name not in page.context["adminform"].form.fields, f"{name} is editable"

    client.post(url, change_form_data(page, **changes))

    obj.refresh_from_db()
    assert {name: getattr(obj, name) for name in changes} == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "superuser"])
def test_fund_budget_cannot_drop_below_what_is_committed(client, world, role):
    login(client, world, role)
    fund = world.a[Fund]
    url = admin_url(Fund, "change", fund.pk)

    response = client.post(url, change_form_data(client.get(url), budget="999.00"))

    assert response.status_code == 200 and response.context["adminform"].form.errors
    fund.refresh_from_db()
    assert str(fund.budget) == "30000.00"


@pytest.mark.django_db
def test_facilitator_cannot_add_a_scan_in_the_admin(client, world):
    """A scan opened in the admin would send no one-time links and skip the scan's rules."""
    login(client, world, "facilitator")
    trajectory = world.a[Trajectory]

    response = client.post(
        admin_url(Scan, "add"), {"trajectory": trajectory.pk, "kind": "before", "opened_on": "2026-06-01"}
    )

    assert response.status_code == 403
    assert Scan.objects.filter(trajectory=trajectory).count() == 1
