"""Statistics for officers: the figures behind /dashboard/statistieken/ and its CSV files.

Every function takes a queryset of initiatives that is already scoped to the user and to a
period (`submitted_in`), and returns one `Table`: the same figures feed the chart, the HTML
table and the CSV file. Each table costs one query, whatever the number of initiatives.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape  # the same text as django.utils.html.escape, without its lazy wrapper

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
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.working_days import working_days_between
from initiatives.constants import DecisionOutcome, GrantStatus, MunicipalRole, Status
from initiatives.models import (
    NO_FIRST_RESPONSE_OWED,
    SATISFIED_FROM,
    Decision,
    Grant,
    Satisfaction,
    SatisfactionScore,
    Theme,
)

TEXT, COUNT, MONEY, MONEY_WHOLE, PERCENT, DAYS = "text", "count", "money", "money_whole", "percent", "days"
SCORE = "score"  # an average on a scale, one decimal
SUPPORTED_OUTCOMES = (DecisionOutcome.SUPPORTED, DecisionOutcome.PARTLY_SUPPORTED)
# Over several municipalities, a table of villages shows this many on the page (the most first)
# and the others added up in one row; its CSV file has every village, and a municipality's own
# page shows all of its villages. 5,000 rows and bars are no page to read (and took most of its
# time: bench/results/scale.md).
TOP_VILLAGES = 25


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
    top: int | None = None  # the page shows the first `top` rows and the others added up; None: all
    rest_label: str = ""  # names the row of the others
    top_note: str = ""  # says so under the table

    @property
    def page_rows(self) -> list[list]:
        """The rows the page shows: all of them, or the first `top` and one row adding up the rest
        (the CSV file always has every row)."""
        if self.top is None or len(self.rows) <= self.top:
            return self.rows
        rest = self.rows[self.top :]
        sums = [
            sum((row[i] for row in rest), Decimal("0") if column.kind in (MONEY, MONEY_WHOLE) else 0)
            for i, column in enumerate(self.columns[1:], start=1)
        ]
        return [*self.rows[: self.top], [self.rest_label, *sums]]

    @property
    def html_rows(self) -> SafeString:
        """The body's rows as HTML, localised: made here, not by a template loop per cell (with a
        thousand villages the loops took most of the page's time: bench/results/statistics.md)."""
        return self._html(self.page_rows, "<tr>", ' class="fw-normal"')

    @property
    def html_footer(self) -> SafeString:
        return self._html(self.footer, '<tr class="fw-bold">', "")

    def _html(self, rows, opening: str, head_class: str) -> SafeString:
        show = Display()
        kinds = [column.kind for column in self.columns]
        cell_openings = ['<td class="text-end">' if column.numeric else "<td>" for column in self.columns]
        parts = []
        for row in rows:
            parts.append(f'{opening}<th scope="row"{head_class}>{escape(show(row[0], kinds[0]))}</th>')
            for value, kind, cell in zip(row[1:], kinds[1:], cell_openings[1:], strict=True):
                # A number as Display writes it holds digits, separators, "€", "%" or "–" only.
                text = show(value, kind)
                parts.append(f"{cell}{text if kind != TEXT else escape(text)}</td>")
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 - every text went through escape()

    def csv_rows(self):
        """The header, the rows and the footer as plain values (numbers, no currency sign); the
        CSV writer gives them a decimal comma (core/csv.py)."""
        yield [column.label for column in self.columns]
        for row in [*self.rows, *self.footer]:
            yield [raw(value, column.kind) for value, column in zip(row, self.columns, strict=True)]


BIG = Decimal("1e15")  # amounts below this take Display's quick way
CUTOFFS = {places: Decimal("0." + "1".rjust(places, "0")) for places in (0, 2)}  # as numberformat.format


