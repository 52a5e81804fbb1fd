"""Roll-ups for the statistics: the counts of every table per municipality and month, kept right.

Why: counting every initiative of every municipality on each view took 1.8–3.4 s at 100,000
initiatives (bench/results/statistics.md) and grows with the data. A roll-up holds, for one
municipality and one month of submission (local dates), every count the tables of
initiatives.statistics are made of (`Figures`); the page adds up at most 12 × municipalities of
them, whatever the number of initiatives.

The design, chosen because it is simple to prove right and cheap for writers:

- **Marks, not counters.** Whatever changes a counted fact writes one `StatisticsChange` row
  (municipality, month) in its own transaction: `statistics_touch`. A mark is a plain INSERT
  into a table without foreign keys or unique index, so writers never wait on each other (a
  counter row per month would make every submission of a municipality queue on one row lock).
  Model signals mark every `save()` and `delete()` of an initiative (its old month too, when a
  forwarding moves it), of its themes, decisions, grants and satisfaction answers; the admin and
  factories included. Set-based writes (`QuerySet.update`, `bulk_create`, raw SQL) send no
  signal: they call `statistics_touch` themselves (record_first_response, retention, and
  `workflow._steps_apply`, the step of many initiatives at once that the scheduler's closures
  and a budget round's winners, with their decisions and grants, go through).
- **The refresh counts marked months again, from scratch.** `statistics_refresh` (a Celery beat
  task every minute, `initiatives.statistics_refresh`, and any page that finds a mark in its
  scope) takes a PostgreSQL advisory lock, reads the marks, counts their months with the same
  eight set-based queries whatever their number, replaces those roll-ups and deletes exactly
  the marks it read, in one transaction. A mark is committed with its change, so the counting (READ COMMITTED, later
  statements) sees every change whose mark it read; a change committed later keeps its mark and
  is counted the next time. Refreshes never overlap (the lock), so an older count never
  replaces a newer one.
- **The reader reads the marks first, then the roll-ups.** A marked month in scope is refreshed
  before it is read; when another process holds the lock, the page counts fresh instead
  (`figures_fresh`), never from a stale roll-up. A change committed after the marks were read
  is simply after the moment the page shows.
- **Years.** Each refresh also replaces the year roll-ups of the years it touched: the sum of
  their month roll-ups. This year until today, or a whole past year, is one row per
  municipality (50 rows instead of 600 to decode and add up).
- **Periods.** A year or month is used when all of its initiatives lie in the period (its
  roll-up's first and last day of submission; this year until today: the current year). Else
  the months of that municipality-year are used; a month with initiatives outside the period
  (a range that starts or ends inside it) is counted fresh for the part in the period
  (`count_months(..., within=...)`, eight set-based queries); the rest still comes from the
  roll-ups.
- **Time.** "Past the norm without a first response" depends on today: a roll-up counts those
  initiatives by their due date, and the reader compares with today. The norm, names and
  themes' names are read when the page is made; the working days of a first response are
  counted with the holidays of the refresh (a new extra holiday marks everything).
- **Start.** The migration writes one "everything" mark; so does `statistics_touch(everything=True)`
  (after a COPY, a restore, a new extra holiday or a deleted theme).

tests/initiatives/test_statistics_rollups.py makes each kind of change and compares the tables
from the roll-ups with a fresh count after it.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DateField, DecimalField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from core.working_days import working_days_between
from initiatives.constants import GrantStatus
from initiatives.models import (
    NO_FIRST_RESPONSE_OWED,
    Decision,
    Grant,
    Initiative,
    Satisfaction,
    StatisticsChange,
    StatisticsRollup,
)
from initiatives.statistics import Figures, Period, figures_fresh, submitted_in

EVERYTHING = (None, None)
NONE = "-"  # the key of "no theme" and "no due date" in a roll-up's JSON
LOCK_KEY = 7_416_016  # pg_advisory_xact_lock: one refresh at a time
DELETE_BATCH = 500


# Marking -------------------------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    """The first day of the local month of `moment`."""
    return timezone.localtime(moment).date().replace(day=1)


def _month_expression(path: str = "submitted_at"):
    return TruncMonth(path, output_field=DateField())  # in the current time zone (Europe/Amsterdam)


def statistics_touch(
    *,
    initiatives: QuerySet | Iterable | None = None,
    municipality_ids: Iterable[int] = (),
    everything: bool = False,
) -> None:
    """Mark the statistics of these initiatives (a QuerySet, Initiative objects or ids) as out of
    date, or of every month of these municipalities, or of everything.

    Call it in the transaction of the change, before or after it (not after the commit), from
    every write that sends no model signal (QuerySet.update, bulk_create, raw SQL). For a write
    that moves initiatives to another municipality or month, mark them before and after.
    """
    keys: set[tuple[int | None, date | None]] = set()
    if everything:
        keys.add(EVERYTHING)
    keys.update((municipality, None) for municipality in municipality_ids)
    if initiatives is not None:
        keys.update(_keys_of(initiatives))
    if keys:
        StatisticsChange.objects.bulk_create(
            [StatisticsChange(municipality_id=municipality, month=month) for municipality, month in keys]
        )


def _keys_of(initiatives) -> set[tuple[int, date]]:
    if isinstance(initiatives, QuerySet):
        rows = initiatives.order_by().annotate(month=_month_expression()).values_list("municipality_id", "month")
        return set(rows.distinct())
    keys, ids = set(), []
    for item in initiatives:
        if isinstance(item, Initiative):
            keys.add((item.municipality_id, month_of(item.submitted_at)))
        else:
            ids.append(item)
    if ids:
        keys |= _keys_of(Initiative.objects.filter(pk__in=ids))
    return keys


# What the signals mark (connected in InitiativesConfig.ready).
COUNTED_FIELDS = frozenset(
    {
        "municipality",
        "municipality_id",
        "village",
        "village_id",
        "submitted_at",
        "status",
        "municipal_role",
        "first_response_at",
        "first_response_due",
    }
)


def initiative_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if update_fields is not None and not COUNTED_FIELDS.intersection(update_fields):
        return  # nothing the statistics count was written
    keys = {(instance.municipality_id, month_of(instance.submitted_at))}
    loaded = getattr(instance, "_statistics_loaded", None)
    if loaded is not None:
        old_municipality, old_submitted = loaded
        if old_municipality is None:  # loaded without its municipality: where it was is unknown
            keys.add(EVERYTHING)
        elif old_submitted is None:
            keys.add((old_municipality, None))
        else:
            keys.add((old_municipality, month_of(old_submitted)))
    StatisticsChange.objects.bulk_create([StatisticsChange(municipality_id=m, month=month) for m, month in keys])
    instance._statistics_loaded = (instance.municipality_id, instance.submitted_at)


def initiative_deleted(sender, instance, **kwargs):
    keys = {(instance.municipality_id, month_of(instance.submitted_at))}
    loaded = getattr(instance, "_statistics_loaded", None)
    if loaded is not None and None not in loaded:
        keys.add((loaded[0], month_of(loaded[1])))
    StatisticsChange.objects.bulk_create([StatisticsChange(municipality_id=m, month=month) for m, month in keys])


def themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        statistics_touch(initiatives=[instance])
    elif pk_set:
        statistics_touch(initiatives=list(pk_set))
    else:  # a theme lost all its initiatives: which ones is no longer known
        statistics_touch(everything=True)


def initiative_child_changed(sender, instance, **kwargs):
    """A decision, grant or satisfaction answer was saved or deleted: its initiative's month."""
    if kwargs.get("raw"):
        return
    field = sender._meta.get_field("initiative")
    if field.is_cached(instance):
        statistics_touch(initiatives=[instance.initiative])
    else:
        statistics_touch(initiatives=[instance.initiative_id])


