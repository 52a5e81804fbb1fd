"""Statistics for officers: the figures behind /dashboard/statistieken/ and its CSV files.

Every function takes a queryset of initiatives that is already scoped to the user and to a
period (`submitted_in`), and returns one `Table`: the same figures feed the chart, the HTML
table and the CSV file. Each table costs one query, whatever the number of initiatives.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.formats import money
from core.working_days import working_days_between
from initiatives.constants import DecisionOutcome, GrantStatus, MunicipalRole, Status
from initiatives.models import NO_FIRST_RESPONSE_OWED, SATISFIED_FROM, Decision, Grant, Satisfaction, SatisfactionScore

TEXT, COUNT, MONEY, MONEY_WHOLE, PERCENT, DAYS = "text", "count", "money", "money_whole", "percent", "days"
SCORE = "score"  # an average on a scale, one decimal
SUPPORTED_OUTCOMES = (DecisionOutcome.SUPPORTED, DecisionOutcome.PARTLY_SUPPORTED)


# The period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` up to and including `end`, in local (Europe/Amsterdam) dates."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> "Period":
        """This year so far: 1 January until today."""
        today = today or timezone.localdate()
        return cls(date(today.year, 1, 1), today)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: an index-friendly range on `submitted_at`."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )


def submitted_in(initiatives: QuerySet, period: Period) -> QuerySet:
    start, end = period.bounds()
    return initiatives.filter(submitted_at__gte=start, submitted_at__lt=end)


# What a table is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    """Rows of raw values (the first cell names the row), footer rows, and the chart's bars."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[list]
    footer: list[list] = field(default_factory=list)
    chart: list[tuple[str, int | Decimal]] = field(default_factory=list)
    chart_kind: str = COUNT
    note: str = ""
    wide: bool = False
    figures: dict = field(default_factory=dict)

    def _display(self, rows):
        return [
            [(display(value, column.kind), column.numeric) for value, column in zip(row, self.columns, strict=True)]
            for row in rows
        ]

    @property
    def display_rows(self):
        """[(text, is_numeric)] per row, localised for the page."""
        return self._display(self.rows)

    @property
    def display_footer(self):
        return self._display(self.footer)

    def csv_rows(self):
        """The header, the rows and the footer as plain values (numbers, no currency sign); the
        CSV writer gives them a decimal comma (core/csv.py)."""
        yield [column.label for column in self.columns]
        for row in [*self.rows, *self.footer]:
            yield [raw(value, column.kind) for value, column in zip(row, self.columns, strict=True)]


def display(value, kind: str) -> str:
    """A value as a person reads it in the current language."""
    if value is None:
        return "–"
    if kind == COUNT:
        return number_format(value, force_grouping=True)
    if kind in (MONEY, MONEY_WHOLE):
        return money(value, decimals=2 if kind == MONEY else 0)
    if kind == PERCENT:
        return number_format(round(value * 100), force_grouping=True) + "%"
    if kind == DAYS:
        return number_format(value, decimal_pos=0 if value == int(value) else 1)
    if kind == SCORE:
        return number_format(value, decimal_pos=1)
    return str(value)


def raw(value, kind: str):
    """A value for a CSV file: numbers a spreadsheet reads, percentages with one decimal."""
    if value is None:
        return ""
    if kind == MONEY:
        return Decimal(value).quantize(Decimal("0.01"))
    if kind == PERCENT:
        return Decimal(f"{value * 100:.1f}")
    if kind == DAYS:
        return Decimal(f"{value:g}")
    if kind == SCORE:
        return Decimal(f"{value:.1f}")
    if kind == COUNT:
        return int(value)
    return str(value)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# The tables --------------------------------------------------------------------------------