class Display:
    """Values as a person reads them in the current language, for many values at once.

    The same text as Django's `number_format` and core.formats.money, but the language's
    separators are looked up once, not three times per value, and each value is formatted once.
    """

    def __init__(self):
        language = get_language()
        self.decimal_separator = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        self.thousand_separator = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
        self.euro = "€" if (language or "").startswith("en") else "€\u00a0"  # as core.formats.money
        self.shown = {}

    def number(self, value, decimal_pos=None, force_grouping=False) -> str:
        return numberformat.format(
            value,
            self.decimal_separator,
            decimal_pos,
            self.grouping,
            self.thousand_separator,
            force_grouping=force_grouping,
            use_l10n=True,
        )

    def _decimal(self, number: Decimal, places: int) -> str:
        """numberformat.format(number, decimal_pos=places, force_grouping=True) for groups of three,
        step by step the same (it cuts off decimals, it does not round)."""
        if abs(number) < CUTOFFS[places]:
            number = Decimal("0")
        text = f"{number:f}"
        sign = ""
        if text[0] == "-":
            sign, text = "-", text[1:]
        whole, _dot, decimals = text.partition(".")
        decimals = decimals[:places]
        decimals += "0" * (places - len(decimals))
        grouped = f"{int(whole):,}".replace(",", self.thousand_separator)
        return sign + grouped + (self.decimal_separator + decimals if decimals else "")

    def __call__(self, value, kind: str) -> str:
        key = (value, kind, type(value))
        text = self.shown.get(key)
        if text is None:
            text = self.shown[key] = self._show(value, kind)
        return text

    def _show(self, value, kind: str) -> str:
        if value is None:
            return "–"
        if kind in (COUNT, PERCENT) and self.grouping == 3:  # noqa: PLR2004 - thousands (nl and en)
            whole = value if kind == COUNT else round(value * 100)
            if type(whole) is int:  # what numberformat.format gives for an int, without its steps
                grouped = f"{whole:,}".replace(",", self.thousand_separator)
                return grouped + "%" if kind == PERCENT else grouped
        if kind == COUNT:
            return self.number(value, force_grouping=True)
        if kind in (MONEY, MONEY_WHOLE):
            places = 2 if kind == MONEY else 0
            if self.grouping == 3 and isinstance(value, Decimal) and abs(value) < BIG:  # noqa: PLR2004
                return self.euro + self._decimal(value, places)
            return self.euro + self.number(Decimal(value), decimal_pos=places, force_grouping=True)
        if kind == PERCENT:
            return self.number(round(value * 100), force_grouping=True) + "%"
        if kind == DAYS:
            return self.number(value, decimal_pos=0 if value == int(value) else 1)
        if kind == SCORE:
            return self.number(value, decimal_pos=1)
        return str(value)


def display(value, kind: str) -> str:
    """A value as a person reads it in the current language."""
    return Display()(value, kind)


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


# What the tables are made of ------------------------------------------------------------------


@dataclass
class Figures:
    """The counts behind every table for one scope and period, keyed by ids (names come later).

    Two ways fill it: `figures_fresh` counts the initiatives themselves (a query per table), and
    initiatives.statistics_rollups adds up the roll-ups per municipality and month. The tables
    are made from it the same way, so both give the same page.
    """

    per_municipality: Counter = field(default_factory=Counter)  # municipality id -> initiatives
    status: Counter = field(default_factory=Counter)  # status -> initiatives
    roles: Counter = field(default_factory=Counter)  # municipal role ("" not recorded) -> initiatives
    themes: Counter = field(default_factory=Counter)  # theme id (None: no theme) -> initiatives
    villages: Counter = field(default_factory=Counter)  # (municipality id, village id) -> initiatives
    response_days: defaultdict = field(default_factory=lambda: defaultdict(Counter))  # municipality id -> {days: n}
    overdue: Counter = field(default_factory=Counter)  # municipality id -> no first response, past the norm
    waiting: Counter = field(default_factory=Counter)  # municipality id -> no first response, within the norm
    outcomes: Counter = field(default_factory=Counter)  # the latest decision's outcome -> initiatives
    funds: dict = field(default_factory=dict)  # (municipality id, village id) -> [committed, paid]
    answers: dict = field(default_factory=dict)  # (municipality id, score) -> [answers, with a comment]