def everything_changed(sender, **kwargs):
    """A theme was deleted (its links went without a signal) or an extra holiday changed the
    working days: every roll-up is counted again."""
    statistics_touch(everything=True)


# Counting ------------------------------------------------------------------------------------


def _bucket_q(buckets: set, prefix: str = "") -> Q | None:
    """Initiatives (or rows under `prefix`, e.g. "initiative__") of these (municipality, month)
    buckets; None for everything."""
    if EVERYTHING in buckets:
        return None
    q = Q(pk__in=[])
    by_month = defaultdict(list)
    for municipality, month in buckets:
        if month is None:
            q |= Q(**{f"{prefix}municipality_id": municipality})
        else:
            by_month[month].append(municipality)
    for month, municipalities in by_month.items():
        start, end = _month_bounds(month)
        q |= Q(
            **{
                f"{prefix}submitted_at__gte": start,
                f"{prefix}submitted_at__lt": end,
                f"{prefix}municipality_id__in": municipalities,
            }
        )
    return q


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = (month + timedelta(days=32)).replace(day=1)
    return Period(month, following - timedelta(days=1)).bounds()


def _blob() -> dict:
    return {
        "n": 0,
        "first": None,
        "last": None,
        "status": {},
        "roles": {},
        "themes": {},
        "villages": {},
        "days": {},
        "owing": {},
        "outcomes": {},
        "funds": {},
        "answers": {},
    }


