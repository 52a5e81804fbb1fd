"""The association's report for its board: one row per trajectory, the totals in plain words,
the same as a PDF and as CSV; only for facilitators (of their own association) and admins."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.csv import spreadsheet_rows
from tests.municipalities.factories import (
    MunicipalityFactory,
    OfficerMembershipFactory,
    UserFactory,
    two_municipalities,
)
from tests.vision.factories import (
    ActionItemFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanScoreFactory,
    TrajectoryFactory,
    VisionDocumentFactory,
    VisionVersionFactory,
)
from vision.constants import REQUIRED_MEMBER_CATEGORIES, MemberCategory, ScanItem, ScanKind, Stage, TrajectoryStatus
from vision.models import Trajectory, TrajectoryStage
from vision.report import association_report
from vision.services.trajectories import trajectory_ensure_stages

pytestmark = pytest.mark.django_db

PAGE = reverse("vision:association_report")
PDF = reverse("vision:association_report_pdf")
CSV = reverse("vision:association_report_csv")


def answers(scan, category, scores):
    """One member's anonymous answer: a score for every item (`scores`: one value, or per item)."""
    for index, item in enumerate(ScanItem):
        value = scores[index] if isinstance(scores, list) else scores
        ScanScoreFactory(scan=scan, category=category, item=item.value, score=value)


def meeting_at(trajectory, days, **kwargs):
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **kwargs)


@pytest.fixture
def world():
    return two_municipalities()


@pytest.fixture
def facilitator(world):
    return FacilitatorFactory(association=world.provincial, user__first_name="Mirjam", user__last_name="Kok").user


@pytest.fixture
def full(world):
    """Nunspeet, in stage 3 since 40 days, everything filled in."""
    today = timezone.localdate()
    trajectory = TrajectoryFactory(
        municipality=world.a,
        title="VO Nunspeet",
        current_stage=Stage.PROGRESS_GROUP,
        started_on=today - timedelta(days=400),
    )
    trajectory_ensure_stages(trajectory=trajectory)
    TrajectoryStage.objects.filter(trajectory=trajectory, stage=Stage.PROGRESS_GROUP).update(
        actual_start=today - timedelta(days=40)
    )
    # Every required kind but young people and the social council; one council member left.
    for category in REQUIRED_MEMBER_CATEGORIES:
        if category not in (MemberCategory.YOUNG_PEOPLE, MemberCategory.SOCIAL_COUNCIL):
            ProgressGroupMemberFactory(trajectory=trajectory, category=category)
    ProgressGroupMemberFactory(trajectory=trajectory, category=MemberCategory.SOCIAL_COUNCIL, left_on=today)
    # Two meetings held, one to come.
    meeting_at(trajectory, -60)
    last = meeting_at(trajectory, -10)
    upcoming = meeting_at(trajectory, 12)
    # Three open action items (one overdue), one done (overdue date, but done: not counted).
    ActionItemFactory(trajectory=trajectory, due_date=today - timedelta(days=3))
    ActionItemFactory(trajectory=trajectory, due_date=today + timedelta(days=3))
    ActionItemFactory(trajectory=trajectory, due_date=None)
    ActionItemFactory(trajectory=trajectory, due_date=today - timedelta(days=30), done=True)
    # A closed baseline of three answers (2, 3, 4: average 3), a closed follow-up of two (4, 4),
    # and a newer follow-up still open, which does not count.
    baseline = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, opened_on=date(2026, 2, 1), closed=True)
    for category, value in ((MemberCategory.COUNCIL, 2), (MemberCategory.COUNCIL, 3), (MemberCategory.FACILITATOR, 4)):
        answers(baseline, category, value)
    follow_up = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, past_closing_date=True)
    answers(follow_up, MemberCategory.COUNCIL, [5] * 5 + [3] * 5)  # 4.0 on average
    answers(follow_up, MemberCategory.FACILITATOR, 4)
    still_open = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, opened_on=today)
    answers(still_open, MemberCategory.COUNCIL, 1)
    answers(still_open, MemberCategory.COUNCIL, 1)
    VisionVersionFactory(document=VisionDocumentFactory(trajectory=trajectory), adopted=True, number=1)
    return {
        "trajectory": trajectory,
        "last": last,
        "upcoming": upcoming,
        "baseline": baseline,
        "follow_up": follow_up,
    }


@pytest.fixture
def empty(world):
    """Ermelo (also supported by DKK Gelderland): planned, nothing yet."""
    ermelo = MunicipalityFactory(name="Ermelo", supporting_association=world.provincial)
    return TrajectoryFactory(municipality=ermelo, title="VO Ermelo", planned=True)