@dataclass
class Names:
    """Names and norms as they are now: a renamed village or a new norm counts at once."""

    municipalities: dict  # id -> (name, first_response_working_days)
    villages: dict  # id -> name
    themes: dict  # id -> (name_nl, name_en, order)

    @classmethod
    def load(cls, figures: Figures) -> "Names":
        from municipalities.models import Municipality
        from villages.models import Village

        municipality_ids = {
            *figures.per_municipality,
            *(m for m, _v in figures.funds),
            *(m for m, _s in figures.answers),
        }
        village_ids = {v for _m, v in figures.villages} | {v for _m, v in figures.funds}
        municipalities = {
            pk: (name, norm)
            for pk, name, norm in Municipality.objects.filter(pk__in=municipality_ids).values_list(
                "pk", "name", "first_response_working_days"
            )
        }
        villages = {}
        if village_ids:
            # Many ids: every village, rather than a thousand-item IN list.
            query = Village.objects.all() if len(village_ids) > 100 else Village.objects.filter(pk__in=village_ids)  # noqa: PLR2004
            villages = dict(query.order_by().values_list("pk", "name"))
        theme_ids = {pk for pk in figures.themes if pk is not None}
        themes = {}
        if theme_ids:
            themes = {
                pk: (nl, en, order)
                for pk, nl, en, order in Theme.objects.filter(pk__in=theme_ids).values_list(
                    "pk", "name_nl", "name_en", "order"
                )
            }
        return cls(municipalities, villages, themes)


def figures_fresh(initiatives: QuerySet, today: date | None = None) -> Figures:
    """Count the initiatives of `initiatives` (scoped and in the period) themselves: seven queries.

    The reference the roll-ups are tested against (tests/initiatives/test_statistics_rollups.py).
    """
    today = today or timezone.localdate()
    figures = Figures()
    initiatives = initiatives.order_by()
    for municipality, status, role, n in initiatives.values_list(
        "municipality_id", "status", "municipal_role"
    ).annotate(n=Count("pk")):
        figures.per_municipality[municipality] += n
        figures.status[status] += n
        figures.roles[role] += n
    figures.themes.update(dict(initiatives.values_list("themes__pk").annotate(n=Count("pk"))))
    figures.villages.update(
        {(m, v): n for m, v, n in initiatives.values_list("municipality_id", "village_id").annotate(n=Count("pk"))}
    )
    _responses_fresh(figures, initiatives, today)
    latest = Decision.objects.filter(initiative=OuterRef("pk")).order_by("-decided_at", "-pk").values("outcome")[:1]
    outcomes = dict(
        initiatives.annotate(latest_outcome=Subquery(latest)).values_list("latest_outcome").annotate(n=Count("pk"))
    )
    outcomes.pop(None, None)  # not decided; dropped here, as a filter would run the subquery a second time
    figures.outcomes.update(outcomes)
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(status):
        return Coalesce(Sum("amount", filter=Q(status=status)), Value(Decimal("0")), output_field=money)

    grants = (
        Grant.objects.filter(initiative__in=initiatives.values("pk"))
        .exclude(status=GrantStatus.WITHDRAWN)
        .order_by()
        .values_list("initiative__municipality_id", "initiative__village_id")
        .annotate(committed=total(GrantStatus.COMMITTED), paid=total(GrantStatus.PAID))
    )
    figures.funds = {(m, v): [committed, paid] for m, v, committed, paid in grants}
    answers = (
        Satisfaction.objects.filter(initiative__in=initiatives.values("pk"))
        .order_by()
        .values_list("initiative__municipality_id", "score")
        .annotate(n=Count("pk"), comments=Count("pk", filter=~Q(comment="")))
    )
    figures.answers = {(m, score): [n, comments] for m, score, n, comments in answers}
    return figures