def _add(table: dict, key, n) -> None:
    table[key] = table.get(key, 0) + n


def merge_into(total: dict, blob: dict) -> dict:
    """Add one roll-up's data to another's (the same JSON shape): a year is the sum of its months."""
    total["n"] += blob["n"]
    if blob["first"] is not None:
        total["first"] = min(total["first"] or blob["first"], blob["first"])
        total["last"] = max(total["last"] or blob["last"], blob["last"])
    for name in ("status", "roles", "themes", "villages", "days", "owing", "outcomes"):
        into = total[name]
        for key, n in blob[name].items():
            into[key] = into.get(key, 0) + n
    for village, (committed, paid) in blob["funds"].items():
        before = total["funds"].get(village)
        if before is None:
            total["funds"][village] = [committed, paid]
        else:
            total["funds"][village] = [
                str(Decimal(before[0]) + Decimal(committed)),
                str(Decimal(before[1]) + Decimal(paid)),
            ]
    for score, (n, comments) in blob["answers"].items():
        before = total["answers"].get(score, [0, 0])
        total["answers"][score] = [before[0] + n, before[1] + comments]
    return total


def count_months(where: Q | None, within: tuple[datetime, datetime] | None = None) -> dict:
    """The roll-up data of every (municipality, month) with initiatives matching `where` (None:
    all), only those submitted `within` [start, end) when given: eight queries."""

    def scoped(queryset, prefix=""):
        q = where if not prefix else _prefixed(where, prefix)
        if q is not None:
            queryset = queryset.filter(q)
        if within is not None:
            queryset = queryset.filter(
                **{f"{prefix}submitted_at__gte": within[0], f"{prefix}submitted_at__lt": within[1]}
            )
        return queryset.order_by().annotate(month=_month_expression(f"{prefix}submitted_at"))

    blobs = defaultdict(_blob)
    initiatives = scoped(Initiative.objects.all())
    rows = initiatives.values_list("municipality_id", "month", "status", "municipal_role").annotate(
        n=Count("pk"), first=Min(TruncDate("submitted_at")), last=Max(TruncDate("submitted_at"))
    )
    for municipality, month, status, role, n, first, last in rows:
        blob = blobs[municipality, month]
        blob["n"] += n
        _add(blob["status"], status, n)
        _add(blob["roles"], role, n)
        first, last = first.isoformat(), last.isoformat()
        blob["first"] = min(blob["first"] or first, first)
        blob["last"] = max(blob["last"] or last, last)
    for municipality, month, theme, n in initiatives.values_list("municipality_id", "month", "themes__pk").annotate(
        n=Count("pk")
    ):
        _add(blobs[municipality, month]["themes"], NONE if theme is None else str(theme), n)
    for municipality, month, village, n in initiatives.values_list("municipality_id", "month", "village_id").annotate(
        n=Count("pk")
    ):
        _add(blobs[municipality, month]["villages"], str(village), n)
    answered = (
        initiatives.filter(first_response_at__isnull=False)
        .annotate(submitted_on=TruncDate("submitted_at"), answered_on=TruncDate("first_response_at"))
        .values_list("municipality_id", "month", "submitted_on", "answered_on")
        .annotate(n=Count("pk"))
    )
    for municipality, month, submitted_on, answered_on, n in answered:
        _add(blobs[municipality, month]["days"], str(working_days_between(submitted_on, answered_on)), n)
    owing = (
        initiatives.filter(first_response_at__isnull=True)
        .exclude(status__in=NO_FIRST_RESPONSE_OWED)
        .values_list("municipality_id", "month", "first_response_due")
        .annotate(n=Count("pk"))
    )
    for municipality, month, due, n in owing:
        _add(blobs[municipality, month]["owing"], NONE if due is None else due.isoformat(), n)
    latest = Decision.objects.filter(initiative=OuterRef("pk")).order_by("-decided_at", "-pk").values("outcome")[:1]
    outcomes = (
        initiatives.annotate(latest_outcome=Subquery(latest))
        .values_list("municipality_id", "month", "latest_outcome")
        .annotate(n=Count("pk"))
    )
    for municipality, month, outcome, n in outcomes:
        if outcome is not None:
            _add(blobs[municipality, month]["outcomes"], outcome, n)
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(status):
        return Coalesce(Sum("amount", filter=Q(status=status)), Value(Decimal("0")), output_field=money)

    grants = (
        scoped(Grant.objects.exclude(status=GrantStatus.WITHDRAWN), "initiative__")
        .values_list("initiative__municipality_id", "month", "initiative__village_id")
        .annotate(committed=total(GrantStatus.COMMITTED), paid=total(GrantStatus.PAID))
    )
    for municipality, month, village, committed, paid in grants:
        blobs[municipality, month]["funds"][str(village)] = [str(committed), str(paid)]
    answers = (
        scoped(Satisfaction.objects.all(), "initiative__")
        .values_list("initiative__municipality_id", "month", "score")
        .annotate(n=Count("pk"), comments=Count("pk", filter=~Q(comment="")))
    )
    for municipality, month, score, n, comments in answers:
        blobs[municipality, month]["answers"][str(score)] = [n, comments]
    return dict(blobs)


