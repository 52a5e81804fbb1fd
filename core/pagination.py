"""A paginator that counts only when it must, exactly up to a limit and estimated beyond it.

Counting every row of a very large list costs more than showing its first page: 100,000
initiatives, or thousands of search hits whose rows PostgreSQL must all read, took longer than
the rest of the officers' dashboard (bench/results/triage_list_profile.md). `EstimatingPaginator`:

- fetches the first page's rows first, one row more than a page, and with them (rows as
  `values`) the count of at most `exact_up_to + 1` rows, in the same statement: one round trip
  to the database instead of two, and the count and the rows from the same snapshot;
- without `values`, a first page that fits needs no COUNT query, and otherwise at most
  `exact_up_to + 1` rows are counted;
- when there are more, it takes PostgreSQL's planner estimate of the number of rows and sets
  `count_is_estimate`, so the page can say "about". The count's statement asks for it too
  (`planner_rows()`, core migration 0003), only when the count reached the limit: no statement
  of its own. Other databases give no estimate: there the count is exact.
- with `estimate_first` (for lists whose rows cannot be counted from an index alone, such as
  the hits of a full-text search: PostgreSQL must read each hit's row to count it), it asks the
  planner first and counts nothing when the planner expects more than `ESTIMATE_MARGIN` times
  the limit: the platform admin's 6,400 hits of "speeltuin" cost 5 ms to count to 2,501 on
  100,000 initiatives, more than the page's rows (bench/results/triage_list_profile.md). The
  planner's guess for a search that ORs several indexes adds up their hits (each hit found by two
  arms is counted twice), so only beyond twice the limit is the real count surely past it.

With an estimate, the estimate never decides which rows exist: `has_next` comes from the rows
themselves, a page past the estimated last page is shown when it has rows, and a page past the
real end counts exactly and shows the real last page. Orphans are not supported.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Field, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property


def ids_sql(queryset) -> tuple[str, tuple]:
    """The SQL of the ids of `queryset`'s rows: what counting and estimating need, without the
    columns, joins and sort of the rows themselves. Compiled once for both."""
    rows = queryset.order_by().values("pk")
    sql, params = rows.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def planner_estimate(queryset, ids=None) -> int | None:
    """PostgreSQL's estimate of the number of rows `queryset` returns (`EXPLAIN`: no rows are
    read); None on other databases. `ids`: `ids_sql(queryset)` when already compiled."""
    from django.db import connections

    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = ids or ids_sql(queryset)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def planner_estimate_sql(ids, connection) -> tuple[str, tuple] | None:
    """The planner's estimate of the rows of `ids` (`ids_sql`) as an SQL expression with its
    parameters, for the count's own statement; None on other databases than PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    # The ORM's SQL with its values written in by the driver, as one text parameter.
    return "planner_rows(%s)", (connection.ops.compose_sql(*ids),)


def rounded(number: int) -> int:
    """An estimate to two significant digits (6,392 becomes 6,400): no false precision."""
    if number < 100:
        return number
    scale = 10 ** (len(str(number)) - 2)
    return round(number / scale) * scale


# The column of the first page's rows that holds the capped count (removed from the rows).
_COUNTED = "_estimating_paginator_counted"
# With `estimate_first`: count nothing when the planner expects more than this times the limit.
ESTIMATE_MARGIN = 2


class EstimatedPage(Page):
    """A page that knows from its rows whether another page follows."""

    following = None  # whether one more row was fetched after the page; None: ask the count

    def has_next(self):
        return super().has_next() if self.following is None else self.following


