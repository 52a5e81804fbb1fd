"""The association's report for its board: where every trajectory stands (reads only).

One row per trajectory: the municipality, the current stage and how long it has lasted, the
progress group (which required kinds of member are missing), meetings held and planned, open and
overdue action items, the scan before and after, and the status of the vision. On top the totals
in plain words, the number of trajectories per stage and the scan per theme.

Scans: only closed ones count (closed by hand, or past their last day), so the figures no longer
move. "Before" is the first baseline with answers, "after" the latest follow-up with answers
(as `vision.services.scans.scan_comparison`). A scan with fewer than `MIN_CATEGORY_ANSWERS`
answers shows no figures, by the rule that hides a member category with too few answers: its
average would be one person's own scores. The per-theme table pools the answers of the
trajectories that show both a before and an after.

A fixed number of queries, whatever the number of trajectories: the trajectories with their
annotations, the categories of their members, their closed scans, and the scores per theme.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from vision.constants import (
    REQUIRED_MEMBER_CATEGORIES,
    STAGE_ORDER,
    MemberCategory,
    ScanItem,
    ScanKind,
    Stage,
    TrajectoryStatus,
    VisionStatus,
)
from vision.models import Scan, ScanScore, Trajectory, missing_member_categories
from vision.services.scans import MIN_CATEGORY_ANSWERS

STAGE_COUNT = len(STAGE_ORDER)


def rounded(value) -> Decimal | None:
    """A score as the report shows it: one decimal, rounded half up."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """The difference of the figures shown (both rounded first), or None."""
    return None if before is None or after is None else after - before


@dataclass
class ScanFigure:
    """One closed scan of a trajectory: its average over every score (1 to 5, "don't know" left
    out) and how many members answered. `average` is None when too few answered to show it."""

    scan_id: int
    kind: str
    opened_on: date
    ended_on: date | None
    respondents: int
    raw_average: float | None

    @property
    def hidden(self) -> bool:
        return self.respondents < MIN_CATEGORY_ANSWERS

    @property
    def average(self) -> Decimal | None:
        return None if self.hidden else rounded(self.raw_average)


@dataclass
class ReportRow:
    trajectory: Trajectory
    stage_number: int
    stage_since: date | None
    days_in_stage: int | None
    missing_categories: list
    active_members: int
    meetings_held: int
    last_meeting_at: datetime | None
    next_meeting_at: datetime | None
    open_action_items: int
    overdue_action_items: int
    before: ScanFigure | None
    after: ScanFigure | None
    vision_status: str
    vision_adopted_on: date | None

    @property
    def municipality(self):
        return self.trajectory.municipality

    @property
    def stage_label(self) -> str:
        return Stage(self.trajectory.current_stage).label

    @property
    def is_running(self) -> bool:
        return self.trajectory.status in (TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE)

    @property
    def group_complete(self) -> bool:
        return not self.missing_categories

    @property
    def scan_change(self) -> Decimal | None:
        before = self.before.average if self.before else None
        after = self.after.average if self.after else None
        return change(before, after)

    @property
    def has_comparison(self) -> bool:
        return self.scan_change is not None

    @property
    def vision_status_label(self) -> str:
        return VisionStatus(self.vision_status).label if self.vision_status else ""


@dataclass
class ThemeRow:
    item: str
    label: str
    before: Decimal | None
    after: Decimal | None
    before_answers: int
    after_answers: int

    @property
    def change(self) -> Decimal | None:
        return change(self.before, self.after)


@dataclass
class Summary:
    trajectories: int = 0
    municipalities: int = 0
    per_status: dict = field(default_factory=dict)  # status -> count, in TrajectoryStatus order
    per_stage: list = field(default_factory=list)  # (number, label, count) for every stage
    complete_groups: int = 0
    missing_counts: list = field(default_factory=list)  # (label, count): the kinds missing most often
    meetings_held: int = 0
    with_next_meeting: int = 0  # trajectories with a meeting planned
    open_action_items: int = 0
    overdue_action_items: int = 0
    compared: int = 0  # trajectories that show a before and an after
    before: Decimal | None = None  # pooled over those trajectories
    after: Decimal | None = None
    visions_adopted: int = 0
    visions_in_consultation: int = 0

    @property
    def change(self) -> Decimal | None:
        return change(self.before, self.after)

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        return [(TrajectoryStatus(status).label, count) for status, count in self.per_status.items() if count]


@dataclass
class AssociationReport:
    generated_on: date
    rows: list[ReportRow]
    summary: Summary
    themes: list[ThemeRow]
    min_answers: int = MIN_CATEGORY_ANSWERS
    stage_count: int = STAGE_COUNT


def closed_scans(trajectory_ids, today: date) -> dict[int, list[ScanFigure]]:
    """Per trajectory, its closed scans with answers, oldest first: one query."""
    first_item = ScanItem.values[0]  # every answer has a row for every item
    rows = (
        Scan.objects.filter(trajectory__in=trajectory_ids)
        .filter(Q(closed_on__isnull=False) | Q(closes_on__lt=today))
        .annotate(
            respondents=Count("scores", filter=Q(scores__item=first_item)),
            average=Avg("scores__score"),
        )
        .filter(respondents__gt=0)
        .order_by("opened_on", "pk")
        .values("pk", "trajectory_id", "kind", "opened_on", "closed_on", "closes_on", "respondents", "average")
    )
    scans: dict[int, list[ScanFigure]] = {}
    for row in rows:
        ended = [day for day in (row["closed_on"], row["closes_on"]) if day is not None]
        scans.setdefault(row["trajectory_id"], []).append(
            ScanFigure(
                scan_id=row["pk"],
                kind=row["kind"],
                opened_on=row["opened_on"],
                ended_on=min(ended) if ended else None,
                respondents=row["respondents"],
                raw_average=row["average"],
            )
        )
    return scans


def before_and_after(scans: list[ScanFigure]) -> tuple[ScanFigure | None, ScanFigure | None]:
    before = next((scan for scan in scans if scan.kind == ScanKind.BASELINE), None)
    after = next((scan for scan in reversed(scans) if scan.kind == ScanKind.FOLLOW_UP), None)
    return before, after


def theme_rows(rows: list[ReportRow]) -> tuple[list[ThemeRow], Decimal | None, Decimal | None]:
    """The average per theme before and after, over the trajectories that show both: one query
    (none without such trajectories). Also the overall averages of those scans."""
    paired = [row for row in rows if row.has_comparison]
    if not paired:
        return [], None, None
    before_ids = [row.before.scan_id for row in paired]
    after_ids = [row.after.scan_id for row in paired]
    figures = {
        (row["scan__kind"], row["item"]): row
        for row in ScanScore.objects.filter(scan_id__in=before_ids + after_ids)
        .values("scan__kind", "item")
        .annotate(average=Avg("score"), answers=Count("score"))
        .order_by()
    }
    empty = {"average": None, "answers": 0}
    themes = []
    for item in ScanItem:
        before = figures.get((ScanKind.BASELINE.value, item.value), empty)
        after = figures.get((ScanKind.FOLLOW_UP.value, item.value), empty)
        themes.append(
            ThemeRow(
                item=item.value,
                label=str(item.label),
                before=rounded(before["average"]),
                after=rounded(after["average"]),
                before_answers=before["answers"],
                after_answers=after["answers"],
            )
        )

    def pooled(kind) -> Decimal | None:
        total = sum(row["average"] * row["answers"] for (k, _), row in figures.items() if k == kind and row["answers"])
        count = sum(row["answers"] for (k, _), row in figures.items() if k == kind)
        return rounded(total / count) if count else None

    return themes, pooled(ScanKind.BASELINE.value), pooled(ScanKind.FOLLOW_UP.value)


def association_report(trajectories, *, now=None, today=None) -> AssociationReport:
    """The report over `trajectories` (a queryset the caller has scoped to the user)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    queryset = (
        trajectories.with_report(now=now, today=today)
        .select_related("municipality", "facilitator__user")
        .order_by("municipality__name", "-started_on", "pk")
    )
    trajectory_list = list(queryset)
    ids = [trajectory.pk for trajectory in trajectory_list]
    present = Trajectory.objects.filter(pk__in=ids).member_categories() if ids else {}
    scans = closed_scans(ids, today) if ids else {}
    rows = []
    for trajectory in trajectory_list:
        before, after = before_and_after(scans.get(trajectory.pk, []))
        since = trajectory.stage_since
        rows.append(
            ReportRow(
                trajectory=trajectory,
                stage_number=trajectory.stage_number,
                stage_since=since,
                days_in_stage=(today - since).days if since and since <= today else None,
                missing_categories=missing_member_categories(present.get(trajectory.pk, set())),
                active_members=trajectory.active_members,
                meetings_held=trajectory.meetings_held,
                last_meeting_at=trajectory.last_meeting_at,
                next_meeting_at=trajectory.next_meeting_at,
                open_action_items=trajectory.open_action_items,
                overdue_action_items=trajectory.overdue_action_items,
                before=before,
                after=after,
                vision_status=trajectory.latest_vision_status or "",
                vision_adopted_on=trajectory.latest_vision_adopted_on,
            )
        )
    themes, pooled_before, pooled_after = theme_rows(rows)
    return AssociationReport(
        generated_on=today, rows=rows, summary=summarise(rows, pooled_before, pooled_after), themes=themes
    )


