"""The officers' list uses its indexes on PostgreSQL (migrations 0005, 0006, 0018 and 0019).

The index expressions must be exactly what the ORM writes for `InitiativeQuerySet.search()`;
if either changes alone, PostgreSQL silently falls back to computing every row's tsvector.
These tests read the plan, so they catch that.
"""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from initiatives.models import Initiative
from tests.initiatives.factories import InitiativeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes; CI runs this on it"),
]


def plan(queryset, *, sort=True, walk_an_index=True) -> str:
    """The plan PostgreSQL would use on a big table: a small test table needs no index, so scans
    of the whole table (and, with sort=False, sorting; with walk_an_index=False, reading a
    whole index in its order and testing each row) are priced out."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sort:
            cursor.execute("SET LOCAL enable_sort = off")
        if not walk_an_index:
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_text_search_uses_an_index_for_each_of_its_conditions():
    InitiativeFactory.create_batch(3)
    text = plan(Initiative.objects.search("speeltuin"), walk_an_index=False)
    for index in ("init_search_dutch", "init_search_simple", "init_reference_prefix", "init_email_upper"):
        assert index in text, text


def test_text_search_does_not_test_every_hit_again():
    """Every condition of the search's OR is exact in its index, so the rows the indexes find
    are not filtered again one by one (with LIKE 'TEXT%' for the reference, PostgreSQL computed
    both tsvectors of every hit once more: migration 0019)."""
    InitiativeFactory.create_batch(3)
    text = plan(Initiative.objects.search("speeltuin"), walk_an_index=False)
    assert "BitmapOr" in text, text
    assert "Filter:" not in text, text


def test_each_dashboard_counter_reads_its_own_index():
    """A partial index serves only a query whose conditions imply the index's own: if a counter's
    rule changes without its index (migration 0018), PostgreSQL silently reads every row again."""
    from django.db.models import Q

    from tests.municipalities.factories import OfficerMembershipFactory

    membership = OfficerMembershipFactory()
    InitiativeFactory(village__municipality=membership.municipality)
    today = timezone.localdate()
    scoped = Initiative.objects.filter(municipality_id__in=[membership.municipality_id])
    conditions = scoped.dashboard_counter_conditions(user=membership.user, today=today)
    expected = {
        "new_unassigned": "init_count_unassigned",
        "first_response_overdue": "init_count_first_response",
        "decision_overdue": "init_count_decision",
        "publication_review": "init_count_publication",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'initiatives_initiative' "
            "AND indexname NOT LIKE %s AND indexname NOT LIKE %s",
            ["%pkey", "%key"],
        )
        others = [row[0] for row in cursor.fetchall()]
    for name, index in expected.items():
        condition = conditions[name]
        assert isinstance(condition, Q)
        # On a table of one row other indexes can cost the same (init_open_decdue serves overdue
        # decisions too): without them, the plan shows whether this index can serve the counter.
        with transaction.atomic():
            with connection.cursor() as cursor:
                for other in others:
                    if other != index:
                        cursor.execute(f'DROP INDEX "{other}"')
            text = plan(scoped.filter(condition).order_by().values("pk"), sort=False)
            transaction.set_rollback(True)
        assert index in text, (name, text)


def test_the_default_order_of_one_municipality_is_read_from_an_index():
    initiative = InitiativeFactory()
    queryset = Initiative.objects.filter(municipality_id__in=[initiative.municipality_id]).order_by(
        "-submitted_at", "-pk"
    )[:25]
    text = plan(queryset, sort=False)
    assert "init_muni_submitted" in text, text
    assert "Sort" not in text.split("init_muni_submitted")[0], text


def test_the_public_gallery_reads_its_newest_page_from_an_index():
    InitiativeFactory(publication_consent=True)
    queryset = Initiative.objects.published().select_related("village", "municipality").order_by("-submitted_at")[:20]
    text = plan(queryset)
    assert "init_published_recent" in text, text