def status_table(initiatives: QuerySet) -> Table:
    counts = dict(initiatives.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [[status.label, counts.get(status.value, 0)] for status in Status]
    total = sum(counts.values())
    return Table(
        slug="status",
        title=_("Initiatives by status"),
        columns=[Column(_("Status"), TEXT), Column(_("Initiatives"))],
        rows=rows,
        footer=[[_("Total"), total]],
        chart=[(label, n) for label, n in rows],
        figures={"total": total},
    )


def theme_table(initiatives: QuerySet) -> Table:
    english = (get_language() or "nl").startswith("en")
    grouped = (
        initiatives.order_by()
        .values("themes__pk", "themes__name_nl", "themes__name_en", "themes__order")
        .annotate(n=Count("pk"))
    )
    rows, without = [], 0
    for group in grouped:
        if group["themes__pk"] is None:
            without = group["n"]
            continue
        name = group["themes__name_en"] if english else group["themes__name_nl"]
        rows.append((group["n"], group["themes__order"], name))
    rows = [[name, n] for n, _order, name in sorted(rows, key=lambda r: (-r[0], r[1], r[2]))]
    if without:
        rows.append([_("No theme"), without])
    return Table(
        slug="theme",
        title=_("Initiatives by theme"),
        columns=[Column(_("Theme"), TEXT), Column(_("Initiatives"))],
        rows=rows,
        chart=[(label, n) for label, n in rows],
        note=_("An initiative can have more than one theme, so these numbers do not add up to the total."),
    )


def _village_label(village: str, municipality: str, several: bool) -> str:
    return f"{village} ({municipality})" if several else village


def village_table(initiatives: QuerySet) -> Table:
    grouped = list(
        initiatives.order_by()
        .values("village_id", "village__name", "municipality__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "village__name")
    )
    several = len({group["municipality__name"] for group in grouped}) > 1
    rows = [
        [_village_label(group["village__name"], group["municipality__name"], several), group["n"]] for group in grouped
    ]
    return Table(
        slug="village",
        title=_("Initiatives by village"),
        columns=[Column(_("Village"), TEXT), Column(_("Initiatives"))],
        rows=rows,
        footer=[[_("Total"), sum(n for _label, n in rows)]] if rows else [],
        chart=[(label, n) for label, n in rows],
    )


@dataclass
class _Responses:
    norm: int | None = None
    days: list[int] = field(default_factory=list)
    within: int = 0
    overdue: int = 0  # no first response and past the norm: late, from the day it is overdue
    waiting: int = 0  # no first response, still within the norm: not counted either way yet

    @property
    def counted(self) -> int:
        """What the share within the norm is over: a first response, or past the norm without one."""
        return len(self.days) + self.overdue

    def row(self, label):
        median = statistics.median(self.days) if self.days else None
        return [
            label,
            self.norm,
            len(self.days),
            median,
            self.within,
            self.overdue,
            share(self.within, self.counted),
            self.waiting,
        ]


def response_table(initiatives: QuerySet, today: date | None = None) -> Table:
    """Working days from the day of submission to the day of the first response (local dates).

    Within the norm: at most the municipality's own `first_response_working_days`. Without a first
    response, an initiative counts as late from the day it is overdue, by the dashboard's rule
    (`InitiativeQuerySet.overdue_first_response_q`); one still within its norm does not count yet
    (waiting), and a closed or withdrawn one owes no first response.
    """
    today = today or timezone.localdate()
    per_municipality: dict[str, _Responses] = defaultdict(_Responses)
    overall = _Responses()
    values = (
        initiatives.order_by()
        .annotate(
            submitted_on=TruncDate("submitted_at"),
            first_response_on=TruncDate("first_response_at"),
            first_response_overdue=ExpressionWrapper(
                initiatives.overdue_first_response_q(today), output_field=BooleanField()
            ),
        )
        .values_list(
            "municipality__name",
            "municipality__first_response_working_days",
            "status",
            "submitted_on",  # local dates, worked out by the database (the current time zone)
            "first_response_on",
            "first_response_overdue",
        )
    )
    for municipality, norm, status, submitted_on, first_response_on, overdue in values:
        bucket = per_municipality[municipality]
        bucket.norm = norm
        if first_response_on is None:
            for target in (bucket, overall):
                if overdue:
                    target.overdue += 1
                elif status not in NO_FIRST_RESPONSE_OWED:
                    target.waiting += 1
            continue
        days = working_days_between(submitted_on, first_response_on)
        for target in (bucket, overall):
            target.days.append(days)
            target.within += days <= norm

    rows = [per_municipality[name].row(name) for name in sorted(per_municipality)]
    answered_late = len(overall.days) - overall.within
    return Table(
        slug="response",
        title=_("Time to the first response"),
        columns=[
            Column(_("Municipality"), TEXT),
            Column(_("Norm (working days)")),
            Column(_("With a first response")),
            Column(_("Median working days"), DAYS),
            Column(_("Within the norm")),
            Column(_("Past the norm, no first response yet")),
            Column(_("Share within the norm"), PERCENT),
            Column(_("Still within the norm, no first response yet")),
        ],
        rows=rows,
        footer=[overall.row(_("All municipalities"))] if len(rows) > 1 else [],
        chart=[
            (_("Within the norm"), overall.within),
            (_("Later than the norm"), answered_late),
            (_("Past the norm, no first response yet"), overall.overdue),
            (_("Still within the norm, no first response yet"), overall.waiting),
        ],
        note=_(
            "Working days count from the day after submission up to and including the day of the first "
            "response; weekends and public holidays do not count."
        )
        + " "
        + _(
            "The share within the norm is over the initiatives with a first response or past their norm: "
            "without a first response, an initiative counts as late from the day after its due date. One that "
            "is still within its norm does not count yet."
        ),
        wide=True,
        figures={
            "median": statistics.median(overall.days) if overall.days else None,
            "within_share": share(overall.within, overall.counted),
            "counted": overall.counted,
            "first_response_overdue": overall.overdue,
        },
    )


def support_table(initiatives: QuerySet) -> Table:
    """The outcome of each initiative's latest decision (a reopened initiative may have several)."""
    latest = Decision.objects.filter(initiative=OuterRef("pk")).order_by("-decided_at", "-pk").values("outcome")[:1]
    counts = dict(
        initiatives.order_by()
        .annotate(latest_outcome=Subquery(latest))
        .values_list("latest_outcome")
        .annotate(n=Count("pk"))
    )
    counts.pop(None, None)  # not decided; dropped here, as a filter would run the subquery a second time
    decided = sum(counts.values())
    supported = sum(counts.get(outcome.value, 0) for outcome in SUPPORTED_OUTCOMES)
    rows = [
        [outcome.label, counts.get(outcome.value, 0), share(counts.get(outcome.value, 0), decided)]
        for outcome in DecisionOutcome
    ]
    return Table(
        slug="support",
        title=_("Decisions: share supported"),
        columns=[Column(_("Outcome"), TEXT), Column(_("Initiatives")), Column(_("Share"), PERCENT)],
        rows=rows,
        footer=[
            [_("Supported or partly supported"), supported, share(supported, decided)],
            [_("Decided"), decided, share(decided, decided)],
        ],
        chart=[(label, n) for label, n, _share in rows],
        note=_("Only the latest decision on each initiative counts."),
        figures={"supported_share": share(supported, decided), "decided": decided},
    )


def funds_table(initiatives: QuerySet) -> Table:
    """Grants that are not withdrawn, by the village of their initiative."""
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(status):
        return Coalesce(Sum("amount", filter=Q(status=status)), Value(Decimal("0")), output_field=money)

    grouped = list(
        Grant.objects.filter(initiative__in=initiatives.order_by().values("pk"))
        .exclude(status=GrantStatus.WITHDRAWN)
        .order_by()
        .values("initiative__village_id", "initiative__village__name", "initiative__municipality__name")
        .annotate(committed=total(GrantStatus.COMMITTED), paid=total(GrantStatus.PAID))
        .order_by("initiative__municipality__name", "initiative__village__name")
    )
    several = len({group["initiative__municipality__name"] for group in grouped}) > 1
    rows = []
    for group in grouped:
        label = _village_label(group["initiative__village__name"], group["initiative__municipality__name"], several)
        rows.append([label, group["committed"], group["paid"], group["committed"] + group["paid"]])
    footer = []
    if rows:
        sums = [sum((row[i] for row in rows), Decimal("0")) for i in (1, 2, 3)]
        footer = [[_("Total"), *sums]]
    return Table(
        slug="funds",
        title=_("Fund money by village"),
        columns=[
            Column(_("Village"), TEXT),
            Column(_("Committed, not yet paid"), MONEY),
            Column(_("Paid"), MONEY),
            Column(_("Total"), MONEY),
        ],
        rows=rows,
        footer=footer,
        chart=[(row[0], row[3]) for row in rows],
        chart_kind=MONEY_WHOLE,
        note=_("Grants for initiatives submitted in this period; withdrawn grants do not count."),
        wide=True,
        figures={"granted": footer[0][3] if footer else Decimal("0")},
    )


def role_table(initiatives: QuerySet) -> Table:
    counts = dict(initiatives.order_by().values_list("municipal_role").annotate(n=Count("pk")))
    rows = [[role.label, counts.get(role.value, 0)] for role in MunicipalRole]
    rows.append([_("Not recorded"), counts.get("", 0)])
    return Table(
        slug="roles",
        title=_("Role of the municipality (participation ladder)"),
        columns=[Column(_("Role of the municipality"), TEXT), Column(_("Initiatives"))],
        rows=rows,
        footer=[[_("Total"), sum(counts.values())]],
        chart=[(label, n) for label, n in rows],
        note=_("From letting go to regulating: from least to most steering by the municipality."),
    )


@dataclass
class _Answers:
    answers: int = 0
    satisfied: int = 0
    score_total: int = 0
    comments: int = 0

    def add(self, score: int, n: int, comments: int) -> None:
        self.answers += n
        self.satisfied += n if score >= SATISFIED_FROM else 0
        self.score_total += score * n
        self.comments += comments

    def row(self, label):
        average = self.score_total / self.answers if self.answers else None
        return [label, self.answers, self.satisfied, share(self.satisfied, self.answers), average, self.comments]


def satisfaction_table(initiatives: QuerySet) -> Table:
    """The initiators' answers to the question after closing, per municipality.

    Satisfied: a score of 4 or 5 on the scale of 1 (very dissatisfied) to 5 (very satisfied).
    """
    grouped = (
        Satisfaction.objects.filter(initiative__in=initiatives.order_by().values("pk"))
        .order_by()
        .values("initiative__municipality__name", "score")
        .annotate(n=Count("pk"), comments=Count("pk", filter=~Q(comment="")))
    )
    per_municipality: dict[str, _Answers] = defaultdict(_Answers)
    overall = _Answers()
    per_score: dict[int, int] = defaultdict(int)
    for group in grouped:
        score, n, comments = group["score"], group["n"], group["comments"]
        per_municipality[group["initiative__municipality__name"]].add(score, n, comments)
        overall.add(score, n, comments)
        per_score[score] += n
    rows = [per_municipality[name].row(name) for name in sorted(per_municipality)]
    return Table(
        slug="satisfaction",
        title=_("Satisfaction of initiators"),
        columns=[
            Column(_("Municipality"), TEXT),
            Column(_("Answers")),
            Column(_("Satisfied")),
            Column(_("Share satisfied"), PERCENT),
            Column(_("Average score (1–5)"), SCORE),
            Column(_("With a comment")),
        ],
        rows=rows,
        footer=[overall.row(_("All municipalities"))] if len(rows) > 1 else [],
        chart=[(score.label, per_score.get(score.value, 0)) for score in reversed(SatisfactionScore)],
        note=_(
            "After closing, initiators are asked once how the municipality worked with them, on a scale from "
            "1 (very dissatisfied) to 5 (very satisfied). Satisfied means a score of 4 or 5."
        ),
        wide=True,
        figures={"satisfied_share": share(overall.satisfied, overall.answers), "answers": overall.answers},
    )


TABLES = {
    "status": status_table,
    "theme": theme_table,
    "village": village_table,
    "response": response_table,
    "support": support_table,
    "funds": funds_table,
    "roles": role_table,
    "satisfaction": satisfaction_table,
}


def all_tables(initiatives: QuerySet) -> dict[str, Table]:
    return {slug: build(initiatives) for slug, build in TABLES.items()}