def most_missing(rows: list[ReportRow], *, limit: int = 3) -> list[tuple[str, int]]:
    """The kinds of member missing from the most progress groups (ties in their fixed order)."""
    counts = Counter(category for row in rows for category in row.missing_categories)
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], REQUIRED_MEMBER_CATEGORIES.index(pair[0])))
    return [(str(MemberCategory(category).label), count) for category, count in ranked[:limit]]


def summarise(rows: list[ReportRow], before: Decimal | None, after: Decimal | None) -> Summary:
    per_status = {status.value: 0 for status in TrajectoryStatus}
    per_stage = {stage.value: 0 for stage in STAGE_ORDER}
    for row in rows:
        per_status[row.trajectory.status] += 1
        per_stage[row.trajectory.current_stage] += 1
    return Summary(
        trajectories=len(rows),
        municipalities=len({row.trajectory.municipality_id for row in rows}),
        per_status=per_status,
        per_stage=[(number, stage.label, per_stage[stage.value]) for number, stage in enumerate(STAGE_ORDER, 1)],
        complete_groups=sum(1 for row in rows if row.group_complete),
        missing_counts=most_missing(rows),
        meetings_held=sum(row.meetings_held for row in rows),
        with_next_meeting=sum(1 for row in rows if row.next_meeting_at),
        open_action_items=sum(row.open_action_items for row in rows),
        overdue_action_items=sum(row.overdue_action_items for row in rows),
        compared=sum(1 for row in rows if row.has_comparison),
        before=before,
        after=after,
        visions_adopted=sum(1 for row in rows if row.vision_status == VisionStatus.ADOPTED),
        visions_in_consultation=sum(1 for row in rows if row.vision_status == VisionStatus.CONSULTATION),
    )