class EstimatingPaginator(Paginator):
    """Django's Paginator over a queryset, counting lazily and exactly only up to `exact_up_to` rows.

    `values`: fields to fetch for a page's rows as dicts (`QuerySet.values`); counting leaves
    them out, so their joins never slow the count down.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        exact_up_to: int,
        values=(),
        estimate_first: bool = False,
        allow_empty_first_page=True,
        **kwargs,
    ):
        super().__init__(object_list, per_page, allow_empty_first_page=allow_empty_first_page, **kwargs)
        self.exact_up_to = exact_up_to
        self.values = tuple(values)
        self.estimate_first = estimate_first
        self._estimated = False
        self._rows_seen = 0  # rows known to exist: the end of the last page fetched
        self._pages_seen = 0  # pages known to exist

    def _capped_count_sql(self, ids) -> tuple[str, tuple]:
        """`SELECT COUNT(*) FROM (SELECT id ... LIMIT n)`: at most exact_up_to + 1 rows counted.

        On PostgreSQL `SELECT ARRAY[count, estimate]`, the estimate (`planner_estimate_sql`) only
        when the count reached the limit, else NULL. With `estimate_first` the estimate comes
        first, and beyond `ESTIMATE_MARGIN` times the limit `ARRAY[NULL, estimate]`: the rows are
        not counted (PostgreSQL evaluates the CASE's other branch only when it is taken)."""
        from django.db import connections

        # The ORM's own SQL with its parameters, and a LIMIT as a parameter: nothing typed goes in.
        counted = f"SELECT COUNT(*) FROM ({ids[0]} LIMIT %s) counted"  # noqa: S608
        params = (*ids[1], self.exact_up_to + 1)
        estimate = planner_estimate_sql(ids, connections[self.object_list.db])
        if estimate is None:
            return counted, params
        if self.estimate_first:
            return (
                "SELECT CASE WHEN planned.n > %s THEN ARRAY[NULL, planned.n] ELSE ("  # noqa: S608
                f"SELECT ARRAY[capped.n, CASE WHEN capped.n > %s THEN planned.n END] FROM ({counted}) capped(n)"
                f") END FROM (SELECT {estimate[0]}) planned(n)",
                (ESTIMATE_MARGIN * self.exact_up_to, self.exact_up_to, *params, *estimate[1]),
            )
        return (
            f"SELECT ARRAY[capped.n, CASE WHEN capped.n > %s THEN {estimate[0]} END] FROM ({counted}) capped(n)",  # noqa: S608
            (self.exact_up_to, *estimate[1], *params),
        )

    @cached_property
    def count(self):
        from django.db import connections

        try:
            ids = ids_sql(self.object_list)
        except EmptyResultSet:  # `none()` (a filter form with errors): nothing to count
            return 0
        with connections[self.object_list.db].cursor() as cursor:
            cursor.execute(*self._capped_count_sql(ids))
            counted = cursor.fetchone()[0]
        return self._count_from(counted, ids)

    def _count_from(self, counted, ids) -> int:
        """The count, from the capped count of the rows (or [that count, the planner's estimate
        or None]): exact up to the limit, estimated beyond."""
        estimate = None
        if isinstance(counted, list):
            counted, estimate = counted
        if counted is None:  # not counted: the planner expects far more than the limit
            self._estimated = True
            return max(rounded(estimate), self._rows_seen)
        if counted <= self.exact_up_to:
            return counted
        if estimate is None:
            estimate = planner_estimate(self.object_list, ids)
        if estimate is None:
            return self._exact_count()
        self._estimated = True
        return max(rounded(max(estimate, counted)), self._rows_seen)

    @property
    def count_is_estimate(self) -> bool:
        """Whether `count` is the planner's estimate (the page must then say "about")."""
        self.count  # noqa: B018 - counting decides it
        return self._estimated

    @cached_property
    def num_pages(self):
        # Never "page 300 of about 256": pages that were seen count too.
        return max(Paginator.num_pages.func(self), self._pages_seen)

    def _exact_count(self) -> int:
        return self.object_list.order_by().values("pk").count()

    def _exact(self, count: int) -> None:
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self._estimated = False

    @staticmethod
    def _page_number(number) -> int:
        """A whole page number from 1 on (Paginator.validate_number without the last page)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(Paginator.default_error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(Paginator.default_error_messages["min_page"])
        return number

    def get_page(self, number):
        """The page `number`; page 1 for a garbled or too low number, the last page for a too high one."""
        try:
            number = self._page_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        try:
            return self.page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        number = self._page_number(number)
        if number > 1:
            # A later page shows the count anyway; first, so a number past the end costs no extra query.
            self.count  # noqa: B018
        if "count" in self.__dict__ and not self._estimated:
            return super().page(number)  # the exact count is known: Django's own
        bottom = (number - 1) * self.per_page
        # Far past an estimate (a typed page number) is past the end without asking for rows.
        far = "count" in self.__dict__ and number > 2 * self.num_pages + 1
        if number == 1 and self.values and "count" not in self.__dict__:
            rows = self._first_rows_counted()
        else:
            rows = [] if far else list(self._rows()[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            # Past the real end: count them all and show the real last page.
            self._exact(self._exact_count())
            return super().page(self.num_pages)
        following = len(rows) > self.per_page
        if following:
            self._rows_seen = max(self._rows_seen, bottom + len(rows))
            self._pages_seen = max(self._pages_seen, number + 1)
            if "count" in self.__dict__:  # an estimate made before these rows were seen
                self.__dict__["count"] = max(self.count, self._rows_seen)
            self.__dict__.pop("num_pages", None)
        else:
            self._exact(bottom + len(rows))  # the last page: the count is in hand
        page = self._get_page(rows[: self.per_page], number, self)
        page.following = following
        return page

    def _rows(self):
        return self.object_list.values(*self.values) if self.values else self.object_list

    def _first_rows_counted(self) -> list[dict]:
        """The first page's rows (one more than a page) and the capped count in one statement: the
        count as a column of every row (a subquery PostgreSQL runs once). No rows: no rows to count."""
        try:
            ids = ids_sql(self.object_list)
        except EmptyResultSet:  # `none()`: nothing to ask the database
            self._exact(0)
            return []
        # A count, or on PostgreSQL [count, estimate]: handed over as the driver reads it.
        counted_sql = RawSQL(*self._capped_count_sql(ids), output_field=Field())  # noqa: S611 - the ORM's SQL
        rows = list(self._rows().annotate(**{_COUNTED: counted_sql})[: self.per_page + 1])
        counted = rows[0][_COUNTED] if rows else 0
        for row in rows:
            del row[_COUNTED]
        self.__dict__["count"] = self._count_from(counted, ids)
        self.__dict__.pop("num_pages", None)
        return rows

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet) and self.values:  # Django's own page(): rows as dicts too
            object_list = object_list.values(*self.values)
        return EstimatedPage(object_list, number, paginator)
