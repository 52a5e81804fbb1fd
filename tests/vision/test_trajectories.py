"""A facilitator's trajectory pages: the overview, one trajectory with its stages, checklist,
progress group, cases and Democratie in Actie costs; and the services behind them.

Every test keeps the wall between associations in view: a facilitator of another association
never sees, nor changes, a trajectory; an officer of the municipality reads only.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLogEntry
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import VillageFactory
from tests.vision.factories import (
    ActionItemFactory,
    CaseFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanScoreFactory,
    StageDeliverableFactory,
    TrajectoryFactory,
    VisionDocumentFactory,
    VisionVersionFactory,
)
from vision.constants import (
    REQUIRED_MEMBER_CATEGORIES,
    STAGE_ORDER,
    MemberCategory,
    ScanKind,
    Stage,
    StageStatus,
    TrajectoryKind,
    TrajectoryStatus,
    VisionStatus,
)
from vision.models import Case, ProgressGroupMember, StageDeliverable, Trajectory, TrajectoryStage
from vision.services.trajectories import (
    case_add,
    dia_cost_split,
    stage_checklist_save,
    stage_complete,
    trajectory_ensure_stages,
    trajectory_set_support_cost,
)

pytestmark = pytest.mark.django_db

LIST = "/trajecten/"


def make_trajectory(municipality, **kwargs) -> Trajectory:
    """A trajectory with its six stages and empty checklists: each test ticks its own items."""
    trajectory = TrajectoryFactory(municipality=municipality, **kwargs)
    trajectory_ensure_stages(trajectory=trajectory)
    StageDeliverable.objects.filter(stage__trajectory=trajectory).delete()
    return trajectory


def stage_of(trajectory, stage) -> TrajectoryStage:
    return trajectory.stages.get(stage=stage)


@pytest.fixture
def world():
    return two_municipalities()


@pytest.fixture
def trajectory(world):
    return make_trajectory(world.a)


@pytest.fixture
def other_trajectory(world):
    """A trajectory of the municipality another association supports."""
    return make_trajectory(world.b)


@pytest.fixture
def facilitator(world):
    return FacilitatorFactory(association=world.provincial).user


@pytest.fixture
def stranger(world):
    """A facilitator of the other association."""
    return FacilitatorFactory(association=world.other).user


@pytest.fixture
def officer(world):
    return OfficerMembershipFactory(municipality=world.a).user


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def detail_url(trajectory) -> str:
    return reverse("vision:trajectory_detail", kwargs={"trajectory": trajectory.pk})


URL_NAMES = [
    "vision:trajectory_detail",
    "vision:stage_edit",
    "vision:stage_complete",
    "vision:stage_checklist",
    "vision:member_add",
    "vision:member_edit",
    "vision:member_leave",
    "vision:case_add",
    "vision:case_edit",
    "vision:trajectory_cost",
]
# The views that answer GET too; the others are POST only.
GET_TOO = {
    "vision:trajectory_detail",
    "vision:stage_edit",
    "vision:member_add",
    "vision:member_edit",
    "vision:case_add",
    "vision:case_edit",
}


def urls_by_name(trajectory) -> dict[str, str]:
    """Every page and action of one trajectory, with real child objects."""
    stage = stage_of(trajectory, trajectory.current_stage)
    StageDeliverableFactory(stage=stage)
    member = ProgressGroupMemberFactory(trajectory=trajectory)
    case = CaseFactory(trajectory=trajectory)
    children = {
        "vision:stage_edit": {"stage": stage.pk},
        "vision:stage_complete": {"stage": stage.pk},
        "vision:stage_checklist": {"stage": stage.pk},
        "vision:member_edit": {"member": member.pk},
        "vision:member_leave": {"member": member.pk},
        "vision:case_edit": {"case": case.pk},
    }
    return {name: reverse(name, kwargs={"trajectory": trajectory.pk, **children.get(name, {})}) for name in URL_NAMES}


def edit_posts(trajectory) -> list[str]:
    return [url for name, url in urls_by_name(trajectory).items() if name != "vision:trajectory_detail"]


class TrajectoryUrlTests:
    def test_url_names(self, trajectory):
        t = {"trajectory": trajectory.pk}
        assert reverse("vision:trajectory_list") == LIST
        assert reverse("vision:trajectory_detail", kwargs=t) == f"/trajecten/{trajectory.pk}/"
        assert reverse("vision:stage_edit", kwargs={**t, "stage": 7}) == f"/trajecten/{trajectory.pk}/fasen/7/"
        assert (
            reverse("vision:stage_complete", kwargs={**t, "stage": 7})
            == f"/trajecten/{trajectory.pk}/fasen/7/afronden/"
        )
        assert (
            reverse("vision:stage_checklist", kwargs={**t, "stage": 7})
            == f"/trajecten/{trajectory.pk}/fasen/7/opleverpunten/"
        )
        assert reverse("vision:member_add", kwargs=t) == f"/trajecten/{trajectory.pk}/voortgangsgroep/nieuw/"
        assert (
            reverse("vision:member_edit", kwargs={**t, "member": 4}) == f"/trajecten/{trajectory.pk}/voortgangsgroep/4/"
        )
        assert reverse("vision:trajectory_cost", kwargs=t) == f"/trajecten/{trajectory.pk}/kosten/"


# --- creating the stages -----------------------------------------------------------------------


class TrajectoryEnsureStagesTests:
    def test_creates_the_six_stages_in_order(self, world):
        trajectory = TrajectoryFactory(municipality=world.a, planned=True)

        stages = trajectory_ensure_stages(trajectory=trajectory)

        assert [(s.order, s.stage) for s in stages] == list(enumerate(STAGE_ORDER, 1))
        assert {s.status for s in stages} == {StageStatus.NOT_STARTED}

    def test_is_idempotent(self, trajectory):
        before = list(trajectory.stages.values_list("pk", flat=True))

        trajectory_ensure_stages(trajectory=trajectory)

        assert list(trajectory.stages.values_list("pk", flat=True)) == before
        assert AuditLogEntry.objects.filter(action="trajectory.stages_created").count() == 1

    def test_adds_only_missing_stages(self, world):
        trajectory = TrajectoryFactory(municipality=world.a)
        TrajectoryStage.objects.create(trajectory=trajectory, stage=Stage.CASES, order=2, notes="kept")

        trajectory_ensure_stages(trajectory=trajectory)

        assert trajectory.stages.count() == 6
        assert stage_of(trajectory, Stage.CASES).notes == "kept"

    def test_active_trajectory_starts_in_its_current_stage(self, world):
        trajectory = TrajectoryFactory(municipality=world.a, status=TrajectoryStatus.ACTIVE, current_stage=Stage.CASES)

        trajectory_ensure_stages(trajectory=trajectory)

        cases = stage_of(trajectory, Stage.CASES)
        assert cases.status == StageStatus.IN_PROGRESS
        assert cases.actual_start == trajectory.started_on


# --- the overview ------------------------------------------------------------------------------


class TrajectoryOverviewTests:
    def listed(self, client, user) -> list[Trajectory]:
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200
        return response.context["trajectories"]

    @pytest.mark.parametrize("association", ["provincial", "national"])
    def test_facilitator_sees_the_supported_municipalities_only(
        self, client, world, trajectory, other_trajectory, association
    ):
        second = make_trajectory(world.a)
        user = FacilitatorFactory(association=getattr(world, association)).user

        listed = self.listed(client, user)

        assert {t.pk for t in listed} == {trajectory.pk, second.pk}
        assert all(t.user_can_steer for t in listed)

    def test_officer_sees_own_municipality_read_only(self, client, officer, trajectory, other_trajectory):
        listed = self.listed(client, officer)

        assert [t.pk for t in listed] == [trajectory.pk]
        assert listed[0].user_can_steer is False
        assert listed[0].user_is_member is False
        assert b"data-read-only" in client.get(LIST).content

    def test_officer_in_the_progress_group_takes_part_but_does_not_steer(self, client, officer, trajectory):
        ProgressGroupMemberFactory(trajectory=trajectory, user=officer, category=MemberCategory.CIVIL_SERVICE)

        listed = self.listed(client, officer)

        assert listed[0].user_can_steer is False
        assert listed[0].user_is_member is True
        assert b"data-member" in client.get(LIST).content

    def test_user_without_trajectories_gets_an_empty_page(self, client, trajectory):
        assert self.listed(client, UserFactory()) == []

    def test_login_required(self, client, trajectory):
        response = client.get(LIST)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_shows_where_each_trajectory_stands(self, client, facilitator, trajectory):
        today = timezone.localdate()
        now = timezone.now()
        trajectory.current_stage = Stage.PROGRESS_GROUP
        trajectory.save(update_fields=["current_stage"])
        MeetingFactory(trajectory=trajectory, title="Past", starts_at=now - timedelta(days=3))
        MeetingFactory(trajectory=trajectory, title="Later", starts_at=now + timedelta(days=20))
        MeetingFactory(trajectory=trajectory, title="Next", starts_at=now + timedelta(days=2))
        ActionItemFactory(trajectory=trajectory, due_date=today - timedelta(days=1))  # overdue
        ActionItemFactory(trajectory=trajectory, due_date=today + timedelta(days=5))  # open
        ActionItemFactory(trajectory=trajectory, due_date=today - timedelta(days=9), done=True)  # done
        ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.COUNCIL)
        ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.YOUNG_PEOPLE, left_on=today)
        old = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, opened_on=today - timedelta(days=300))
        council = {"category": MemberCategory.COUNCIL}
        ScanScoreFactory(scan=old, **council, score=1)
        latest = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, opened_on=today - timedelta(days=3))
        ScanScoreFactory(scan=latest, **council, score=4)
        ScanScoreFactory(scan=latest, **council, score=5)
        document = VisionDocumentFactory(trajectory=trajectory)
        VisionVersionFactory(document=document, number=1, consultation=True)
        VisionVersionFactory(document=document, number=2, status=VisionStatus.DRAFT)

        (row,) = self.listed(client, facilitator)

        assert row.stage_number == 3
        assert row.next_meeting_title == "Next"
        assert (row.open_action_items, row.overdue_action_items) == (2, 1)
        assert MemberCategory.COUNCIL not in row.missing_categories
        assert MemberCategory.YOUNG_PEOPLE in row.missing_categories
        assert len(row.missing_categories) == len(REQUIRED_MEMBER_CATEGORIES) - 1
        assert row.latest_scan_kind == ScanKind.FOLLOW_UP
        assert row.latest_scan_score == pytest.approx(4.5)
        assert row.latest_vision_status == VisionStatus.DRAFT

    def test_complete_progress_group(self, client, facilitator, trajectory):
        for category in REQUIRED_MEMBER_CATEGORIES:
            ProgressGroupMemberFactory(trajectory=trajectory, category=category)

        (row,) = self.listed(client, facilitator)

        assert row.missing_categories == []

    @pytest.mark.parametrize("count", [2, 12, 30])
    def test_query_count_does_not_grow_with_trajectories(
        self, client, world, facilitator, count, django_assert_max_num_queries
    ):
        for _ in range(count):
            trajectory = make_trajectory(world.a)
            MeetingFactory(trajectory=trajectory)
            ActionItemFactory(trajectory=trajectory)
            ProgressGroupMemberFactory(trajectory=trajectory)
            ScanScoreFactory(scan=ScanFactory(trajectory=trajectory))
        client.force_login(facilitator)

        # 5: session, user, the session's verified device (django-otp's OTPMiddleware, two-step
        # login), the trajectories with everything their cards show, the officer's memberships.
        with django_assert_max_num_queries(5):
            response = client.get(LIST)

        assert len(response.context["trajectories"]) == count


class TrajectoryOverviewNumbersTests:
    """The overview reads what `with_overview` annotates by queries grouped by the listed ids
    (`TrajectoryQuerySet.overview_list`): the same values, checked against that annotation and
    against a plain count in Python over trajectories with varied data."""

    def varied(self, world):
        today, now = timezone.localdate(), timezone.now().replace(microsecond=0)
        bare = make_trajectory(world.a)  # nothing at all
        busy = make_trajectory(world.a, current_stage=Stage.VISION)
        MeetingFactory(trajectory=busy, title="Past", starts_at=now - timedelta(days=1))
        MeetingFactory(trajectory=busy, title="Second", starts_at=now + timedelta(days=2))
        MeetingFactory(trajectory=busy, title="First", starts_at=now + timedelta(hours=3))
        MeetingFactory(trajectory=busy, title="Also first", starts_at=now + timedelta(hours=3))  # a tie: lower pk
        for days, done in [(-3, False), (-1, False), (0, False), (4, False), (-8, True), (2, True)]:
            ActionItemFactory(trajectory=busy, due_date=today + timedelta(days=days), done=done)
        ActionItemFactory(trajectory=busy, due_date=None)  # open, never overdue
        first = ScanFactory(trajectory=busy, kind=ScanKind.BASELINE, opened_on=today - timedelta(days=200))
        ScanScoreFactory(scan=first, score=1)
        tied = ScanFactory(trajectory=busy, kind=ScanKind.FOLLOW_UP, opened_on=today - timedelta(days=5))
        ScanScoreFactory(scan=tied, score=2)
        latest = ScanFactory(trajectory=busy, kind=ScanKind.FOLLOW_UP, opened_on=today - timedelta(days=5))
        for score in (5, 4, 4, None):  # "don't know" counts in no average
            ScanScoreFactory(scan=latest, score=score)
        document = VisionDocumentFactory(trajectory=busy)
        VisionVersionFactory(document=document, number=2, status=VisionStatus.CONSULTATION)
        VisionVersionFactory(document=document, number=3, status=VisionStatus.DRAFT)
        VisionVersionFactory(document=document, number=1, adopted=True)
        for category in REQUIRED_MEMBER_CATEGORIES:
            ProgressGroupMemberFactory(trajectory=busy, category=category)
        ProgressGroupMemberFactory(trajectory=busy, category=REQUIRED_MEMBER_CATEGORIES[0])  # twice: still one bit
        unscored = make_trajectory(world.a, current_stage=Stage.PROGRESS_GROUP)
        ProgressGroupMemberFactory(trajectory=unscored, category=REQUIRED_MEMBER_CATEGORIES[-1])
        ProgressGroupMemberFactory(trajectory=unscored, category=REQUIRED_MEMBER_CATEGORIES[1], left_on=today)
        ScanFactory(trajectory=unscored, kind=ScanKind.BASELINE, opened_on=today)
        ActionItemFactory(trajectory=unscored, due_date=today - timedelta(days=30))
        MeetingFactory(trajectory=unscored, starts_at=now - timedelta(days=30))
        VisionDocumentFactory(trajectory=unscored)  # a document without versions
        other = make_trajectory(world.b)  # not listed: its rows must not leak into the others
        MeetingFactory(trajectory=other, starts_at=now + timedelta(hours=1))
        ActionItemFactory(trajectory=other, due_date=today - timedelta(days=1))
        ScanScoreFactory(scan=ScanFactory(trajectory=other, opened_on=today), score=1)
        return [bare, busy, unscored], now, today

    def plain(self, trajectory, now, today) -> dict:
        """What a card shows, counted the straightforward way."""
        meetings = sorted((m.starts_at, m.pk, m.title) for m in trajectory.meetings.all() if m.starts_at >= now)
        items = [item for item in trajectory.action_items.all() if not item.done]
        scans = sorted(trajectory.scans.all(), key=lambda scan: (scan.opened_on, scan.pk))
        scores = [s.score for s in scans[-1].scores.all() if s.score is not None] if scans else []
        versions = (
            sorted(trajectory.vision.versions.all(), key=lambda v: v.number) if hasattr(trajectory, "vision") else []
        )
        active = {member.category for member in trajectory.members.all() if member.left_on is None}
        return {
            "stage_number": STAGE_ORDER.index(trajectory.current_stage) + 1,
            "next_meeting_at": meetings[0][0] if meetings else None,
            "next_meeting_title": meetings[0][2] if meetings else None,
            "open_action_items": len(items),
            "overdue_action_items": sum(1 for i in items if i.due_date is not None and i.due_date < today),
            "latest_scan_id": scans[-1].pk if scans else None,
            "latest_scan_kind": scans[-1].kind if scans else None,
            "latest_scan_opened_on": scans[-1].opened_on if scans else None,
            "latest_scan_score": sum(scores) / len(scores) if scores else None,
            "latest_vision_status": versions[-1].status if versions else None,
            "missing_categories": [c for c in REQUIRED_MEMBER_CATEGORIES if c not in active],
        }

    def test_the_same_numbers_as_with_overview_and_a_plain_count(self, world):
        listed, now, today = self.varied(world)
        ids = [trajectory.pk for trajectory in listed]

        rows = Trajectory.objects.filter(pk__in=ids).order_by("pk").overview_list(now=now, today=today)
        annotated = Trajectory.objects.filter(pk__in=ids).order_by("pk").with_overview(now=now, today=today)

        expected = [
            self.plain(trajectory, now, today) for trajectory in Trajectory.objects.filter(pk__in=ids).order_by("pk")
        ]
        names = [name for name in expected[0] if name != "missing_categories"]
        assert [{name: getattr(row, name) for name in names} for row in rows] == [
            {name: getattr(row, name) for name in names} for row in annotated
        ]
        for row, plain in zip(rows, expected, strict=True):
            score = plain.pop("latest_scan_score")
            assert {name: getattr(row, name) for name in plain} == plain
            assert row.latest_scan_score == (None if score is None else pytest.approx(score))
        busy = rows[1]
        assert (busy.next_meeting_title, busy.open_action_items, busy.overdue_action_items) == ("First", 5, 2)
        assert busy.latest_scan_score == pytest.approx(13 / 3)
        assert busy.latest_vision_status == VisionStatus.DRAFT
        assert rows[2].latest_scan_score is None
        assert rows[0].open_action_items == 0
        assert busy.missing_categories == []
        assert rows[2].missing_categories == list(REQUIRED_MEMBER_CATEGORIES[:-1])
        assert rows[0].missing_categories == list(REQUIRED_MEMBER_CATEGORIES)

    def test_the_page_shows_those_numbers(self, client, facilitator, world):
        (bare, busy, unscored), _now, _today = self.varied(world)
        busy.facilitator = FacilitatorFactory(
            association=world.provincial, user=UserFactory(first_name="Anna", last_name="de <Vries>")
        )
        busy.save(update_fields=["facilitator"])
        unscored.facilitator = FacilitatorFactory(
            association=world.provincial, user=UserFactory(username="zonder-naam", first_name="", last_name="")
        )
        unscored.save(update_fields=["facilitator"])
        client.force_login(facilitator)

        content = client.get(LIST).content.decode()

        def card(trajectory) -> str:
            html = content[content.index(f'data-trajectory="{trajectory.pk}"') :]
            return html[: html.index("</article>")]

        assert 'data-overdue="2"' in card(busy)
        assert "First" in card(busy)
        assert "4,3" in card(busy) or "4.3" in card(busy)  # the average of 5, 4 and 4 with one decimal
        assert 'data-group-complete="yes"' in card(busy)
        assert "Anna de &lt;Vries&gt;" in card(busy)  # str(Facilitator), escaped
        assert "zonder-naam" in card(unscored)
        assert 'data-group-complete="no"' in card(unscored)
        assert world.a.name in card(bare)
        assert "data-overdue" not in card(bare)

    def test_no_trajectories_no_queries_for_them(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert Trajectory.objects.none().overview_list() == []


# --- one trajectory: who may see and change it -------------------------------------------------


class TrajectoryAccessTests:
    def test_facilitator_may_edit(self, facilitator_client, trajectory):
        response = facilitator_client.get(detail_url(trajectory))

        assert response.status_code == 200
        assert response.context["can_steer"] is True
        assert "member_form" in response.context

    def test_officer_reads_without_any_form(self, client, officer, trajectory):
        StageDeliverableFactory(stage=stage_of(trajectory, trajectory.current_stage))
        ProgressGroupMemberFactory(trajectory=trajectory)
        CaseFactory(trajectory=trajectory)
        client.force_login(officer)

        response = client.get(detail_url(trajectory))

        assert response.status_code == 200
        assert response.context["can_steer"] is False
        assert response.context["can_add_case"] is False
        assert "member_form" not in response.context
        assert "case_form" not in response.context
        assert b'method="post" action="/trajecten/' not in response.content

    def test_officer_may_not_change_anything(self, client, officer, trajectory):
        client.force_login(officer)

        for url in edit_posts(trajectory):
            assert client.post(url, {}).status_code == 403, url

    def test_progress_group_member_adds_cases_but_does_not_steer(self, client, trajectory):
        """Issue 12: members take part; the facilitator steers (tests/vision/test_access.py has every URL)."""
        member = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)
        client.force_login(member.user)

        refused = client.post(
            reverse("vision:member_add", kwargs={"trajectory": trajectory.pk}),
            {"member-name": "Lotte Kuipers", "member-category": MemberCategory.YOUNG_PEOPLE},
        )
        added = client.post(reverse("vision:case_add", kwargs={"trajectory": trajectory.pk}), {"case-title": "Pluk"})

        assert refused.status_code == 403
        assert not trajectory.members.filter(name="Lotte Kuipers").exists()
        assert added.status_code == 302
        assert trajectory.cases.filter(title="Pluk").exists()

    def test_former_member_no_longer_sees_the_trajectory(self, client, trajectory):
        member = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True, left_on=timezone.localdate())
        client.force_login(member.user)

        assert client.get(detail_url(trajectory)).status_code == 404

    def test_objects_of_another_trajectory_answer_404(self, facilitator_client, world, trajectory):
        second = make_trajectory(world.a)
        for name, url in urls_by_name(second).items():
            if name in ("vision:trajectory_detail", "vision:member_add", "vision:case_add", "vision:trajectory_cost"):
                continue  # no child object in these URLs
            foreign = url.replace(f"/trajecten/{second.pk}/", f"/trajecten/{trajectory.pk}/")
            assert facilitator_client.post(foreign, {}).status_code == 404, foreign

    def test_anonymous_is_sent_to_log_in(self, client, trajectory):
        response = client.get(detail_url(trajectory))

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", URL_NAMES)
class TestOtherAssociationGets404:
    """A facilitator of another association gets 404 on every URL, whatever the method."""

    def test_get_and_post(self, client, stranger, trajectory, name):
        url = urls_by_name(trajectory)[name]
        client.force_login(stranger)

        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404

    def test_the_same_url_works_for_the_own_facilitator(self, client, facilitator, trajectory, name):
        url = urls_by_name(trajectory)[name]
        client.force_login(facilitator)

        expected = {200} if name in GET_TOO else {405}
        assert client.get(url).status_code in expected


# --- the page ----------------------------------------------------------------------------------


class TrajectoryPageTests:
    def test_shows_stages_in_order_with_their_checklists(self, facilitator_client, trajectory):
        intake = stage_of(trajectory, Stage.INTAKE)
        deliverable = StageDeliverableFactory(stage=intake, title="Gesprek met de wethouder")

        response = facilitator_client.get(detail_url(trajectory))

        stages = response.context["stages"]
        assert [s.stage for s in stages] == STAGE_ORDER
        assert list(stages[0].deliverables.all()) == [deliverable]
        assert stages[0].complete_form is not None  # the current stage can be completed
        assert all(s.complete_form is None for s in stages[1:])

    def test_summaries_of_meetings_and_documents(self, facilitator_client, trajectory):
        MeetingFactory(trajectory=trajectory, title="Vliegwiel 1")
        ActionItemFactory(trajectory=trajectory, due_date=timezone.localdate() - timedelta(days=2))

        response = facilitator_client.get(detail_url(trajectory))

        summary = response.context["summary"]
        assert summary.next_meeting_title == "Vliegwiel 1"
        assert (summary.open_action_items, summary.overdue_action_items) == (1, 1)

    def test_query_count_is_fixed(self, facilitator_client, trajectory, django_assert_max_num_queries):
        for stage in trajectory.stages.all():
            StageDeliverableFactory.create_batch(3, stage=stage, done=True, done_by=UserFactory())
        ProgressGroupMemberFactory.create_batch(8, trajectory=trajectory)
        CaseFactory.create_batch(4, trajectory=trajectory, village=VillageFactory(municipality=trajectory.municipality))

        # 13: one of them loads the session's verified app (django-otp's OTPMiddleware, two-step login).
        with django_assert_max_num_queries(13):
            assert facilitator_client.get(detail_url(trajectory)).status_code == 200


# --- stages ------------------------------------------------------------------------------------


class StageCompleteTests:
    def test_refused_with_an_open_required_deliverable_and_no_reason(self, facilitator, trajectory):
        intake = stage_of(trajectory, Stage.INTAKE)
        StageDeliverableFactory(stage=intake, required=True, done=False)

        with pytest.raises(ValidationError) as refusal:
            stage_complete(stage=intake, actor=facilitator)

        assert "reason" in refusal.value.message_dict
        intake.refresh_from_db()
        trajectory.refresh_from_db()
        assert intake.status != StageStatus.COMPLETED
        assert trajectory.current_stage == Stage.INTAKE
        assert not AuditLogEntry.objects.filter(action="trajectory.stage_complete").exists()

    def test_with_a_reason_the_stage_completes_and_the_next_starts(self, facilitator, trajectory):
        intake = stage_of(trajectory, Stage.INTAKE)
        StageDeliverableFactory(stage=intake, required=True, done=False)
        today = timezone.localdate()

        stage_complete(stage=intake, actor=facilitator, reason="Het college sprak al af met DKK.")

        intake.refresh_from_db()
        trajectory.refresh_from_db()
        cases = stage_of(trajectory, Stage.CASES)
        assert intake.status == StageStatus.COMPLETED
        assert intake.actual_end == today
        assert intake.completion_reason == "Het college sprak al af met DKK."
        assert cases.status == StageStatus.IN_PROGRESS
        assert cases.actual_start == today
        assert trajectory.current_stage == Stage.CASES
        entry = AuditLogEntry.objects.get(action="trajectory.stage_complete")
        assert entry.actor == facilitator
        assert entry.object_id == str(intake.pk)
        assert entry.municipality == trajectory.municipality

    def test_open_optional_deliverables_need_no_reason(self, facilitator, trajectory):
        intake = stage_of(trajectory, Stage.INTAKE)
        StageDeliverableFactory(stage=intake, required=True, done=True)
        StageDeliverableFactory(stage=intake, required=False, done=False)

        stage_complete(stage=intake, actor=facilitator)

        intake.refresh_from_db()
        assert intake.status == StageStatus.COMPLETED
        assert intake.completion_reason == ""

    def test_only_the_current_stage(self, facilitator, trajectory):
        with pytest.raises(ValidationError):
            stage_complete(stage=stage_of(trajectory, Stage.VISION), actor=facilitator)

    def test_a_planned_trajectory_becomes_active(self, facilitator, world):
        trajectory = make_trajectory(world.a, status=TrajectoryStatus.PLANNED, started_on=None)

        stage_complete(stage=stage_of(trajectory, Stage.INTAKE), actor=facilitator)

        trajectory.refresh_from_db()
        assert trajectory.status == TrajectoryStatus.ACTIVE
        assert trajectory.started_on == timezone.localdate()

    def test_the_last_stage_completes_the_trajectory(self, facilitator, world):
        trajectory = make_trajectory(world.a, current_stage=Stage.IMPLEMENTATION)

        stage_complete(stage=stage_of(trajectory, Stage.IMPLEMENTATION), actor=facilitator)

        trajectory.refresh_from_db()
        assert trajectory.status == TrajectoryStatus.COMPLETED
        assert trajectory.ended_on == timezone.localdate()

    def test_read_only_users_are_refused_by_the_service(self, officer, trajectory):
        with pytest.raises(PermissionDenied):
            stage_complete(stage=stage_of(trajectory, Stage.INTAKE), actor=officer)

    def test_through_the_page(self, facilitator_client, trajectory):
        intake = stage_of(trajectory, Stage.INTAKE)
        StageDeliverableFactory(stage=intake, required=True, done=False)
        url = reverse("vision:stage_complete", kwargs={"trajectory": trajectory.pk, "stage": intake.pk})

        refused = facilitator_client.post(url, {"complete-reason": ""})
        accepted = facilitator_client.post(url, {"complete-reason": "Afgesproken in de voortgangsgroep."})

        assert refused.status_code == 200
        (shown,) = [s for s in refused.context["stages"] if s.pk == intake.pk]
        assert "reason" in shown.complete_form.errors
        assert refused.context["has_errors"] is True
        assert accepted.status_code == 302
        assert accepted.url.startswith(detail_url(trajectory))
        trajectory.refresh_from_db()
        assert trajectory.current_stage == Stage.CASES


class StageEditTests:
    def url(self, trajectory, stage):
        return reverse("vision:stage_edit", kwargs={"trajectory": trajectory.pk, "stage": stage.pk})

    def test_get_shows_the_form_at_its_stage(self, facilitator_client, trajectory):
        cases = stage_of(trajectory, Stage.CASES)

        response = facilitator_client.get(self.url(trajectory, cases))

        assert response.status_code == 200
        (shown,) = [s for s in response.context["stages"] if s.edit_form is not None]
        assert shown.pk == cases.pk

    def test_saves_dates_and_notes(self, facilitator_client, trajectory):
        cases = stage_of(trajectory, Stage.CASES)

        response = facilitator_client.post(
            self.url(trajectory, cases),
            {"stage-planned_start": "2026-03-01", "stage-planned_end": "2026-05-01", "stage-notes": "Vijf cases"},
        )

        assert response.status_code == 302
        cases.refresh_from_db()
        assert str(cases.planned_start) == "2026-03-01"
        assert cases.notes == "Vijf cases"
        assert AuditLogEntry.objects.filter(action="trajectory.stage_update", object_id=str(cases.pk)).exists()

    def test_end_before_start_is_refused(self, facilitator_client, trajectory):
        cases = stage_of(trajectory, Stage.CASES)

        response = facilitator_client.post(
            self.url(trajectory, cases), {"stage-planned_start": "2026-05-01", "stage-planned_end": "2026-03-01"}
        )

        assert response.status_code == 200
        (shown,) = [s for s in response.context["stages"] if s.edit_form is not None]
        assert "planned_end" in shown.edit_form.errors
        cases.refresh_from_db()
        assert str(cases.planned_end) != "2026-03-01"


class StageChecklistTests:
    def url(self, trajectory, stage) -> str:
        return reverse("vision:stage_checklist", kwargs={"trajectory": trajectory.pk, "stage": stage.pk})

    def audit_actions(self, deliverable) -> list[str]:
        return list(
            AuditLogEntry.objects.filter(object_id=str(deliverable.pk), object_type="vision.stagedeliverable")
            .order_by("pk")
            .values_list("action", flat=True)
        )

    def test_one_save_ticks_and_unticks_every_changed_line(self, facilitator_client, facilitator, trajectory):
        stage = stage_of(trajectory, Stage.INTAKE)
        first, second, third = (StageDeliverableFactory(stage=stage, done=False) for _ in range(3))
        url = self.url(trajectory, stage)

        ticked = facilitator_client.post(url, {"checklist-done": [first.pk, second.pk]})

        assert ticked.status_code == 302 and ticked.url.endswith(f"#stage-{stage.pk}")
        for line in (first, second, third):
            line.refresh_from_db()
        assert [line.done for line in (first, second, third)] == [True, True, False]
        assert (first.done_by, second.done_by) == (facilitator, facilitator)
        assert first.done_at is not None

        # The second is unticked, the third ticked, the first stays: only the two changes count.
        facilitator_client.post(url, {"checklist-done": [first.pk, third.pk]})
        for line in (first, second, third):
            line.refresh_from_db()
        assert [line.done for line in (first, second, third)] == [True, False, True]
        assert (second.done_by, second.done_at) == (None, None)
        assert self.audit_actions(first) == ["trajectory.deliverable_done"]
        assert self.audit_actions(second) == ["trajectory.deliverable_done", "trajectory.deliverable_reopen"]
        assert self.audit_actions(third) == ["trajectory.deliverable_done"]

    def test_the_page_has_one_form_per_checklist_with_one_button(self, facilitator_client, trajectory):
        stage = stage_of(trajectory, Stage.INTAKE)
        lines = [StageDeliverableFactory(stage=stage, done=done) for done in (True, False, False)]

        html = facilitator_client.get(detail_url(trajectory)).content.decode()

        form = html.split(f'action="{self.url(trajectory, stage)}"', 1)[1].split("</form>", 1)[0]
        assert form.count('type="checkbox" name="checklist-done"') == 3
        assert form.count('type="submit"') == 1
        assert f'value="{lines[0].pk}" id="deliverable-{lines[0].pk}" checked' in form
        assert "/opleverpunten/" not in html.replace(self.url(trajectory, stage), "")

    def test_a_deliverable_of_another_stage_is_refused_and_nothing_changes(self, facilitator_client, trajectory):
        stage = stage_of(trajectory, Stage.INTAKE)
        own = StageDeliverableFactory(stage=stage, done=False)
        other = StageDeliverableFactory(stage=stage_of(trajectory, Stage.CASES), done=False)

        response = facilitator_client.post(
            self.url(trajectory, stage), {"checklist-done": [own.pk, other.pk]}, follow=True
        )

        own.refresh_from_db()
        other.refresh_from_db()
        assert (own.done, other.done) == (False, False)
        assert any(message.level_tag == "error" for message in response.context["messages"])

    def test_the_service_saves_the_whole_checklist_at_once(self, facilitator, trajectory):
        stage = stage_of(trajectory, Stage.INTAKE)
        done, open_ = StageDeliverableFactory(stage=stage, done=True), StageDeliverableFactory(stage=stage)

        changed = stage_checklist_save(stage=stage, done=[open_], actor=facilitator)

        assert {line.pk for line in changed} == {done.pk, open_.pk}
        done.refresh_from_db()
        open_.refresh_from_db()
        assert (done.done, open_.done) == (False, True)


# --- the progress group ------------------------------------------------------------------------


class ProgressGroupTests:
    def missing(self, client, trajectory) -> list:
        return list(client.get(detail_url(trajectory)).context["missing_categories"])

    def test_adding_a_member_shrinks_the_missing_list(self, facilitator_client, trajectory):
        assert self.missing(facilitator_client, trajectory) == list(REQUIRED_MEMBER_CATEGORIES)

        response = facilitator_client.post(
            reverse("vision:member_add", kwargs={"trajectory": trajectory.pk}),
            {
                "member-name": "Gerda Lammers",
                "member-category": MemberCategory.COUNCIL,
                "member-organisation": "Gemeenteraad",
                "member-email": "g.lammers@example.nl",
                "member-phone": "06 12345678",
            },
        )

        assert response.status_code == 302
        member = trajectory.members.get()
        assert (member.category, member.email, member.joined_on) == (
            MemberCategory.COUNCIL,
            "g.lammers@example.nl",
            timezone.localdate(),
        )
        missing = self.missing(facilitator_client, trajectory)
        assert MemberCategory.COUNCIL not in missing
        assert len(missing) == len(REQUIRED_MEMBER_CATEGORIES) - 1
        assert AuditLogEntry.objects.filter(action="trajectory.member_add", object_id=str(member.pk)).exists()

    def test_a_complete_group_misses_nothing(self, facilitator_client, trajectory):
        for category in REQUIRED_MEMBER_CATEGORIES:
            ProgressGroupMemberFactory(trajectory=trajectory, category=category)

        assert self.missing(facilitator_client, trajectory) == []

    def test_a_member_leaving_makes_the_category_missing_again(self, facilitator_client, trajectory):
        for category in REQUIRED_MEMBER_CATEGORIES:
            ProgressGroupMemberFactory(trajectory=trajectory, category=category)
        youth = trajectory.members.get(category=MemberCategory.YOUNG_PEOPLE)
        url = reverse("vision:member_leave", kwargs={"trajectory": trajectory.pk, "member": youth.pk})

        response = facilitator_client.post(url)

        assert response.status_code == 302
        youth.refresh_from_db()
        assert youth.left_on == timezone.localdate()
        assert self.missing(facilitator_client, trajectory) == [MemberCategory.YOUNG_PEOPLE]
        page = facilitator_client.get(detail_url(trajectory))
        assert [m.pk for m in page.context["former_members"]] == [youth.pk]

    def test_leaving_twice_is_refused_with_a_message(self, facilitator_client, trajectory):
        member = ProgressGroupMemberFactory(trajectory=trajectory, left_on=timezone.localdate() - timedelta(days=3))
        url = reverse("vision:member_leave", kwargs={"trajectory": trajectory.pk, "member": member.pk})

        response = facilitator_client.post(url)

        assert response.status_code == 302
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
        member.refresh_from_db()
        assert member.left_on == timezone.localdate() - timedelta(days=3)

    def test_edit_a_member(self, facilitator_client, trajectory):
        member = ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.COUNCIL)
        url = reverse("vision:member_edit", kwargs={"trajectory": trajectory.pk, "member": member.pk})

        shown = facilitator_client.get(url)
        saved = facilitator_client.post(
            url, {"member-name": "Arjan Bouwman", "member-category": MemberCategory.SOCIAL_COUNCIL}
        )

        assert shown.context["editing_member"] == member
        assert shown.context["member_form"].initial["name"] == member.name
        assert saved.status_code == 302
        member.refresh_from_db()
        assert (member.name, member.category) == ("Arjan Bouwman", MemberCategory.SOCIAL_COUNCIL)

    def test_a_member_needs_a_name_and_category(self, facilitator_client, trajectory):
        response = facilitator_client.post(reverse("vision:member_add", kwargs={"trajectory": trajectory.pk}), {})

        assert response.status_code == 200
        assert set(response.context["member_form"].errors) == {"name", "category"}
        assert response.context["member_form_open"] is True
        assert not ProgressGroupMember.objects.exists()


# --- cases -------------------------------------------------------------------------------------


class CaseTests:
    def test_add_a_case_with_village_and_initiative(self, facilitator_client, trajectory):
        village = VillageFactory(municipality=trajectory.municipality)
        initiative = InitiativeFactory(village=village)

        response = facilitator_client.post(
            reverse("vision:case_add", kwargs={"trajectory": trajectory.pk}),
            {
                "case-title": "Speeltuin door bewoners",
                "case-government_role": "Faciliteren",
                "case-initiators_role": "Uitvoeren",
                "case-lessons": "Korte lijnen",
                "case-village": village.pk,
                "case-initiative": initiative.pk,
            },
        )

        assert response.status_code == 302
        case = trajectory.cases.get()
        assert (case.village, case.initiative, case.government_role) == (village, initiative, "Faciliteren")
        assert AuditLogEntry.objects.filter(action="trajectory.case_add", object_id=str(case.pk)).exists()

    def test_initiative_of_another_municipality_is_refused_by_the_form(self, facilitator_client, world, trajectory):
        foreign = InitiativeFactory(village=VillageFactory(municipality=world.b))

        response = facilitator_client.post(
            reverse("vision:case_add", kwargs={"trajectory": trajectory.pk}),
            {"case-title": "Elders", "case-initiative": foreign.pk},
        )

        assert response.status_code == 200
        assert "initiative" in response.context["case_form"].errors
        assert not Case.objects.exists()

    def test_initiative_of_another_municipality_is_refused_by_the_service(self, facilitator, world, trajectory):
        foreign = InitiativeFactory(village=VillageFactory(municipality=world.b))

        with pytest.raises(ValidationError) as refusal:
            case_add(trajectory=trajectory, actor=facilitator, title="Elders", initiative=foreign)

        assert "initiative" in refusal.value.message_dict
        assert not Case.objects.exists()

    def test_village_of_another_municipality_is_refused_by_the_service(self, facilitator, world, trajectory):
        with pytest.raises(ValidationError) as refusal:
            case_add(
                trajectory=trajectory, actor=facilitator, title="Elders", village=VillageFactory(municipality=world.b)
            )

        assert "village" in refusal.value.message_dict

    def test_initiative_choices_are_of_the_municipality(self, facilitator_client, world, trajectory):
        own = InitiativeFactory(village=VillageFactory(municipality=trajectory.municipality))
        InitiativeFactory(village=VillageFactory(municipality=world.b))

        response = facilitator_client.get(reverse("vision:case_add", kwargs={"trajectory": trajectory.pk}))

        assert list(response.context["case_form"].fields["initiative"].queryset) == [own]

    def test_edit_a_case(self, facilitator_client, trajectory):
        case = CaseFactory(trajectory=trajectory)
        url = reverse("vision:case_edit", kwargs={"trajectory": trajectory.pk, "case": case.pk})

        shown = facilitator_client.get(url)
        saved = facilitator_client.post(url, {"case-title": "Ommetje", "case-lessons": "Eén contactpersoon"})

        assert shown.context["editing_case"] == case
        assert saved.status_code == 302
        case.refresh_from_db()
        assert (case.title, case.lessons, case.government_role) == ("Ommetje", "Eén contactpersoon", "")


# --- Democratie in Actie -------------------------------------------------------------------------


class DiaCostSplitTests:
    @pytest.mark.parametrize(
        ("cost", "programme", "municipality"),
        [
            ("0", "0.00", "0.00"),
            ("9999.99", "4999.99", "5000.00"),
            ("10000", "5000.00", "5000.00"),
            ("10000.01", "5000.00", "5000.01"),
            ("50000", "5000.00", "45000.00"),
        ],
    )
    def test_boundaries(self, cost, programme, municipality):
        assert dia_cost_split(Decimal(cost)) == (Decimal(programme), Decimal(municipality))

    def test_the_parts_add_up(self):
        for cost in ("1.01", "333.33", "9999.99", "12345.67"):
            programme, municipality = dia_cost_split(Decimal(cost))
            assert programme + municipality == Decimal(cost)
            assert programme <= Decimal(cost) / 2

    def test_negative_is_refused(self):
        with pytest.raises(ValidationError):
            dia_cost_split(Decimal("-0.01"))


class SupportCostTests:
    @pytest.fixture
    def dia(self, world):
        return make_trajectory(world.a, kind=TrajectoryKind.DIA_LOCAL_INITIATIVE)

    def test_service_records_the_cost(self, facilitator, dia):
        trajectory_set_support_cost(trajectory=dia, cost=Decimal("8000"), actor=facilitator)

        dia.refresh_from_db()
        assert dia.local_support_cost == Decimal("8000.00")
        assert AuditLogEntry.objects.filter(action="trajectory.support_cost", object_id=str(dia.pk)).exists()

    def test_service_refuses_negative(self, facilitator, dia):
        with pytest.raises(ValidationError):
            trajectory_set_support_cost(trajectory=dia, cost=Decimal("-1"), actor=facilitator)

    def test_service_refuses_a_vo_trajectory(self, facilitator, trajectory):
        with pytest.raises(ValidationError):
            trajectory_set_support_cost(trajectory=trajectory, cost=Decimal("1000"), actor=facilitator)

    def test_page_shows_the_split(self, facilitator_client, dia):
        url = reverse("vision:trajectory_cost", kwargs={"trajectory": dia.pk})

        response = facilitator_client.post(url, {"cost-cost": "12000"})
        page = facilitator_client.get(detail_url(dia))

        assert response.status_code == 302
        assert page.context["is_dia"] is True
        assert (page.context["programme_part"], page.context["municipality_part"]) == (
            Decimal("5000.00"),
            Decimal("7000.00"),
        )

    def test_page_refuses_negative(self, facilitator_client, dia):
        response = facilitator_client.post(
            reverse("vision:trajectory_cost", kwargs={"trajectory": dia.pk}), {"cost-cost": "-5"}
        )

        assert response.status_code == 200
        assert "cost" in response.context["cost_form"].errors
        dia.refresh_from_db()
        assert dia.local_support_cost is None

    def test_a_vo_trajectory_has_no_cost_section(self, facilitator_client, trajectory):
        page = facilitator_client.get(detail_url(trajectory))

        assert page.context["is_dia"] is False
        assert b'id="costs"' not in page.content


@pytest.mark.django_db
class StandardChecklistTests:
    def test_new_stages_get_the_standard_checklist_and_earlier_stages_count_as_done(self):
        from vision.constants import Stage, StageStatus, TrajectoryStatus
        from vision.models import StageDeliverable, StandardDeliverable
        from vision.services.trajectories import trajectory_ensure_stages

        trajectory = TrajectoryFactory(status=TrajectoryStatus.ACTIVE, current_stage=Stage.PROGRESS_GROUP)
        trajectory.stages.all().delete()
        stages = {row.stage: row for row in trajectory_ensure_stages(trajectory=trajectory)}

        assert stages[Stage.INTAKE].status == StageStatus.COMPLETED
        assert stages[Stage.CASES].status == StageStatus.COMPLETED
        assert stages[Stage.PROGRESS_GROUP].status == StageStatus.IN_PROGRESS
        assert stages[Stage.VISION].status == StageStatus.NOT_STARTED
        standard = StandardDeliverable.objects.filter(stage=Stage.INTAKE).count()
        assert standard > 0  # the DKK checklist arrives with a data migration
        intake = StageDeliverable.objects.filter(stage=stages[Stage.INTAKE])
        assert intake.count() == standard and all(item.done for item in intake)
        assert not StageDeliverable.objects.filter(stage=stages[Stage.VISION], done=True).exists()


class TestOverviewDates:
    """The overview's dates, made in the view, read as the `date` filter writes them."""

    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_same_text_as_date_format(self, language):
        from datetime import date, datetime

        from django.utils import translation
        from django.utils.formats import date_format

        from vision.views.trajectories import LocalDates

        with translation.override(language):
            dates = LocalDates()
            for moment in (datetime(2026, 1, 5, 9, 5), datetime(2026, 12, 31, 23, 59), datetime(2027, 5, 9, 0, 0)):
                assert dates.moment(moment) == date_format(moment, "l j F Y, H:i")
                assert dates.day(moment.date()) == date_format(moment.date(), "j F Y")
            assert dates.day(date(2026, 3, 1)) == date_format(date(2026, 3, 1), "j F Y")
