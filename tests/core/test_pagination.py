"""core.pagination: an exact count up to a limit, the planner's estimate beyond it, and pages
that never trust the estimate for which rows exist."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core import pagination
from core.pagination import EstimatingPaginator, planner_estimate, rounded

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def users():
    User.objects.bulk_create(User(username=f"user-{n:03d}") for n in range(23))
    return User.objects.order_by("username")


def constant_estimate(value):
    """A stand-in for `planner_estimate_sql` that gives `value` on PostgreSQL."""
    return lambda ids, connection: ("%s::bigint", (value,)) if connection.vendor == "postgresql" else None


@pytest.fixture
def estimate(monkeypatch):
    """The planner's estimate, set by the test (SQLite has none, PostgreSQL's depends on ANALYZE)."""

    def set_to(value):
        monkeypatch.setattr(pagination, "planner_estimate", lambda queryset, ids=None: value)
        # On PostgreSQL the count's statement asks for it itself: the same number, as a constant.
        monkeypatch.setattr(pagination, "planner_estimate_sql", constant_estimate(value))

    return set_to


def usernames(page):
    return [user.username for user in page.object_list]


@pytest.mark.parametrize(("number", "expected"), [(7, 7), (99, 99), (100, 100), (6392, 6400), (99_951, 100_000)])
def test_estimates_are_rounded_to_two_digits(number, expected):
    assert rounded(number) == expected


def test_up_to_the_limit_the_count_is_exact(users, estimate):
    estimate(1000)
    paginator = EstimatingPaginator(users, 5, exact_up_to=23)
    assert paginator.count == 23
    assert not paginator.count_is_estimate
    page = paginator.get_page(5)
    assert usernames(page) == ["user-020", "user-021", "user-022"]
    assert not page.has_next()
    assert paginator.num_pages == 5


def test_beyond_the_limit_the_count_is_the_estimate(users, estimate):
    estimate(41)
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    page = paginator.get_page(1)
    assert paginator.count == 41
    assert paginator.count_is_estimate
    assert usernames(page) == [f"user-{n:03d}" for n in range(5)]
    assert page.has_next()


def test_never_less_than_the_rows_counted(users, estimate):
    estimate(3)  # a planner that guesses far too low
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    assert paginator.count == 11
    assert paginator.count_is_estimate


def test_the_rows_decide_whether_there_is_a_next_page(users, estimate):
    estimate(1000)  # far too high: 23 rows are 5 pages
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    assert paginator.get_page(4).has_next()
    last = paginator.get_page(5)
    assert usernames(last) == ["user-020", "user-021", "user-022"]
    assert not last.has_next()


def test_a_page_past_the_estimated_end_is_shown_when_it_has_rows(users, estimate):
    estimate(12)  # too low: 3 pages by the estimate, 5 in fact
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    page = paginator.get_page(4)
    assert usernames(page) == [f"user-{n:03d}" for n in range(15, 20)]
    assert page.has_next()
    assert paginator.count_is_estimate
    assert paginator.count >= 21  # never fewer than the rows seen
    assert paginator.num_pages == 5  # never "page 4 of about 3"


def test_a_page_that_is_not_full_needs_no_count(users, estimate, django_assert_num_queries):
    estimate(1000)
    paginator = EstimatingPaginator(users.filter(username__lt="user-004"), 5, exact_up_to=10)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert paginator.count == 4
        assert not page.has_next()
    assert not paginator.count_is_estimate


@pytest.mark.parametrize("number", [6, 40, 10**30])
def test_a_page_past_the_real_end_counts_exactly_and_shows_the_last_page(users, estimate, number):
    estimate(1000)
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    page = paginator.get_page(number)
    assert not paginator.count_is_estimate
    assert paginator.count == 23
    assert page.number == 5
    assert usernames(page) == ["user-020", "user-021", "user-022"]


@pytest.mark.parametrize("number", ["abc", None, "1.5"])
def test_a_garbled_page_number_shows_the_first_page(users, estimate, number):
    estimate(1000)
    page = EstimatingPaginator(users, 5, exact_up_to=10).get_page(number)
    assert page.number == 1
    assert usernames(page)[0] == "user-000"


def test_without_an_estimate_the_count_is_exact(users, estimate):
    estimate(None)  # what other databases than PostgreSQL give
    paginator = EstimatingPaginator(users, 5, exact_up_to=10)
    assert paginator.count == 23
    assert not paginator.count_is_estimate


def test_an_empty_list(estimate):
    estimate(1000)
    paginator = EstimatingPaginator(User.objects.order_by("pk"), 5, exact_up_to=10)
    page = paginator.get_page(1)
    assert paginator.count == 0
    assert list(page.object_list) == []
    assert not page.has_next()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_postgresql_estimates_without_reading_the_rows(users, django_assert_num_queries):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")
    with django_assert_num_queries(1):
        estimated = planner_estimate(User.objects.filter(username__startswith="user-"))
    assert 1 <= estimated <= 100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
@pytest.mark.parametrize("values", [(), ("username",)])
def test_postgresql_estimates_in_the_counts_own_statement(users, django_assert_num_queries, values):
    """Beyond the limit the count's statement brings the planner's estimate (`planner_rows`,
    core migration 0003): a long list costs no statement more than a short one."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")
    expected = rounded(max(planner_estimate(users), 11))  # as the paginator rounds it
    with django_assert_num_queries(1):
        paginator = EstimatingPaginator(users, 5, exact_up_to=10, values=values)
        assert paginator.count == expected
        assert paginator.count_is_estimate
    if values:
        with django_assert_num_queries(1):  # the first page of values: its rows and the count together
            paginator = EstimatingPaginator(users, 5, exact_up_to=10, values=values)
            paginator.get_page(1)
            assert paginator.count_is_estimate


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a function of PostgreSQL's")
def test_planner_rows_estimates_a_select_only():
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT planner_rows('SELECT * FROM generate_series(1, 300)')")
        assert cursor.fetchone()[0] == 300
        with pytest.raises(DatabaseError, match="SELECT only"), transaction.atomic():
            cursor.execute("SELECT planner_rows('DELETE FROM auth_user')")