@pytest.fixture
def elsewhere(world):
    """Oldebroek, supported by another association."""
    return TrajectoryFactory(municipality=world.b, title="VO Oldebroek")


def report_of(user, **query):
    scoped = Trajectory.objects.visible_to(user)
    return association_report(scoped, today=timezone.localdate())


def row_for(report, trajectory):
    (row,) = [row for row in report.rows if row.trajectory.pk == trajectory.pk]
    return row


class TestEachColumn:
    def test_a_trajectory_with_everything(self, facilitator, full, empty):
        today = timezone.localdate()
        row = row_for(report_of(facilitator), full["trajectory"])

        assert (row.stage_number, row.stage_label) == (3, Stage.PROGRESS_GROUP.label)
        assert row.stage_since == today - timedelta(days=40)
        assert row.days_in_stage == 40
        assert row.missing_categories == [MemberCategory.SOCIAL_COUNCIL, MemberCategory.YOUNG_PEOPLE]
        assert row.active_members == len(REQUIRED_MEMBER_CATEGORIES) - 2
        assert row.meetings_held == 2
        assert row.last_meeting_at == full["last"].starts_at
        assert row.next_meeting_at == full["upcoming"].starts_at
        assert (row.open_action_items, row.overdue_action_items) == (3, 1)
        assert row.before.scan_id == full["baseline"].pk
        assert (row.before.respondents, str(row.before.average)) == (3, "3.0")
        assert row.after.scan_id == full["follow_up"].pk  # the open one does not count
        assert (row.after.respondents, str(row.after.average)) == (2, "4.0")
        assert str(row.scan_change) == "1.0"
        assert row.vision_status == "adopted" and row.vision_adopted_on == date(2026, 3, 1)

    def test_a_trajectory_without_meetings_members_scans_or_vision(self, facilitator, full, empty):
        row = row_for(report_of(facilitator), empty)

        assert (row.stage_number, row.stage_since, row.days_in_stage) == (1, None, None)
        assert row.missing_categories == list(REQUIRED_MEMBER_CATEGORIES)
        assert row.active_members == 0
        assert (row.meetings_held, row.last_meeting_at, row.next_meeting_at) == (0, None, None)
        assert (row.open_action_items, row.overdue_action_items) == (0, 0)
        assert (row.before, row.after, row.scan_change) == (None, None, None)
        assert (row.vision_status, row.vision_adopted_on) == ("", None)

    def test_a_complete_progress_group(self, facilitator, empty):
        for category in REQUIRED_MEMBER_CATEGORIES:
            ProgressGroupMemberFactory(trajectory=empty, category=category)

        row = row_for(report_of(facilitator), empty)

        assert row.group_complete and row.missing_categories == []

    def test_a_scan_with_one_answer_shows_no_average(self, facilitator, empty):
        """Its average would be that one member's own scores (the rule of ScanAnonymity)."""
        lonely = ScanFactory(trajectory=empty, kind=ScanKind.BASELINE, closed=True)
        answers(lonely, MemberCategory.COUNCIL, 5)
        follow_up = ScanFactory(trajectory=empty, kind=ScanKind.FOLLOW_UP, opened_on=date(2026, 6, 1), closed=True)
        answers(follow_up, MemberCategory.COUNCIL, 3)
        answers(follow_up, MemberCategory.YOUNG_PEOPLE, 4)

        report = report_of(facilitator)
        row = row_for(report, empty)

        assert row.before.respondents == 1 and row.before.hidden and row.before.average is None
        assert str(row.after.average) == "3.5"
        assert row.scan_change is None and report.summary.compared == 0 and report.themes == []

    def test_a_closed_scan_without_answers_does_not_count(self, facilitator, empty):
        ScanFactory(trajectory=empty, kind=ScanKind.BASELINE, closed=True)

        assert row_for(report_of(facilitator), empty).before is None