def _prefixed(q: Q | None, prefix: str) -> Q | None:
    if q is None:
        return None
    prefixed = Q()
    prefixed.connector, prefixed.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            prefixed.children.append(_prefixed(child, prefix))
        else:
            lookup, value = child
            prefixed.children.append((f"{prefix}{lookup}", value))
    return prefixed


def add_up(figures: Figures, municipality: int, blob: dict, today: str) -> None:
    """Add one roll-up's data to `figures`; `today` as an ISO date (the due dates' format)."""
    figures.per_municipality[municipality] += blob["n"]
    figures.status.update(blob["status"])
    figures.roles.update(blob["roles"])
    themes = figures.themes
    for theme, n in blob["themes"].items():
        themes[None if theme == NONE else int(theme)] += n
    villages = figures.villages
    for village, n in blob["villages"].items():
        villages[municipality, int(village)] += n
    days = figures.response_days[municipality]
    for count, n in blob["days"].items():
        days[int(count)] += n
    for due, n in blob["owing"].items():
        if due != NONE and due < today:
            figures.overdue[municipality] += n
        else:
            figures.waiting[municipality] += n
    figures.outcomes.update(blob["outcomes"])
    for village, (committed, paid) in blob["funds"].items():
        key = (municipality, int(village))
        before = figures.funds.get(key)
        if before is None:
            figures.funds[key] = [Decimal(committed), Decimal(paid)]
        else:
            before[0] += Decimal(committed)
            before[1] += Decimal(paid)
    for score, (n, comments) in blob["answers"].items():
        key = (municipality, int(score))
        before = figures.answers.setdefault(key, [0, 0])
        before[0] += n
        before[1] += comments


# Refreshing ----------------------------------------------------------------------------------


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite writes one transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def statistics_refresh() -> int | None:
    """Count every marked month again and delete the marks counted: the number of roll-ups
    written, or None when another refresh is running (its marks are then counted by it or the
    next one). Safe to run at any time and as often as wanted."""
    with transaction.atomic():
        if not _try_lock():
            return None
        marks = list(StatisticsChange.objects.values_list("pk", "municipality_id", "month"))
        if not marks:
            return 0
        buckets = {(municipality, month) for _pk, municipality, month in marks}
        blobs = count_months(_bucket_q(buckets))
        months = StatisticsRollup.objects.filter(whole_year=False)
        if EVERYTHING not in buckets:
            months = months.filter(_rollup_q(buckets))
        months.delete()
        now = timezone.now()
        StatisticsRollup.objects.bulk_create(
            [
                StatisticsRollup(municipality_id=municipality, month=month, data=data, refreshed_at=now)
                for (municipality, month), data in blobs.items()
            ],
            batch_size=1000,
        )
        _refresh_years(buckets, now)
        ids = [pk for pk, _municipality, _month in marks]
        for start in range(0, len(ids), DELETE_BATCH):
            StatisticsChange.objects.filter(pk__in=ids[start : start + DELETE_BATCH]).delete()
    return len(blobs)