def _responses_fresh(figures: Figures, initiatives: QuerySet, today: date) -> None:
    values = initiatives.annotate(
        submitted_on=TruncDate("submitted_at"),
        first_response_on=TruncDate("first_response_at"),
        first_response_overdue=ExpressionWrapper(
            initiatives.overdue_first_response_q(today), output_field=BooleanField()
        ),
    ).values_list(
        "municipality_id",
        "status",
        "submitted_on",  # local dates, worked out by the database (the current time zone)
        "first_response_on",
        "first_response_overdue",
    )
    for municipality, status, submitted_on, first_response_on, overdue in values:
        if first_response_on is not None:
            figures.response_days[municipality][working_days_between(submitted_on, first_response_on)] += 1
        elif overdue:
            figures.overdue[municipality] += 1
        elif status not in NO_FIRST_RESPONSE_OWED:
            figures.waiting[municipality] += 1


def median_of(counts: Counter):
    """The median of the values counted in `counts` ({value: how often}), as statistics.median
    gives it for the list of values: the middle one, or the mean of the middle two."""
    n = sum(counts.values())
    if not n:
        return None
    low, high = (n - 1) // 2, n // 2
    found, seen = {}, 0
    for value, count in sorted(counts.items()):
        for position in (low, high):
            if seen <= position < seen + count:
                found[position] = value
        seen += count
        if high in found:
            break
    return found[low] if n % 2 else (found[low] + found[high]) / 2


# The tables --------------------------------------------------------------------------------


def status_table(figures: Figures, names: Names) -> Table:
    counts = figures.status
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


def theme_table(figures: Figures, names: Names) -> Table:
    english = (get_language() or "nl").startswith("en")
    rows, without = [], 0
    for pk, n in figures.themes.items():
        if not n:
            continue
        if pk is None:
            without = n
            continue
        name_nl, name_en, order = names.themes[pk]
        rows.append((n, order, name_en if english else name_nl))
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


def _top_villages(table: Table, several: bool, value: int) -> Table:
    """Over several municipalities, only the first TOP_VILLAGES rows on the page and in its chart
    (the rows come most first), the others added up in one row."""
    if not several or len(table.rows) <= TOP_VILLAGES:
        return table
    others = len(table.rows) - TOP_VILLAGES
    table.top = TOP_VILLAGES
    table.rest_label = ngettext("%(count)s other village", "%(count)s other villages", others) % {
        "count": Display()(others, COUNT)
    }
    table.top_note = _(
        "Only the %(top)s villages at the top are shown; the last row adds up the other %(others)s. "
        "The spreadsheet (CSV) has every village. Choose a municipality to see all of its villages."
    ) % {"top": TOP_VILLAGES, "others": Display()(others, COUNT)}
    table.chart = [(row[0], row[value]) for row in table.rows[:TOP_VILLAGES]]
    return table


def village_table(figures: Figures, names: Names) -> Table:
    grouped = [(n, names.villages[v], names.municipalities[m][0]) for (m, v), n in figures.villages.items() if n]
    grouped.sort(key=lambda g: (-g[0], g[1], g[2]))
    several = len({municipality for _n, _v, municipality in grouped}) > 1
    rows = [[_village_label(village, municipality, several), n] for n, village, municipality in grouped]
    table = Table(
        slug="village",
        title=_("Initiatives by village"),
        columns=[Column(_("Village"), TEXT), Column(_("Initiatives"))],
        rows=rows,
        footer=[[_("Total"), sum(n for _label, n in rows)]] if rows else [],
        chart=[(label, n) for label, n in rows],
    )
    return _top_villages(table, several, 1)


@dataclass
class _Responses:
    norm: int | None = None
    days: Counter = field(default_factory=Counter)  # working days -> first responses
    within: int = 0
    overdue: int = 0  # no first response and past the norm: late, from the day it is overdue
    waiting: int = 0  # no first response, still within the norm: not counted either way yet

    @property
    def answered(self) -> int:
        return sum(self.days.values())

    @property
    def counted(self) -> int:
        """What the share within the norm is over: a first response, or past the norm without one."""
        return self.answered + self.overdue

    def row(self, label):
        return [
            label,
            self.norm,
            self.answered,
            median_of(self.days),
            self.within,
            self.overdue,
            share(self.within, self.counted),
            self.waiting,
        ]