class TestTotals:
    def test_summary_and_stages(self, facilitator, full, empty):
        summary = report_of(facilitator).summary

        assert (summary.trajectories, summary.municipalities) == (2, 2)
        assert summary.per_status[TrajectoryStatus.ACTIVE] == 1 and summary.per_status[TrajectoryStatus.PLANNED] == 1
        assert [count for _number, _label, count in summary.per_stage] == [1, 0, 1, 0, 0, 0]
        assert summary.complete_groups == 0
        assert summary.missing_counts[0] == (str(MemberCategory.SOCIAL_COUNCIL.label), 2)
        assert (summary.meetings_held, summary.with_next_meeting) == (2, 1)
        assert (summary.open_action_items, summary.overdue_action_items) == (3, 1)
        assert summary.compared == 1
        assert (str(summary.before), str(summary.after), str(summary.change)) == ("3.0", "4.0", "1.0")
        assert (summary.visions_adopted, summary.visions_in_consultation) == (1, 0)

    def test_per_theme(self, facilitator, full):
        themes = {theme.item: theme for theme in report_of(facilitator).themes}

        assert list(themes) == ScanItem.values
        first, last = themes[ScanItem.values[0]], themes[ScanItem.values[-1]]
        assert (str(first.before), str(first.after), str(first.change)) == ("3.0", "4.5", "1.5")
        assert (str(last.before), str(last.after), str(last.change)) == ("3.0", "3.5", "0.5")
        assert (first.before_answers, first.after_answers) == (3, 2)


class TestThePage:
    def test_shows_the_association_rows_and_summary(self, client, facilitator, full, empty, elsewhere):
        client.force_login(facilitator)

        response = client.get(PAGE)

        assert response.status_code == 200
        html = response.content.decode()
        assert "DKK Gelderland" in html
        assert [row.trajectory for row in response.context["rows"]] == [empty, full["trajectory"]]
        assert "VO Oldebroek" not in html  # another association's trajectory
        assert 'class="table-responsive" tabindex="0" role="region" aria-label=' in html
        assert f'data-trajectory="{full["trajectory"].pk}"' in html
        assert 'data-overdue="1"' in html
        assert "+1,0" in html  # the change, in Dutch notation
        assert "?" not in response.context["query"]

    def test_the_trajectory_list_links_to_it(self, client, facilitator, full):
        client.force_login(facilitator)

        assert PAGE.encode() in client.get(reverse("vision:trajectory_list")).content

    def test_the_list_has_no_link_for_a_member(self, client, full):
        member = ProgressGroupMemberFactory(trajectory=full["trajectory"], with_account=True)
        client.force_login(member.user)

        assert PAGE.encode() not in client.get(reverse("vision:trajectory_list")).content

    def test_filter_by_stage_and_year(self, client, facilitator, full, empty):
        client.force_login(facilitator)
        year = timezone.localdate().year

        by_stage = client.get(PAGE, {"stage": Stage.PROGRESS_GROUP.value})
        by_year = client.get(PAGE, {"year": str(year)})
        earlier = client.get(PAGE, {"year": str(full["trajectory"].started_on.year)})
        nonsense = client.get(PAGE, {"year": "abc", "stage": "nope"})

        assert [row.trajectory for row in by_stage.context["rows"]] == [full["trajectory"]]
        assert by_stage.context["query"] == f"stage={Stage.PROGRESS_GROUP.value}"
        assert len(by_year.context["rows"]) == 2  # the planned one belongs to this year
        assert [row.trajectory for row in earlier.context["rows"]] == [full["trajectory"]]  # not the planned one
        assert len(nonsense.context["rows"]) == 2

    def test_an_admin_sees_all_or_chooses_an_association(self, client, full, empty, elsewhere, world):
        client.force_login(UserFactory(superuser=True))

        everything = client.get(PAGE)
        other = client.get(PAGE, {"association": world.other.slug})
        national = client.get(PAGE, {"association": world.national.slug})

        assert len(everything.context["rows"]) == 3
        assert [row.trajectory for row in other.context["rows"]] == [elsewhere]
        assert other.context["association_name"] == world.other.name
        assert len(national.context["rows"]) == 2  # its member association's municipalities

    @pytest.mark.parametrize("count", [3, 10])
    def test_a_fixed_number_of_queries(self, client, world, facilitator, count, django_assert_max_num_queries):
        for number in range(count):
            trajectory = TrajectoryFactory(municipality=world.a, title=f"VO {number}")
            trajectory_ensure_stages(trajectory=trajectory)
            meeting_at(trajectory, -5)
            meeting_at(trajectory, 5)
            ActionItemFactory(trajectory=trajectory)
            ProgressGroupMemberFactory(trajectory=trajectory)
            before = ScanFactory(trajectory=trajectory, kind=ScanKind.BASELINE, closed=True)
            after = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, past_closing_date=True)
            for scan in (before, after, before, after):
                answers(scan, MemberCategory.COUNCIL, 3)
            VisionVersionFactory(document=VisionDocumentFactory(trajectory=trajectory))
        client.force_login(facilitator)

        # Session, user and verified device (two-step login), the access check, the facilitator,
        # the years, then the report: trajectories, member categories, scans, themes.
        with django_assert_max_num_queries(11):
            response = client.get(PAGE)
        with django_assert_max_num_queries(11):
            csv = client.get(CSV)

        assert len(response.context["rows"]) == count
        assert response.context["summary"].compared == count
        assert len(spreadsheet_rows(csv.content.decode())) == count + 1


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class TestThePdfAndCsv:
    def test_the_pdf_has_the_same_rows(self, client, facilitator, full, empty, elsewhere):
        client.force_login(facilitator)

        response = client.get(PDF)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="dkk-rapportage-{today}.pdf"'
        text = pdf_text(response.content)
        assert "DKK Gelderland" in text
        assert "Rapportage voor het bestuur" in text
        for expected in ("Nunspeet", "VO Nunspeet", "Ermelo", "Fase 3 van 6", "3 open", "1 te laat", "+1,0"):
            assert expected in text, expected
        assert "Oldebroek" not in text
        assert "Jongeren" in text  # missing from Nunspeet's group

    def test_the_pdf_follows_the_filter(self, client, facilitator, full, empty):
        client.force_login(facilitator)

        text = pdf_text(client.get(PDF, {"stage": Stage.INTAKE.value}).content)

        assert "Ermelo" in text and "VO Nunspeet" not in text

    def test_the_csv_has_one_line_per_trajectory(self, client, facilitator, full, empty):
        client.force_login(facilitator)

        response = client.get(CSV)

        assert response["Content-Disposition"].endswith('.csv"')
        header, ermelo, nunspeet = spreadsheet_rows(response.content.decode())
        assert header[0] == "Gemeente" and len(header) == len(nunspeet)
        assert ermelo[:3] == ["Ermelo", "VO Ermelo", "Gepland"]
        assert nunspeet[0] == "Nunspeet"
        assert nunspeet[header.index("Dagen in deze fase")] == "40"
        assert nunspeet[header.index("Open actiepunten")] == "3"
        assert nunspeet[header.index("Nulmeting: gemiddelde (1 tot 5)")] == "3,0"
        assert nunspeet[header.index("Verschil")] == "1,0"
        assert ermelo[header.index("Verschil")] == ""