def test_other_databases_give_no_estimate(users):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL gives one")
    assert planner_estimate(User.objects.all()) is None


@pytest.mark.parametrize("number", [1, 3, 5])
def test_rows_as_values(users, estimate, number):
    estimate(1000)
    page = EstimatingPaginator(users, 5, exact_up_to=10, values=("username",)).get_page(number)
    assert page.object_list[0] == {"username": f"user-{(number - 1) * 5:03d}"}


def test_counting_leaves_the_values_joins_out(users):
    from django.test.utils import CaptureQueriesContext

    paginator = EstimatingPaginator(users, 5, exact_up_to=100, values=("username", "groups__name"))
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 23
    assert "JOIN" not in queries.captured_queries[0]["sql"]


def test_the_first_page_of_values_brings_its_count_in_the_same_query(users, django_assert_num_queries):
    with django_assert_num_queries(1):
        paginator = EstimatingPaginator(users, 5, exact_up_to=100, values=("username",))
        page = paginator.get_page(1)
        assert paginator.count == 23
        assert not paginator.count_is_estimate
        assert page.has_next()
        assert paginator.num_pages == 5
    assert page.object_list[0] == {"username": "user-000"}


def test_beyond_the_limit_the_first_page_of_values_says_it_estimates(users, estimate):
    estimate(41)
    paginator = EstimatingPaginator(users, 5, exact_up_to=10, values=("username",))
    page = paginator.get_page(1)
    assert paginator.count == 41
    assert paginator.count_is_estimate
    assert page.has_next()


def test_an_empty_queryset_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        paginator = EstimatingPaginator(User.objects.none(), 5, exact_up_to=10, values=("username",))
        page = paginator.get_page(1)
        assert paginator.count == 0
        assert list(page.object_list) == []


POSTGRESQL = connection.vendor == "postgresql"


@pytest.mark.parametrize("values", [(), ("username",)])
def test_estimate_first_trusts_a_planner_that_expects_far_more_than_the_limit(users, estimate, values):
    """`estimate_first` (a search of every municipality): beyond ESTIMATE_MARGIN times the limit
    the rows are not counted, so 23 rows under a limit of 100 show the estimate of 1,000; only
    PostgreSQL gives one, elsewhere the count stays exact."""
    estimate(1000)
    assert pagination.ESTIMATE_MARGIN * 100 < 1000
    paginator = EstimatingPaginator(users, 5, exact_up_to=100, values=values, estimate_first=True)
    page = paginator.get_page(1)
    assert paginator.count == (1000 if POSTGRESQL else 23)
    assert paginator.count_is_estimate is POSTGRESQL
    assert page.has_next()
    assert len(page.object_list) == 5


def test_estimate_first_counts_when_the_planner_expects_less_than_the_margin(users, estimate):
    estimate(150)  # above the limit, but not twice
    paginator = EstimatingPaginator(users, 5, exact_up_to=100, values=("username",), estimate_first=True)
    paginator.get_page(1)
    assert paginator.count == 23
    assert not paginator.count_is_estimate


def test_estimate_first_never_estimates_a_list_that_fits_on_its_first_page(users, estimate):
    """The rows themselves say there is no second page: the count is what they are."""
    estimate(1000)
    paginator = EstimatingPaginator(
        users.filter(username__lt="user-003"), 5, exact_up_to=100, values=("username",), estimate_first=True
    )
    page = paginator.get_page(1)
    assert paginator.count == 3
    assert not paginator.count_is_estimate
    assert not page.has_next()


def test_estimate_first_past_the_real_end_counts_and_shows_the_last_page(users, estimate):
    estimate(1000)
    page = EstimatingPaginator(users, 5, exact_up_to=100, values=("username",), estimate_first=True).get_page(30)
    assert page.number == 5
    assert page.paginator.count == 23
    assert not page.paginator.count_is_estimate


@pytest.mark.skipif(not POSTGRESQL, reason="the planner's estimate is PostgreSQL's")
def test_estimate_first_asks_the_planner_in_the_same_statement(users, django_assert_num_queries):
    """The estimate comes from the list's own statement (`planner_rows`), not one of its own; with
    the real planner 23 analysed rows are within the margin, so they are counted exactly."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")
    with django_assert_num_queries(1):
        paginator = EstimatingPaginator(users, 5, exact_up_to=10, values=("username",), estimate_first=True)
        paginator.get_page(1)
    assert paginator.count == rounded(max(planner_estimate(users), 11))
    assert paginator.count_is_estimate
    with django_assert_num_queries(1):
        paginator = EstimatingPaginator(users, 5, exact_up_to=100, values=("username",), estimate_first=True)
        paginator.get_page(1)
    assert paginator.count == 23
    assert not paginator.count_is_estimate