def response_table(figures: Figures, names: Names) -> Table:
    """Working days from the day of submission to the day of the first response (local dates).

    Within the norm: at most the municipality's own `first_response_working_days`. Without a first
    response, an initiative counts as late from the day it is overdue, by the dashboard's rule
    (`InitiativeQuerySet.overdue_first_response_q`); one still within its norm does not count yet
    (waiting), and a closed or withdrawn one owes no first response.
    """
    overall = _Responses()
    per_municipality = {}
    for municipality in figures.per_municipality:
        if not figures.per_municipality[municipality]:
            continue
        name, norm = names.municipalities[municipality]
        days = figures.response_days.get(municipality, Counter())
        bucket = _Responses(
            norm=norm,
            days=days,
            within=sum(n for d, n in days.items() if d <= norm),
            overdue=figures.overdue[municipality],
            waiting=figures.waiting[municipality],
        )
        per_municipality[name] = bucket
        overall.days.update(days)
        overall.within += bucket.within
        overall.overdue += bucket.overdue
        overall.waiting += bucket.waiting

    rows = [per_municipality[name].row(name) for name in sorted(per_municipality)]
    answered_late = overall.answered - overall.within
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
            "median": median_of(overall.days),
            "within_share": share(overall.within, overall.counted),
            "counted": overall.counted,
            "first_response_overdue": overall.overdue,
        },
    )


def support_table(figures: Figures, names: Names) -> Table:
    """The outcome of each initiative's latest decision (a reopened initiative may have several)."""
    counts = figures.outcomes
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


def funds_table(figures: Figures, names: Names) -> Table:
    """Grants that are not withdrawn, by the village of their initiative: in one municipality by
    name, over several the most money first (the page shows the first TOP_VILLAGES)."""
    grouped = sorted(
        (names.municipalities[m][0], names.villages[v], committed, paid)
        for (m, v), (committed, paid) in figures.funds.items()
    )
    several = len({municipality for municipality, *_rest in grouped}) > 1
    if several:
        grouped.sort(key=lambda g: -(g[2] + g[3]))  # stable: by name within the same amount
    rows = [
        [_village_label(village, municipality, several), committed, paid, committed + paid]
        for municipality, village, committed, paid in grouped
    ]
    footer = []
    if rows:
        sums = [sum((row[i] for row in rows), Decimal("0")) for i in (1, 2, 3)]
        footer = [[_("Total"), *sums]]
    table = Table(
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
    return _top_villages(table, several, 3)


def role_table(figures: Figures, names: Names) -> Table:
    counts = figures.roles
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


def satisfaction_table(figures: Figures, names: Names) -> Table:
    """The initiators' answers to the question after closing, per municipality.

    Satisfied: a score of 4 or 5 on the scale of 1 (very dissatisfied) to 5 (very satisfied).
    """
    per_municipality: dict[str, _Answers] = defaultdict(_Answers)
    overall = _Answers()
    per_score: dict[int, int] = defaultdict(int)
    for (municipality, score), (n, comments) in figures.answers.items():
        if not n:
            continue
        per_municipality[names.municipalities[municipality][0]].add(score, n, comments)
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


def tables_from(figures: Figures, only: str | None = None) -> dict[str, Table]:
    """Every table (or only the one named `only`) from `figures`, with today's names and norms."""
    names = Names.load(figures)
    chosen = {only: TABLES[only]} if only else TABLES
    return {slug: build(figures, names) for slug, build in chosen.items()}


def all_tables(initiatives: QuerySet, today: date | None = None) -> dict[str, Table]:
    """Every table counted fresh from `initiatives` (scoped and in the period)."""
    return tables_from(figures_fresh(initiatives, today))
