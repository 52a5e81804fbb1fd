"""`manage.py seed_demo`: believable Gelderland demo data that keeps the domain's own rules."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import recovery_code_hash, user_needs_mfa
from budgets.constants import Phase
from budgets.models import Ballot, BudgetRound, Project, VillageBudget
from demo import data as demo_data
from initiatives.constants import TRANSITIONS, GrantStatus, Status
from initiatives.models import (
    Agreement,
    CostLine,
    Decision,
    Grant,
    Initiative,
    Message,
    ReferenceSequence,
    StatusChange,
    Support,
    Theme,
)
from municipalities.models import Fund, Municipality, OfficerMembership
from villages.models import Association, PlanAction, Village, VillageOrganisation, VillagePlan
from vision.constants import (
    REQUIRED_MEMBER_CATEGORIES,
    STAGE_ORDER,
    MemberCategory,
    ScanItem,
    ScanKind,
    VisionSectionKey,
)
from vision.models import (
    ActionItem,
    Attendance,
    Case,
    Facilitator,
    Meeting,
    ProgressGroupMember,
    Scan,
    ScanInvitation,
    ScanScore,
    StageDeliverable,
    Trajectory,
    TrajectoryStage,
    VisionSection,
    VisionVersion,
)

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [
    Association,
    Municipality,
    Village,
    VillageOrganisation,
    VillagePlan,
    PlanAction,
    Theme,
    get_user_model(),
    Group,
    OfficerMembership,
    Facilitator,
    Fund,
    Initiative,
    CostLine,
    StatusChange,
    Message,
    Agreement,
    Decision,
    Grant,
    ReferenceSequence,
    Trajectory,
    TrajectoryStage,
    StageDeliverable,
    ProgressGroupMember,
    Meeting,
    Attendance,
    ActionItem,
    Case,
    VisionVersion,
    VisionSection,
    Scan,
    ScanInvitation,
    ScanScore,
    StaticDevice,
    StaticToken,
    BudgetRound,
    VillageBudget,
    Project,
    Ballot,
]

CBS_CODES = {
    "Doetinchem": "GM0222",
    "Elburg": "GM0230",
    "Ermelo": "GM0233",
    "Harderwijk": "GM0243",
    "Nunspeet": "GM0302",
    "Oldebroek": "GM0269",
    "Putten": "GM0273",
}


def log_in(username, password):
    """authenticate() as the login page calls it: django-axes needs the request (and its IP address)."""
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password)


def codes_in_file(path) -> dict[str, list[str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {username: tokens.split() for username, tokens in (line.split(": ", 1) for line in lines)}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the read-only checks of this module, and roll it all back at the end.

    Each test still runs in its own (nested) transaction, so what one test changes is undone.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def counts():
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def test_running_twice_adds_nothing_and_changes_nothing():
    # Runs first, on an empty database (the module's shared seed is not made yet).
    call_command("seed_demo", verbosity=0)
    first = counts()
    references = set(Initiative.objects.values_list("reference", flat=True))

    call_command("seed_demo", verbosity=0)

    assert counts() == first
    assert set(Initiative.objects.values_list("reference", flat=True)) == references
    assert first["Initiative"] == len(demo_data.INITIATIVES)


def test_output_lists_the_demo_accounts_and_where_the_password_comes_from(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "60 initiatives" in out
    for spec in demo_data.USERS:
        assert spec["username"] in out
    assert "password: value of DEMO_PASSWORD" in out
    assert "demo-recovery-codes.txt" in out


def test_about_sixty_initiatives_in_every_status(seeded):
    assert 55 <= Initiative.objects.count() <= 65
    assert set(Initiative.objects.values_list("status", flat=True)) == set(Status.values)
    per_municipality = defaultdict(int)
    for name in Initiative.objects.values_list("municipality__name", flat=True):
        per_municipality[name] += 1
    assert set(per_municipality) == set(CBS_CODES)
    assert per_municipality["Nunspeet"] > per_municipality["Putten"]
    assert per_municipality["Doetinchem"] > per_municipality["Harderwijk"]


def test_the_gallery_has_approved_initiatives_and_a_few_wait_for_review(seeded):
    """Officers approved the consenting initiatives they took up; new ones wait on the dashboard."""
    published = Initiative.objects.published()
    assert published.count() >= 20
    assert not published.filter(publication_decided_by__isnull=True).exists()
    waiting = Initiative.objects.awaiting_publication_review()
    assert 1 <= waiting.count() <= 10
    assert set(waiting.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_municipalities_are_the_real_ones_supported_by_dkk_gelderland(seeded):
    assert dict(Municipality.objects.values_list("name", "cbs_code")) == CBS_CODES
    dkk = Association.objects.get(short_name="DKK Gelderland")
    assert dkk.parent.short_name == "LVKK"
    assert set(Municipality.objects.values_list("supporting_association", flat=True)) == {dkk.pk}
    assert set(Municipality.objects.values_list("province", flat=True)) == {"Gelderland"}
    harderwijk = Municipality.objects.get(name="Harderwijk")
    assert harderwijk.first_response_working_days == 10
    assert harderwijk.funds.get().submit_weeks_before_start == 8


def test_nunspeet_has_its_villages(seeded):
    names = set(Village.objects.filter(municipality__name="Nunspeet").values_list("name", flat=True))
    assert {"Elspeet", "Vierhouten", "Hulshorst"} <= names


def test_each_initiative_belongs_to_the_municipality_of_its_village(seeded):
    assert not Initiative.objects.exclude(municipality=F("village__municipality")).exists()


def test_status_history_walks_allowed_steps_to_the_current_status(seeded):
    for initiative in Initiative.objects.prefetch_related("status_changes"):
        history = list(initiative.status_changes.order_by("created_at", "pk"))
        assert history[0].from_status == ""
        assert history[0].to_status == Status.SUBMITTED
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status, initiative.title
            assert after.to_status in TRANSITIONS[after.from_status], initiative.title
        assert history[-1].to_status == initiative.status, initiative.title


def test_dates_follow_the_status(seeded):
    now = timezone.now()
    for initiative in Initiative.objects.all():
        status = initiative.status
        assert initiative.first_response_due and initiative.decision_due
        assert initiative.submitted_at <= now
        assert (initiative.closed_at is not None) == (status in (Status.CLOSED, Status.WITHDRAWN))
        if status in (Status.DECIDED, Status.IN_PROGRESS, Status.REALISED):
            assert initiative.decided_at is not None
            assert initiative.assigned_officer is not None
            assert initiative.municipal_role
        if status == Status.SUBMITTED:
            assert initiative.first_response_at is None
        for moment in (initiative.first_response_at, initiative.decided_at, initiative.closed_at):
            assert moment is None or initiative.submitted_at < moment <= now
        assert initiative.total_cost == sum(line.amount for line in initiative.cost_lines.all())


def test_grants_stay_within_the_fund_rules(seeded):
    assert Grant.objects.exists()
    for fund in Fund.objects.all():
        granted = fund.grants.exclude(status=GrantStatus.WITHDRAWN)
        assert (granted.aggregate(total=Sum("amount"))["total"] or Decimal("0")) <= fund.budget
        for grant in fund.grants.select_related("initiative"):
            assert grant.amount <= fund.max_per_initiative
            assert grant.initiative.municipality_id == fund.municipality_id
        if fund.budget_per_village is not None:
            for row in granted.values("initiative__village").annotate(total=Sum("amount")):
                assert row["total"] <= fund.budget_per_village
    for status in (Status.DECIDED, Status.IN_PROGRESS, Status.REALISED):
        assert Grant.objects.filter(initiative__status=status).exists()


def test_demo_users_log_in_with_the_demo_password(seeded, settings):
    for spec in demo_data.USERS:
        assert log_in(spec["username"], settings.DEMO_PASSWORD) is not None
    coordinator = OfficerMembership.objects.get(user__username="nunspeet.coordinator")
    assert coordinator.is_coordinator and coordinator.user.is_staff
    officer = OfficerMembership.objects.get(user__username="nunspeet.officer")
    assert set(officer.villages.values_list("name", flat=True)) == {"Elspeet", "Vierhouten"}
    assert Facilitator.objects.get(user__username="dkk.facilitator").user.groups.filter(name="Procesbegeleider")
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Group.objects.get(name="Coordinator").permissions.filter(codename="change_fund").exists()


def test_every_municipality_has_a_mandate_and_a_coordinator_who_approves_above_it(seeded):
    from initiatives.models import Decision, DecisionProposal

    for municipality in Municipality.objects.all():
        assert municipality.mandate_amount is not None, municipality
        assert OfficerMembership.objects.filter(municipality=municipality, role="coordinator").exists(), municipality
    for grant in Grant.objects.select_related("decision__initiative__municipality"):
        decision = grant.decision
        if decision.initiative.municipality.needs_approval(grant.amount):
            assert decision.approved_by is not None and decision.approved_by != decision.decided_by, decision
        else:
            assert decision.approved_by is None, decision
    assert Decision.objects.filter(approved_by__isnull=False).exists()
    waiting = DecisionProposal.objects.pending().select_related("initiative__municipality")
    assert waiting.filter(initiative__municipality__name="Nunspeet").exists()
    for proposal in waiting:
        assert proposal.initiative.municipality.needs_approval(proposal.amount)
        assert proposal.initiative.status in (Status.INTAKE, Status.IN_CONVERSATION)
        assert not OfficerMembership.objects.filter(user=proposal.proposed_by, role="coordinator").exists()


def test_a_changed_demo_password_takes_effect_on_the_next_run(seeded, settings):
    settings.DEMO_PASSWORD = "een-ander-demo-wachtwoord"

    call_command("seed_demo", verbosity=0)

    assert log_in("nunspeet.officer", "een-ander-demo-wachtwoord") is not None


def test_every_demo_account_is_one_named_person(seeded):
    users = get_user_model().objects.filter(username__in=[spec["username"] for spec in demo_data.USERS])
    assert users.count() == len(demo_data.USERS)
    assert all(user.first_name and user.last_name for user in users)
    assert len({user.email for user in users}) == len(demo_data.USERS)


def test_demo_staff_have_recovery_codes_in_the_codes_file_and_no_app_yet(seeded, settings, tmp_path):
    settings.DEMO_RECOVERY_CODES_FILE = str(tmp_path / "var" / "demo-recovery-codes.txt")

    call_command("seed_demo", verbosity=0)

    codes = codes_in_file(tmp_path / "var" / "demo-recovery-codes.txt")
    staff = {spec["username"] for spec in demo_data.USERS if spec["role"] != "member"}
    assert set(codes) == staff  # the progress-group member needs no second step
    assert not user_needs_mfa(get_user_model().objects.get(username="doetinchem.member"))
    assert not TOTPDevice.objects.exists()  # the first login sets up the app
    for username, tokens in codes.items():
        assert len(tokens) == 10
        stored = StaticToken.objects.filter(device__user__username=username, device__confirmed=True)
        assert sorted(stored.values_list("token", flat=True)) == sorted(recovery_code_hash(t) for t in tokens)
    assert oct((tmp_path / "var" / "demo-recovery-codes.txt").stat().st_mode & 0o777) == "0o600"


def test_a_rerun_keeps_unused_codes_and_renews_when_fewer_than_three_are_left(seeded, settings, tmp_path):
    settings.DEMO_RECOVERY_CODES_FILE = str(tmp_path / "codes.txt")
    call_command("seed_demo", verbosity=0)
    before = codes_in_file(tmp_path / "codes.txt")
    officer = StaticDevice.objects.get(user__username="nunspeet.officer")
    coordinator = StaticDevice.objects.get(user__username="nunspeet.coordinator")
    assert officer.verify_token(recovery_code_hash(before["nunspeet.officer"][0]))
    for token in before["nunspeet.coordinator"][:8]:
        StaticToken.objects.filter(device=coordinator, token=recovery_code_hash(token)).delete()  # used: two left

    call_command("seed_demo", verbosity=0)

    after = codes_in_file(tmp_path / "codes.txt")
    assert after["nunspeet.officer"] == before["nunspeet.officer"][1:]  # the used one is gone
    assert len(after["nunspeet.coordinator"]) == 10
    assert not set(after["nunspeet.coordinator"]) & set(before["nunspeet.coordinator"])
    assert after["admin"] == before["admin"]


def test_doetinchem_progress_group_is_complete_and_nunspeets_is_not(seeded):
    def categories(municipality):
        members = ProgressGroupMember.objects.filter(trajectory__municipality__name=municipality, left_on__isnull=True)
        return set(members.values_list("category", flat=True))

    assert categories("Doetinchem") >= set(REQUIRED_MEMBER_CATEGORIES)
    missing = set(REQUIRED_MEMBER_CATEGORIES) - categories("Nunspeet")
    assert missing == {MemberCategory.YOUNG_PEOPLE, MemberCategory.SOCIAL_COUNCIL}
    assert ProgressGroupMember.objects.filter(user__username="doetinchem.member").exists()


def test_every_trajectory_has_six_stages_in_order(seeded):
    for trajectory in Trajectory.objects.all():
        stages = list(trajectory.stages.order_by("order"))
        assert [s.stage for s in stages] == list(STAGE_ORDER)
        assert [s.order for s in stages] == [1, 2, 3, 4, 5, 6]
        assert all(2 <= s.deliverables.count() <= 4 for s in stages)


def test_scan_scores_are_anonymous_and_match_who_answered(seeded):
    """Each answered invitation gave a score for every item, stored with the member's category."""
    for scan in Scan.objects.all():
        answered = ScanInvitation.objects.filter(scan=scan, used_at__isnull=False)
        expected = Counter(answered.values_list("member__category", flat=True))
        scores = ScanScore.objects.filter(scan=scan)
        assert scores.count() == answered.count() * len(ScanItem)
        for item in ScanItem:
            assert Counter(scores.filter(item=item).values_list("category", flat=True)) == expected


