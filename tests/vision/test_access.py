"""Side door 3 of issue 12: members of the progress group take part, the facilitator steers.

A member with an account reads the whole trajectory (meetings, minutes, action items, the vision,
scan results), adds cases and comments on the vision while it is in consultation. Every steering
URL answers 403 to them and changes nothing: not a row, not an audit line, not a mail. The same
POST from the facilitator does change something, so the refusal is about who asks, not about
the data sent. The services refuse the member too, whatever the view does.
"""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.mfa import user_needs_mfa
from audit.constants import AuditAction
from audit.models import AuditLogEntry
from notifications.models import OutboxMail
from tests.accounts.helpers import PASSWORD, password_login
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.vision.factories import (
    ActionItemFactory,
    AttendanceFactory,
    CaseFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    StageDeliverableFactory,
    TrajectoryFactory,
    VisionCommentFactory,
    VisionDocumentFactory,
    VisionVersionFactory,
    closing_date,
)
from vision.access import can_add_case, can_see_member_contacts, can_steer_trajectory, is_progress_group_member
from vision.constants import MemberCategory, TrajectoryKind, VisionSectionKey, VisionStatus
from vision.models import (
    ActionItem,
    Attendance,
    Case,
    Meeting,
    ProgressGroupMember,
    Scan,
    ScanInvitation,
    StageDeliverable,
    Trajectory,
    TrajectoryStage,
    VisionComment,
    VisionDocument,
    VisionSection,
    VisionVersion,
)
from vision.services.documents import vision_comment_add, vision_status_change, vision_version_create
from vision.services.meetings import action_item_set_done, meeting_publish_minutes, meeting_schedule
from vision.services.scans import scan_close, scan_open, scan_remind, scan_reopen
from vision.services.trajectories import (
    case_add,
    case_update,
    member_add,
    member_leave,
    stage_checklist_save,
    stage_complete,
    trajectory_ensure_stages,
    trajectory_set_support_cost,
)

pytestmark = pytest.mark.django_db

WATCHED = [
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
    AuditLogEntry,
    OutboxMail,
]