class TestAccess:
    @pytest.mark.parametrize("url", [PAGE, PDF, CSV])
    def test_anonymous_goes_to_the_login_page(self, client, url):
        response = client.get(url)

        assert response.status_code == 302 and "/login/" in response["Location"]

    @pytest.mark.parametrize("url", [PAGE, PDF, CSV])
    def test_a_member_of_a_progress_group_gets_403(self, client, full, url):
        member = ProgressGroupMemberFactory(trajectory=full["trajectory"], with_account=True)
        client.force_login(member.user)

        assert client.get(url).status_code == 403

    @pytest.mark.parametrize("url", [PAGE, PDF, CSV])
    def test_an_officer_gets_403(self, client, world, url):
        client.force_login(OfficerMembershipFactory(municipality=world.a).user)

        assert client.get(url).status_code == 403

    def test_an_inactive_facilitator_gets_403(self, client, world):
        facilitator = FacilitatorFactory(association=world.provincial, is_active=False)
        client.force_login(facilitator.user)

        assert client.get(PAGE).status_code == 403

    def test_another_associations_facilitator_sees_only_their_own(self, client, world, full, elsewhere):
        client.force_login(FacilitatorFactory(association=world.other).user)

        response = client.get(PAGE)

        assert response.status_code == 200
        assert [row.trajectory for row in response.context["rows"]] == [elsewhere]
        assert "VO Nunspeet" not in response.content.decode()
        assert "VO Nunspeet" not in pdf_text(client.get(PDF).content)

    def test_a_facilitator_who_also_sits_in_another_group_reports_only_what_they_steer(
        self, client, facilitator, full, elsewhere
    ):
        ProgressGroupMemberFactory(trajectory=elsewhere, user=facilitator)
        client.force_login(facilitator)

        response = client.get(PAGE)

        assert elsewhere not in [row.trajectory for row in response.context["rows"]]

    def test_a_facilitator_cannot_choose_another_association(self, client, world, facilitator, full, elsewhere):
        client.force_login(facilitator)

        response = client.get(PAGE, {"association": world.other.slug})

        assert [row.trajectory for row in response.context["rows"]] == [full["trajectory"]]