def test_doetinchem_adopted_its_vision_and_scores_higher_after(seeded):
    trajectory = Trajectory.objects.get(municipality__name="Doetinchem")
    versions = list(trajectory.vision.versions.order_by("number"))
    assert [v.status for v in versions] == ["draft", "adopted"]
    assert versions[1].adopted_on is not None
    for version in versions:
        assert set(version.sections.values_list("key", flat=True)) == set(VisionSectionKey.values)

    def average(kind):
        scores = ScanScore.objects.filter(scan__trajectory=trajectory, scan__kind=kind)
        values = list(scores.values_list("score", flat=True))
        return sum(values) / len(values)

    assert average(ScanKind.FOLLOW_UP) > average(ScanKind.BASELINE)
    assert Case.objects.filter(trajectory=trajectory, initiative__municipality__name="Doetinchem").exists()


def test_nunspeet_votes_on_a_village_budget(seeded):
    """Issue 14: a round in the voting phase, its villages' open initiatives on the ballot
    within the fund's rules, and some residents have voted within each village's budget."""
    round = BudgetRound.objects.get(municipality__name="Nunspeet")
    assert round.phase() == Phase.VOTING
    assert round.villages.count() == len(demo_data.BUDGET_ROUND["villages"])
    projects = Project.objects.on_ballot().filter(round=round).select_related("initiative", "village_budget")
    assert projects.count() >= 3
    for project in projects:
        assert project.initiative.status in TRANSITIONS and project.initiative.status in {
            Status.SUBMITTED,
            Status.INTAKE,
            Status.IN_CONVERSATION,
            Status.WAITING_FOR_INITIATOR,
        }
        assert project.initiative.village_id == project.village_budget.village_id
        if round.fund.max_per_initiative:
            assert project.cost_estimate <= round.fund.max_per_initiative
    assert Ballot.objects.counted().filter(round=round).exists()
    for ballot in Ballot.objects.filter(round=round).prefetch_related("projects"):
        assert sum(p.cost_estimate for p in ballot.projects.all()) <= ballot.village_budget.amount