def snapshot() -> dict:
    """Every row of everything a steering URL could touch, audit lines and mails included."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.fixture
def side():
    """A Democratie in Actie trajectory of municipality A with one of everything.

    The member with an account (`member`) has an email address; another member (`other`) has an
    email address and a phone number. The meeting was yesterday; the scan is open; the latest
    version of the vision is in consultation.
    """
    tenants = two_municipalities()
    trajectory = TrajectoryFactory(municipality=tenants.a, kind=TrajectoryKind.DIA_LOCAL_INITIATIVE)
    trajectory_ensure_stages(trajectory=trajectory)
    stage = trajectory.stages.get(stage=trajectory.current_stage)
    member = ProgressGroupMemberFactory(
        trajectory=trajectory, with_account=True, email="lid@example.org", category=MemberCategory.COUNCIL
    )
    other = ProgressGroupMemberFactory(
        trajectory=trajectory,
        email="anna.bakker@example.org",
        phone="06-12345678",
        category=MemberCategory.YOUNG_PEOPLE,
    )
    starts_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    meeting = MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    AttendanceFactory(meeting=meeting, member=other, invited_at=starts_at - timedelta(days=7))
    meeting.minutes = "Afgesproken: de jongerenraad schrijft mee."
    meeting.minutes_published_at = starts_at + timedelta(hours=3)
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    scan = ScanFactory(trajectory=trajectory)
    return {
        "tenants": tenants,
        "trajectory": trajectory,
        "stage": stage,
        "deliverable": StageDeliverableFactory(stage=stage, required=True),
        "member": member,
        "user": member.user,
        "other": other,
        "meeting": meeting,
        "item": ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=other, description="Zaal regelen"),
        "case": CaseFactory(trajectory=trajectory, title="Speeltuin Wijnbergen"),
        "version": VisionVersionFactory(
            document=VisionDocumentFactory(trajectory=trajectory), number=1, consultation=True
        ),
        "scan": scan,
        "invitation": ScanInvitationFactory(scan=scan, member=other),
        "facilitator": FacilitatorFactory(association=tenants.provincial).user,
    }


def _close_the_scan(side):
    side["scan"].closed_on = timezone.localdate()
    side["scan"].save(update_fields=["closed_on"])


def _meeting_form(side):
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    return {
        "kind": "progress_group",
        "title": "Voortgangsgroep 3",
        "day": day,
        "start_time": "19:30",
        "end_time": "21:00",
    }


def _meeting_to_come(side):
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=7)
    Meeting.objects.filter(pk=side["meeting"].pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))


# name -> (URL kwargs besides the trajectory, POST data, preparation): every steering URL.
STEERING = {
    "vision:stage_edit": (lambda s: {"stage": s["stage"].pk}, lambda s: {"stage-notes": "Nieuwe aanpak"}, None),
    "vision:stage_complete": (lambda s: {"stage": s["stage"].pk}, lambda s: {"complete-reason": "Genoeg"}, None),
    "vision:stage_checklist": (
        lambda s: {"stage": s["stage"].pk},
        lambda s: {"checklist-done": [s["deliverable"].pk]},
        None,
    ),
    "vision:member_add": (
        lambda s: {},
        lambda s: {"member-name": "Lotte Kuipers", "member-category": MemberCategory.YOUNG_PEOPLE},
        None,
    ),
    "vision:member_edit": (
        lambda s: {"member": s["other"].pk},
        lambda s: {"member-name": "Anna de Boer", "member-category": MemberCategory.YOUNG_PEOPLE},
        None,
    ),
    "vision:member_leave": (lambda s: {"member": s["other"].pk}, lambda s: {}, None),
    "vision:case_edit": (lambda s: {"case": s["case"].pk}, lambda s: {"case-title": "Speeltuin, versie 2"}, None),
    "vision:trajectory_cost": (lambda s: {}, lambda s: {"cost-cost": "4000"}, None),
    "vision:meeting_create": (lambda s: {}, _meeting_form, None),
    "vision:meeting_edit": (lambda s: {"meeting": s["meeting"].pk}, _meeting_form, None),
    "vision:meeting_invite": (
        lambda s: {"meeting": s["meeting"].pk},
        lambda s: {"members": [s["member"].pk]},
        _meeting_to_come,  # invitations are for a meeting still to come
    ),
    "vision:meeting_attendance": (
        lambda s: {"meeting": s["meeting"].pk},
        lambda s: {"present": [s["other"].pk]},
        None,
    ),
    "vision:meeting_minutes": (lambda s: {"meeting": s["meeting"].pk}, lambda s: {"minutes": "Ander verslag"}, None),
    "vision:action_item_add": (lambda s: {"meeting": s["meeting"].pk}, lambda s: {"description": "Flyer"}, None),
    "vision:action_item_done": (lambda s: {"item": s["item"].pk}, lambda s: {"done": "1"}, None),
    "vision:action_item_edit": (
        lambda s: {"item": s["item"].pk},
        lambda s: {"description": "Zaal en koffie regelen", "owner": s["other"].pk},
        None,
    ),
    "vision:vision_edit": (
        lambda s: {},
        lambda s: {"title": "Onze visie", "based_on": "1", f"section_{VisionSectionKey.values[0]}": "Nieuwe tekst"},
        None,
    ),
    "vision:vision_status": (lambda s: {}, lambda s: {"status-number": "1", "status-to_status": "draft"}, None),
    "vision:scan_open": (
        lambda s: {},
        lambda s: {"open-kind": "eenmeting", "open-closes_on": closing_date().isoformat()},
        _close_the_scan,
    ),
    "vision:scan_close": (lambda s: {"scan": s["scan"].pk}, lambda s: {}, None),
    "vision:scan_remind": (lambda s: {"scan": s["scan"].pk}, lambda s: {}, None),
    "vision:scan_reopen": (
        lambda s: {"scan": s["scan"].pk, "invitation": s["invitation"].pk},
        lambda s: {},
        None,
    ),
}


def steering_request(side, name) -> tuple[str, dict]:
    """The URL and the POST data of a steering action (after its preparation, if any)."""
    kwargs, data, prepare = STEERING[name]
    if prepare is not None:
        prepare(side)
    return reverse(name, kwargs={"trajectory": side["trajectory"].pk, **kwargs(side)}), data(side)


def trajectory_url(name, side, **kwargs):
    return reverse(name, kwargs={"trajectory": side["trajectory"].pk, **kwargs})


# --- the side door, through the real URLs ----------------------------------------------------


@pytest.mark.parametrize("name", list(STEERING))
class TestAMemberCannotSteer:
    def test_the_member_gets_403_and_nothing_changes(self, client, side, name):
        client.force_login(side["user"])
        url, data = steering_request(side, name)
        before = snapshot()

        response = client.post(url, data)

        assert response.status_code == 403
        assert snapshot() == before

    def test_the_same_post_from_the_facilitator_changes_something(self, client, side, name):
        """The control: the data above is a real change, refused only because of who sends it."""
        client.force_login(side["facilitator"])
        url, data = steering_request(side, name)
        before = snapshot()

        response = client.post(url, data)

        assert response.status_code == 302
        assert snapshot() != before


def test_every_steering_url_of_the_trajectory_is_in_the_list():
    """A new URL that changes a trajectory must be added here (or be one members may use)."""
    from tests.config.test_access_matrix import all_routes

    member_may = {"vision:case_add", "vision:vision_comment"}
    posting = {
        name
        for name in all_routes()
        if name.startswith("vision:") and "trajectory" in all_routes()[name] and name not in member_may
    }
    reads = {
        "vision:trajectory_detail",
        "vision:meeting_list",
        "vision:meeting_detail",
        "vision:meeting_ics",
        "vision:action_item_list",
        "vision:vision_document",
        "vision:vision_version",
        "vision:vision_print",
        "vision:scan_list",
        "vision:scan_detail",
        "vision:scan_export",
        "vision:vision_compare",
    }
    assert posting - reads == set(STEERING)


class TestTheServicesRefuseAMemberToo:
    """Views are one gate; each steering service checks the actor again."""

    def test_steering_services(self, side):
        user, trajectory = side["user"], side["trajectory"]
        before = snapshot()
        calls = [
            lambda: stage_complete(stage=side["stage"], actor=user, reason="x"),
            lambda: stage_checklist_save(stage=side["stage"], done=[side["deliverable"]], actor=user),
            lambda: member_add(trajectory=trajectory, actor=user, name="X", category=MemberCategory.YOUNG_PEOPLE),
            lambda: member_leave(member=side["other"], actor=user),
            lambda: case_update(case=side["case"], actor=user, title="Y"),
            lambda: trajectory_set_support_cost(trajectory=trajectory, cost=1000, actor=user),
            lambda: meeting_schedule(
                trajectory=trajectory,
                actor=user,
                kind="progress_group",
                title="T",
                starts_at=timezone.now() + timedelta(days=3),
                ends_at=timezone.now() + timedelta(days=3, hours=1),
            ),
            lambda: meeting_publish_minutes(meeting=side["meeting"], minutes="Anders", actor=user),
            lambda: action_item_set_done(item=side["item"], done=True, actor=user),
            lambda: vision_version_create(
                trajectory=trajectory, title="T", sections={"culture": "x"}, change_note="", based_on=1, actor=user
            ),
            lambda: vision_status_change(version=side["version"], to_status=VisionStatus.DRAFT, actor=user),
            lambda: scan_close(scan=side["scan"], actor=user),
            lambda: scan_reopen(invitation=side["invitation"], actor=user),
            lambda: scan_remind(scan=side["scan"], actor=user),
        ]
        for call in calls:
            with pytest.raises((PermissionDenied, ValidationError)):
                call()
        assert snapshot() == before
        _close_the_scan(side)
        before = snapshot()
        with pytest.raises(ValidationError):
            scan_open(trajectory=trajectory, kind="eenmeting", closes_on=closing_date(), actor=user)
        assert snapshot() == before

    def test_a_member_adds_a_case_through_the_service(self, side):
        case = case_add(trajectory=side["trajectory"], actor=side["user"], title="Dorpshuis Oosterwolde")

        assert case.trajectory == side["trajectory"]
        assert AuditLogEntry.objects.filter(action=AuditAction.TRAJECTORY_CASE_ADD, actor=side["user"]).exists()

    def test_an_officer_outside_the_group_adds_no_case(self, side):
        officer = OfficerMembershipFactory(municipality=side["tenants"].a).user

        with pytest.raises(PermissionDenied):
            case_add(trajectory=side["trajectory"], actor=officer, title="X")


# --- what a member may do ------------------------------------------------------------------------

READ_PAGES = [
    ("vision:trajectory_detail", lambda s: {}),
    ("vision:meeting_list", lambda s: {}),
    ("vision:meeting_detail", lambda s: {"meeting": s["meeting"].pk}),
    ("vision:meeting_ics", lambda s: {"meeting": s["meeting"].pk}),
    ("vision:action_item_list", lambda s: {}),
    ("vision:vision_document", lambda s: {}),
    ("vision:vision_version", lambda s: {"number": 1}),
    ("vision:vision_print", lambda s: {}),
    ("vision:vision_compare", lambda s: {}),
    ("vision:scan_list", lambda s: {}),
    ("vision:scan_detail", lambda s: {"scan": s["scan"].pk}),
]


# Pages across all trajectories of the association (no trajectory in the URL): the report for the
# board is for those who steer, never for a member of a progress group.
ASSOCIATION_PAGES = ["vision:association_report", "vision:association_report_pdf", "vision:association_report_csv"]


@pytest.mark.parametrize("name", ASSOCIATION_PAGES)
def test_a_member_does_not_read_the_association_report(client, side, name):
    client.force_login(side["user"])

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ASSOCIATION_PAGES)
def test_the_facilitator_reads_the_association_report(client, side, name):
    client.force_login(side["facilitator"])

    assert client.get(reverse(name)).status_code == 200


def test_every_page_across_trajectories_is_in_the_list():
    """A new vision URL without a trajectory (and not a personal link) must be added above."""
    from tests.config.test_access_matrix import all_routes

    across = {
        name
        for name, kwargs in all_routes().items()
        if name.startswith("vision:") and "trajectory" not in kwargs and "token" not in kwargs
    }
    assert across == {"vision:trajectory_list", *ASSOCIATION_PAGES}


def post_actions(content: bytes) -> set[str]:
    return set(re.findall(r'<form method="post" action="([^"]+)"', content.decode()))


class TestAMemberReadsAndTakesPart:
    @pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
    def test_reads_every_page(self, client, side, name, kwargs):
        client.force_login(side["user"])

        response = client.get(trajectory_url(name, side, **kwargs(side)))

        assert response.status_code == 200
        if response.context is not None:
            assert response.context["can_steer"] is False

    def test_the_trajectory_page_has_no_steering_form(self, client, side):
        client.force_login(side["user"])

        response = client.get(trajectory_url("vision:trajectory_detail", side))

        assert post_actions(response.content) == {trajectory_url("vision:case_add", side)}
        assert "member_form" not in response.context and "cost_form" not in response.context
        assert all(stage.complete_form is None for stage in response.context["stages"])
        assert b'id="member-notice"' in response.content
        assert trajectory_url("vision:meeting_create", side).encode() not in response.content

    def test_the_meeting_page_shows_minutes_and_action_items_without_forms(self, client, side):
        client.force_login(side["user"])

        response = client.get(trajectory_url("vision:meeting_detail", side, meeting=side["meeting"].pk))

        assert "jongerenraad schrijft mee" in response.content.decode()
        assert "Zaal regelen" in response.content.decode()
        assert post_actions(response.content) == set()

    def test_adds_a_case(self, client, side):
        client.force_login(side["user"])

        response = client.post(
            trajectory_url("vision:case_add", side),
            {"case-title": "Dorpshuis Oosterwolde", "case-government_role": "Losgelaten"},
        )

        assert response.status_code == 302
        case = Case.objects.get(title="Dorpshuis Oosterwolde")
        assert case.trajectory == side["trajectory"]
        entry = AuditLogEntry.objects.get(action=AuditAction.TRAJECTORY_CASE_ADD, object_id=str(case.pk))
        assert entry.actor == side["user"]

    def test_a_former_member_adds_no_case(self, client, side):
        side["member"].left_on = timezone.localdate()
        side["member"].save(update_fields=["left_on"])
        client.force_login(side["user"])

        response = client.post(trajectory_url("vision:case_add", side), {"case-title": "X"})

        assert response.status_code == 404
        assert not Case.objects.filter(title="X").exists()


class TestContactDataOfMembers:
    def test_a_member_without_a_second_factor_does_not_see_email_or_phone(self, client, side):
        assert not user_needs_mfa(side["user"])
        client.force_login(side["user"])

        content = client.get(trajectory_url("vision:trajectory_detail", side)).content.decode()

        assert "Anna" in content or side["other"].name in content
        assert "anna.bakker@example.org" not in content
        assert "06-12345678" not in content
        assert "lid@example.org" not in content

    @pytest.mark.parametrize("who", ["facilitator", "officer", "admin"])
    def test_users_with_a_second_factor_see_them(self, client, side, who):
        user = {
            "facilitator": side["facilitator"],
            "officer": OfficerMembershipFactory(municipality=side["tenants"].a).user,
            "admin": UserFactory(superuser=True),
        }[who]
        assert user_needs_mfa(user)
        client.force_login(user)

        content = client.get(trajectory_url("vision:trajectory_detail", side)).content.decode()

        assert "anna.bakker@example.org" in content
        assert "06-12345678" in content

    def test_the_rule(self, side):
        assert can_see_member_contacts(side["facilitator"], side["trajectory"]) is True
        assert can_see_member_contacts(side["user"], side["trajectory"]) is False


class TestWhoSteers:
    def test_the_facilitator_and_admins_steer_members_and_officers_do_not(self, side):
        trajectory = side["trajectory"]
        officer = OfficerMembershipFactory(municipality=side["tenants"].a).user
        ProgressGroupMemberFactory(trajectory=trajectory, user=officer, category=MemberCategory.CIVIL_SERVICE)

        assert can_steer_trajectory(side["facilitator"], trajectory)
        assert can_steer_trajectory(UserFactory(superuser=True), trajectory)
        assert not can_steer_trajectory(side["user"], trajectory)
        assert not can_steer_trajectory(officer, trajectory)  # a member of the group, no facilitator
        assert is_progress_group_member(officer, trajectory) and can_add_case(officer, trajectory)

    def test_everyone_who_steers_signs_in_with_a_second_factor(self, side):
        trajectory = side["trajectory"]
        inactive = FacilitatorFactory(association=side["tenants"].provincial, is_active=False).user
        candidates = [
            side["facilitator"],
            FacilitatorFactory(association=side["tenants"].national).user,
            UserFactory(superuser=True),
            inactive,
            side["user"],
            OfficerMembershipFactory(municipality=side["tenants"].a).user,
            UserFactory(),
        ]
        steerers = [user for user in candidates if can_steer_trajectory(user, trajectory)]

        assert len(steerers) == 3
        assert all(user_needs_mfa(user) for user in steerers)
        assert not can_steer_trajectory(inactive, trajectory)

    def test_a_facilitator_who_has_not_passed_the_second_step_is_stopped(self, client, side):
        facilitator = side["facilitator"]
        facilitator.set_password(PASSWORD)
        facilitator.save(update_fields=["password"])
        password_login(client, facilitator.get_username())  # the password only, no code yet
        url, data = steering_request(side, "vision:stage_complete")
        before = snapshot()

        response = client.post(url, data)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:mfa_setup"))
        assert snapshot() == before


# --- comments on the vision --------------------------------------------------------------------


def comment(client, side, body="Meer aandacht voor de jongeren, graag.", number=1):
    return client.post(
        trajectory_url("vision:vision_comment", side), {"comment-number": str(number), "comment-body": body}
    )


class TestCommentsOnTheVision:
    def test_a_member_comments_while_in_consultation(self, client, side):
        client.force_login(side["user"])

        response = comment(client, side)

        assert response.status_code == 302
        note = VisionComment.objects.get()
        assert (note.version, note.author, note.body) == (
            side["version"],
            side["user"],
            "Meer aandacht voor de jongeren, graag.",
        )
        entry = AuditLogEntry.objects.get(action=AuditAction.VISION_COMMENT)
        assert entry.actor == side["user"] and entry.detail == "v1"
        assert "jongeren" not in entry.object_repr  # the text stays out of the audit log
        page = client.get(trajectory_url("vision:vision_document", side)).content.decode()
        assert "Meer aandacht voor de jongeren" in page

    def test_the_form_shows_only_while_in_consultation(self, client, side):
        client.force_login(side["user"])
        url = trajectory_url("vision:vision_document", side)

        assert client.get(url).context["comment_form"] is not None
        side["version"].status = VisionStatus.DRAFT
        side["version"].save(update_fields=["status"])
        assert client.get(url).context["comment_form"] is None

    @pytest.mark.parametrize("status", [VisionStatus.DRAFT, VisionStatus.ADOPTED])
    def test_no_comment_outside_consultation(self, client, side, status):
        side["version"].status = status
        side["version"].adopted_on = timezone.localdate() if status == VisionStatus.ADOPTED else None
        side["version"].save(update_fields=["status", "adopted_on"])
        client.force_login(side["user"])

        response = comment(client, side)

        assert response.status_code == 200
        assert response.context["comment_form"].non_field_errors()  # shown at the form
        assert not VisionComment.objects.exists()
        assert not AuditLogEntry.objects.filter(action=AuditAction.VISION_COMMENT).exists()

    def test_no_comment_on_an_older_version(self, client, side):
        VisionVersionFactory(document=side["version"].document, number=2, consultation=True)
        client.force_login(side["user"])

        response = comment(client, side, number=1)

        assert response.status_code == 200
        assert not VisionComment.objects.exists()

    def test_an_officer_outside_the_group_reads_comments_but_does_not_comment(self, client, side):
        VisionCommentFactory(version=side["version"], author=side["user"], body="Mooi begin.")
        officer = OfficerMembershipFactory(municipality=side["tenants"].a).user
        client.force_login(officer)

        page = client.get(trajectory_url("vision:vision_document", side))
        response = comment(client, side)

        assert "Mooi begin." in page.content.decode() and page.context["comment_form"] is None
        assert response.status_code == 403
        assert VisionComment.objects.count() == 1

    def test_the_facilitator_comments_too(self, client, side):
        client.force_login(side["facilitator"])

        assert comment(client, side).status_code == 302
        assert VisionComment.objects.get().author == side["facilitator"]

    def test_the_service_refuses_someone_outside_the_group(self, side):
        officer = OfficerMembershipFactory(municipality=side["tenants"].a).user

        with pytest.raises(PermissionDenied):
            vision_comment_add(version=side["version"], body="Nee", actor=officer)

    def test_an_empty_comment_is_refused(self, client, side):
        client.force_login(side["user"])

        response = comment(client, side, body="  ")

        assert response.status_code == 200
        assert response.context["comment_form"].errors
        assert not VisionComment.objects.exists()