def _refresh_years(buckets: set, now) -> None:
    """The year roll-ups of the marked months, again the sum of their month roll-ups."""
    years = {(municipality, month if month is None else month.replace(month=1)) for municipality, month in buckets}
    stale = StatisticsRollup.objects.filter(whole_year=True)
    months = StatisticsRollup.objects.filter(whole_year=False)
    if EVERYTHING not in years:
        stale = stale.filter(_rollup_q(years))
        q = Q(pk__in=[])
        for municipality, year in years:
            if year is None:
                q |= Q(municipality_id=municipality)
            else:
                q |= Q(municipality_id=municipality, month__year=year.year)
        months = months.filter(q)
    stale.delete()
    totals = {}
    for municipality, month, data in months.values_list("municipality_id", "month", "data").iterator(chunk_size=500):
        key = (municipality, month.replace(month=1))
        totals[key] = merge_into(totals[key], data) if key in totals else data
    StatisticsRollup.objects.bulk_create(
        [
            StatisticsRollup(municipality_id=municipality, month=year, whole_year=True, data=data, refreshed_at=now)
            for (municipality, year), data in totals.items()
        ],
        batch_size=1000,
    )


def _rollup_q(buckets: set) -> Q:
    q = Q(pk__in=[])
    by_month = defaultdict(list)
    for municipality, month in buckets:
        if month is None:
            q |= Q(municipality_id=municipality)
        else:
            by_month[month].append(municipality)
    for month, municipalities in by_month.items():
        q |= Q(month=month, municipality_id__in=municipalities)
    return q


# Reading -------------------------------------------------------------------------------------


def _months(period: Period) -> list[date]:
    month, months = period.start.replace(day=1), []
    while month <= period.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _marked_in_scope(municipality_ids: set[int] | None, months: set[date]) -> bool:
    for municipality, month in StatisticsChange.objects.values_list("municipality_id", "month").distinct():
        if municipality is not None and municipality_ids is not None and municipality not in municipality_ids:
            continue
        if month is not None and month not in months:
            continue
        return True
    return False


def statistics_figures(*, municipality_ids: Iterable[int] | None, period: Period, today: date | None = None) -> Figures:
    """The figures of these municipalities (None: every one) for `period`, from the roll-ups.

    The same as `figures_fresh` over the same initiatives (tests/initiatives/test_statistics_rollups.py).
    """
    today = today or timezone.localdate()
    ids = None if municipality_ids is None else set(municipality_ids)
    months = _months(period)
    # The marks first, then the roll-ups (module docstring).
    if _marked_in_scope(ids, set(months)) and statistics_refresh() is None:
        initiatives = Initiative.objects.all() if ids is None else Initiative.objects.filter(municipality_id__in=ids)
        return figures_fresh(submitted_in(initiatives, period), today)
    first, last, iso_today = period.start.isoformat(), period.end.isoformat(), today.isoformat()
    figures, partial = Figures(), set()
    # Whole years first: one row per municipality and year, when all of the year's data lie in
    # the period (this year until today, or a whole past year).
    years = StatisticsRollup.objects.filter(
        whole_year=True, month__in=sorted({month.replace(month=1) for month in months})
    )
    if ids is not None:
        years = years.filter(municipality_id__in=ids)
    counted, year_rows = set(), list(years.values_list("municipality_id", "month", "data"))
    for municipality, year, data in year_rows:
        if data["first"] is None or (first <= data["first"] and data["last"] <= last):
            add_up(figures, municipality, data, iso_today)
            counted.add((municipality, year.year))
    # The months of the other municipality-years.
    if len(counted) < len(year_rows):
        rollups = StatisticsRollup.objects.filter(whole_year=False, month__in=months)
        if ids is not None:
            rollups = rollups.filter(municipality_id__in=ids)
        for municipality, month, data in rollups.values_list("municipality_id", "month", "data"):
            if (municipality, month.year) in counted:
                continue
            if data["first"] is not None and (data["first"] < first or data["last"] > last):
                partial.add((municipality, month))  # initiatives outside the period: counted fresh below
                continue
            add_up(figures, municipality, data, iso_today)
    if partial:
        # By time alone (an index range), then only the partial municipality-months are kept.
        where = Q(pk__in=[])
        for month in {month for _municipality, month in partial}:
            start, end = _month_bounds(month)
            where |= Q(submitted_at__gte=start, submitted_at__lt=end)
        if ids is not None:
            where &= Q(municipality_id__in=ids)
        for key, data in count_months(where, within=period.bounds()).items():
            if key in partial:
                add_up(figures, key[0], data, iso_today)
    return figures