def test_demo_municipalities_have_a_letterhead_and_their_decisions_a_letter(seeded):
    from initiatives.models import Decision
    from initiatives.services.letters import decision_letter_render
    from tests.core.test_pdf import text_of

    for municipality in Municipality.objects.all():
        assert municipality.postal_address and municipality.logo and municipality.objection_url
    assert Fund.objects.exclude(grant_conditions="").exists()
    decision = Decision.objects.filter(
        initiative__municipality__name="Harderwijk", grants__isnull=False, initiative__personal_data_removed_at=None
    ).first()
    text = " ".join(text_of(decision_letter_render(decision=decision)).split())
    assert "Postbus 149" in text and "M. de Boer" in text and decision.initiative.reference in text


def test_some_published_initiatives_have_confirmed_supporters(seeded):
    """`make run` shows neighbours' support: confirmed, on published initiatives, and one fund
    with a minimum of supporters from the own village."""
    supports = Support.objects.select_related("initiative__municipality")
    assert supports.count() >= 10
    assert all(support.confirmed_at and support.initiative.is_published for support in supports)
    assert supports.filter(village_id=F("initiative__village_id")).exists()
    assert Fund.objects.filter(min_supporters__gt=0).exists()


def test_every_municipality_has_its_own_look(seeded):
    looks = list(Municipality.objects.values_list("theme_primary_colour", "theme_secondary_colour", "theme_name"))
    assert len(looks) == len(demo_data.MUNICIPALITIES) and all(all(look) for look in looks)
    assert len(set(looks)) == len(looks)  # distinct themes
    for municipality in Municipality.objects.all():
        municipality.full_clean(exclude=["logo", "theme_header_image"])  # the contrast holds
    assert Municipality.objects.exclude(theme_header_image="").count() == 2


def test_the_statistics_roll_ups_agree_with_a_fresh_count(seeded):
    """The seed writes grants and theme links past the signals and marks everything after."""
    from datetime import date

    from initiatives.models import Initiative
    from initiatives.statistics import Period, figures_fresh, submitted_in, tables_from
    from initiatives.statistics_rollups import statistics_figures

    period = Period(date(2000, 1, 1), date(2100, 12, 31))
    rolled = tables_from(statistics_figures(municipality_ids=None, period=period))
    fresh = tables_from(figures_fresh(submitted_in(Initiative.objects.all(), period)))
    assert {slug: (t.rows, t.footer, t.figures) for slug, t in rolled.items()} == {
        slug: (t.rows, t.footer, t.figures) for slug, t in fresh.items()
    }
